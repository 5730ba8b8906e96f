import type { Dialect } from './migrations/index.js'
import type { DirectoryRepository } from './repositories/directory.js'
import type {
  RoleAssignmentRepository,
  SignInRepository,
} from './repositories/roles_and_sign_ins.js'
import type { VaultRepository } from './repositories/vaults.js'
import type { AdminTokenRecord, AuditEntry, IssuerRecord, SigningKeyRecord } from './records.js'

export interface IssuerRepository {
  insert(issuer: IssuerRecord): Promise<void>
  byName(name: string): Promise<IssuerRecord | undefined>
  list(): Promise<IssuerRecord[]>
  updateUrl(id: string, url: string): Promise<void>
}

export interface SigningKeyRepository {
  /** Every key of an owner, removed ones included (their private half is gone). */
  forOwner(ownerId: string): Promise<SigningKeyRecord[]>
  insert(key: SigningKeyRecord): Promise<void>
  markVerified(ownerId: string, kids: readonly string[], at: number): Promise<void>
  /** Takes keys out of the JWKS for good and destroys their private half (ISS-92, ISS-94). */
  remove(ids: readonly string[], at: number, reason: string): Promise<void>
}

export interface AdminTokenRepository {
  insert(token: AdminTokenRecord): Promise<void>
  findActiveByHash(tokenHash: string): Promise<AdminTokenRecord | undefined>
  /** Marks the live token with this hash revoked at `at`; false when none was live. */
  revokeByHash(tokenHash: string, at: number): Promise<boolean>
  /** Marks every live token revoked at `at`; resolves with how many were live. */
  revokeAll(at: number): Promise<number>
  count(): Promise<number>
}

export interface SettingsRepository {
  get(name: string): Promise<string | undefined>
  set(name: string, value: string, at: number): Promise<void>
}

/** Why cached reads may be out of date. */
export type ChangeSource = 'local' | 'remote' | 'resync'

/** Tells caches that rows they may hold have changed (issue #7, item 3). */
export interface ChangeFeed {
  /**
   * The deployment-wide change counter: a single row bumped by database triggers, inside the
   * writing transaction, on every INSERT/UPDATE/DELETE of a watched table (every table except the
   * sign-in log, the audit log, vault secret data and migration bookkeeping). Read from the
   * database, so it reflects only committed writes of every process.
   */
  version(): Promise<number>
  /**
   * Calls `listener` when watched rows may have changed:
   *  - 'local'  right after a write statement of THIS process to a watched table resolves, and again
   *             after a transaction that contained such a write commits (Kysely plugin on this store);
   *  - 'remote' when another process committed such a write (PostgreSQL LISTEN/NOTIFY on channel
   *             `wifkit_changes`, sent by the same trigger; SQLite never sends 'remote');
   *  - 'resync' after the notification connection (re)connects, when notifications may have been
   *             missed.
   * The PostgreSQL LISTEN connection is a dedicated pg.Client opened on first subscribe, reconnecting
   * with backoff (max ~2 s) while the database is away, closed by store.close(). Listener errors are
   * swallowed. Returns an unsubscribe function.
   */
  subscribe(listener: (source: ChangeSource) => void): () => void
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>
  /** Writes a batch in one statement, for logs written off the hot path (issue #7). */
  appendMany(entries: readonly AuditEntry[]): Promise<void>
}

/** What `Store.exclusively` reports: whether `work` ran here, and its result when it did. */
export type Exclusive<T> = { ran: true; value: T } | { ran: false }

/**
 * Runs `work` while no other holder of `lock` runs: with `wait` after the current holder is done,
 * otherwise at once or not at all (`ran: false`).
 */
export type Exclusively = <T>(
  lock: string,
  work: () => Promise<T>,
  options?: { wait?: boolean },
) => Promise<Exclusive<T>>

/**
 * Everything wifkit persists, behind one interface that SQLite and PostgreSQL both implement with
 * the same query-builder code.
 */
export interface Store {
  readonly dialect: Dialect
  readonly issuers: IssuerRepository
  readonly signingKeys: SigningKeyRepository
  readonly adminTokens: AdminTokenRepository
  readonly settings: SettingsRepository
  readonly audit: AuditRepository
  readonly directory: DirectoryRepository
  readonly roleAssignments: RoleAssignmentRepository
  readonly signIns: SignInRepository
  readonly vaults: VaultRepository
  /** Tells caches when rows they may hold have changed, in this process or another. */
  readonly changes: ChangeFeed
  /** Runs `work` atomically: all of its writes land, or none do. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>
  /**
   * Keeps a job to one node at a time (issue #7): key rotation, the purge, creating a first key.
   * PostgreSQL uses an advisory lock that dies with its node; SQLite serves one node per file, so
   * `work` simply runs. Correctness still rests on transactions; this only keeps nodes from
   * repeating each other's work.
   */
  readonly exclusively: Exclusively
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>
  close(): Promise<void>
}
