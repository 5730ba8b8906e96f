import { WireError, type RetryableErrorExtras, type RenderContext } from './wire_error.js'

/** Microsoft Graph error codes used by the admin API. */
export type GraphCode =
  | 'BadRequest'
  | 'Request_BadRequest'
  | 'InvalidAuthenticationToken'
  | 'Authorization_RequestDenied'
  | 'Request_ResourceNotFound'
  | 'Request_MultipleObjectsWithSameKeyValue'
  | 'Conflict'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'serviceNotAvailable'
  | 'generalException'

/**
 * An admin API error in Microsoft Graph's shape:
 * `{"error":{"code","message","innerError":{"request-id","date"}}}` (interfaces.md §4).
 */
export class GraphError extends WireError {
  readonly code: GraphCode
  constructor(status: number, code: GraphCode, message: string, extras?: RetryableErrorExtras) {
    super(status, message, extras)
    this.code = code
  }

  /** 429 with `Retry-After`, as Graph throttles a caller (issue #9 item 2). */
  static tooManyRequests(retryAfterSeconds: number): GraphError {
    return new GraphError(
      429,
      'TooManyRequests',
      'Too many requests from this token; retry after the Retry-After interval.',
      { retryAfterSeconds },
    )
  }

  static badRequest(message: string): GraphError {
    return new GraphError(400, 'Request_BadRequest', message)
  }

  static notFound(message: string): GraphError {
    return new GraphError(404, 'Request_ResourceNotFound', message)
  }

  render(context: RenderContext): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: {
          'request-id': context.requestId,
          date: context.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      },
    }
  }
}
