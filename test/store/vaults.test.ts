import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import {
  openStore,
  type SecretRecord,
  type SecretVersionRecord,
  type Store,
  type VaultRecord,
} from '../../src/store/index.js'
import { forEachBackend, type TestDatabase } from '../support/store_backends.js'

const tenantId = randomUUID()

const vault = (name: string, overrides: Partial<VaultRecord> = {}): VaultRecord => ({
  id: randomUUID(),
  tenantId,
  name,
  softDelete: true,
  retentionDays: 90,
  purgeProtection: false,
  createdAt: 1_772_323_200,
  ...overrides,
})

const secret = (vaultId: string, name: string, overrides: Partial<SecretRecord> = {}) => ({
  id: randomUUID(),
  vaultId,
  name,
  deletedAt: null,
  scheduledPurgeAt: null,
  createdAt: 10,
  ...overrides,
})

let versionCounter = 0
const version = (
  secretId: string,
  overrides: Partial<SecretVersionRecord> = {},
): SecretVersionRecord => ({
  // Ids out of creation order, so a list that sorted by id instead of sequence would show it.
  version: `${(900 - ++versionCounter).toString(16).padStart(32, '0')}`,
  secretId,
  valueSealed: 'v1.sealed',
  dataKeyWrapped: 'v1.wrapped',
  contentType: null,
  tags: null,
  enabled: true,
  nbf: null,
  exp: null,
  created: 20,
  updated: 20,
  ...overrides,
})

