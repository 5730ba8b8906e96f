import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { UsageError } from '../../src/errors/index.js'
import { KeyIntegrityError, KeyService } from '../../src/keys/index.js'
import { openStore, type IssuerRecord, type Store } from '../../src/store/index.js'
import { ManualClock } from '../../src/util/index.js'
import { forEachBackend, type TestDatabase } from '../support/store_backends.js'

const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'))
const kek = randomBytes(32)
const ALL_MIGRATIONS = [
  '0001_issuers_and_keys',
  '0002_directory',
  '0003_managed_identities',
  '0004_vaults',
  '0005_change_version',
]

const issuer = (name: string): IssuerRecord => ({
  id: randomUUID(),
  name,
  url: `https://issuer.example/${name}`,
  jwksUri: null,
  keyAlgorithm: 'RS256',
  publication: 'served',
  maxTokenExpirationSeconds: 86400,
  defaultAudiences: ['api://AzureADTokenExchange'],
  createdAt: 1_772_323_200,
})

test('IF-22: an unreachable PostgreSQL is named in the error without its password', async () => {
  await assert.rejects(openStore('postgres://wk:hunter2-secret@127.0.0.1:1/test'), (e: Error) => {
    assert.ok(e instanceof UsageError)
    assert.match(e.message, /^cannot open postgres:\/\/wk@127\.0\.0\.1:1\/test: /)
    assert.ok(!e.message.includes('hunter2'))
    return true
  })
})

