import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { KeyIntegrityError, KeyService } from '../../src/keys/index.js'
import { openStore } from '../../src/store/index.js'
import { ManualClock } from '../../src/util/index.js'

let dir: string
const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'))
const kek = randomBytes(32)

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-store-'))
})

after(async () => {
  await rm(dir, { recursive: true, force: true })
})

function storage(name: string): string {
  return `sqlite:${join(dir, name)}`
}

test('IF-57: migrations apply once; reopening applies nothing', async () => {
  const first = await openStore(storage('a.db'))
  assert.deepEqual(first.migrationsApplied, [
    '0001_issuers_and_keys',
    '0002_directory',
    '0003_managed_identities',
  ])
  await first.close()
  const second = await openStore(storage('a.db'))
  assert.deepEqual(second.migrationsApplied, [])
  await second.close()
})

test('IF-57: a database migrated by a newer wifkit is refused, naming the unknown migration', async () => {
  const store = await openStore(storage('newer.db'))
  await store.close()
  const raw = new BetterSqlite3(join(dir, 'newer.db'))
  raw
    .prepare(
      "insert into wifkit_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01')",
    )
    .run()
  raw.close()
  await assert.rejects(
    openStore(storage('newer.db')),
    /schema is newer than this wifkit \(unknown migrations: 9999_from_the_future\)/,
  )
})

test('SQLite runs in WAL mode, so readers never wait for the writer', async () => {
  const store = await openStore(storage('pragmas.db'))
  await store.close()
  const raw = new BetterSqlite3(join(dir, 'pragmas.db'))
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
  raw.close()
})

test('ISS-13: a stored kid that disagrees with the key is a load error', async () => {
  const store = await openStore(storage('kid.db'))
  const keys = new KeyService(store, kek, clock)
  const key = await keys.addKey('owner-1', 'RS256', {
    prePublishSeconds: 0,
    requiresVerification: false,
  })
  await store.close()
  const raw = new BetterSqlite3(join(dir, 'kid.db'))
  raw.prepare('update signing_keys set kid = ? where id = ?').run('A'.repeat(43), key.id)
  raw.close()
  const reopened = await openStore(storage('kid.db'))
  try {
    await assert.rejects(new KeyService(reopened, kek, clock).keys('owner-1'), (error: Error) => {
      assert.ok(error instanceof KeyIntegrityError)
      assert.match(error.message, new RegExp(`stored kid A{43} but the key derives ${key.kid}`))
      return true
    })
  } finally {
    await reopened.close()
  }
})

test('ISS-14: private keys are sealed at rest; another KEK cannot open them', async () => {
  const store = await openStore(storage('sealed.db'))
  const key = await new KeyService(store, kek, clock).addKey('owner-2', 'RS256', {
    prePublishSeconds: 0,
    requiresVerification: false,
  })
  const [row] = await store.signingKeys.forOwner('owner-2')
  assert.match(row?.privateKeySealed ?? '', /^v1\./)
  const pkcs8 = key.privateKey?.export({ type: 'pkcs8', format: 'der' }).toString('base64') ?? ''
  assert.ok(!(row?.privateKeySealed ?? '').includes(pkcs8.slice(0, 40)))
  await assert.rejects(
    new KeyService(store, randomBytes(32), clock).keys('owner-2'),
    /cannot be decrypted: is keys.kekFile/,
  )
  await store.close()
})
