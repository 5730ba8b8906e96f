import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  EntraError,
  OAuthError,
  say,
  GraphError,
  KeyVaultError,
  KubernetesError,
  WireError,
  type KubernetesReason,
  type GraphCode,
} from '../errors/index.js'
import type { Protocol } from './app.js'

/** A plain JSON error for routes with no protocol of their own (issuer documents, health). */
class PlainError extends WireError {
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(status, message)
    this.code = code
  }
  render(): unknown {
    return { error: this.code, message: this.message }
  }
}

const KUBE_REASON: Record<number, KubernetesReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  503: 'ServiceUnavailable',
}
const GRAPH_CODE: Record<number, GraphCode> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'Request_ResourceNotFound',
  405: 'MethodNotAllowed',
  413: 'BadRequest',
  415: 'UnsupportedMediaType',
  503: 'serviceNotAvailable',
}

/**
 * Turns a framework error (bad JSON, body too large, wrong content type) or an unexpected throw
 * into the route's protocol. Client errors keep Fastify's message; server errors say nothing.
 */
function asWireError(error: FastifyError, protocol: Protocol, bodyLimit: number): WireError {
  const status =
    error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 500
  const message = status === 500 ? 'internal server error' : error.message
  if (protocol === 'oauth') return oauthError(status, error, bodyLimit)
  if (protocol === 'kubernetes')
    return new KubernetesError(
      KUBE_REASON[status] ?? (status === 500 ? 'InternalError' : 'BadRequest'),
      message,
    )
  if (protocol === 'keyvault') return keyVaultError(status, message)
  if (protocol === 'graph')
    return new GraphError(
      status,
      GRAPH_CODE[status] ?? (status === 500 ? 'generalException' : 'BadRequest'),
      message,
    )
  return new PlainError(status, status === 500 ? 'server_error' : 'bad_request', message)
}

/** keyvault.md §9: client faults are `BadParameter`, server faults say nothing (KV-80). */
function keyVaultError(status: number, message: string): WireError {
  if (status === 500) return new KeyVaultError(500, 'InternalServerError', 'Internal server error.')
  if (status === 503) return new KeyVaultError(503, 'ServiceUnavailable', 'Service unavailable.')
  if (status === 404) return KeyVaultError.notFound(message)
  return KeyVaultError.badParameter(message)
}

/** Rows 1 and 2 of sts.md §7 arise in the framework; anything else is a fault (STS-115). */
function oauthError(status: number, error: FastifyError, bodyLimit: number): WireError {
  if (status === 413) return new EntraError('requestTooLarge', say.requestTooLarge(bodyLimit))
  if (status === 405) return new EntraError('methodNotAllowed', say.methodNotAllowed('this'))
  if (status >= 400 && status < 500) {
    return new OAuthError(status, 'invalid_request', 'The request is malformed.', {
      detail: error.message,
    })
  }
  return OAuthError.serverError({ cause: error })
}

/** Seconds a client should wait before retrying while the database is away. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5
const UNAVAILABLE_MESSAGE = 'storage unavailable, retry later'

/**
 * The 503 each protocol answers while the database cannot be reached (issue #7 item 4, ADR 0010):
 * Entra's `temporarily_unavailable` shape without `error_codes` (STS-115), Graph's
 * `serviceNotAvailable`, Key Vault's `ServiceUnavailable`, Kubernetes' `ServiceUnavailable`.
 */
function unavailableError(protocol: Protocol, cause: unknown): WireError {
  if (protocol === 'oauth') {
    return new OAuthError(
      503,
      'temporarily_unavailable',
      'The service is temporarily unavailable. Retry the request later.',
      { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, cause },
    )
  }
  if (protocol === 'keyvault') {
    return new KeyVaultError(503, 'ServiceUnavailable', 'Service unavailable. Retry later.', {
      retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
      cause,
    })
  }
  if (protocol === 'kubernetes') {
    return new KubernetesError('ServiceUnavailable', UNAVAILABLE_MESSAGE, [], { cause })
  }
  if (protocol === 'graph') {
    return new GraphError(503, 'serviceNotAvailable', UNAVAILABLE_MESSAGE, { cause })
  }
  return new PlainError(503, 'unavailable', UNAVAILABLE_MESSAGE)
}

/**
 * Installs the one error hook and the 404 handler of an app (STYLE.md §4, thin handlers).
 * `isUnavailable` tells a database outage from a fault; the composition root supplies the store's
 * classifier, since `http/` knows no store.
 */
export function installErrorHandling(
  app: FastifyInstance,
  now: () => Date,
  defaultProtocol: Protocol = 'plain',
  isUnavailable: (error: unknown) => boolean = () => false,
): void {
  const send = (request: FastifyRequest, reply: FastifyReply, error: WireError) => {
    if (error.status >= 500)
      request.log.error(
        { reqId: request.id, err: error.cause ?? error, detail: error.detail },
        error.message,
      )
    else if (error.detail !== undefined)
      request.log.warn({ reqId: request.id, detail: error.detail }, error.message)
    return reply
      .status(error.status)
      .headers({ 'cache-control': 'no-store', ...error.headers() })
      .type('application/json; charset=utf-8')
      .send(error.render({ requestId: String(request.id), now: now(), ...request.renderExtras }))
  }
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const protocol = request.routeOptions.config.protocol ?? defaultProtocol
    // A protocol error that only wraps the outage (a 500 with the driver's error as cause) is
    // the outage too; a deliberate 4xx stays what it is.
    if ((!(error instanceof WireError) || error.status >= 500) && isUnavailable(error)) {
      return send(request, reply, unavailableError(protocol, error))
    }
    if (error instanceof WireError) return send(request, reply, error)
    const wire = asWireError(error, protocol, request.routeOptions.bodyLimit)
    if (wire.status >= 500) request.log.error({ reqId: request.id, err: error }, 'unhandled error')
    return send(request, reply, wire)
  })
  app.setNotFoundHandler((request, reply) => {
    const message = `no resource at ${request.method} ${request.url.split('?')[0]}`
    const error =
      defaultProtocol === 'keyvault'
        ? KeyVaultError.notFound(message)
        : new PlainError(404, 'not_found', message)
    return send(request, reply, error)
  })
}

/** A 405 with the `Allow` header (ISS-72). */
export class MethodNotAllowedError extends PlainError {
  readonly allow: string
  constructor(allow: string) {
    super(405, 'method_not_allowed', `only ${allow} are allowed here`)
    this.allow = allow
  }
  override headers(): Record<string, string> {
    return { allow: this.allow }
  }
}

/** A plain 404, e.g. an unknown issuer (ISS-76). */
export function notFound(message: string): WireError {
  return new PlainError(404, 'not_found', message)
}
