import type { Kysely } from 'kysely'
import type { Database } from '../tables.js'
import type { RoleAssignmentRecord, SignInRecord } from '../records.js'
import { num, numOrNull } from '../columns.js'

/** App-role assignments: (client principal, resource app, role value); they feed `roles`. */
export interface RoleAssignmentRepository {
  insert(assignment: RoleAssignmentRecord): Promise<void>
  /** Role values a principal holds on one resource. */
  roles(principalId: string, resourceAppId: string): Promise<string[]>
  forResource(resourceAppId: string): Promise<RoleAssignmentRecord[]>
  delete(id: string): Promise<void>
}

export interface SignInQuery {
  clientId?: string
  outcome?: 'success' | 'failure'
  sinceSeconds?: number
  limit: number
}

/** The sign-in log (STS-140, IF-38). Written in batches; read newest first. */
export interface SignInRepository {
  appendMany(records: readonly SignInRecord[]): Promise<void>
  list(query: SignInQuery): Promise<SignInRecord[]>
}

export function roleAssignmentRepository(db: Kysely<Database>): RoleAssignmentRepository {
  return {
    async insert(a) {
      await db
        .insertInto('app_role_assignments')
        .values({
          id: a.id,
          tenant_id: a.tenantId,
          principal_id: a.principalId,
          resource_app_id: a.resourceAppId,
          role: a.role,
          created_at: a.createdAt,
        })
        .execute()
    },
    async roles(principalId, resourceAppId) {
      const rows = await db
        .selectFrom('app_role_assignments')
        .select('role')
        .where('principal_id', '=', principalId)
        .where('resource_app_id', '=', resourceAppId)
        .orderBy('role')
        .execute()
      return rows.map((r) => r.role)
    },
    async forResource(resourceAppId) {
      const rows = await db
        .selectFrom('app_role_assignments')
        .selectAll()
        .where('resource_app_id', '=', resourceAppId)
        .orderBy('created_at')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        principalId: r.principal_id,
        resourceAppId: r.resource_app_id,
        role: r.role,
        createdAt: num(r.created_at),
      }))
    },
    async delete(id) {
      await db.deleteFrom('app_role_assignments').where('id', '=', id).execute()
    },
  }
}

export function signInRepository(db: Kysely<Database>): SignInRepository {
  return {
    async appendMany(records) {
      if (records.length === 0) return
      await db
        .insertInto('sign_ins')
        .values(
          records.map((r) => ({
            at: r.at,
            tenant: r.tenant,
            client_id: r.clientId,
            grant_type: r.grantType,
            outcome: r.outcome,
            aadsts: r.aadsts,
            trace_id: r.traceId,
            correlation_id: r.correlationId,
            details: JSON.stringify(r.details),
          })),
        )
        .execute()
    },
    async list(query) {
      let select = db.selectFrom('sign_ins').selectAll()
      if (query.clientId !== undefined)
        select = select.where('client_id', '=', query.clientId.toLowerCase())
      if (query.outcome !== undefined) select = select.where('outcome', '=', query.outcome)
      if (query.sinceSeconds !== undefined) select = select.where('at', '>=', query.sinceSeconds)
      const rows = await select.orderBy('id', 'desc').limit(query.limit).execute()
      return rows.map((r) => ({
        at: num(r.at),
        tenant: r.tenant,
        clientId: r.client_id,
        grantType: r.grant_type,
        outcome: r.outcome as 'success' | 'failure',
        aadsts: numOrNull(r.aadsts),
        traceId: r.trace_id,
        correlationId: r.correlation_id,
        details: JSON.parse(r.details) as Record<string, unknown>,
      }))
    },
  }
}
