import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { RequestListener } from 'node:http'
import { DEFAULT_LIMITS } from '../config/index.js'
import { exceedsJsonDepth } from '../util/index.js'
import { BodyShapeError, jsonTooDeepMessage } from './body_shape.js'
import { installErrorHandling } from './error_handling.js'
import type { HostDispatch } from './host_dispatch.js'
import { createListenerServer, type ConnectionLimits } from './listener_server.js'
import type { HttpMetrics } from './metrics.js'

/**
 * Request ids unique within a process and across processes: a random per-process prefix and a
 * counter. Cheaper than a UUID per request, which the JWKS route measurably paid for.
 */
function requestIds(): () => string {
  const prefix = randomUUID().slice(0, 8)
  let next = 0
  return () => `${prefix}-${(next++).toString(36)}`
}

/** Which protocol's error shape a route speaks; set as route `config.protocol`. */
export type Protocol = 'kubernetes' | 'graph' | 'oauth' | 'keyvault' | 'plain'

declare module 'fastify' {
  interface FastifyContextConfig {
    protocol?: Protocol
  }
  interface FastifyRequest {
    /** Extra facts a protocol's error renderer needs (e.g. Entra's trace and correlation ids). */
    renderExtras: Record<string, unknown> | null
  }
}

export interface AppOptions {
  /** `public` or `admin`: a label for logs and metrics. */
  listener: string
  logger: Logger
  tls?: { cert: string; key: string }
  metrics: HttpMetrics
  now: () => Date
  /** The error shape of framework errors and of the 404 handler; default `plain`. */
  protocol?: Protocol
  /** Hosts answered by another app on this listener (vault hosts, KV-1). */
  hosts?: HostDispatch
  /** Largest request body in bytes; default 64 KiB. */
  bodyLimit?: number
  /** Connection bounds and the deepest JSON body accepted; default `DEFAULT_LIMITS` (issue #9). */
  limits?: ConnectionLimits & { maxJsonDepth: number }
  /** True for errors that mean the database is away: they answer 503 (issue #7 item 4). */
  isUnavailable?: (error: unknown) => boolean
}

/**
 * A Fastify instance with wifkit's common behaviour: request ids, one error hook rendering each
 * protocol's shape, JSON bodies only, bounded body size and depth, bounded connections, the shared
 * TLS policy with HSTS, and per-request metrics.
 */
export function createApp(options: AppOptions): FastifyInstance {
  const { tls, hosts } = options
  const limits = options.limits ?? DEFAULT_LIMITS
  const app = Fastify({
    loggerInstance: options.logger.child({ listener: options.listener }),
    // Always our own server: Fastify would apply neither maxHeaderSize nor the timeouts to a
    // server it did not create, and the vault hosts need one anyway (KV-1).
    serverFactory: (handler: RequestListener) =>
      createListenerServer(hosts ? hosts.listener(handler) : handler, tls, limits),
    genReqId: requestIds(),
    // No child logger per request: building one cost the JWKS route a measurable share of its
    // throughput (bench/). Log lines carry `reqId` explicitly instead.
    childLoggerFactory: (logger) => logger,
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // ARM names reach 128 characters and FIC names 120 (IF-34, STS-61): past find-my-way's
    // default of 100 a path parameter would make its route a 404.
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 256 },
    // One summary line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance
  // Callback style, not async: this runs on every request and a promise per call is measurable.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    options.metrics.observe(
      options.listener,
      request.method,
      route,
      reply.statusCode,
      reply.elapsedTime,
    )
    // Successes are debug: verifiers fetch the documents constantly and an access log line per
    // fetch would drown the log. Failures keep STYLE.md §2.18's levels.
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'warn' : 'debug'
    const log = request.log as Logger
    if (log.isLevelEnabled(level))
      log[level](
        {
          reqId: request.id,
          method: request.method,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      )
    done()
  })
  // JSON bodies only: Fastify also parses text/plain by default, which handed admin and mint
  // routes a string they refused as a 400 "not a JSON object" instead of a 415 (issue #9 item 4).
  // Routes with other bodies (the token form, vault, webhook) install their own parsers.
  app.removeContentTypeParser('text/plain')
  app.decorateRequest('renderExtras', null)
  // After parsing, before any handler: a deep body could exhaust a handler's recursion (issue #9).
  app.addHook('preValidation', (request, _reply, done) => {
    if (exceedsJsonDepth(request.body, limits.maxJsonDepth)) {
      done(new BodyShapeError(jsonTooDeepMessage(limits.maxJsonDepth)))
    } else done()
  })
  installErrorHandling(app, options.now, options.protocol, options.isUnavailable)
  return app
}
