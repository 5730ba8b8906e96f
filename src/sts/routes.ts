import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { EntraError, OAuthError, say } from '../errors/index.js'
import { exceedsFormFields, type Throttles } from '../http/index.js'
import type { KeyService } from '../keys/index.js'
import type { Store } from '../store/index.js'
import { stsIssuer, tenantDiscoveryDocument } from './discovery.js'
import { STS_KEY_OWNER, type TokenService } from './token_service.js'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NO_STORE = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', expires: '-1' }
/** Longer than any Entra client id (a GUID); bounds what one rate-limit key may hold. */
const MAX_CLIENT_ID_KEY = 128

type TenantRoute = { Params: { tenant: string } }

/** STS-34: `client-request-id` from the query, the body or a header, if it is a GUID. */
function correlationId(request: FastifyRequest, form: URLSearchParams | undefined): string {
  const query = request.query as Record<string, unknown>
  const candidates = [
    query['client-request-id'],
    form?.get('client-request-id'),
    request.headers['client-request-id'],
  ]
  const found = candidates.find((c): c is string => typeof c === 'string' && GUID.test(c))
  return found?.toLowerCase() ?? randomUUID()
}

export interface StsRouteDeps {
  store: Store
  keys: KeyService
  tokens: TokenService
  authority: string
  revealMatchDetails: boolean
  /** Row 2 (STS-35) and the form bound of issue #9 item 1. */
  limits: { tokenBodyBytes: number; maxFormFields: number }
  /** Issue #9 item 2: the token endpoint's limits per source address and per `client_id`. */
  throttles: Pick<Throttles, 'address' | 'clientId'>
}

/** STS-115: a throttled request is 429 `temporarily_unavailable` with Retry-After. */
function admit(throttle: (key: string) => number | undefined, key: string): void {
  const retryAfterSeconds = throttle(key)
  if (retryAfterSeconds !== undefined) throw OAuthError.temporarilyUnavailable(retryAfterSeconds)
}

/**
 * The Entra-compatible endpoints under `/{tenant}` (sts.md §2–§5): tenant discovery at both
 * paths, the key set, the token endpoint with its form parser, and the authorize placeholder.
 * Registered in their own scope so the form parser and the error ids apply only here.
 */
export function registerStsRoutes(app: FastifyInstance, deps: StsRouteDeps): void {
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const traceId = randomUUID()
      request.renderExtras = {
        traceId,
        correlationId: correlationId(request, undefined),
        errorUriBase: deps.authority,
        exposeDetail: deps.revealMatchDetails,
      }
      reply.header('x-ms-request-id', traceId)
    })
    const { tokenBodyBytes, maxFormFields } = deps.limits
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: tokenBodyBytes },
      (_request, body, done) => {
        const form = new URLSearchParams(body as string)
        if (!exceedsFormFields(form, maxFormFields)) return done(null, form)
        done(new EntraError('tooManyFormFields', say.tooManyFormFields(maxFormFields)))
      },
    )
    // STS-31: a body of any other type is read (within the limit) and treated as empty.
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: tokenBodyBytes },
      (_r, _b, done) => done(null, new URLSearchParams()),
    )

    const tenantOf = async (ref: string) => {
      const tenant = await deps.store.directory.tenant(ref)
      if (!tenant) throw new EntraError('tenantNotFound', say.tenantNotFound(ref))
      return tenant
    }
    const discovery = async (request: FastifyRequest<TenantRoute>, reply: FastifyReply) => {
      const tenant = await tenantOf(request.params.tenant)
      return reply
        .headers({ 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' })
        .type('application/json; charset=utf-8')
        .send(tenantDiscoveryDocument(deps.authority, tenant.id))
    }
    const config = { config: { protocol: 'oauth' as const } }
    scope.get<TenantRoute>('/:tenant/v2.0/.well-known/openid-configuration', config, discovery)
    scope.get<TenantRoute>('/:tenant/.well-known/openid-configuration', config, discovery)
    scope.get<TenantRoute>('/:tenant/discovery/v2.0/keys', config, async (request, reply) => {
      const tenant = await tenantOf(request.params.tenant)
      const issuer = stsIssuer(deps.authority, tenant.id)
      const keys = await deps.keys.publishedJwks(STS_KEY_OWNER, deps.tokens.policy)
      // STS-20: Entra's member order, plus the per-key issuer Entra also sends.
      const body = {
        keys: keys.map((k) =>
          k.kty === 'RSA'
            ? { kty: k.kty, use: k.use, kid: k.kid, alg: k.alg, n: k.n, e: k.e, issuer }
            : {
                kty: k.kty,
                use: k.use,
                kid: k.kid,
                alg: k.alg,
                crv: k.crv,
                x: k.x,
                y: k.y,
                issuer,
              },
        ),
      }
      return reply.headers({ 'cache-control': 'public, max-age=3600' }).send(body)
    })
    scope.get<TenantRoute>('/:tenant/oauth2/v2.0/authorize', config, async () => {
      throw new OAuthError(
        400,
        'invalid_request',
        'wifkit has no interactive sign-in; use the token endpoint.',
      )
    })
    // The address is known before the body is read, so a flood costs no parsing; the client id
    // is checked once the form is parsed, still before any lookup or signature check.
    const byAddress = {
      ...config,
      bodyLimit: tokenBodyBytes,
      onRequest: async (request: FastifyRequest) => admit(deps.throttles.address, request.ip),
    }
    scope.post<TenantRoute>('/:tenant/oauth2/v2.0/token', byAddress, async (request, reply) => {
      const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams()
      const ids = {
        traceId: String(request.renderExtras?.traceId),
        correlationId: correlationId(request, form),
      }
      request.renderExtras = { ...request.renderExtras, correlationId: ids.correlationId }
      const clientId = form.get('client_id')
      if (clientId !== null) {
        admit(deps.throttles.clientId, clientId.toLowerCase().slice(0, MAX_CLIENT_ID_KEY))
      }
      const body = await deps.tokens.token(request.params.tenant, form, ids)
      return reply.headers(NO_STORE).type('application/json; charset=utf-8').send(body)
    })
    scope.route<TenantRoute>({
      method: ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/:tenant/oauth2/v2.0/token',
      ...config,
      handler: async (request, reply) => {
        reply.header('allow', 'POST')
        throw new EntraError('methodNotAllowed', say.methodNotAllowed(request.method))
      },
    })
  })
}
