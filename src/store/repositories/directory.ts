import type { Kysely, Selectable } from 'kysely'
import type { ApplicationTable, Database, FederatedCredentialTable } from '../tables.js'
import type {
  ApplicationRecord,
  AppRole,
  ArmResource,
  FederatedCredentialRecord,
  PrincipalKind,
  TenantRecord,
} from '../records.js'
import { num } from '../columns.js'

/** ARM names are case-insensitive: an identity is found by its folded `{sub}/{rg}/{name}`. */
export const armKey = (a: Pick<ArmResource, 'subscriptionId' | 'resourceGroup' | 'name'>) =>
  `${a.subscriptionId}/${a.resourceGroup}/${a.name}`.toLowerCase()

function toApplication(row: Selectable<ApplicationTable>): ApplicationRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    appId: row.app_id,
    principalId: row.principal_id,
    kind: row.kind as PrincipalKind,
    displayName: row.display_name,
    enabled: row.enabled === 1,
    identifierUris: JSON.parse(row.identifier_uris) as string[],
    appRoles: JSON.parse(row.app_roles) as AppRole[],
    createdAt: num(row.created_at),
    ...(row.arm_resource === null ? {} : { arm: JSON.parse(row.arm_resource) as ArmResource }),
  }
}

function toFic(row: Selectable<FederatedCredentialTable>): FederatedCredentialRecord {
  return {
    id: row.id,
    applicationId: row.application_id,
    name: row.name,
    issuer: row.issuer,
    subject: row.subject,
    audience: row.audience,
    description: row.description,
    createdAt: num(row.created_at),
  }
}

/** Tenants, applications (and managed identities) and their federated credentials. */
export interface DirectoryRepository {
  insertTenant(tenant: TenantRecord): Promise<void>
  /** By GUID or domain name, case-insensitively (STS-8). */
  tenant(ref: string): Promise<TenantRecord | undefined>
  tenants(): Promise<TenantRecord[]>
  insertApplication(app: ApplicationRecord): Promise<void>
  updateApplication(app: ApplicationRecord): Promise<void>
  deleteApplication(id: string): Promise<void>
  applicationById(tenantId: string, id: string): Promise<ApplicationRecord | undefined>
  /** By client id, case-insensitively. */
  applicationByAppId(tenantId: string, appId: string): Promise<ApplicationRecord | undefined>
  /** A user-assigned managed identity by its ARM address, case-insensitively (IF-34). */
  managedIdentityAt(
    tenantId: string,
    address: Pick<ArmResource, 'subscriptionId' | 'resourceGroup' | 'name'>,
  ): Promise<ApplicationRecord | undefined>
  /** The resource a scope names: an identifier URI exactly, or an appId (STS-53). */
  resource(tenantId: string, resourceId: string): Promise<ApplicationRecord | undefined>
  applications(
    tenantId: string,
    kind: PrincipalKind,
    page: { skip: number; top: number },
  ): Promise<ApplicationRecord[]>
  credentials(applicationId: string): Promise<FederatedCredentialRecord[]>
  insertCredential(fic: FederatedCredentialRecord): Promise<void>
  updateCredential(fic: FederatedCredentialRecord): Promise<void>
  deleteCredential(id: string): Promise<void>
}

