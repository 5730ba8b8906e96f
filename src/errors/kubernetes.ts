import { WireError, type RetryableErrorExtras, type RenderContext } from './wire_error.js'

/** Kubernetes `StatusReason` values the mint API answers with. */
export type KubernetesReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'

const STATUS_OF: Record<KubernetesReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  UnsupportedMediaType: 415,
  RequestEntityTooLarge: 413,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
}

/** One invalid field, as in a Kubernetes `StatusCause`. */
export interface FieldCause {
  field: string
  message: string
}

/**
 * An error of the TokenRequest (mint) API, rendered as a Kubernetes `Status` object so that
 * clients written for kube-apiserver read it as they would a real one.
 */
export class KubernetesError extends WireError {
  readonly reason: KubernetesReason
  readonly causes: readonly FieldCause[]
  constructor(
    reason: KubernetesReason,
    message: string,
    causes: readonly FieldCause[] = [],
    extras?: RetryableErrorExtras,
  ) {
    super(STATUS_OF[reason], message, extras)
    this.reason = reason
    this.causes = causes
  }

  /** 429 as kube-apiserver throttles: `Retry-After` and `details.retryAfterSeconds`. */
  static tooManyRequests(retryAfterSeconds: number): KubernetesError {
    return new KubernetesError(
      'TooManyRequests',
      'Too many requests, please try again later.',
      [],
      {
        retryAfterSeconds,
      },
    )
  }

  /** A 400 naming one invalid field, e.g. `spec.expirationSeconds`. */
  static invalidField(field: string, message: string): KubernetesError {
    return new KubernetesError('BadRequest', `${field}: ${message}`, [{ field, message }])
  }

  render(_context: RenderContext): unknown {
    const body: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    }
    if (this.retryAfterSeconds !== undefined) {
      body.details = { retryAfterSeconds: this.retryAfterSeconds }
    } else if (this.causes.length > 0) {
      body.details = {
        causes: this.causes.map((c) => ({
          reason: 'FieldValueInvalid',
          message: c.message,
          field: c.field,
        })),
      }
    }
    body.code = this.status
    return body
  }
}
