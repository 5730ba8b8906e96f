import { randomUUID } from 'node:crypto'
import { GraphError } from '../errors/index.js'
import type {
  ApplicationRecord,
  ArmResource,
  FederatedCredentialRecord,
  PrincipalKind,
  RoleAssignmentRecord,
  Store,
  TenantRecord,
} from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import {
  validateApplicationPatch,
  validateNewApplication,
  validateNewTenant,
  type ApplicationFields,
} from './directory_rules.js'
import { validateFicPatch, validateNewFic, type FicFields } from './fic_rules.js'

/** How a request names an application: its object id or its client id, optionally of one kind. */
export type ApplicationRef = ({ id: string } | { appId: string }) & { kind?: PrincipalKind }

/** How ARM addresses a user-assigned managed identity (IF-34). */
export type ArmAddress = Pick<ArmResource, 'subscriptionId' | 'resourceGroup' | 'name'>

/** A user-assigned managed identity as ARM manages it. */
export type ManagedIdentityRecord = ApplicationRecord & { arm: ArmResource }

const hasArm = (app: ApplicationRecord | undefined): app is ManagedIdentityRecord =>
  app?.arm !== undefined

/** Deployment settings the directory rules depend on (config `sts`, dev mode). */
export interface DirectoryOptions {
  /** STS-67: 20 unless the deployment raises it. */
  maxCredentialsPerIdentity: number
  /** STS-62: dev mode accepts `http://` issuers on a loopback host. */
  allowHttpLoopback: boolean
}

/** An app-role assignment request: the principal by object id or client id. */
export interface RoleAssignmentInput {
  principalId?: string
  clientId?: string
  /** The resource's identifier URI or appId. */
  resource: string
  /** One of the resource's `appRoles` values. */
  role: string
}

const conflict = (message: string) =>
  new GraphError(409, 'Request_MultipleObjectsWithSameKeyValue', message)
const kindName = (kind: PrincipalKind | undefined) =>
  kind === 'managedIdentity' ? 'managed identity' : 'application'
const PAGE = 500

function ficFields(fic: FederatedCredentialRecord): FicFields {
  const { name, issuer, subject, audience, description } = fic
  return { name, issuer, subject, audiences: [audience], description }
}

type StoredFicFields = Pick<
  FederatedCredentialRecord,
  'name' | 'issuer' | 'subject' | 'audience' | 'description'
>

function fromFicFields(fields: FicFields): StoredFicFields {
  const [audience] = fields.audiences
  if (audience === undefined) throw new TypeError('validated fields hold exactly one audience')
  const { name, issuer, subject, description } = fields
  return { name, issuer, subject, audience, description }
}

/**
 * The directory behind the admin API (IF-30…IF-35) and the CLI: tenants, applications and
 * managed identities, their federated credentials and app-role assignments. Every write runs in
 * one transaction with its audit entry, so a failed write leaves neither.
 */
export class DirectoryService {
  readonly #store: Store
  readonly #clock: Clock
  readonly #options: DirectoryOptions

  constructor(store: Store, clock: Clock, options: DirectoryOptions) {
    this.#store = store
    this.#clock = clock
    this.#options = options
  }