export function directoryRepository(db: Kysely<Database>): DirectoryRepository {
  const replaceIdentifierUris = async (app: ApplicationRecord) => {
    await db.deleteFrom('identifier_uris').where('application_id', '=', app.id).execute()
    for (const uri of app.identifierUris) {
      await db
        .insertInto('identifier_uris')
        .values({ uri, tenant_id: app.tenantId, application_id: app.id })
        .execute()
    }
  }
  const appRow = (app: ApplicationRecord) => ({
    id: app.id,
    tenant_id: app.tenantId,
    app_id: app.appId.toLowerCase(),
    principal_id: app.principalId,
    kind: app.kind,
    display_name: app.displayName,
    enabled: app.enabled ? 1 : 0,
    identifier_uris: JSON.stringify(app.identifierUris),
    app_roles: JSON.stringify(app.appRoles),
    created_at: app.createdAt,
    arm_key: app.arm ? armKey(app.arm) : null,
    arm_resource: app.arm ? JSON.stringify(app.arm) : null,
  })
  const ficRow = (fic: FederatedCredentialRecord) => ({
    id: fic.id,
    application_id: fic.applicationId,
    name: fic.name,
    name_folded: fic.name.toLowerCase(),
    issuer: fic.issuer,
    subject: fic.subject,
    audience: fic.audience,
    description: fic.description,
    created_at: fic.createdAt,
  })
  return {
    async insertTenant(t) {
      await db
        .insertInto('tenants')
        .values({
          id: t.id,
          display_name: t.displayName,
          domains: JSON.stringify(t.domains),
          created_at: t.createdAt,
        })
        .execute()
      for (const domain of t.domains) {
        await db
          .insertInto('tenant_domains')
          .values({ domain: domain.toLowerCase(), tenant_id: t.id })
          .execute()
      }
    },
    async tenant(ref) {
      const key = ref.toLowerCase()
      const viaDomain = await db
        .selectFrom('tenant_domains')
        .select('tenant_id')
        .where('domain', '=', key)
        .executeTakeFirst()
      const row = await db
        .selectFrom('tenants')
        .selectAll()
        .where('id', '=', viaDomain?.tenant_id ?? key)
        .executeTakeFirst()
      if (!row) return undefined
      return {
        id: row.id,
        displayName: row.display_name,
        domains: JSON.parse(row.domains) as string[],
        createdAt: num(row.created_at),
      }
    },
    async tenants() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').execute()
      return rows.map((row) => ({
        id: row.id,
        displayName: row.display_name,
        domains: JSON.parse(row.domains) as string[],
        createdAt: num(row.created_at),
      }))
    },
    async insertApplication(app) {
      await db.insertInto('applications').values(appRow(app)).execute()
      await replaceIdentifierUris(app)
    },
    async updateApplication(app) {
      await db.updateTable('applications').set(appRow(app)).where('id', '=', app.id).execute()
      await replaceIdentifierUris(app)
    },
    async deleteApplication(id) {
      await db.deleteFrom('federated_credentials').where('application_id', '=', id).execute()
      await db.deleteFrom('identifier_uris').where('application_id', '=', id).execute()
      await db.deleteFrom('applications').where('id', '=', id).execute()
    },
    async applicationById(tenantId, id) {
      const row = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
      return row ? toApplication(row) : undefined
    },
    async applicationByAppId(tenantId, appId) {
      const row = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('app_id', '=', appId.toLowerCase())
        .executeTakeFirst()
      return row ? toApplication(row) : undefined
    },
    async managedIdentityAt(tenantId, address) {
      const row = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('arm_key', '=', armKey(address))
        .executeTakeFirst()
      return row ? toApplication(row) : undefined
    },
    async resource(tenantId, resourceId) {
      const byUri = await db
        .selectFrom('identifier_uris')
        .select('application_id')
        .where('tenant_id', '=', tenantId)
        .where('uri', '=', resourceId)
        .executeTakeFirst()
      if (byUri) return this.applicationById(tenantId, byUri.application_id)
      return this.applicationByAppId(tenantId, resourceId)
    },
    async applications(tenantId, kind, page) {
      const rows = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', kind)
        .orderBy('created_at')
        .orderBy('id')
        .limit(page.top)
        .offset(page.skip)
        .execute()
      return rows.map(toApplication)
    },
    async credentials(applicationId) {
      const rows = await db
        .selectFrom('federated_credentials')
        .selectAll()
        .where('application_id', '=', applicationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toFic)
    },
    async insertCredential(fic) {
      await db.insertInto('federated_credentials').values(ficRow(fic)).execute()
    },
    async updateCredential(fic) {
      await db
        .updateTable('federated_credentials')
        .set(ficRow(fic))
        .where('id', '=', fic.id)
        .execute()
    },
    async deleteCredential(id) {
      await db.deleteFrom('federated_credentials').where('id', '=', id).execute()
    },
  }
}
