import { GraphError } from '../../errors/index.js'
import type {
  ApplicationRecord,
  PrincipalKind,
  RoleAssignmentRecord,
  Store,
} from '../../store/index.js'

/** How a request names an application: its object id or its client id, optionally of one kind. */
export type ApplicationRef = ({ id: string } | { appId: string }) & { kind?: PrincipalKind }

/** How messages name a principal of this kind. */
export const kindName = (kind: PrincipalKind | undefined) =>
  kind === 'managedIdentity' ? 'managed identity' : 'application'

const PAGE = 500

/** The application `ref` names in the tenant; 404 when unknown or of another kind. */
export async function findApplication(
  s: Store,
  tenantId: string,
  ref: ApplicationRef,
): Promise<ApplicationRecord> {
  const app =
    'id' in ref
      ? await s.directory.applicationById(tenantId, ref.id.toLowerCase())
      : await s.directory.applicationByAppId(tenantId, ref.appId)
  if (!app || (ref.kind !== undefined && app.kind !== ref.kind)) {
    const how = 'id' in ref ? `id '${ref.id}'` : `appId '${ref.appId}'`
    throw GraphError.notFound(`no ${kindName(ref.kind)} with ${how} exists in this tenant`)
  }
  return app
}

/** The application with this identifier URI or appId in the tenant; 404 when unknown. */
export async function findResource(
  s: Store,
  tenantId: string,
  resource: string,
): Promise<ApplicationRecord> {
  const app = await s.directory.resource(tenantId, resource)
  if (!app) {
    throw GraphError.notFound(
      `resource: no application with identifier URI or appId '${resource}' exists in this tenant`,
    )
  }
  return app
}

// The repositories look identities up by id and appId only; lookups by principal id and of an
// assignment by id walk the tenant, which the admin API can afford.

/** Every application and managed identity in the tenant. */
export async function identitiesInTenant(s: Store, tenantId: string): Promise<ApplicationRecord[]> {
  const all: ApplicationRecord[] = []
  for (const kind of ['application', 'managedIdentity'] as const) {
    for (let skip = 0; ; skip += PAGE) {
      const page = await s.directory.applications(tenantId, kind, { skip, top: PAGE })
      all.push(...page)
      if (page.length < PAGE) break
    }
  }
  return all
}

/** Every app-role assignment made in the tenant. */
export async function assignmentsInTenant(
  s: Store,
  tenantId: string,
): Promise<RoleAssignmentRecord[]> {
  const assignments: RoleAssignmentRecord[] = []
  for (const app of await identitiesInTenant(s, tenantId)) {
    const mine = await s.roleAssignments.forResource(app.appId)
    assignments.push(...mine.filter((a) => a.tenantId === tenantId))
  }
  return assignments
}
