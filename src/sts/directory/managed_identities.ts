import { randomUUID } from 'node:crypto'
import type { ApplicationRecord, ArmResource, Store } from '../../store/index.js'
import { auditedWrite, conflict, nowSeconds, type DirectoryContext } from './context.js'
import { findTenant } from './tenants.js'

/** How ARM addresses a user-assigned managed identity (IF-34). */
export type ArmAddress = Pick<ArmResource, 'subscriptionId' | 'resourceGroup' | 'name'>

/** A user-assigned managed identity as ARM manages it. */
export type ManagedIdentityRecord = ApplicationRecord & { arm: ArmResource }

const hasArm = (app: ApplicationRecord | undefined): app is ManagedIdentityRecord =>
  app?.arm !== undefined

/** A user-assigned managed identity by its ARM address, case-insensitively (IF-34). */
export async function findManagedIdentityAt(
  s: Store,
  tenantId: string,
  address: ArmAddress,
): Promise<ManagedIdentityRecord | undefined> {
  const found = await s.directory.managedIdentityAt(tenantId, address)
  return hasArm(found) ? found : undefined
}

/**
 * ARM's PUT of a user-assigned managed identity (IF-34): creates it with fresh client and
 * principal ids, or replaces the tags of the one at that address, whose spelling and ids stay.
 * As in ARM, the location is fixed at creation: another one is a 409.
 */
export async function putManagedIdentity(
  ctx: DirectoryContext,
  tenantId: string,
  resource: ArmResource,
): Promise<{ identity: ManagedIdentityRecord; created: boolean }> {
  await findTenant(ctx.store, tenantId)
  return auditedWrite(ctx, 'managedIdentity.create', async (s) => {
    const current = await s.directory.managedIdentityAt(tenantId, resource)
    if (hasArm(current)) {
      if (current.arm.location !== resource.location) {
        throw conflict(
          `location: managed identity '${current.arm.name}' already exists in location ` +
            `'${current.arm.location}'; it cannot move to '${resource.location}'`,
        )
      }
      const identity = { ...current, arm: { ...current.arm, tags: resource.tags } }
      await s.directory.updateApplication(identity)
      const result = { identity, created: false }
      return { result, target: identity.id, action: 'managedIdentity.update' }
    }
    const identity: ManagedIdentityRecord = {
      id: randomUUID(),
      tenantId,
      appId: randomUUID(),
      principalId: randomUUID(),
      kind: 'managedIdentity',
      displayName: resource.name,
      enabled: true,
      identifierUris: [],
      appRoles: [],
      createdAt: nowSeconds(ctx),
      arm: resource,
    }
    await s.directory.insertApplication(identity)
    return { result: { identity, created: true }, target: identity.id }
  })
}
