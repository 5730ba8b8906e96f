import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { requireAdmin, type AdminAuthenticator } from '../admin/index.js'
import { ArmError, GraphError, type ArmCode } from '../errors/index.js'
import type { FederatedCredentialRecord } from '../store/index.js'
import { adminTenantOf } from './admin_routes.js'
import type {
  ApplicationRef,
  ArmAddress,
  DirectoryService,
  ManagedIdentityRecord,
} from './directory_service.js'
import { DEFAULT_FIC_AUDIENCE } from './fic_rules.js'

const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities'
const FIC_TYPE = `${IDENTITY_TYPE}/federatedIdentityCredentials`
const IDENTITY =
  '/subscriptions/:subscriptionId/resourceGroups/:resourceGroup' +
  `/providers/${IDENTITY_TYPE}/:name`
const FICS = `${IDENTITY}/federatedIdentityCredentials`
/** Where a PUT omits `location`: ARM demands one, wifkit has no regions to choose from. */
const DEFAULT_LOCATION = 'global'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// ARM's rules: a resource group is 1–90 letters, digits, '_', '-', '.', '(' or ')' and does not
// end in '.'; an identity name is 3–128 characters and starts with a letter or digit.
const RESOURCE_GROUP = /^[-\p{L}\p{N}_.()]{1,90}$/u
const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/
const MAX_TAGS = 50

const identityBody = z.object({
  location: z.string().trim().min(1).max(80).optional(),
  tags: z
    .record(z.string().min(1).max(512), z.string().max(256))
    .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `at most ${MAX_TAGS} tags`)
    .nullable()
    .optional(),
})
const ficBody = z.object({
  properties: z.record(z.string(), z.unknown(), 'is required and must be an object'),
})

type IdentityParams = { subscriptionId: string; resourceGroup: string; name: string }
type IdentityRoute = { Params: IdentityParams }
type FicRoute = { Params: IdentityParams & { fic: string } }
type IdentityRequest = FastifyRequest<IdentityRoute>
type FicRequest = FastifyRequest<FicRoute>

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  throw ArmError.badRequest(`${path}${issue?.message ?? 'invalid body'}`)
}

function addressOf(params: IdentityParams): ArmAddress {
  const { subscriptionId, resourceGroup, name } = params
  if (!GUID.test(subscriptionId)) {
    throw new ArmError(
      400,
      'InvalidSubscriptionId',
      `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`,
    )
  }
  if (!RESOURCE_GROUP.test(resourceGroup) || resourceGroup.endsWith('.')) {
    throw new ArmError(
      400,
      'InvalidResourceGroup',
      `Resource group '${resourceGroup}' is invalid. It must be 1 to 90 letters, digits, ` +
        "'_', '-', '.', '(' or ')' and must not end in '.'.",
    )
  }
  if (!IDENTITY_NAME.test(name)) {
    throw new ArmError(
      400,
      'InvalidResourceName',
      `Resource name '${name}' is invalid. The name can be between 3 and 128 characters long, ` +
        "must start with a letter or digit and may contain letters, digits, '-' and '_'.",
    )
  }
  return { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, name }
}

const identityId = (a: ArmAddress) =>
  `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/${IDENTITY_TYPE}/${a.name}`

const identityView = (identity: ManagedIdentityRecord) => ({
  id: identityId(identity.arm),
  name: identity.arm.name,
  type: IDENTITY_TYPE,
  location: identity.arm.location,
  tags: identity.arm.tags,
  properties: {
    tenantId: identity.tenantId,
    principalId: identity.principalId,
    clientId: identity.appId,
  },
})

const ficView = (identity: ManagedIdentityRecord, fic: FederatedCredentialRecord) => ({
  id: `${identityId(identity.arm)}/federatedIdentityCredentials/${fic.name}`,
  name: fic.name,
  type: FIC_TYPE,
  properties: { issuer: fic.issuer, subject: fic.subject, audiences: [fic.audience] },
})

const notFound = (address: ArmAddress, child = '') =>
  ArmError.notFound(
    `The Resource '${IDENTITY_TYPE}/${address.name}${child}' under resource group ` +
      `'${address.resourceGroup}' was not found.`,
  )

const ARM_CODES: Partial<Record<number, ArmCode>> = {
  400: 'BadRequest',
  404: 'ResourceNotFound',
  409: 'Conflict',
}
// The directory's rules speak Graph and name FIC fields at the top level; ARM nests them.
const FIC_FIELD = /^(issuer|subject|audiences|claimsMatchingExpression): /

/** The directory's 400, 404 and 409 in ARM's shape; the guard's 401 and 403 stay Graph's. */
function asArm(error: unknown): unknown {
  if (!(error instanceof GraphError)) return error
  const code = ARM_CODES[error.status]
  if (code === undefined) return error
  return new ArmError(error.status, code, error.message.replace(FIC_FIELD, 'properties.$1: '), {
    cause: error,
  })
}

function arm<R extends FastifyRequest>(
  handler: (request: R, reply: FastifyReply) => Promise<unknown>,
): (request: R, reply: FastifyReply) => Promise<unknown> {
  return async (request, reply) => {
    try {
      return await handler(request, reply)
    } catch (error) {
      throw asArm(error)
    }
  }
}

