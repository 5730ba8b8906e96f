import type { FastifyInstance } from 'fastify'
import { GraphError, KubernetesError } from '../errors/index.js'
import type { Throttle } from '../http/index.js'
import { sha256Hex } from '../util/index.js'
import { bearer } from './guard.js'

/**
 * Limits the admin listener per presented bearer token (issue #9 item 2), before the token is
 * looked up or verified: a caller flooding with one token spends no database or signature work.
 * The key is the token's SHA-256, so the table never holds a usable token. Requests without a
 * token pass on to the guard, which refuses them cheaply. The mint API answers in Kubernetes'
 * shape, the rest in Graph's.
 */
export function throttleAdminTokens(app: FastifyInstance, throttle: Throttle): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const token = bearer(request)
    const retryAfterSeconds = token === undefined ? undefined : throttle(sha256Hex(token))
    if (retryAfterSeconds === undefined) {
      done()
      return
    }
    done(
      request.routeOptions.config.protocol === 'kubernetes'
        ? KubernetesError.tooManyRequests(retryAfterSeconds)
        : GraphError.tooManyRequests(retryAfterSeconds),
    )
  })
}
