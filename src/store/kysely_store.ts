import { sql, type Kysely, type Selectable } from 'kysely'
import type { Dialect } from './migrations/index.js'
import type { Database, IssuerTable, SigningKeyTable } from './tables.js'
import type { IssuerRecord, Publication, SigningKeyRecord } from './records.js'
import type { Exclusively, Store } from './store.js'
import { directoryRepository } from './repositories/directory.js'
import { roleAssignmentRepository, signInRepository } from './repositories/roles_and_sign_ins.js'
import { vaultRepository } from './repositories/vaults.js'
import { num, numOrNull } from './columns.js'
import { retrySerializationFailures } from './postgres/serializable.js'
import type { StoreChangeFeed } from './changes/change_feed.js'
import { WriteTracker } from './changes/write_tracker.js'

function toIssuer(row: Selectable<IssuerTable>): IssuerRecord {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    jwksUri: row.jwks_uri,
    keyAlgorithm: row.key_algorithm,
    publication: row.publication as Publication,
    maxTokenExpirationSeconds: num(row.max_token_expiration_seconds),
    defaultAudiences: JSON.parse(row.default_audiences) as string[],
    createdAt: num(row.created_at),
  }
}

function toKey(row: Selectable<SigningKeyTable>): SigningKeyRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    kid: row.kid,
    algorithm: row.algorithm,
    publicKeySpki: row.public_key_spki,
    privateKeySealed: row.private_key_sealed,
    createdAt: num(row.created_at),
    prePublishSeconds: num(row.prepublish_seconds),
    requiresVerification: row.requires_verification === 1,
    verifiedAt: numOrNull(row.verified_at),
    removedAt: numOrNull(row.removed_at),
    removalReason: row.removal_reason,
  }
}

/** The one implementation of `Store`, over any Kysely dialect. */
export function kyselyStore(
  db: Kysely<Database>,
  dialect: Dialect,
  close: () => Promise<void>,
  exclusively: Exclusively,
  changes: StoreChangeFeed,
): Store {
  const store: Store = {
    dialect,
    issuers: {
      async insert(i) {
        await db
          .insertInto('issuers')
          .values({
            id: i.id,
            name: i.name,
            url: i.url,
            jwks_uri: i.jwksUri,
            key_algorithm: i.keyAlgorithm,
            publication: i.publication,
            max_token_expiration_seconds: i.maxTokenExpirationSeconds,
            default_audiences: JSON.stringify(i.defaultAudiences),
            created_at: i.createdAt,
          })
          .execute()
      },
      async byName(name) {
        const row = await db
          .selectFrom('issuers')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst()
        return row ? toIssuer(row) : undefined
      },
      async list() {
        const rows = await db.selectFrom('issuers').selectAll().orderBy('name').execute()
        return rows.map(toIssuer)
      },
      async updateUrl(id, url) {
        await db.updateTable('issuers').set({ url }).where('id', '=', id).execute()
      },
    },
    signingKeys: {
      async forOwner(ownerId) {
        const rows = await db
          .selectFrom('signing_keys')
          .selectAll()
          .where('owner_id', '=', ownerId)
          .orderBy('created_at')
          .execute()
        return rows.map(toKey)
      },
      async insert(k) {
        await db
          .insertInto('signing_keys')
          .values({
            id: k.id,
            owner_id: k.ownerId,
            kid: k.kid,
            algorithm: k.algorithm,
            public_key_spki: k.publicKeySpki,
            private_key_sealed: k.privateKeySealed,
            created_at: k.createdAt,
            prepublish_seconds: k.prePublishSeconds,
            requires_verification: k.requiresVerification ? 1 : 0,
            verified_at: k.verifiedAt,
            removed_at: k.removedAt,
            removal_reason: k.removalReason,
          })
          .execute()
      },
      async markVerified(ownerId, kids, at) {
        if (kids.length === 0) return
        await db
          .updateTable('signing_keys')
          .set({ verified_at: at })
          .where('owner_id', '=', ownerId)
          .where('kid', 'in', [...kids])
          .where('verified_at', 'is', null)
          .execute()
      },
      async remove(ids, at, reason) {
        if (ids.length === 0) return
        await db
          .updateTable('signing_keys')
          .set({ removed_at: at, removal_reason: reason, private_key_sealed: null })
          .where('id', 'in', [...ids])
          .where('removed_at', 'is', null)
          .execute()
      },
    },
    adminTokens: {
      async insert(t) {
        await db
          .insertInto('admin_tokens')
          .values({
            id: t.id,
            token_hash: t.tokenHash,
            description: t.description,
            created_at: t.createdAt,
            revoked_at: t.revokedAt,
          })
          .execute()
      },
      async findActiveByHash(tokenHash) {
        const row = await db
          .selectFrom('admin_tokens')
          .selectAll()
          .where('token_hash', '=', tokenHash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst()
        if (!row) return undefined
        return {
          id: row.id,
          tokenHash: row.token_hash,
          description: row.description,
          createdAt: num(row.created_at),
          revokedAt: numOrNull(row.revoked_at),
        }
      },
      async revokeByHash(tokenHash, at) {
        const result = await db
          .updateTable('admin_tokens')
          .set({ revoked_at: at })
          .where('token_hash', '=', tokenHash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst()
        return result.numUpdatedRows > 0n
      },
      async revokeAll(at) {
        const result = await db
          .updateTable('admin_tokens')
          .set({ revoked_at: at })
          .where('revoked_at', 'is', null)
          .executeTakeFirst()
        return Number(result.numUpdatedRows)
      },
      async count() {
        const row = await db
          .selectFrom('admin_tokens')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
        return num(row.n)
      },
    },
    settings: {
      async get(name) {
        const row = await db
          .selectFrom('deployment_settings')
          .select('value')
          .where('name', '=', name)
          .executeTakeFirst()
        return row?.value
      },
      async set(name, value, at) {
        await db
          .insertInto('deployment_settings')
          .values({ name, value, updated_at: at })
          .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
          .execute()
      },
    },
    audit: {
      async append(e) {
        await db.insertInto('audit_log').values(e).execute()
      },
      async appendMany(entries) {
        if (entries.length === 0) return
        await db
          .insertInto('audit_log')
          .values(entries.map((e) => ({ ...e })))
          .execute()
      },
    },
    directory: directoryRepository(db),
    roleAssignments: roleAssignmentRepository(db),
    signIns: signInRepository(db),
    vaults: vaultRepository(db),
    async transaction(work) {
      // SQLite runs one writer at a time, so its transactions are serializable already. On
      // PostgreSQL the default READ COMMITTED would let two nodes both pass a check-then-insert
      // (an issuer name, the credential limit); SERIALIZABLE makes the loser retry and see the
      // winner's row, as it would on SQLite.
      // Caches hear of each write as it happens and again once the transaction commits, when
      // readers on other connections can see it (issue #7).
      let wrote = false
      const tracker = new WriteTracker(() => (wrote = true))
      const run = () =>
        db
          .transaction()
          .setIsolationLevel('serializable')
          .execute((trx) =>
            work(kyselyStore(trx.withPlugin(tracker), dialect, close, exclusively, changes)),
          )
      const result = await (dialect === 'postgres' ? retrySerializationFailures(run) : run())
      if (wrote) changes.emit('local')
      return result
    },
    changes,
    exclusively,
    async ping() {
      await sql`select 1`.execute(db)
    },
    close,
  }
  return store
}
