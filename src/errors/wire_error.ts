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

/**
 * The base of every protocol error. Each subclass owns one wire shape and renders it from an
 * allowlist of fields; `detail` and `cause` stay private.
 */
export abstract class WireError extends Error {
  readonly status: number
  readonly detail: string | undefined
  constructor(status: number, message: string, extras: ErrorExtras = {}) {
    super(message, extras.cause === undefined ? undefined : { cause: extras.cause })
    this.status = status
    this.detail = extras.detail
  }
  /** Extra response headers, e.g. `Allow` on a 405. */
  headers(): Record<string, string> {
    return {}
  }
  /** The JSON body to send. */
  abstract render(context: RenderContext): unknown
}
