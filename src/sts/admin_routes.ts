import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { requireAdmin, type AdminAuthenticator } from '../admin/index.js'
import { GraphError } from '../errors/index.js'
import type {
  ApplicationRecord,
  FederatedCredentialRecord,
  RoleAssignmentRecord,
  SignInRecord,
  Store,
  TenantRecord,
} from '../store/index.js'
import type { ApplicationRef, DirectoryService } from './directory_service.js'

const DEFAULT_TOP = 100
const MAX_TOP = 999
const MAX_SIGN_INS = 1000
// Graph addresses an application by client id as `applications(appId='{appId}')` (IF-31). The
// router takes the parenthesised part as a regex parameter; its content is parsed below.
const BY_APP_ID = '/v1.0/applications:address(^\\(appId=.+\\)$)'
const BY_ID = '/v1.0/applications/:id'
const APP_ID_ADDRESS = /^\(appId='([^']+)'\)$/
const FICS = '/federatedIdentityCredentials'

const tenantBody = z
  .object({ displayName: z.string(), domains: z.array(z.string()).optional() })
  .strict()
const roleBody = z
  .object({
    principalId: z.string().optional(),
    clientId: z.string().optional(),
    resource: z.string(),
    role: z.string(),
  })
  .strict()

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  throw GraphError.badRequest(`${path}${issue?.message ?? 'invalid body'}`)
}

/** One query parameter; repeating it is a 400 rather than a guess. */
function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name]
  if (value === undefined || typeof value === 'string') return value
  throw GraphError.badRequest(`${name}: give this query parameter once`)
}

function intParam(request: FastifyRequest, name: string, fallback: number, max: number): number {
  const raw = queryParam(request, name)
  if (raw === undefined) return fallback
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!(value >= 1 && value <= max)) {
    throw GraphError.badRequest(`${name}: must be an integer from 1 to ${max}`)
  }
  return value
}

// The skip token is an opaque base64url offset: clients echo the nextLink, never build it.
function skipOf(request: FastifyRequest): number {
  const token = queryParam(request, '$skiptoken')
  if (token === undefined) return 0
  const offset = Buffer.from(token, 'base64url').toString('utf8')
  if (!/^\d{1,9}$/.test(offset)) throw GraphError.badRequest('$skiptoken: is not valid')
  return Number(offset)
}

function sinceOf(request: FastifyRequest): number | undefined {
  const raw = queryParam(request, 'since')
  if (raw === undefined) return undefined
  if (/^\d+$/.test(raw)) return Number(raw)
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN
  if (Number.isNaN(ms)) {
    throw GraphError.badRequest('since: must be an ISO 8601 time or epoch seconds')
  }
  return Math.floor(ms / 1000)
}

const isOutcome = (v: string): v is SignInRecord['outcome'] => v === 'success' || v === 'failure'

const dateTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

const tenantView = (t: TenantRecord) => ({
  id: t.id,
  displayName: t.displayName,
  domains: t.domains,
})

const applicationView = (a: ApplicationRecord) => ({
  id: a.id,
  appId: a.appId,
  displayName: a.displayName,
  createdDateTime: dateTime(a.createdAt),
  identifierUris: a.identifierUris,
  appRoles: a.appRoles.map((r) => ({ id: r.id, value: r.value, displayName: r.displayName })),
  enabled: a.enabled,
})

const credentialView = (f: FederatedCredentialRecord) => ({
  id: f.id,
  name: f.name,
  issuer: f.issuer,
  subject: f.subject,
  audiences: [f.audience],
  description: f.description,
})

const assignmentView = (a: RoleAssignmentRecord) => ({
  id: a.id,
  principalId: a.principalId,
  resourceAppId: a.resourceAppId,
  role: a.role,
  createdDateTime: dateTime(a.createdAt),
})

const signInView = (s: SignInRecord) => ({
  createdDateTime: dateTime(s.at),
  tenant: s.tenant,
  clientId: s.clientId,
  grantType: s.grantType,
  result: s.outcome,
  aadsts: s.aadsts,
  traceId: s.traceId,
  correlationId: s.correlationId,
  details: s.details,
})

function applicationRef(params: { id?: string; address?: string }): ApplicationRef {
  if (params.id !== undefined) return { id: params.id, kind: 'application' }
  const appId = APP_ID_ADDRESS.exec(params.address ?? '')?.[1]
  if (appId === undefined) {
    throw GraphError.badRequest("appId: address the application as applications(appId='{appId}')")
  }
  return { appId, kind: 'application' }
}

type AppParams = { Params: { id?: string; address?: string } }
type FicParams = { Params: { id?: string; address?: string; fic: string } }
const noContent = (reply: FastifyReply) => reply.status(204).send()

/**
 * The tenant an admin request acts on (interfaces.md §4): an access token acts on its own tenant
 * (`tid`); the bootstrap token on the default tenant or on `?tenant=`.
 */
export function adminTenantOf(
  directory: DirectoryService,
  defaultTenant: () => Promise<string>,
): (request: FastifyRequest) => Promise<string> {
  return async (request) => {
    const principal = request.adminPrincipal
    const asked = queryParam(request, 'tenant')
    if (principal?.kind === 'access-token') {
      if (asked !== undefined && (await directory.tenant(asked)).id !== principal.tenantId) {
        throw new GraphError(
          403,
          'Authorization_RequestDenied',
          'an access token acts only on its own tenant',
        )
      }
      return principal.tenantId
    }
    return (await directory.tenant(asked ?? (await defaultTenant()))).id
  }
}

