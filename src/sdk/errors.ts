// The SDK's two error classes (WL-66): "unavailable" for a credential that cannot even try (so a
// credential chain moves on, CL-13), and a token-endpoint failure that carries Entra's wire codes.

/** Why a credential cannot run: a closed set callers may branch on. */
export type UnavailableReason =
  | 'missing_client_id'
  | 'missing_tenant_id'
  | 'missing_token_file'
  | 'invalid_authority_host'
  | 'token_file_unreadable'
  | 'discovery_failed'
  | 'tenant_not_allowed'

/**
 * The credential is not configured or its environment is not usable: a missing variable, an
 * unreadable token file, a failed discovery. Named like @azure/identity's class, which
 * `ChainedTokenCredential` recognises by `name` to try the next credential.
 */
export class CredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError'
  /** Which precondition failed. */
  readonly reason: UnavailableReason

  constructor(reason: UnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
  }
}

/** What the token endpoint said, as far as it said it (sts.md §9). */
export interface TokenErrorDetails {
  /** HTTP status; absent when no answer arrived. */
  status?: number
  /** The OAuth `error`, or `network_error` / `invalid_response` for an unusable answer. */
  error: string
  description?: string
  /** `error_codes`: the AADSTS numbers, e.g. `[700024]`. */
  aadsts?: readonly number[]
  traceId?: string
  correlationId?: string
}

/**
 * The token endpoint refused or failed (WL-66). Carries the OAuth `error`, the AADSTS codes and
 * both ids; its message never holds the assertion or a token.
 */
export class WorkloadIdentityError extends Error {
  override readonly name = 'WorkloadIdentityError'
  readonly status: number | undefined
  readonly error: string
  readonly aadsts: readonly number[]
  readonly traceId: string | undefined
  readonly correlationId: string | undefined

  constructor(details: TokenErrorDetails, options?: { cause?: unknown }) {
    const status = details.status === undefined ? '' : ` (HTTP ${details.status})`
    super(`${details.error}${status}: ${details.description ?? 'no description'}`, options)
    this.status = details.status
    this.error = details.error
    this.aadsts = details.aadsts ?? []
    this.traceId = details.traceId
    this.correlationId = details.correlationId
  }
}
