export { mutatePod, type Mutation } from './mutate.js'
export {
  diffToJsonPatch,
  escapePointerToken,
  type Json,
  type JsonPatchOperation,
} from './json_patch.js'
export { WebhookError, type WebhookErrorCode } from './webhook_error.js'
export { resolveTokenExpiration, type ExpirationSource } from './token_expiration.js'
export * from './constants.js'
export type * from './types.js'
export {
  reviewAdmission,
  type AdmissionOutcome,
  type AdmissionResponse,
  type AdmissionResult,
  type ServiceAccountLookup,
} from './admission.js'
export {
  resolveWebhookConfig,
  parseWebhookSettings,
  type WebhookSettings,
} from './webhook_config.js'
export { loadKubeAccess, type KubeAccess } from './kube_config.js'
export { ServiceAccountSource } from './service_accounts.js'
export { startWebhookServer, type WebhookServer, type WebhookServerOptions } from './server.js'
export type { MinTls, ServingFiles } from './serving_tls.js'
export { createServingCertificates, type ServingCertificates } from './serving_ca.js'
export {
  webhookManifests,
  renderManifests,
  serviceDnsNames,
  DEFAULT_WEBHOOK_IMAGE,
  DEFAULT_WEBHOOK_NAMESPACE,
  WEBHOOK_NAME,
  type KubeObject,
  type ManifestOptions,
  type ManifestTls,
} from './manifests.js'
