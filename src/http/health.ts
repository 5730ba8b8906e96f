import type { FastifyInstance } from 'fastify'
import type { HttpMetrics } from './metrics.js'

/**
 * `/healthz` (the process answers), `/readyz` (storage reachable, keys loaded) and, where a
 * registry is given, `/metrics` in Prometheus text (IF-23).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  ready: () => Promise<string | undefined>,
  metrics?: HttpMetrics,
): void {
  app.get('/healthz', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  )
  app.get('/readyz', async (_request, reply) => {
    const problem = await ready().catch((error: Error) => error.message)
    reply.header('cache-control', 'no-store')
    if (problem !== undefined)
      return reply.status(503).send({ status: 'not ready', reason: problem })
    return reply.send({ status: 'ready' })
  })
  if (metrics) {
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    )
  }
}
