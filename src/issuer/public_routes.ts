import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MethodNotAllowedError, notFound } from '../http/index.js'
import type { ServedDocument } from './documents.js'
import type { IssuerRecord } from '../store/index.js'
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
  // ISS-6: the double-slash discovery path exists only for issuers that end in '/'.
  const unknownHere = (issuer: IssuerRecord | undefined, doubleSlash: boolean) =>
    !issuer || (doubleSlash && !issuer.url.endsWith('/'))
  const documentsOf = async (name: string, doubleSlash: boolean) => {
    const issuer = await issuers.find(name)
    if (unknownHere(issuer, doubleSlash)) throw notFound(`no issuer named ${name}`)
    return issuers.documents(issuer as IssuerRecord)
  }
  const route = (pick: 'discovery' | 'jwks', type: string, doubleSlash: boolean) => {
    return (request: FastifyRequest<IssuerParams>, reply: FastifyReply) => {
      // The cached path has no await: bench/ showed the promise chain costing a tenth of the
      // route's throughput against a bare route.
      const hit = issuers.cachedDocuments(request.params.name)
      if (hit && !unknownHere(hit.issuer, doubleSlash)) {
        return sendDocument(request, reply, hit.documents[pick], type)
      }
      return documentsOf(request.params.name, doubleSlash).then((documents) =>
        sendDocument(request, reply, documents[pick], type),
      )
    }
  }
  const refuse = async () => {
    throw new MethodNotAllowedError('GET, HEAD')
  }
  const others = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
  for (const url of [
    '/issuers/:name/.well-known/openid-configuration',
    '/issuers/:name//.well-known/openid-configuration',
  ]) {
    const doubleSlash = url.includes('//')
    app.get<IssuerParams>(
      url,
      { config: { protocol: 'plain' } },
      route('discovery', DISCOVERY_TYPE, doubleSlash),
    )
    app.route({ method: [...others], url, handler: refuse })
  }
  app.get<IssuerParams>(
    '/issuers/:name/openid/v1/jwks',
    { config: { protocol: 'plain' } },
    route('jwks', JWKS_TYPE, false),
  )
  app.route({ method: [...others], url: '/issuers/:name/openid/v1/jwks', handler: refuse })
}