  async createTenant(input: { displayName: unknown; domains?: unknown }): Promise<TenantRecord> {
    const fields = validateNewTenant(input)
    return this.#write('tenant.create', async (s) => {
      for (const domain of fields.domains) {
        if (await s.directory.tenant(domain)) {
          throw conflict(`domains: '${domain}' already names a tenant`)
        }
      }
      const tenant = { id: randomUUID(), ...fields, createdAt: this.#now() }
      await s.directory.insertTenant(tenant)
      return { result: tenant, target: tenant.id }
    })
  }

  tenants(): Promise<TenantRecord[]> {
    return this.#store.directory.tenants()
  }

  /** By GUID or domain name, case-insensitively; 404 when unknown. */
  async tenant(ref: string): Promise<TenantRecord> {
    const tenant = await this.#store.directory.tenant(ref)
    if (!tenant) throw GraphError.notFound(`tenant '${ref}' does not exist`)
    return tenant
  }

  async createApplication(
    tenantId: string,
    body: unknown,
    kind: PrincipalKind = 'application',
  ): Promise<ApplicationRecord> {
    const fields = validateNewApplication(body)
    await this.tenant(tenantId)
    return this.#write(`${kind}.create`, async (s) => {
      const app: ApplicationRecord = {
        id: randomUUID(),
        tenantId,
        appId: randomUUID(),
        principalId: randomUUID(),
        kind,
        ...fields,
        createdAt: this.#now(),
      }
      await this.#refuseTakenUris(s, app)
      await s.directory.insertApplication(app)
      return { result: app, target: app.id }
    })
  }

  applications(
    tenantId: string,
    kind: PrincipalKind,
    page: { skip: number; top: number },
  ): Promise<ApplicationRecord[]> {
    return this.#store.directory.applications(tenantId, kind, page)
  }

  application(tenantId: string, ref: ApplicationRef): Promise<ApplicationRecord> {
    return this.#find(this.#store, tenantId, ref)
  }

  /** A user-assigned managed identity by its ARM address, case-insensitively (IF-34). */
  async managedIdentityAt(
    tenantId: string,
    address: ArmAddress,
  ): Promise<ManagedIdentityRecord | undefined> {
    const found = await this.#store.directory.managedIdentityAt(tenantId, address)
    return hasArm(found) ? found : undefined
  }

  /**
   * ARM's PUT of a user-assigned managed identity (IF-34): creates it with fresh client and
   * principal ids, or replaces the tags of the one at that address, whose spelling and ids stay.
   * As in ARM, the location is fixed at creation: another one is a 409.
   */
  async putManagedIdentity(
    tenantId: string,
    resource: ArmResource,
  ): Promise<{ identity: ManagedIdentityRecord; created: boolean }> {
    await this.tenant(tenantId)
    return this.#write('managedIdentity.create', async (s) => {
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
        createdAt: this.#now(),
        arm: resource,
      }
      await s.directory.insertApplication(identity)
      return { result: { identity, created: true }, target: identity.id }
    })
  }

  /** PATCH semantics (IF-31): absent members keep their value. */
  async updateApplication(
    tenantId: string,
    ref: ApplicationRef,
    patch: unknown,
  ): Promise<ApplicationRecord> {
    return this.#write(`${ref.kind ?? 'application'}.update`, async (s) => {
      const current = await this.#find(s, tenantId, ref)
      const fields: ApplicationFields = validateApplicationPatch(current, patch)
      const updated = { ...current, ...fields }
      await this.#refuseTakenUris(s, updated)
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
  async deleteApplication(tenantId: string, ref: ApplicationRef): Promise<void> {
    await this.#write(`${ref.kind ?? 'application'}.delete`, async (s) => {
      const app = await this.#find(s, tenantId, ref)
      for (const a of await this.#assignmentsInTenant(s, tenantId)) {
        if (a.resourceAppId === app.appId || a.principalId === app.principalId) {
          await s.roleAssignments.delete(a.id)
        }
      }
      await s.directory.deleteApplication(app.id)
      return { result: undefined, target: app.id }
    })
  }

  async credentials(tenantId: string, ref: ApplicationRef): Promise<FederatedCredentialRecord[]> {
    const app = await this.#find(this.#store, tenantId, ref)
    return this.#store.directory.credentials(app.id)
  }

  /** By id, or by name compared case-insensitively (STS-61). */
  async credential(
    tenantId: string,
    ref: ApplicationRef,
    idOrName: string,
  ): Promise<FederatedCredentialRecord> {
    const app = await this.#find(this.#store, tenantId, ref)
    return this.#findCredential(await this.#store.directory.credentials(app.id), app, idOrName)
  }

  async addCredential(
    tenantId: string,
    ref: ApplicationRef,
    body: unknown,
  ): Promise<FederatedCredentialRecord> {
    return this.#write('federatedIdentityCredential.create', async (s) => {
      const app = await this.#find(s, tenantId, ref)
      const existing = await s.directory.credentials(app.id)
      const fields = validateNewFic(body, existing, {
        maxPerIdentity: this.#options.maxCredentialsPerIdentity,
        allowHttpLoopback: this.#options.allowHttpLoopback,
      })
      const fic = {
        ...fromFicFields(fields),
        id: randomUUID(),
        applicationId: app.id,
        createdAt: this.#now(),
      }
      await s.directory.insertCredential(fic)
      return { result: fic, target: fic.id }
    })
  }

  /** PATCH (IF-33): issuer, subject, audiences and description; never the name. */
  async updateCredential(
    tenantId: string,
    ref: ApplicationRef,
    idOrName: string,
    patch: unknown,
  ): Promise<FederatedCredentialRecord> {
    return this.#write('federatedIdentityCredential.update', async (s) => {
      const app = await this.#find(s, tenantId, ref)
      const existing = await s.directory.credentials(app.id)
      const current = this.#findCredential(existing, app, idOrName)
      const fields = validateFicPatch(ficFields(current), patch, existing, {
        allowHttpLoopback: this.#options.allowHttpLoopback,
      })
      const updated = { ...current, ...fromFicFields(fields) }
      await s.directory.updateCredential(updated)
      return { result: updated, target: updated.id }
    })
  }

  async removeCredential(tenantId: string, ref: ApplicationRef, idOrName: string): Promise<void> {
    await this.#write('federatedIdentityCredential.delete', async (s) => {
      const app = await this.#find(s, tenantId, ref)
      const fic = this.#findCredential(await s.directory.credentials(app.id), app, idOrName)
      await s.directory.deleteCredential(fic.id)
      return { result: undefined, target: fic.id }
    })
  }

  /** Grants a principal one of a resource's app roles; it reaches the `roles` claim. */
  async assignRole(tenantId: string, input: RoleAssignmentInput): Promise<RoleAssignmentRecord> {
    if ((input.principalId === undefined) === (input.clientId === undefined)) {
      throw GraphError.badRequest('principalId: give exactly one of principalId and clientId')
    }
    return this.#write('appRoleAssignment.create', async (s) => {
      const principal = await this.#principal(s, tenantId, input)
      const resource = await this.#resource(s, tenantId, input.resource)
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
        createdAt: this.#now(),
      }
      await s.roleAssignments.insert(assignment)
      return { result: assignment, target: assignment.id }
    })
  }

  async roleAssignments(tenantId: string, resource: string): Promise<RoleAssignmentRecord[]> {
    const app = await this.#resource(this.#store, tenantId, resource)
    const all = await this.#store.roleAssignments.forResource(app.appId)
    return all.filter((a) => a.tenantId === tenantId)
  }

  async removeRoleAssignment(tenantId: string, id: string): Promise<void> {
    await this.#write('appRoleAssignment.delete', async (s) => {
      const assignments = await this.#assignmentsInTenant(s, tenantId)
      const assignment = assignments.find((a) => a.id === id.toLowerCase())
      if (!assignment) throw GraphError.notFound(`appRoleAssignment '${id}' does not exist`)
      await s.roleAssignments.delete(assignment.id)
      return { result: undefined, target: assignment.id }
    })
  }

  #now(): number {
    return epochSeconds(this.#clock)
  }

  /** `work` may name the action it turned out to be (a PUT that updated rather than created). */
  async #write<T>(
    action: string,
    work: (store: Store) => Promise<{ result: T; target: string; action?: string }>,
  ): Promise<T> {
    return this.#store.transaction(async (s) => {
      const { result, target, action: done = action } = await work(s)
      await s.audit.append({
        at: this.#now(),
        actor: 'admin',
        action: done,
        target,
        outcome: 'success',
      })
      return result
    })
  }

  async #find(s: Store, tenantId: string, ref: ApplicationRef): Promise<ApplicationRecord> {
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

  #findCredential(
    fics: readonly FederatedCredentialRecord[],
    app: ApplicationRecord,
    idOrName: string,
  ): FederatedCredentialRecord {
    const key = idOrName.toLowerCase()
    const fic = fics.find((f) => f.id === key) ?? fics.find((f) => f.name.toLowerCase() === key)
    if (!fic) {
      throw GraphError.notFound(
        `federatedIdentityCredential '${idOrName}' does not exist on ${kindName(app.kind)} ${app.appId}`,
      )
    }
    return fic
  }

  async #refuseTakenUris(s: Store, app: ApplicationRecord): Promise<void> {
    for (const uri of app.identifierUris) {
      const owner = await s.directory.resource(app.tenantId, uri)
      if (owner && owner.id !== app.id) {
        throw conflict(`identifierUris: '${uri}' is already used by application ${owner.appId}`)
      }
    }
  }

  async #resource(s: Store, tenantId: string, resource: string): Promise<ApplicationRecord> {
    const app = await s.directory.resource(tenantId, resource)
    if (!app) {
      throw GraphError.notFound(
        `resource: no application with identifier URI or appId '${resource}' exists in this tenant`,
      )
    }
    return app
  }

  async #principal(
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
    const app = (await this.#identities(s, tenantId)).find((a) => a.principalId === principalId)
    if (app) return app
    throw GraphError.notFound(
      `principalId: no principal '${input.principalId}' exists in this tenant`,
    )
  }

  // The repositories look identities up by id and appId only; lookups by principal id and of an
  // assignment by id walk the tenant, which the admin API can afford.
  async #identities(s: Store, tenantId: string): Promise<ApplicationRecord[]> {
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

  async #assignmentsInTenant(s: Store, tenantId: string): Promise<RoleAssignmentRecord[]> {
    const assignments: RoleAssignmentRecord[] = []
    for (const app of await this.#identities(s, tenantId)) {
      const mine = await s.roleAssignments.forResource(app.appId)
      assignments.push(...mine.filter((a) => a.tenantId === tenantId))
    }
    return assignments
  }
}
