export {
  issueBootstrapToken,
  isBootstrapToken,
  revokeBootstrapToken,
  rotateBootstrapTokens,
} from './bootstrap_token.js'
export { requireAdmin } from './guard.js'
export {
  AdminAuthenticator,
  ADMIN_API_AUDIENCE,
  ADMIN_READ_ROLE,
  ADMIN_WRITE_ROLE,
  type AdminPrincipal,
  type AdminTokenVerifier,
} from './authenticator.js'
export { throttleAdminTokens } from './throttle.js'
