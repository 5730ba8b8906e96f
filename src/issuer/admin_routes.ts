import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { z } from 'zod'
import { requireAdmin, type AdminAuthenticator } from '../admin/index.js'
import { GraphError } from '../errors/index.js'
import type { Store } from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import type { IssuerService } from './issuer_service.js'
import { checkPublication } from './publication_check.js'

const createBody = z
  .object({
    name: z.string(),
    url: z.string().optional(),
    jwksUri: z.string().optional(),
    publication: z.enum(['served', 'static']).optional(),
    algorithm: z.enum(['RS256', 'ES256']).optional(),
  })
  .strict()
const rotateBody = z.object({ emergency: z.boolean().optional() }).strict()
const verifyBody = z.object({ url: z.string().optional() }).strict()

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  throw GraphError.badRequest(`${path}${issue?.message ?? 'invalid body'}`)
}

type Named = { Params: { name: string } }

/**
 * Issuer lifecycle on the admin listener (IF-36, IF-50): create, list, show, rotate, the exact
 * documents for static publishing, and `--verify` of a hosted copy.
 */
export function registerIssuerAdminRoutes(
  app: FastifyInstance,
  auth: AdminAuthenticator,
  store: Store,
  issuers: IssuerService,
  outbound: Dispatcher | undefined,
  clock: Clock,
): void {
  const guard = { config: { protocol: 'graph' as const }, onRequest: requireAdmin(auth, 'graph') }
  const audit = (action: string, target: string) =>
    store.audit.append({
      at: epochSeconds(clock),
      actor: 'admin',
      action,
      target,
      outcome: 'success',
    })

  app.post('/admin/v1/issuers', guard, async (request, reply) => {
    const input = parse(createBody, request.body)
    const { issuer, warnings } = await issuers.create(input)
    await audit('issuer.create', issuer.name)
    return reply.status(201).send({ ...(await issuers.describe(issuer)), warnings })
  })
  app.get('/admin/v1/issuers', guard, async () => ({
    value: await Promise.all((await issuers.list()).map((i) => issuers.describe(i))),
  }))
  app.get<Named>('/admin/v1/issuers/:name', guard, async (request) =>
    issuers.describe(await issuers.get(request.params.name)),
  )
  app.post<Named>('/admin/v1/issuers/:name/rotate', guard, async (request) => {
    const { emergency = false } = parse(rotateBody, request.body)
    const issuer = await issuers.get(request.params.name)
    await issuers.rotate(issuer, emergency)
    await audit(emergency ? 'issuer.rotate.emergency' : 'issuer.rotate', issuer.name)
    return issuers.describe(issuer)
  })
  app.get<Named>('/admin/v1/issuers/:name/documents', guard, async (request) => {
    const { discovery, jwks } = await issuers.documents(await issuers.get(request.params.name))
    return { discovery: discovery.body, jwks: jwks.body }
  })
  app.post<Named>('/admin/v1/issuers/:name/verify', guard, async (request) => {
    const { url } = parse(verifyBody, request.body)
    const issuer = await issuers.get(request.params.name)
    const expected = await issuers.documents(issuer)
    const active = (await issuers.describe(issuer)).keys.find((k) => k.state === 'active')?.kid
    const { findings, kids } = await checkPublication(
      issuer,
      url ?? issuer.url,
      expected,
      active,
      outbound,
    )
    const ok = findings.every((f) => f.ok)
    // ISS-84: only a clean verification lets a static issuer's pending key start its countdown.
    if (ok) await issuers.recordVerification(issuer, kids)
    return { ok, findings }
  })
}
