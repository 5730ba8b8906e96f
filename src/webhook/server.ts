import type { Server } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { createApp, HttpMetrics, registerHealthRoutes } from '../http/index.js'
import { reviewAdmission, type AdmissionOutcome, type ServiceAccountLookup } from './admission.js'
import {
  readServingPair,
  serveRotatingCertificate,
  type MinTls,
  type ServingFiles,
} from './serving_tls.js'
import type { MutationConfig } from './types.js'

/** The API server caps a request near 3 MiB; a pod with many containers may come close. */
const REVIEW_BODY_LIMIT = 3 * 1024 * 1024
/** WL-6 names `/mutate-v1-pod` in the manifests; IF-60 documents `/mutate`. Both answer. */
export const MUTATE_PATHS = ['/mutate', '/mutate-v1-pod'] as const

/** What `wifkit webhook serve` wires together (IF-60). */
export interface WebhookServerOptions {
  host: string
  port: number
  tls: ServingFiles & { minVersion: MinTls }
  /** How often the certificate files are polled for a change (WL-9). */
  reloadIntervalMs: number
  config: MutationConfig
  lookup: ServiceAccountLookup
  logger: Logger
}

/** A listening webhook. */
export interface WebhookServer {
  app: FastifyInstance
  port: number
  close(): Promise<void>
}

/**
 * Starts the admission webhook over HTTPS: AdmissionReview at both mutate paths, `/healthz`,
 * `/readyz` and `/metrics` on the same listener (IF-60, WL-11). The body is parsed by the
 * handler, not the framework, so an undecodable one still gets an AdmissionReview (WL-41).
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const metrics = new HttpMetrics()
  const admissions = metrics.counter(
    'wifkit_webhook_admissions_total',
    'AdmissionReviews answered, by result: injected, unchanged, skipped, denied, error.',
    ['result'],
  )
  const app = createApp({
    listener: 'webhook',
    logger: options.logger,
    tls: readServingPair(options.tls),
    metrics,
    now: () => new Date(),
  })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  for (const path of MUTATE_PATHS) {
    app.post(path, { bodyLimit: REVIEW_BODY_LIMIT }, async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : ''
      const outcome = await reviewAdmission(body, options.lookup, options.config)
      admissions.inc({ result: outcome.result })
      logOutcome(options.logger, String(request.id), outcome)
      return reply.type('application/json').send(outcome.review)
    })
  }
  registerHealthRoutes(app, async () => undefined, metrics)
  // Before listening, so that no connection is ever offered createApp's TLS 1.2 floor (WL-9).
  const stop = serveRotatingCertificate(
    app.server as unknown as Server,
    options.tls,
    options.tls.minVersion,
    options.logger,
    options.reloadIntervalMs,
  )
  try {
    await app.listen({ host: options.host, port: options.port })
  } catch (error) {
    stop()
    await app.close()
    throw error
  }
  const address = app.server.address()
  return {
    app,
    port: typeof address === 'object' && address ? address.port : options.port,
    async close() {
      stop()
      await app.close()
    },
  }
}

/** STYLE.md §2.18: which pod, what was injected or why not; never tokens or pod contents. */
function logOutcome(logger: Logger, reqId: string, outcome: AdmissionOutcome): void {
  const { response } = outcome.review
  const facts = {
    reqId,
    uid: response.uid,
    pod: outcome.pod,
    result: outcome.result,
    decisions: outcome.decisions,
    warnings: response.warnings,
  }
  if (outcome.result === 'error') logger.error({ ...facts, err: outcome.cause }, 'admission failed')
  else if (outcome.result === 'denied') logger.warn(facts, 'admission denied')
  else logger.info(facts, 'admission answered')
}
