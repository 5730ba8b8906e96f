import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { requireAdmin, type AdminAuthenticator } from '../admin/index.js'
import { GraphError } from '../errors/index.js'
import type { Store, VaultRecord, VaultRoleAssignmentRecord } from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import { isVaultName } from './names.js'
import { VAULT_ROLES } from './roles.js'

/** What the vault admin routes need from the deployment, wired by the composition root. */
export interface VaultAdminDeps {
  store: Store
  clock: Clock
  /** The tenant a request acts on (`?tenant=`, the token's tenant, or the default). */
  tenantOf: (request: FastifyRequest) => Promise<string>
  /** Makes sure the tenant has an application whose identifier URI is the vault resource. */
  ensureResource: (tenantId: string) => Promise<void>
  /** The client id → principal (object) id of an application of the tenant. */
  principalOf: (tenantId: string, clientId: string) => Promise<string>
  /** `https://{name}.vault.{domain}[:port]`. */
  vaultUrl: (name: string) => string
  defaultRetentionDays: number
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const vaultBody = z
  .object({
    softDelete: z.boolean().optional(),
    retentionDays: z.number().int().min(7).max(90).optional(),
    purgeProtection: z.boolean().optional(),
  })
  .strict()

const roleBody = z
  .object({
    principalId: z.string().regex(GUID, 'must be a GUID').optional(),
    clientId: z.string().optional(),
    role: z.enum(VAULT_ROLES as [string, ...string[]]),
  })
  .strict()
  .refine((b) => (b.principalId === undefined) !== (b.clientId === undefined), {
    message: 'give exactly one of principalId and clientId',
  })

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  throw GraphError.badRequest(`${path}${issue?.message ?? 'invalid body'}`)
}

type NameParams = { Params: { name: string } }
type RoleParams = { Params: { name: string; id: string } }

/**
 * Vaults and their role assignments on the admin listener (IF-37), in Graph's error shape. Vault
 * names are global, since each is a host name (KV-1); a vault belongs to one tenant (KV-6).
 */
export function registerVaultAdminRoutes(
  app: FastifyInstance,
  auth: AdminAuthenticator,
  deps: VaultAdminDeps,
): void {
  const guard = { config: { protocol: 'graph' as const }, onRequest: requireAdmin(auth, 'graph') }
  const view = (v: VaultRecord) => ({
    name: v.name,
    tenantId: v.tenantId,
    vaultUri: deps.vaultUrl(v.name),
    softDelete: v.softDelete,
    retentionDays: v.retentionDays,
    purgeProtection: v.purgeProtection,
    createdDateTime: new Date(v.createdAt * 1000).toISOString(),
  })
  const roleView = (r: VaultRoleAssignmentRecord) => ({
    id: r.id,
    principalId: r.principalId,
    role: r.role,
    createdDateTime: new Date(r.createdAt * 1000).toISOString(),
  })
  const find = async (request: FastifyRequest, raw: string): Promise<VaultRecord> => {
    const tenantId = await deps.tenantOf(request)
    const vault = await deps.store.vaults.byName(raw.toLowerCase())
    if (!vault || vault.tenantId !== tenantId) {
      throw GraphError.notFound(`no vault named '${raw.slice(0, 64)}' in tenant ${tenantId}`)
    }
    return vault
  }

  app.put<NameParams>('/admin/v1/vaults/:name', guard, async (request, reply) => {
    const name = request.params.name.toLowerCase()
    if (!isVaultName(name)) {
      throw GraphError.badRequest(
        'name: 3-24 letters, digits and hyphens, starting with a letter (KV-4)',
      )
    }
    const body = parse(vaultBody, request.body)
    const tenantId = await deps.tenantOf(request)
    const existing = await deps.store.vaults.byName(name)
    if (existing) {
      const same =
        existing.tenantId === tenantId &&
        (body.softDelete ?? true) === existing.softDelete &&
        (body.retentionDays ?? deps.defaultRetentionDays) === existing.retentionDays &&
        (body.purgeProtection ?? false) === existing.purgeProtection
      if (!same) {
        throw new GraphError(
          409,
          'Conflict',
          `a vault named '${name}' already exists with other settings or in another tenant`,
        )
      }
      return reply.status(200).send(view(existing))
    }
    await deps.ensureResource(tenantId)
    const vault: VaultRecord = {
      id: randomUUID(),
      tenantId,
      name,
      softDelete: body.softDelete ?? true,
      retentionDays: body.retentionDays ?? deps.defaultRetentionDays,
      purgeProtection: body.purgeProtection ?? false,
      createdAt: epochSeconds(deps.clock),
    }
    await deps.store.vaults.insert(vault)
    return reply.status(201).send(view(vault))
  })
  app.get<NameParams>('/admin/v1/vaults/:name', guard, async (request) =>
    view(await find(request, request.params.name)),
  )
  app.get('/admin/v1/vaults', guard, async (request) => ({
    value: (await deps.store.vaults.list(await deps.tenantOf(request))).map(view),
  }))
  app.delete<NameParams>('/admin/v1/vaults/:name', guard, async (request, reply) => {
    const vault = await find(request, request.params.name)
    if (vault.purgeProtection) {
      throw new GraphError(
        409,
        'Conflict',
        `vault '${vault.name}' has purge protection: its secrets cannot be destroyed`,
      )
    }
    await deps.store.vaults.delete(vault.id)
    return reply.status(204).send()
  })
  app.post<NameParams>('/admin/v1/vaults/:name/roleAssignments', guard, async (request, reply) => {
    const vault = await find(request, request.params.name)
    const body = parse(roleBody, request.body)
    const principalId =
      body.principalId?.toLowerCase() ??
      (await deps.principalOf(vault.tenantId, body.clientId as string))
    const existing = (await deps.store.vaults.roleAssignments(vault.id)).find(
      (a) => a.principalId === principalId && a.role === body.role,
    )
    if (existing) return reply.status(200).send(roleView(existing))
    const assignment: VaultRoleAssignmentRecord = {
      id: randomUUID(),
      vaultId: vault.id,
      principalId,
      role: body.role,
      createdAt: epochSeconds(deps.clock),
    }
    await deps.store.vaults.insertRole(assignment)
    return reply.status(201).send(roleView(assignment))
  })
  app.get<NameParams>('/admin/v1/vaults/:name/roleAssignments', guard, async (request) => {
    const vault = await find(request, request.params.name)
    return { value: (await deps.store.vaults.roleAssignments(vault.id)).map(roleView) }
  })
  app.delete<RoleParams>(
    '/admin/v1/vaults/:name/roleAssignments/:id',
    guard,
    async (request, reply) => {
      const vault = await find(request, request.params.name)
      if (!(await deps.store.vaults.deleteRole(vault.id, request.params.id))) {
        throw GraphError.notFound(`no role assignment '${request.params.id.slice(0, 64)}'`)
      }
      return reply.status(204).send()
    },
  )
}
