import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import {
  CacheCoherence,
  isStoreUnavailable,
  openStore,
  withReadCache,
  type ApplicationRecord,
} from '../../src/store/index.js'
import { systemClock } from '../../src/util/index.js'
import { forEachBackend, type TestDatabase } from '../support/store_backends.js'
import { TcpProxy, targetOf } from '../support/tcp_proxy.js'

const tenantId = '3f1a9c2e-7b4d-4e8a-9c1f-2d5e6a7b8c9d'
const VERSION_CHECK_MS = 200
/** Issue #7 asks for 1 s; the bound allows for a busy test machine without hiding a miss. */
const PROPAGATION_BOUND_MS = 2000

/** An enabled application with fresh ids; only its identity matters here. */
function app(): ApplicationRecord {
  const [id, appId, principalId] = [randomUUID(), randomUUID(), randomUUID()]
  const names = { displayName: 'payments', identifierUris: [], appRoles: [] }
  return {
    id,
    tenantId,
    appId,
    principalId,
    kind: 'application',
    enabled: true,
    ...names,
    createdAt: 1,
  }
}

/** Waits until `probe` holds; fails past the bound (a functional deadline). */
async function within(boundMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + boundMs
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`not seen within ${boundMs} ms`)
    await sleep(25)
  }
}

/**
 * Resolves once `coherence` has gone a few check intervals without a flush. A node's own write
 * flushes its cache at once and again when PostgreSQL's notification of it arrives; a test that
 * fills the cache in between would find it empty again.
 */
async function settled(coherence: CacheCoherence): Promise<void> {
  let flushes = 0
  const stopCounting = coherence.onInvalidate(() => flushes++)
  try {
    for (let attempt = 0; attempt < 40; attempt++) {
      const before = flushes
      await sleep(VERSION_CHECK_MS * 2)
      if (flushes === before) return
    }
    assert.fail('the cache kept being flushed with no writer about')
  } finally {
    stopCounting()
  }
}

async function cachedStore(storage: string, maxStalenessSeconds: number) {
  const store = await openStore(storage)
  const coherence = new CacheCoherence(store.changes, systemClock, {
    versionCheckMs: VERSION_CHECK_MS,
    maxStalenessSeconds,
    maxEntries: 1000,
  })
  await coherence.start()
  await store.directory.insertTenant({ id: tenantId, displayName: 'C', domains: [], createdAt: 1 })
  const close = async () => {
    coherence.stop()
    await store.close()
  }
  return { store, coherence, reads: withReadCache(store, coherence), close }
}

forEachBackend((backend) => {
  let database: TestDatabase
  let node: Awaited<ReturnType<typeof cachedStore>>

  before(async () => {
    database = await backend.database()
    node = await cachedStore(database.storage, 60)
  })
  after(async () => {
    await node.close()
    await database.drop()
  })

  test('issue #7 item 3: a cached read sees another process delete a credential within 1 s', async () => {
    const client = app()
    await node.store.directory.insertApplication(client)
    const fic = {
      id: randomUUID(),
      applicationId: client.id,
      name: 'ci',
      issuer: 'https://issuer.example',
      subject: 'repo:x',
      audience: 'api://AzureADTokenExchange',
      description: null,
      createdAt: 1,
    }
    await node.store.directory.insertCredential(fic)
    assert.deepEqual(await node.reads.directory.credentials(client.id), [fic])
    await database.exec('delete from federated_credentials where id = ?', [fic.id])
    await within(PROPAGATION_BOUND_MS, async () => {
      return (await node.reads.directory.credentials(client.id)).length === 0
    })
  })

  test('issue #7 item 3: a write through this store is read back at once (read-your-writes)', async () => {
    const client = app()
    assert.equal(await node.reads.directory.applicationByAppId(tenantId, client.appId), undefined)
    await node.store.directory.insertApplication(client)
    assert.deepEqual(await node.reads.directory.applicationByAppId(tenantId, client.appId), client)
    await node.store.directory.updateApplication({ ...client, enabled: false })
    const read = await node.reads.directory.applicationByAppId(tenantId, client.appId.toUpperCase())
    assert.equal(read?.enabled, false)
  })

  test('issue #7 item 3: a transaction commit is seen by the next cached read', async () => {
    const client = app()
    await node.store.directory.insertApplication(client)
    assert.equal((await node.reads.directory.applicationById(tenantId, client.id))?.id, client.id)
    await node.reads.directory.credentials(client.id)
    await node.store.transaction(async (trx) => {
      await trx.directory.deleteApplication(client.id)
    })
    assert.equal(await node.reads.directory.applicationByAppId(tenantId, client.appId), undefined)
  })
})

forEachBackend((backend) => {
  describe('issue #7 item 4: the database goes away behind a proxy', () => {
    let database: TestDatabase
    let proxy: TcpProxy
    let node: Awaited<ReturnType<typeof cachedStore>>
    const STALENESS_SECONDS = 2

    before(async () => {
      database = await backend.database()
      proxy = await TcpProxy.start(targetOf(database.storage))
      node = await cachedStore(proxy.rewrite(database.storage), STALENESS_SECONDS)
    })
    after(async () => {
      await node.close()
      await proxy.close()
      await database.drop()
    })

    test('cached answers serve within the staleness bound, then the outage error; recovery needs no restart', async () => {
      const client = app()
      await node.store.directory.insertApplication(client)
      await settled(node.coherence)
      const known = () => node.reads.directory.applicationByAppId(tenantId, client.appId)
      assert.deepEqual(await known(), client)
      proxy.cut()
      assert.deepEqual(await known(), client, 'a known client is served from the cache')
      const unknown = node.reads.directory.applicationByAppId(tenantId, randomUUID())
      await assert.rejects(unknown, (e) => isStoreUnavailable(e))
      await assert.rejects(node.store.directory.insertApplication(app()), (e) =>
        isStoreUnavailable(e),
      )
      await sleep(STALENESS_SECONDS * 1000 + 500)
      await assert.rejects(known(), (e) => isStoreUnavailable(e), 'past the bound: unavailable')
      assert.equal(node.coherence.confirmed, false)
      proxy.restore()
      await within(5000, async () => (await known().catch(() => undefined)) !== undefined)
      await within(5000, async () => node.coherence.confirmed)
      await node.store.directory.insertApplication(app())
    })
  })
}, 'postgres')
