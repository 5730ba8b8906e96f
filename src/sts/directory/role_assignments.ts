import { randomUUID } from 'node:crypto'
import { GraphError } from '../../errors/index.js'
import type { ApplicationRecord, RoleAssignmentRecord, Store } from '../../store/index.js'
import { auditedWrite, conflict, nowSeconds, type DirectoryContext } from './context.js'
import { assignmentsInTenant, findResource, identitiesInTenant } from './lookups.js'

/** An app-role assignment request: the principal by object id or client id. */
export interface RoleAssignmentInput {
  principalId?: string
  clientId?: string
  /** The resource's identifier URI or appId. */
  resource: string
  /** One of the resource's `appRoles` values. */
  role: string
}

/** Grants a principal one of a resource's app roles; it reaches the `roles` claim. */
export async function assignRole(
  ctx: DirectoryContext,
  tenantId: string,
  input: RoleAssignmentInput,
): Promise<RoleAssignmentRecord> {
  if ((input.principalId === undefined) === (input.clientId === undefined)) {
    throw GraphError.badRequest('principalId: give exactly one of principalId and clientId')
  }
  return auditedWrite(ctx, 'appRoleAssignment.create', async (s) => {
    const principal = await findPrincipal(s, tenantId, input)
    const resource = await findResource(s, tenantId, input.resource)
    if (!resource.appRoles.some((r) => r.value === input.role)) {
      const known = resource.appRoles.map((r) => r.value).join(', ')
      throw GraphError.badRequest(
        `role: '${input.role}' is not an app role of '${input.resource}' ` +
          (known === '' ? '(it defines none)' : `(it defines: ${known})`),
      )
    }
    const held = await s.roleAssignments.roles(principal.principalId, resource.appId)
    if (held.includes(input.role)) {
      throw conflict(`role: the principal already holds '${input.role}' on '${input.resource}'`)
    }
    const assignment: RoleAssignmentRecord = {
      id: randomUUID(),
      tenantId,
      principalId: principal.principalId,
      resourceAppId: resource.appId,
      role: input.role,
      createdAt: nowSeconds(ctx),
    }
    await s.roleAssignments.insert(assignment)
    return { result: assignment, target: assignment.id }
  })
}

/** The tenant's assignments of the roles of one resource, by identifier URI or appId. */
export async function listRoleAssignments(
  s: Store,
  tenantId: string,
  resource: string,
): Promise<RoleAssignmentRecord[]> {
  const app = await findResource(s, tenantId, resource)
  const all = await s.roleAssignments.forResource(app.appId)
  return all.filter((a) => a.tenantId === tenantId)
}

/** Removes one of the tenant's assignments by id; 404 when unknown. */
export async function removeRoleAssignment(
  ctx: DirectoryContext,
  tenantId: string,
  id: string,
): Promise<void> {
  await auditedWrite(ctx, 'appRoleAssignment.delete', async (s) => {
    const assignments = await assignmentsInTenant(s, tenantId)
    const assignment = assignments.find((a) => a.id === id.toLowerCase())
    if (!assignment) throw GraphError.notFound(`appRoleAssignment '${id}' does not exist`)
    await s.roleAssignments.delete(assignment.id)
    return { result: undefined, target: assignment.id }
  })
}

async function findPrincipal(
  s: Store,
  tenantId: string,
  input: RoleAssignmentInput,
): Promise<ApplicationRecord> {
  if (input.clientId !== undefined) {
    const app = await s.directory.applicationByAppId(tenantId, input.clientId)
    if (app) return app
    throw GraphError.notFound(
      `clientId: no application or managed identity with client id '${input.clientId}' exists in this tenant`,
    )
  }
  const principalId = (input.principalId ?? '').toLowerCase()
  const app = (await identitiesInTenant(s, tenantId)).find((a) => a.principalId === principalId)
  if (app) return app
  throw GraphError.notFound(
    `principalId: no principal '${input.principalId}' exists in this tenant`,
  )
}