test('a SQLite file that cannot be created is one line naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-store-'))
  const file = join(dir, 'a-file')
  await writeFile(file, '')
  try {
    await assert.rejects(openStore(`sqlite:${file}/db.sqlite`), (e: Error) => {
      assert.ok(e instanceof UsageError)
      assert.equal(e.message.startsWith(`cannot open sqlite:${file}/db.sqlite: `), true, e.message)
      return true
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('IF-22: an unknown storage scheme is refused, naming both supported ones', async () => {
  await assert.rejects(openStore('mysql://x'), /storage mysql: is not supported; use sqlite:PATH/)
})

forEachBackend((backend) => {
  const databases: TestDatabase[] = []
  const fresh = async () => {
    const database = await backend.database()
    databases.push(database)
    return database
  }
  const stores: Store[] = []
  const open = async (database: TestDatabase) => {
    const store = await openStore(database.storage)
    stores.push(store)
    return store
  }

  after(async () => {
    for (const store of stores) await store.close()
    for (const database of databases) await database.drop()
  })

  test('IF-57: migrations apply once; reopening applies nothing', async () => {
    const database = await fresh()
    const first = await openStore(database.storage)
    assert.equal(first.dialect, backend.name)
    assert.deepEqual(first.migrationsApplied, ALL_MIGRATIONS)
    await first.close()
    const second = await openStore(database.storage)
    assert.deepEqual(second.migrationsApplied, [])
    await second.close()
  })

  test('IF-57: a database migrated by a newer wifkit is refused, naming the unknown migration', async () => {
    const database = await fresh()
    await (await openStore(database.storage)).close()
    await database.exec('insert into wifkit_migration (name, timestamp) values (?, ?)', [
      '9999_from_the_future',
      '2030-01-01T00:00:00.000Z',
    ])
    await assert.rejects(
      openStore(database.storage),
      /schema is newer than this wifkit \(unknown migrations: 9999_from_the_future\)/,
    )
  })

  test('issuers: exact names, listed bytewise, unique, times as numbers', async () => {
    const store = await open(await fresh())
    for (const name of ['ab', 'a-c', 'B']) await store.issuers.insert(issuer(name))
    await assert.rejects(store.issuers.insert(issuer('ab')))
    assert.deepEqual(
      (await store.issuers.list()).map((i) => i.name),
      ['B', 'a-c', 'ab'],
    )
    assert.equal(await store.issuers.byName('AB'), undefined)
    const stored = await store.issuers.byName('ab')
    assert.equal(stored?.createdAt, 1_772_323_200)
    assert.deepEqual(stored?.defaultAudiences, ['api://AzureADTokenExchange'])
    await store.issuers.updateUrl(stored?.id ?? '', 'https://moved.example/ab')
    assert.equal((await store.issuers.byName('ab'))?.url, 'https://moved.example/ab')
  })

  test('settings upsert; admin tokens count and match only while unrevoked', async () => {
    const store = await open(await fresh())
    assert.equal(await store.settings.get('x'), undefined)
    await store.settings.set('x', 'one', 1)
    await store.settings.set('x', 'two', 2)
    assert.equal(await store.settings.get('x'), 'two')
    assert.equal(await store.adminTokens.count(), 0)
    const token = {
      id: randomUUID(),
      tokenHash: 'h'.repeat(64),
      description: 'bootstrap',
      createdAt: 3,
      revokedAt: null,
    }
    await store.adminTokens.insert(token)
    await store.adminTokens.insert({ ...token, id: randomUUID(), tokenHash: 'r', revokedAt: 4 })
    assert.equal(await store.adminTokens.count(), 2)
    assert.deepEqual(await store.adminTokens.findActiveByHash(token.tokenHash), token)
    assert.equal(await store.adminTokens.findActiveByHash('r'), undefined)
    assert.equal(await store.adminTokens.revokeByHash('r', 6), false, 'already revoked')
    assert.equal(await store.adminTokens.revokeByHash(token.tokenHash, 6), true)
    assert.equal(await store.adminTokens.findActiveByHash(token.tokenHash), undefined)
    assert.equal(await store.adminTokens.revokeByHash(token.tokenHash, 7), false, 'revoked once')
    await store.audit.append({ at: 5, actor: 'a', action: 'b', target: 'c', outcome: 'success' })
  })

  test('a transaction lands whole or not at all', async () => {
    const store = await open(await fresh())
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.issuers.insert(issuer('kept-out'))
        throw new Error('abort')
      }),
      /abort/,
    )
    assert.equal(await store.issuers.byName('kept-out'), undefined)
    await store.transaction(async (trx) => trx.issuers.insert(issuer('kept-in')))
    assert.ok(await store.issuers.byName('kept-in'))
  })

  test('concurrent check-then-insert transactions: one wins, the others see its row', async () => {
    const store = await open(await fresh())
    const racers = 4
    let checked = 0
    let allChecked: () => void = () => {}
    const barrier = new Promise<void>((resolve) => (allChecked = resolve))
    const attempt = () =>
      store.transaction(async (trx) => {
        if (await trx.issuers.byName('racy')) throw new Error('already exists')
        // Every racer checks before any inserts. SQLite runs one transaction at a time, so
        // there the wait times out and the racers go one after another.
        if (++checked === racers) allChecked()
        await Promise.race([barrier, delay(300)])
        await trx.issuers.insert(issuer('racy'))
      })
    const results = await Promise.allSettled(Array.from({ length: racers }, attempt))
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    for (const r of results) {
      if (r.status === 'rejected') assert.match(String(r.reason), /already exists/)
    }
  })

  test('ISS-13: a stored kid that disagrees with the key is a load error', async () => {
    const database = await fresh()
    const store = await openStore(database.storage)
    const keys = new KeyService(store, kek, clock)
    const key = await keys.addKey('owner-1', 'RS256', {
      prePublishSeconds: 0,
      requiresVerification: false,
    })
    await store.close()
    await database.exec('update signing_keys set kid = ? where id = ?', ['A'.repeat(43), key.id])
    const reopened = await open(database)
    await assert.rejects(new KeyService(reopened, kek, clock).keys('owner-1'), (error: Error) => {
      assert.ok(error instanceof KeyIntegrityError)
      assert.match(error.message, new RegExp(`stored kid A{43} but the key derives ${key.kid}`))
      return true
    })
  })

  test('ISS-14: private keys are sealed at rest; another KEK cannot open them', async () => {
    const store = await open(await fresh())
    const key = await new KeyService(store, kek, clock).addKey('owner-2', 'RS256', {
      prePublishSeconds: 0,
      requiresVerification: true,
    })
    const [row] = await store.signingKeys.forOwner('owner-2')
    assert.match(row?.privateKeySealed ?? '', /^v1\./)
    assert.equal(row?.requiresVerification, true)
    assert.equal(row?.createdAt, clock.nowMs() / 1000)
    const pkcs8 = key.privateKey?.export({ type: 'pkcs8', format: 'der' }).toString('base64') ?? ''
    assert.ok(!(row?.privateKeySealed ?? '').includes(pkcs8.slice(0, 40)))
    await assert.rejects(
      new KeyService(store, randomBytes(32), clock).keys('owner-2'),
      /cannot be decrypted: is keys.kekFile/,
    )
  })

  test('ISS-84, ISS-94: keys are marked verified once and removed with their private half', async () => {
    const store = await open(await fresh())
    const keys = new KeyService(store, kek, clock)
    const options = { prePublishSeconds: 0, requiresVerification: true }
    const a = await keys.addKey('owner-3', 'RS256', options)
    const b = await keys.addKey('owner-3', 'ES256', options)
    await store.signingKeys.markVerified('owner-3', [a.kid], 100)
    await store.signingKeys.markVerified('owner-3', [a.kid, b.kid], 200)
    await store.signingKeys.remove([b.id], 300, 'emergency-rotation')
    await store.signingKeys.remove([b.id], 400, 'again')
    const rows = await store.signingKeys.forOwner('owner-3')
    const byId = new Map(rows.map((r) => [r.id, r]))
    assert.equal(byId.get(a.id)?.verifiedAt, 100)
    assert.equal(byId.get(b.id)?.verifiedAt, 200)
    assert.equal(byId.get(b.id)?.removedAt, 300)
    assert.equal(byId.get(b.id)?.removalReason, 'emergency-rotation')
    assert.equal(byId.get(b.id)?.privateKeySealed, null)
    assert.equal(byId.get(a.id)?.removedAt, null)
  })

  if (backend.name === 'sqlite') {
    test('SQLite runs in WAL mode, so readers never wait for the writer', async () => {
      const database = await fresh()
      await (await openStore(database.storage)).close()
      const raw = new BetterSqlite3(database.storage.slice('sqlite:'.length))
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
      raw.close()
    })
  }

  if (backend.name === 'postgres') {
    test('PostgreSQL: tables land in the search_path schema; ordered names collate bytewise', async () => {
      const database = await fresh()
      await open(database)
      const client = new pg.Client({ connectionString: database.storage })
      await client.connect()
      try {
        const { rows } = await client.query<{ table_name: string; column_name: string }>(
          `select table_name, column_name from information_schema.columns
            where table_schema = current_schema() and collation_name = 'C'
            order by table_name, column_name`,
        )
        assert.deepEqual(
          rows.map((r) => `${r.table_name}.${r.column_name}`),
          ['app_role_assignments.role', 'issuers.name', 'secrets.name_folded', 'vaults.name'],
        )
        const { rows: ids } = await client.query<{ table_name: string; data_type: string }>(
          `select table_name, data_type from information_schema.columns
            where table_schema = current_schema() and is_identity = 'YES' order by table_name`,
        )
        assert.deepEqual(
          ids.map((r) => `${r.table_name}:${r.data_type}`),
          ['audit_log:bigint', 'secret_versions:bigint', 'sign_ins:bigint'],
        )
      } finally {
        await client.end()
      }
    })
  }
})
