import { randomUUID } from 'node:crypto'
import { GraphError } from '../../errors/index.js'
import type { ApplicationRecord, PrincipalKind, Store } from '../../store/index.js'
import {
  validateApplicationPatch,
  validateNewApplication,
  type ApplicationFields,
} from '../directory_rules.js'
import { auditedWrite, conflict, nowSeconds, type DirectoryContext } from './context.js'
import { assignmentsInTenant, findApplication, type ApplicationRef } from './lookups.js'
import { findTenant } from './tenants.js'

/** Creates an application (or managed identity) with fresh object, client and principal ids. */
export async function createApplication(
  ctx: DirectoryContext,
  tenantId: string,
  body: unknown,
  kind: PrincipalKind,
): Promise<ApplicationRecord> {
  const fields = validateNewApplication(body)
  await findTenant(ctx.store, tenantId)
  return auditedWrite(ctx, `${kind}.create`, async (s) => {
    const app: ApplicationRecord = {
      id: randomUUID(),
      tenantId,
      appId: randomUUID(),
      principalId: randomUUID(),
      kind,
      ...fields,
      createdAt: nowSeconds(ctx),
    }
    await refuseTakenUris(s, app)
    await s.directory.insertApplication(app)
    return { result: app, target: app.id }
  })
}

/** PATCH semantics (IF-31): absent members keep their value. */
export async function updateApplication(
  ctx: DirectoryContext,
  tenantId: string,
  ref: ApplicationRef,
  patch: unknown,
): Promise<ApplicationRecord> {
  return auditedWrite(ctx, `${ref.kind ?? 'application'}.update`, async (s) => {
    const current = await findApplication(s, tenantId, ref)
    const fields: ApplicationFields = validateApplicationPatch(current, patch)
    const updated = { ...current, ...fields }
    await refuseTakenUris(s, updated)
    const kept = new Set(fields.appRoles.map((r) => r.value))
    const orphaned = (await s.roleAssignments.forResource(current.appId)).find(
      (a) => !kept.has(a.role),
    )
    if (orphaned) {
      throw GraphError.badRequest(
        `appRoles: role '${orphaned.role}' is still assigned; remove its assignments first`,
      )
    }
    await s.directory.updateApplication(updated)
    return { result: updated, target: updated.id }
  })
}

/** Deletes the application with its credentials and every role assignment naming it. */
export async function deleteApplication(
  ctx: DirectoryContext,
  tenantId: string,
  ref: ApplicationRef,
): Promise<void> {
  await auditedWrite(ctx, `${ref.kind ?? 'application'}.delete`, async (s) => {
    const app = await findApplication(s, tenantId, ref)
    for (const a of await assignmentsInTenant(s, tenantId)) {
      if (a.resourceAppId === app.appId || a.principalId === app.principalId) {
        await s.roleAssignments.delete(a.id)
      }
    }
    await s.directory.deleteApplication(app.id)
    return { result: undefined, target: app.id }
  })
}

async function refuseTakenUris(s: Store, app: ApplicationRecord): Promise<void> {
  for (const uri of app.identifierUris) {
    const owner = await s.directory.resource(app.tenantId, uri)
    if (owner && owner.id !== app.id) {
      throw conflict(`identifierUris: '${uri}' is already used by application ${owner.appId}`)
    }
  }
}
