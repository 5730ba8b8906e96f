export type {
  Store,
  ChangeFeed,
  ChangeSource,
  IssuerRepository,
  SigningKeyRepository,
  AdminTokenRepository,
  SettingsRepository,
  AuditRepository,
} from './store.js'
export type {
  IssuerRecord,
  SigningKeyRecord,
  AdminTokenRecord,
  AuditEntry,
  Publication,
  TenantRecord,
  ApplicationRecord,
  ArmResource,
  AppRole,
  PrincipalKind,
  FederatedCredentialRecord,
  RoleAssignmentRecord,
  SignInRecord,
  VaultRecord,
  VaultRoleAssignmentRecord,
  SecretRecord,
  SecretAttributes,
  SecretVersionRecord,
} from './records.js'
export type { VaultRepository, SecretPageQuery } from './repositories/vaults.js'
export { armKey, type DirectoryRepository } from './repositories/directory.js'
export type {
  RoleAssignmentRepository,
  SignInRepository,
  SignInQuery,
} from './repositories/roles_and_sign_ins.js'
export { openStore } from './open.js'
export { CacheCoherence, type CoherenceSettings } from './cache/coherence.js'
export { withReadCache } from './cache/cached_store.js'
export { isStoreUnavailable } from './unavailable.js'
