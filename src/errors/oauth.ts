import {
  WireError,
  type ErrorExtras,
  type RetryableErrorExtras,
  type RenderContext,
} from './wire_error.js'

export type { ErrorExtras } from './wire_error.js'

/** The OAuth `error` values the STS answers with (RFC 6749 §5.2, RFC 8707, sts.md §7 and §9). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'temporarily_unavailable'
  | 'server_error'

/** Private extras plus the one public extra an OAuth error may carry: when to retry (STS-115). */
export type OAuthErrorExtras = RetryableErrorExtras

/**
 * What the token endpoint may add to the render context. The ids fall back to `requestId`;
 * `errorUriBase` is the STS authority `A` (STS-113); `exposeDetail` appends the private detail to
 * the description, for `wifkit dev` only, where caller and operator are one person (STS-83).
 */
export type OAuthRenderContext = RenderContext & {
  traceId?: string
  correlationId?: string
  errorUriBase?: string
  exposeDetail?: boolean
}

// STS-115: overload and internal faults carry no AADSTS number, so no `error_codes`.
const WITHOUT_CODES: ReadonlySet<OAuthErrorCode> = new Set([
  'temporarily_unavailable',
  'server_error',
])

/** `YYYY-MM-DD HH:MM:SSZ` in UTC (STS-112). */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`
}

/**
 * An error of the token endpoint, rendered as Entra renders it (sts.md §9). `message` is the
 * public description; `detail` and `cause` go only to the log and the sign-in log.
 */
export class OAuthError extends WireError {
  readonly error: OAuthErrorCode
  constructor(
    status: number,
    error: OAuthErrorCode,
    message: string,
    extras: OAuthErrorExtras = {},
  ) {
    super(status, message, extras)
    this.error = error
  }

  /** 500 with a fixed description; the real fault stays in `cause` (STS-115, STYLE.md §2.5). */
  static serverError(extras: ErrorExtras = {}): OAuthError {
    return new OAuthError(500, 'server_error', 'An internal error occurred.', extras)
  }

  /** 429 with `Retry-After`: the server is overloaded (STS-115). */
  static temporarilyUnavailable(retryAfterSeconds: number): OAuthError {
    return new OAuthError(
      429,
      'temporarily_unavailable',
      'The service is temporarily unavailable. Retry the request later.',
      { retryAfterSeconds },
    )
  }

  /** The AADSTS numbers for `error_codes`; none for a plain OAuth error. */
  protected errorCodes(): readonly number[] {
    return []
  }

  /** STS-116 / STS-120: no cache may keep an error; 429 says when to come back. */
  override headers(): Record<string, string> {
    return {
      'cache-control': 'no-store, no-cache',
      pragma: 'no-cache',
      expires: '-1',
      ...super.headers(),
    }
  }

  /** Entra's error body, member by member and in Entra's order (STS-110…STS-113). */
  render(context: OAuthRenderContext): unknown {
    const traceId = context.traceId ?? context.requestId
    const correlationId = context.correlationId ?? context.requestId
    const timestamp = entraTimestamp(context.now)
    const text =
      context.exposeDetail === true && this.detail !== undefined
        ? `${this.message} Detail: ${this.detail}`
        : this.message
    const codes = WITHOUT_CODES.has(this.error) ? [] : this.errorCodes()
    const first = codes[0]
    return {
      error: this.error,
      error_description: `${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      ...(codes.length > 0 ? { error_codes: [...codes] } : {}),
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      ...(first !== undefined && context.errorUriBase !== undefined
        ? { error_uri: `${context.errorUriBase.replace(/\/$/, '')}/error?code=${first}` }
        : {}),
    }
  }
}
