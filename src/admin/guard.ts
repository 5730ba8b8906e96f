import type { FastifyRequest } from 'fastify'
import { GraphError, KubernetesError } from '../errors/index.js'
import type { Store } from '../store/index.js'
import { isBootstrapToken } from './bootstrap_token.js'

/** Which protocol the failure is told in: the mint API speaks Kubernetes, the rest Graph. */
type Dialect = 'graph' | 'kubernetes'

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header)
  return match?.[1]
}

/**
 * An onRequest hook that admits only a valid admin bearer token (interfaces.md §4): missing or bad
 * token → 401, before any body is read. STS access tokens with `Application.ReadWrite.All` join with the STS issue.
 */
export function requireAdmin(store: Store, dialect: Dialect) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearer(request)
    const ok = token !== undefined && (await isBootstrapToken(store, token))
    if (ok) return
    const message =
      token === undefined
        ? 'an Authorization: Bearer <admin token> header is required'
        : 'the admin token is not valid'
    if (dialect === 'kubernetes') throw new KubernetesError('Unauthorized', message)
    throw new GraphError(401, 'InvalidAuthenticationToken', message)
  }
}
