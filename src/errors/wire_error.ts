/** What a renderer may put into an error body besides the error itself. */
export interface RenderContext {
  requestId: string
  now: Date
  /** Entra's per-request ids (STS-34, STS-112), set by the token endpoint. */
  traceId?: string
  correlationId?: string
  /** The STS authority, for `error_uri` (STS-113). */
  errorUriBase?: string
}

/** Optional private facts: they reach the log, never the wire (STYLE.md §2.5). */
export interface ErrorExtras {
  detail?: string
  cause?: unknown
}

/** The private facts plus the one public fact any protocol's error may carry: when to retry. */
export interface RetryableErrorExtras extends ErrorExtras {
  /** Sent as `Retry-After`, in whole seconds (429 and 503). */
  retryAfterSeconds?: number
}

/**
 * The base of every protocol error. Each subclass owns one wire shape and renders it from an
 * allowlist of fields; `detail` and `cause` stay private.
 */
export abstract class WireError extends Error {
  readonly status: number
  readonly detail: string | undefined
  readonly retryAfterSeconds: number | undefined
  constructor(status: number, message: string, extras: RetryableErrorExtras = {}) {
    super(message, extras.cause === undefined ? undefined : { cause: extras.cause })
    this.status = status
    this.detail = extras.detail
    this.retryAfterSeconds = extras.retryAfterSeconds
  }
  /** Extra response headers: `Retry-After` when set; subclasses add theirs, e.g. `Allow`. */
  headers(): Record<string, string> {
    return this.retryAfterSeconds === undefined
      ? {}
      : { 'retry-after': String(this.retryAfterSeconds) }
  }
  /** The JSON body to send. */
  abstract render(context: RenderContext): unknown
}
