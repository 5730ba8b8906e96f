export { WireError, type RenderContext, type ErrorExtras } from './wire_error.js'
export { KubernetesError, type KubernetesReason, type FieldCause } from './kubernetes.js'
export { GraphError, type GraphCode } from './graph.js'
export { ArmError, type ArmCode } from './arm.js'
export { ConfigError, type ConfigIssue } from './config.js'
export { UsageError } from './usage.js'
export {
  OAuthError,
  type OAuthErrorCode,
  type OAuthErrorExtras,
  type OAuthRenderContext,
} from './oauth.js'
export { EntraError, type AadstsName } from './entra.js'
export { say } from './entra_messages.js'
export { KeyVaultError, type KeyVaultCode, type KeyVaultErrorExtras } from './keyvault.js'
