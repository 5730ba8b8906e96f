import type { Generated } from 'kysely'

/**
 * The persisted shapes, one interface per table. Times are integer epoch seconds; booleans are
 * 0/1 integers and JSON is text, so that SQLite and PostgreSQL hold the same values.
 */
export interface IssuerTable {
  id: string
  name: string
  url: string
  jwks_uri: string | null
  key_algorithm: string
  publication: string
  max_token_expiration_seconds: number
  default_audiences: string
  created_at: number
}

export interface SigningKeyTable {
  id: string
  owner_id: string
  kid: string
  algorithm: string
  public_key_spki: string
  private_key_sealed: string | null
  created_at: number
  prepublish_seconds: number
  requires_verification: number
  verified_at: number | null
  removed_at: number | null
  removal_reason: string | null
}

export interface AdminTokenTable {
  id: string
  token_hash: string
  description: string
  created_at: number
  revoked_at: number | null
}

export interface DeploymentSettingTable {
  name: string
  value: string
  updated_at: number
}

export interface AuditLogTable {
  id: Generated<number>
  at: number
  actor: string
  action: string
  target: string
  outcome: string
}

export interface TenantTable {
  id: string
  display_name: string
  domains: string
  created_at: number
}

export interface TenantDomainTable {
  domain: string
  tenant_id: string
}

export interface ApplicationTable {
  id: string
  tenant_id: string
  app_id: string
  principal_id: string
  kind: string
  display_name: string
  enabled: number
  identifier_uris: string
  app_roles: string
  created_at: number
  /** IF-34: the folded ARM address of a user-assigned managed identity, else null. */
  arm_key: string | null
  /** IF-34: the identity's ArmResource record as JSON, else null. */
  arm_resource: string | null
}

export interface IdentifierUriTable {
  uri: string
  tenant_id: string
  application_id: string
}

export interface FederatedCredentialTable {
  id: string
  application_id: string
  name: string
  name_folded: string
  issuer: string
  subject: string
  audience: string
  description: string | null
  created_at: number
}

export interface AppRoleAssignmentTable {
  id: string
  tenant_id: string
  principal_id: string
  resource_app_id: string
  role: string
  created_at: number
}

export interface SignInTable {
  id: Generated<number>
  at: number
  tenant: string
  client_id: string
  grant_type: string
  outcome: string
  aadsts: number | null
  trace_id: string
  correlation_id: string
  details: string
}

export interface VaultTable {
  id: string
  tenant_id: string
  name: string
  soft_delete: number
  retention_days: number
  purge_protection: number
  created_at: number
}

export interface VaultRoleAssignmentTable {
  id: string
  vault_id: string
  principal_id: string
  role: string
  created_at: number
}

export interface SecretTable {
  id: string
  vault_id: string
  name: string
  name_folded: string
  deleted_at: number | null
  scheduled_purge_at: number | null
  created_at: number
}

export interface SecretVersionTable {
  seq: Generated<number>
  version: string
  secret_id: string
  value_sealed: string
  data_key_wrapped: string
  content_type: string | null
  tags: string | null
  enabled: number
  nbf: number | null
  exp: number | null
  created: number
  updated: number
}

/** The single row (id 1) that triggers bump on every write to a watched table (issue #7). */
export interface ChangeVersionTable {
  id: number
  version: number
}

export interface Database {
  issuers: IssuerTable
  signing_keys: SigningKeyTable
  admin_tokens: AdminTokenTable
  deployment_settings: DeploymentSettingTable
  audit_log: AuditLogTable
  tenants: TenantTable
  tenant_domains: TenantDomainTable
  applications: ApplicationTable
  identifier_uris: IdentifierUriTable
  federated_credentials: FederatedCredentialTable
  app_role_assignments: AppRoleAssignmentTable
  sign_ins: SignInTable
  vaults: VaultTable
  vault_role_assignments: VaultRoleAssignmentTable
  secrets: SecretTable
  secret_versions: SecretVersionTable
  change_version: ChangeVersionTable
}
