export { TokenService, STS_KEY_OWNER, type TokenServiceSettings } from './token_service.js'
export { registerStsRoutes, type StsRouteDeps } from './routes.js'
export { SignInLog } from './sign_in_log.js'
export { IssuerKeyCache, IssuerMetadataError } from './federation/issuer_keys.js'
export {
  HostedFirstIssuerKeys,
  type HostedKey,
  type IssuerKeySource,
} from './federation/hosted_issuer_keys.js'
export { stsIssuer, tenantDiscoveryDocument } from './discovery.js'
export {
  matchFederatedCredential,
  publicHint,
  type Fic,
  type FicMatch,
} from './federation/match.js'
export { parseAssertion } from './federation/assertion.js'
export { explainExchange, type Explanation } from './explain.js'
export { DirectoryService } from './directory_service.js'
export { adminTenantOf, registerDirectoryAdminRoutes } from './admin_routes.js'
export { registerManagedIdentityRoutes } from './arm_routes.js'
export { adminTokenVerifier } from './admin_token_verifier.js'
export { ensureStsKey, maintainStsKeys } from './sts_keys.js'