/**
 * The directory on the admin listener in Microsoft Graph v1.0 shapes (IF-30…IF-33, IF-35, IF-38)
 * and app-role assignments. The tenant acted on is `?tenant=` (GUID or domain), else the
 * default tenant. `beforeRead` runs before the sign-in log is read (the batched writer's flush).
 */
export function registerDirectoryAdminRoutes(
  app: FastifyInstance,
  auth: AdminAuthenticator,
  store: Store,
  directory: DirectoryService,
  defaultTenant: () => Promise<string>,
  beforeRead?: () => Promise<void>,
): void {
  const guard = { config: { protocol: 'graph' as const }, onRequest: requireAdmin(auth, 'graph') }
  const tenantGuard = {
    config: { protocol: 'graph' as const },
    onRequest: requireAdmin(auth, 'graph', { bootstrapOnly: true }),
  }
  const tenantOf = adminTenantOf(directory, defaultTenant)

  app.post('/admin/v1/tenants', tenantGuard, async (request, reply) => {
    const tenant = await directory.createTenant(parse(tenantBody, request.body))
    return reply.status(201).send(tenantView(tenant))
  })
  app.get('/admin/v1/tenants', tenantGuard, async () => ({
    value: (await directory.tenants()).map(tenantView),
  }))

  app.post('/v1.0/applications', guard, async (request, reply) => {
    const created = await directory.createApplication(await tenantOf(request), request.body)
    return reply.status(201).send(applicationView(created))
  })
  app.get('/v1.0/applications', guard, async (request) => {
    const tenantId = await tenantOf(request)
    const top = intParam(request, '$top', DEFAULT_TOP, MAX_TOP)
    const skip = skipOf(request)
    const page = await directory.applications(tenantId, 'application', { skip, top: top + 1 })
    const value = page.slice(0, top).map(applicationView)
    if (page.length <= top) return { value }
    const token = Buffer.from(String(skip + top)).toString('base64url')
    const tenant = queryParam(request, 'tenant')
    const tenantPart = tenant === undefined ? '' : `&tenant=${encodeURIComponent(tenant)}`
    const nextLink = `${request.protocol}://${request.host}/v1.0/applications?$top=${top}&$skiptoken=${token}${tenantPart}`
    return { value, '@odata.nextLink': nextLink }
  })

  for (const base of [BY_ID, BY_APP_ID]) {
    app.get<AppParams>(base, guard, async (request) =>
      applicationView(
        await directory.application(await tenantOf(request), applicationRef(request.params)),
      ),
    )
    app.patch<AppParams>(base, guard, async (request, reply) => {
      const ref = applicationRef(request.params)
      await directory.updateApplication(await tenantOf(request), ref, request.body)
      return noContent(reply)
    })
    app.delete<AppParams>(base, guard, async (request, reply) => {
      await directory.deleteApplication(await tenantOf(request), applicationRef(request.params))
      return noContent(reply)
    })

    app.post<AppParams>(`${base}${FICS}`, guard, async (request, reply) => {
      const ref = applicationRef(request.params)
      const fic = await directory.addCredential(await tenantOf(request), ref, request.body)
      return reply.status(201).send(credentialView(fic))
    })
    app.get<AppParams>(`${base}${FICS}`, guard, async (request) => {
      const ref = applicationRef(request.params)
      return {
        value: (await directory.credentials(await tenantOf(request), ref)).map(credentialView),
      }
    })
    app.get<FicParams>(`${base}${FICS}/:fic`, guard, async (request) => {
      const ref = applicationRef(request.params)
      return credentialView(
        await directory.credential(await tenantOf(request), ref, request.params.fic),
      )
    })
    app.patch<FicParams>(`${base}${FICS}/:fic`, guard, async (request, reply) => {
      const ref = applicationRef(request.params)
      const tenantId = await tenantOf(request)
      await directory.updateCredential(tenantId, ref, request.params.fic, request.body)
      return noContent(reply)
    })
    app.delete<FicParams>(`${base}${FICS}/:fic`, guard, async (request, reply) => {
      const ref = applicationRef(request.params)
      await directory.removeCredential(await tenantOf(request), ref, request.params.fic)
      return noContent(reply)
    })
  }

  app.post('/admin/v1/appRoleAssignments', guard, async (request, reply) => {
    const input = parse(roleBody, request.body)
    const assignment = await directory.assignRole(await tenantOf(request), input)
    return reply.status(201).send(assignmentView(assignment))
  })
  app.get('/admin/v1/appRoleAssignments', guard, async (request) => {
    const resource = queryParam(request, 'resource')
    if (resource === undefined) throw GraphError.badRequest('resource: is required')
    const assignments = await directory.roleAssignments(await tenantOf(request), resource)
    return { value: assignments.map(assignmentView) }
  })
  app.delete<{ Params: { id: string } }>(
    '/admin/v1/appRoleAssignments/:id',
    guard,
    async (request, reply) => {
      await directory.removeRoleAssignment(await tenantOf(request), request.params.id)
      return noContent(reply)
    },
  )

  app.get('/admin/v1/signins', guard, async (request) => {
    const result = queryParam(request, 'result')
    if (result !== undefined && !isOutcome(result)) {
      throw GraphError.badRequest("result: must be 'success' or 'failure'")
    }
    const query = {
      clientId: queryParam(request, 'app'),
      outcome: result,
      sinceSeconds: sinceOf(request),
      limit: intParam(request, 'top', DEFAULT_TOP, MAX_SIGN_INS),
    }
    await beforeRead?.()
    const entries = await store.signIns.list(query)
    return { value: entries.map(signInView) }
  })
}
