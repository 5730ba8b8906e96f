import { randomUUID } from 'node:crypto'
import { GraphError } from '../../errors/index.js'
import type { Store, TenantRecord } from '../../store/index.js'
import { validateNewTenant } from '../directory_rules.js'
import { auditedWrite, conflict, nowSeconds, type DirectoryContext } from './context.js'

/** Creates a tenant; none of its domains may already name another one. */
export async function createTenant(
  ctx: DirectoryContext,
  input: { displayName: unknown; domains?: unknown },
): Promise<TenantRecord> {
  const fields = validateNewTenant(input)
  return auditedWrite(ctx, 'tenant.create', async (s) => {
    for (const domain of fields.domains) {
      if (await s.directory.tenant(domain)) {
        throw conflict(`domains: '${domain}' already names a tenant`)
      }
    }
    const tenant = { id: randomUUID(), ...fields, createdAt: nowSeconds(ctx) }
    await s.directory.insertTenant(tenant)
    return { result: tenant, target: tenant.id }
  })
}

/** By GUID or domain name, case-insensitively; 404 when unknown. */
export async function findTenant(s: Store, ref: string): Promise<TenantRecord> {
  const tenant = await s.directory.tenant(ref)
  if (!tenant) throw GraphError.notFound(`tenant '${ref}' does not exist`)
  return tenant
}
