import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { installErrorHandling } from './error_handling.js'
import type { HttpMetrics } from './metrics.js'

/** Which protocol's error shape a route speaks; set as route `config.protocol`. */
export type Protocol = 'kubernetes' | 'graph' | 'plain'

declare module 'fastify' {
  interface FastifyContextConfig {
    protocol?: Protocol
  }
}

export interface AppOptions {
  /** `public` or `admin`: a label for logs and metrics. */
  listener: string
  logger: Logger
  tls?: { cert: string; key: string }
  metrics: HttpMetrics
  now: () => Date
}

/**
 * A Fastify instance with wifkit's common behaviour: request ids, one error hook rendering each
 * protocol's shape, JSON bodies only, bounded body size, and per-request metrics.
 */
export function createApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ listener: options.listener }),
    ...(options.tls
      ? { https: { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' } }
      : {}),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreDuplicateSlashes: false },
    // One summary line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    options.metrics.observe(
      options.listener,
      request.method,
      route,
      reply.statusCode,
      reply.elapsedTime,
    )
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'warn' : 'info'
    request.log[level](
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    )
  })
  installErrorHandling(app, options.now)
  return app
}