/**
 * User-assigned managed identities in Azure Resource Manager's shape (IF-34) on the admin
 * listener, with the Graph routes' guard and tenant rule. An identity is a directory principal of
 * kind `managedIdentity` and federates exactly like an application: its `clientId` is the
 * `client_id` of token requests and its `principalId` the `oid` of its tokens. `api-version` is
 * accepted and ignored.
 */
export function registerManagedIdentityRoutes(
  app: FastifyInstance,
  auth: AdminAuthenticator,
  directory: DirectoryService,
  defaultTenant: () => Promise<string>,
): void {
  // Framework errors (bad JSON, wrong media type) render in Graph's shape, a superset of ARM's.
  const guard = { config: { protocol: 'graph' as const }, onRequest: requireAdmin(auth, 'graph') }
  const tenantOf = adminTenantOf(directory, defaultTenant)

  const identityOf = async (tenantId: string, address: ArmAddress) => {
    const identity = await directory.managedIdentityAt(tenantId, address)
    if (!identity) throw notFound(address)
    return identity
  }
  const refOf = (identity: ManagedIdentityRecord): ApplicationRef => ({
    id: identity.id,
    kind: 'managedIdentity',
  })
  const findFic = async (tenantId: string, identity: ManagedIdentityRecord, name: string) => {
    const fics = await directory.credentials(tenantId, refOf(identity))
    return fics.find((f) => f.name.toLowerCase() === name.toLowerCase())
  }

  app.put<IdentityRoute>(
    IDENTITY,
    guard,
    arm(async (request: IdentityRequest, reply) => {
      const address = addressOf(request.params)
      const body = parse(identityBody, request.body)
      const tenantId = await tenantOf(request)
      const current = await directory.managedIdentityAt(tenantId, address)
      // ARM folds locations: 'West Europe' and 'westeurope' name one region.
      const location =
        body.location?.toLowerCase().replace(/\s+/g, '') ??
        current?.arm.location ??
        DEFAULT_LOCATION
      const { identity, created } = await directory.putManagedIdentity(tenantId, {
        ...address,
        location,
        tags: body.tags ?? {},
      })
      return reply.status(created ? 201 : 200).send(identityView(identity))
    }),
  )
  app.get<IdentityRoute>(
    IDENTITY,
    guard,
    arm(async (request: IdentityRequest) => {
      const address = addressOf(request.params)
      return identityView(await identityOf(await tenantOf(request), address))
    }),
  )
  app.delete<IdentityRoute>(
    IDENTITY,
    guard,
    arm(async (request: IdentityRequest, reply) => {
      const address = addressOf(request.params)
      const tenantId = await tenantOf(request)
      const identity = await directory.managedIdentityAt(tenantId, address)
      if (!identity) return reply.status(204).send()
      await directory.deleteApplication(tenantId, refOf(identity))
      return reply.status(200).send()
    }),
  )

  app.get<IdentityRoute>(
    FICS,
    guard,
    arm(async (request: IdentityRequest) => {
      const tenantId = await tenantOf(request)
      const identity = await identityOf(tenantId, addressOf(request.params))
      const fics = await directory.credentials(tenantId, refOf(identity))
      return { value: fics.map((f) => ficView(identity, f)) }
    }),
  )
  app.put<FicRoute>(
    `${FICS}/:fic`,
    guard,
    arm(async (request: FicRequest, reply) => {
      const address = addressOf(request.params)
      const { properties } = parse(ficBody, request.body)
      const tenantId = await tenantOf(request)
      const identity = await identityOf(tenantId, address)
      const name = request.params.fic
      // PUT replaces: a missing issuer or subject is refused rather than kept.
      const fields = {
        issuer: properties.issuer ?? null,
        subject: properties.subject ?? null,
        audiences: properties.audiences ?? [DEFAULT_FIC_AUDIENCE],
        claimsMatchingExpression: properties.claimsMatchingExpression,
      }
      const current = await findFic(tenantId, identity, name)
      const fic = current
        ? await directory.updateCredential(tenantId, refOf(identity), current.id, fields)
        : await directory.addCredential(tenantId, refOf(identity), { name, ...fields })
      return reply.status(current ? 200 : 201).send(ficView(identity, fic))
    }),
  )
  app.get<FicRoute>(
    `${FICS}/:fic`,
    guard,
    arm(async (request: FicRequest) => {
      const address = addressOf(request.params)
      const tenantId = await tenantOf(request)
      const identity = await identityOf(tenantId, address)
      const fic = await findFic(tenantId, identity, request.params.fic)
      if (!fic) throw notFound(address, `/federatedIdentityCredentials/${request.params.fic}`)
      return ficView(identity, fic)
    }),
  )
  app.delete<FicRoute>(
    `${FICS}/:fic`,
    guard,
    arm(async (request: FicRequest, reply) => {
      const tenantId = await tenantOf(request)
      const identity = await identityOf(tenantId, addressOf(request.params))
      const fic = await findFic(tenantId, identity, request.params.fic)
      if (!fic) return reply.status(204).send()
      await directory.removeCredential(tenantId, refOf(identity), fic.id)
      return reply.status(200).send()
    }),
  )
}