forEachBackend((backend) => {
  let database: TestDatabase
  let store: Store

  before(async () => {
    database = await backend.database()
    store = await openStore(database.storage)
  })

  after(async () => {
    await store?.close()
    await database?.drop()
  })

  test('vaults: insert, byName, list by name, unique names, settings read back', async () => {
    const written = vault('payments', { softDelete: false, purgeProtection: true })
    await store.vaults.insert(written)
    await store.vaults.insert(vault('billing'))
    await store.vaults.insert(vault('other-tenant', { tenantId: randomUUID() }))
    await assert.rejects(store.vaults.insert(vault('payments')))
    assert.deepEqual(await store.vaults.byName('payments'), written)
    assert.equal(await store.vaults.byName('absent'), undefined)
    assert.deepEqual(
      (await store.vaults.list(tenantId)).map((v) => v.name),
      ['billing', 'payments'],
    )
  })

  test('KV-20: role assignments per vault and principal; deleteRole reports what it removed', async () => {
    const v = vault('roles')
    await store.vaults.insert(v)
    const principalId = randomUUID()
    const assign = (role: string, createdAt: number) => ({
      id: randomUUID(),
      vaultId: v.id,
      principalId,
      role,
      createdAt,
    })
    const reader = assign('Key Vault Secrets User', 1)
    const officer = assign('Key Vault Secrets Officer', 2)
    await store.vaults.insertRole(reader)
    await store.vaults.insertRole(officer)
    await assert.rejects(store.vaults.insertRole({ ...reader, id: randomUUID() }))
    assert.deepEqual((await store.vaults.roles(v.id, principalId)).sort(), [
      'Key Vault Secrets Officer',
      'Key Vault Secrets User',
    ])
    assert.deepEqual(await store.vaults.roles(v.id, randomUUID()), [])
    assert.deepEqual(await store.vaults.roleAssignments(v.id), [reader, officer])
    assert.equal(await store.vaults.deleteRole(randomUUID(), reader.id), false, 'another vault')
    assert.equal(await store.vaults.deleteRole(v.id, reader.id), true)
    assert.equal(await store.vaults.deleteRole(v.id, reader.id), false)
    assert.deepEqual(await store.vaults.roles(v.id, principalId), ['Key Vault Secrets Officer'])
  })

  test('KV-33: secrets page by folded name, bytewise, active and deleted apart', async () => {
    const v = vault('paging')
    await store.vaults.insert(v)
    const names = ['b', 'A-c', 'ab', 'Zed', 'a0']
    for (const name of names)
      await store.vaults.insertSecret(secret(v.id, name), name.toLowerCase())
    await store.vaults.insertSecret(secret(v.id, 'gone', { deletedAt: 5 }), 'gone')
    await assert.rejects(store.vaults.insertSecret(secret(v.id, 'B'), 'b'), 'one name per fold')
    const page1 = await store.vaults.secrets(v.id, { deleted: false, limit: 2 })
    assert.deepEqual(
      page1.map((s) => s.name),
      ['A-c', 'a0'],
    )
    const page2 = await store.vaults.secrets(v.id, { deleted: false, afterFolded: 'a0', limit: 10 })
    assert.deepEqual(
      page2.map((s) => s.name),
      ['ab', 'b', 'Zed'],
    )
    assert.deepEqual(
      (await store.vaults.secrets(v.id, { deleted: true, limit: 10 })).map((s) => s.name),
      ['gone'],
    )
    assert.equal((await store.vaults.secret(v.id, 'zed'))?.name, 'Zed')
    assert.equal(await store.vaults.secret(v.id, 'Zed'), undefined, 'callers pass the fold')
  })

  test('KV-70, KV-74, KV-75: markDeleted, recovery, duePurges and purge', async () => {
    const v = vault('lifecycle')
    await store.vaults.insert(v)
    const [early, late, kept] = [secret(v.id, 'early'), secret(v.id, 'late'), secret(v.id, 'kept')]
    for (const s of [early, late, kept]) await store.vaults.insertSecret(s, s.name)
    await store.vaults.insertVersion(version(early.id))
    await store.vaults.markDeleted(late.id, 100, 2_000)
    await store.vaults.markDeleted(early.id, 100, 1_000)
    await store.vaults.markDeleted(kept.id, 100, 1_500)
    await store.vaults.markDeleted(kept.id, null, null)
    assert.deepEqual(await store.vaults.secret(v.id, 'kept'), kept, 'recovered unchanged')
    assert.deepEqual(
      (await store.vaults.duePurges(1_999, 10)).map((s) => s.name),
      ['early'],
    )
    assert.deepEqual(
      (await store.vaults.duePurges(5_000, 10)).map((s) => [
        s.name,
        s.deletedAt,
        s.scheduledPurgeAt,
      ]),
      [
        ['early', 100, 1_000],
        ['late', 100, 2_000],
      ],
    )
    assert.deepEqual(
      (await store.vaults.duePurges(5_000, 1)).map((s) => s.name),
      ['early'],
    )
    await store.vaults.purge(early.id)
    assert.equal(await store.vaults.secret(v.id, 'early'), undefined)
    assert.equal(await store.vaults.latestVersion(early.id), undefined, 'versions go with it')
  })

  test('KV-62: versions list oldest first after a cursor; latest is the newest; ids are global', async () => {
    const v = vault('versions')
    await store.vaults.insert(v)
    const s = secret(v.id, 'db-password')
    await store.vaults.insertSecret(s, s.name)
    const written = [
      version(s.id, { contentType: 'text/plain', tags: { env: 'prod' }, nbf: 5, exp: 9_000 }),
      version(s.id, { enabled: false }),
      version(s.id, { created: 30, updated: 30 }),
    ]
    for (const w of written) await store.vaults.insertVersion(w)
    await assert.rejects(store.vaults.insertVersion({ ...written[0]! }), 'a version id is unique')
    assert.deepEqual(await store.vaults.versions(s.id, undefined, 10), written)
    assert.deepEqual(await store.vaults.versions(s.id, written[0]!.version, 1), [written[1]])
    assert.deepEqual(await store.vaults.versions(s.id, written[2]!.version, 10), [])
    assert.deepEqual(await store.vaults.latestVersion(s.id), written[2])
    assert.deepEqual(await store.vaults.version(s.id, written[1]!.version), written[1])
    assert.equal(await store.vaults.version(randomUUID(), written[1]!.version), undefined)
    assert.equal(await store.vaults.versionExists(written[1]!.version), true)
    assert.equal(await store.vaults.versionExists('f'.repeat(32)), false)
    const changed = { ...written[0]!, enabled: false, tags: null, contentType: null, updated: 40 }
    await store.vaults.updateVersion(changed)
    assert.deepEqual(await store.vaults.version(s.id, changed.version), changed)
  })

  test('deleting a vault removes its roles, secrets and versions', async () => {
    const v = vault('doomed')
    await store.vaults.insert(v)
    await store.vaults.insertRole({
      id: randomUUID(),
      vaultId: v.id,
      principalId: 'p',
      role: 'Key Vault Secrets User',
      createdAt: 1,
    })
    const s = secret(v.id, 'x')
    await store.vaults.insertSecret(s, 'x')
    const w = version(s.id)
    await store.vaults.insertVersion(w)
    await store.vaults.delete(v.id)
    assert.equal(await store.vaults.byName('doomed'), undefined)
    assert.deepEqual(await store.vaults.roleAssignments(v.id), [])
    assert.equal(await store.vaults.secret(v.id, 'x'), undefined)
    assert.equal(await store.vaults.versionExists(w.version), false)
  })
})
