export type {
  Store,
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
} from './records.js'
export { openStore } from './open.js'
