export {
  IssuerService,
  type IssuerSettings,
  type IssuerDescription,
  ROTATION_SKEW_SECONDS,
} from './issuer_service.js'
export { registerIssuerPublicRoutes } from './public_routes.js'
export { registerMintRoutes } from './mint_routes.js'
export { registerIssuerAdminRoutes } from './admin_routes.js'
export { checkIssuerUrl, discoveryUrl, jwksUrl } from './issuer_url.js'
export { planServiceAccountToken, type MintRequest, type ServiceAccountClaims } from './claims.js'
export { discoveryDocument, jwksDocument } from './documents.js'
export { dns1123LabelProblem, dns1123SubdomainProblem } from './names.js'
