// wifkit/sdk (IF-70…IF-72): a client credential that reads AZURE_* and the token file and caches
// tokens. It imports nothing from the server, so it can ship as its own package.
export {
  WorkloadIdentityCredential,
  type WorkloadIdentityCredentialOptions,
  type GetTokenOptions,
  type AbortSignalLike,
} from './workload_identity_credential.js'
export { getAccessToken, type GetAccessTokenOptions } from './get_access_token.js'
export {
  CredentialUnavailableError,
  WorkloadIdentityError,
  type UnavailableReason,
  type TokenErrorDetails,
} from './errors.js'
export { DEFAULT_AUTHORITY_HOST, type IdentityOptions } from './options.js'
export type { AccessToken, TokenResponse } from './token_response.js'
export type { FetchFunction, TransportOptions } from './transport.js'
