import type {
  ApplicationRecord,
  ArmResource,
  FederatedCredentialRecord,
  PrincipalKind,
  RoleAssignmentRecord,
  Store,
  TenantRecord,
} from '../store/index.js'
import type { Clock } from '../util/index.js'
import {
  createApplication,
  deleteApplication,
  updateApplication,
} from './directory/applications.js'
import type { DirectoryContext, DirectoryOptions } from './directory/context.js'
import {
  addCredential,
  findCredential,
  listCredentials,
  removeCredential,
  updateCredential,
} from './directory/credentials.js'
import { findApplication, type ApplicationRef } from './directory/lookups.js'
import {
  findManagedIdentityAt,
  putManagedIdentity,
  type ArmAddress,
  type ManagedIdentityRecord,
} from './directory/managed_identities.js'
import {
  assignRole,
  listRoleAssignments,
  removeRoleAssignment,
  type RoleAssignmentInput,
} from './directory/role_assignments.js'
import { createTenant, findTenant } from './directory/tenants.js'

export type { ApplicationRef, ArmAddress, DirectoryOptions, ManagedIdentityRecord }
export type { RoleAssignmentInput }

/**
 * The directory behind the admin API (IF-30…IF-35) and the CLI: tenants, applications and
 * managed identities, their federated credentials and app-role assignments. Every write runs in
 * one transaction with its audit entry, so a failed write leaves neither. The methods delegate to
 * the modules in `./directory/`, one per kind of record, which hold the rules.
 */
export class DirectoryService {
  readonly #ctx: DirectoryContext

  constructor(store: Store, clock: Clock, options: DirectoryOptions) {
    this.#ctx = { store, clock, options }
  }

  createTenant(input: { displayName: unknown; domains?: unknown }): Promise<TenantRecord> {
    return createTenant(this.#ctx, input)
  }

  tenants(): Promise<TenantRecord[]> {
    return this.#ctx.store.directory.tenants()
  }

  /** By GUID or domain name, case-insensitively; 404 when unknown. */
  tenant(ref: string): Promise<TenantRecord> {
    return findTenant(this.#ctx.store, ref)
  }

  createApplication(
    tenantId: string,
    body: unknown,
    kind: PrincipalKind = 'application',
  ): Promise<ApplicationRecord> {
    return createApplication(this.#ctx, tenantId, body, kind)
  }

  applications(
    tenantId: string,
    kind: PrincipalKind,
    page: { skip: number; top: number },
  ): Promise<ApplicationRecord[]> {
    return this.#ctx.store.directory.applications(tenantId, kind, page)
  }

  application(tenantId: string, ref: ApplicationRef): Promise<ApplicationRecord> {
    return findApplication(this.#ctx.store, tenantId, ref)
  }

  /** A user-assigned managed identity by its ARM address, case-insensitively (IF-34). */
  managedIdentityAt(
    tenantId: string,
    address: ArmAddress,
  ): Promise<ManagedIdentityRecord | undefined> {
    return findManagedIdentityAt(this.#ctx.store, tenantId, address)
  }

  /** ARM's PUT (IF-34): creates the identity or replaces its tags; its location is fixed. */
  putManagedIdentity(
    tenantId: string,
    resource: ArmResource,
  ): Promise<{ identity: ManagedIdentityRecord; created: boolean }> {
    return putManagedIdentity(this.#ctx, tenantId, resource)
  }

  /** PATCH semantics (IF-31): absent members keep their value. */
  updateApplication(
    tenantId: string,
    ref: ApplicationRef,
    patch: unknown,
  ): Promise<ApplicationRecord> {
    return updateApplication(this.#ctx, tenantId, ref, patch)
  }

  /** Deletes the application with its credentials and every role assignment naming it. */
  deleteApplication(tenantId: string, ref: ApplicationRef): Promise<void> {
    return deleteApplication(this.#ctx, tenantId, ref)
  }

  credentials(tenantId: string, ref: ApplicationRef): Promise<FederatedCredentialRecord[]> {
    return listCredentials(this.#ctx.store, tenantId, ref)
  }

  /** By id, or by name compared case-insensitively (STS-61). */
  credential(
    tenantId: string,
    ref: ApplicationRef,
    idOrName: string,
  ): Promise<FederatedCredentialRecord> {
    return findCredential(this.#ctx.store, tenantId, ref, idOrName)
  }

  addCredential(
    tenantId: string,
    ref: ApplicationRef,
    body: unknown,
  ): Promise<FederatedCredentialRecord> {
    return addCredential(this.#ctx, tenantId, ref, body)
  }

  /** PATCH (IF-33): issuer, subject, audiences and description; never the name. */
  updateCredential(
    tenantId: string,
    ref: ApplicationRef,
    idOrName: string,
    patch: unknown,
  ): Promise<FederatedCredentialRecord> {
    return updateCredential(this.#ctx, tenantId, ref, idOrName, patch)
  }

  removeCredential(tenantId: string, ref: ApplicationRef, idOrName: string): Promise<void> {
    return removeCredential(this.#ctx, tenantId, ref, idOrName)
  }

  /** Grants a principal one of a resource's app roles; it reaches the `roles` claim. */
  assignRole(tenantId: string, input: RoleAssignmentInput): Promise<RoleAssignmentRecord> {
    return assignRole(this.#ctx, tenantId, input)
  }

  roleAssignments(tenantId: string, resource: string): Promise<RoleAssignmentRecord[]> {
    return listRoleAssignments(this.#ctx.store, tenantId, resource)
  }

  removeRoleAssignment(tenantId: string, id: string): Promise<void> {
    return removeRoleAssignment(this.#ctx, tenantId, id)
  }
}
