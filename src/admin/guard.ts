import type { FastifyRequest } from 'fastify'
import { GraphError, KubernetesError } from '../errors/index.js'
import {
  ADMIN_READ_ROLE,
  ADMIN_WRITE_ROLE,
  type AdminAuthenticator,
  type AdminPrincipal,
} from './authenticator.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireAdmin` once the caller is known. */
    adminPrincipal: AdminPrincipal | null
  }
}

/** Which protocol the failure is told in: the mint API speaks Kubernetes, the rest Graph. */
type Dialect = 'graph' | 'kubernetes'

/** The token of an `Authorization: Bearer` header, if the header is well formed. */
export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header)
  return match?.[1]
}

const READS = new Set(['GET', 'HEAD'])

function refuse(dialect: Dialect, status: 401 | 403, message: string): Error {
  if (dialect === 'kubernetes') {
    return new KubernetesError(status === 401 ? 'Unauthorized' : 'Forbidden', message)
  }
  return status === 401
    ? new GraphError(401, 'InvalidAuthenticationToken', message)
    : new GraphError(403, 'Authorization_RequestDenied', message)
}

/**
 * An onRequest hook for the admin and mint APIs (interfaces.md §4), run before any body is read:
 * no or a bad token → 401; an STS access token without `Application.ReadWrite.All` (or, for
 * reads, `Application.Read.All`) → 403. `bootstrapOnly` routes (tenants) refuse access tokens.
 */
export function requireAdmin(
  auth: AdminAuthenticator,
  dialect: Dialect,
  options: { bootstrapOnly?: boolean } = {},
) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearer(request)
    if (token === undefined) {
      throw refuse(dialect, 401, 'an Authorization: Bearer <admin token> header is required')
    }
    const principal = await auth.authenticate(token)
    if (!principal) throw refuse(dialect, 401, 'the admin token is not valid')
    if (principal.kind === 'access-token') {
      if (options.bootstrapOnly) {
        throw refuse(dialect, 403, 'only the bootstrap admin token may manage tenants')
      }
      const allowed = READS.has(request.method)
        ? principal.roles.includes(ADMIN_WRITE_ROLE) || principal.roles.includes(ADMIN_READ_ROLE)
        : principal.roles.includes(ADMIN_WRITE_ROLE)
      if (!allowed) {
        const needed = READS.has(request.method)
          ? `${ADMIN_READ_ROLE} or ${ADMIN_WRITE_ROLE}`
          : ADMIN_WRITE_ROLE
        throw refuse(dialect, 403, `the access token lacks the app role ${needed}`)
      }
    }
    request.adminPrincipal = principal
  }
}
