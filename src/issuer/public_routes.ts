import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MethodNotAllowedError, notFound } from '../http/index.js'
import type { ServedDocument } from './documents.js'
import type { IssuerService } from './issuer_service.js'

const DISCOVERY_TYPE = 'application/json'
const JWKS_TYPE = 'application/jwk-set+json'

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison, and `*` matches any current body. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag)
}

function sendDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  doc: ServedDocument,
  type: string,
) {
  reply.headers({
    'cache-control': 'public, max-age=3600',
    etag: doc.etag,
    'access-control-allow-origin': '*',
  })
  if (notModified(request.headers['if-none-match'], doc.etag)) return reply.status(304).send()
  return reply.header('content-type', type).send(doc.bytes)
}

type IssuerParams = { Params: { name: string } }

/**
 * The issuer's two public documents at `/issuers/{name}/…` (issuer.md §5–§7): anonymous GET and
 * HEAD with caching headers, 405 for other methods, 404 for unknown issuers, never a redirect.
 */
export function registerIssuerPublicRoutes(app: FastifyInstance, issuers: IssuerService): void {
  const documentsOf = async (name: string, path: string) => {
    const issuer = await issuers.find(name)
    // ISS-6: the double-slash discovery path exists only for issuers that end in '/'.
    if (!issuer || (path.includes('//') && !issuer.url.endsWith('/'))) {
      throw notFound(`no issuer named ${name}`)
    }
    return issuers.documents(issuer)
  }
  const discovery = async (request: FastifyRequest<IssuerParams>, reply: FastifyReply) => {
    const { discovery } = await documentsOf(request.params.name, request.url)
    return sendDocument(request, reply, discovery, DISCOVERY_TYPE)
  }
  const jwks = async (request: FastifyRequest<IssuerParams>, reply: FastifyReply) => {
    const { jwks } = await documentsOf(request.params.name, '')
    return sendDocument(request, reply, jwks, JWKS_TYPE)
  }
  const refuse = async () => {
    throw new MethodNotAllowedError('GET, HEAD')
  }
  const others = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
  for (const url of [
    '/issuers/:name/.well-known/openid-configuration',
    '/issuers/:name//.well-known/openid-configuration',
  ]) {
    app.get<IssuerParams>(url, { config: { protocol: 'plain' } }, discovery)
    app.route({ method: [...others], url, handler: refuse })
  }
  app.get<IssuerParams>('/issuers/:name/openid/v1/jwks', { config: { protocol: 'plain' } }, jwks)
  app.route({ method: [...others], url: '/issuers/:name/openid/v1/jwks', handler: refuse })
}
