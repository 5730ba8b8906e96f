/** How an issuer's documents reach verifiers: served by wifkit, or copied to static hosting. */
export type Publication = 'served' | 'static'

/** An issuer as the domains see it (camelCase, parsed JSON, real booleans). */
export interface IssuerRecord {
  id: string
  name: string
  url: string
  jwksUri: string | null
  keyAlgorithm: string
  publication: Publication
  maxTokenExpirationSeconds: number
  defaultAudiences: string[]
  createdAt: number
}

/** A signing key; the private half is sealed (AES-256-GCM) and absent once removed. */
export interface SigningKeyRecord {
  id: string
  ownerId: string
  kid: string
  algorithm: string
  /** base64 DER SubjectPublicKeyInfo */
  publicKeySpki: string
  privateKeySealed: string | null
  createdAt: number
  prePublishSeconds: number
  requiresVerification: boolean
  verifiedAt: number | null
  removedAt: number | null
  removalReason: string | null
}

export interface AdminTokenRecord {
  id: string
  tokenHash: string
  description: string
  createdAt: number
  revokedAt: number | null
}

export interface AuditEntry {
  at: number
  actor: string
  action: string
  target: string
  outcome: string
}

export interface TenantRecord {
  /** A lower-case GUID. */
  id: string
  displayName: string
  /** Lower-case domain names usable in STS URLs in place of the id. */
  domains: string[]
  createdAt: number
}

/** An app role a resource application exposes (the `roles` claim carries its `value`). */
export interface AppRole {
  id: string
  value: string
  displayName: string
}

/** Applications and user-assigned managed identities federate identically (sts.md §1). */
export type PrincipalKind = 'application' | 'managedIdentity'

export interface ApplicationRecord {
  /** The object id. */
  id: string
  tenantId: string
  /** The client id: `client_id` in token requests. A lower-case GUID. */
  appId: string
  /** The service principal's object id: `oid` and `sub` of its tokens. */
  principalId: string
  kind: PrincipalKind
  displayName: string
  enabled: boolean
  identifierUris: string[]
  appRoles: AppRole[]
  createdAt: number
  /** Set on user-assigned managed identities managed through ARM (IF-34). */
  arm?: ArmResource
}

/** How ARM addresses a user-assigned managed identity, and what only ARM shows of it (IF-34). */
export interface ArmResource {
  subscriptionId: string
  resourceGroup: string
  name: string
  location: string
  tags: Record<string, string>
}

export interface FederatedCredentialRecord {
  id: string
  applicationId: string
  name: string
  issuer: string
  subject: string
  /** Exactly one audience (STS-64); the API shows it as `audiences: [audience]`. */
  audience: string
  description: string | null
  createdAt: number
}

export interface RoleAssignmentRecord {
  id: string
  tenantId: string
  principalId: string
  resourceAppId: string
  role: string
  createdAt: number
}

/** One token request (STS-140); `details` never holds an assertion, secret or issued token. */
export interface SignInRecord {
  at: number
  tenant: string
  clientId: string
  grantType: string
  outcome: 'success' | 'failure'
  aadsts: number | null
  traceId: string
  correlationId: string
  details: Record<string, unknown>
}

/** A Key-Vault-compatible vault (keyvault.md §8 settings); `name` is lower-case. */
export interface VaultRecord {
  id: string
  tenantId: string
  name: string
  softDelete: boolean
  retentionDays: number
  purgeProtection: boolean
  createdAt: number
}

/** A principal's role on one vault (KV-20); `principalId` is matched against a token's `oid`. */
export interface VaultRoleAssignmentRecord {
  id: string
  vaultId: string
  principalId: string
  role: string
  createdAt: number
}

/** A secret name in a vault: active while `deletedAt` is null, soft-deleted otherwise. */
export interface SecretRecord {
  id: string
  vaultId: string
  /** As first stored (KV-33). */
  name: string
  deletedAt: number | null
  scheduledPurgeAt: number | null
  createdAt: number
}

/** A secret's version attributes, as stored and as returned (KV-36: Unix seconds). */
export interface SecretAttributes {
  enabled: boolean
  nbf: number | null
  exp: number | null
  created: number
  updated: number
}

/** One version of a secret; its value sealed under a data key wrapped by the KEK. */
export interface SecretVersionRecord extends SecretAttributes {
  version: string
  secretId: string
  valueSealed: string
  dataKeyWrapped: string
  contentType: string | null
  tags: Record<string, string> | null
}
