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

export interface Database {
  issuers: IssuerTable
  signing_keys: SigningKeyTable
  admin_tokens: AdminTokenTable
  deployment_settings: DeploymentSettingTable
  audit_log: AuditLogTable
}
