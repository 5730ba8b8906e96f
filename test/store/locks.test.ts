import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import { openStore, type Store } from '../../src/store/index.js'
import { forEachBackend, type TestDatabase } from '../support/store_backends.js'

/** A promise and the function that settles it, so a test decides when `work` ends. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

/** Holds `lock` on `store` until the returned `release` is called. */
async function hold(store: Store, lock: string) {
  const entered = gate()
  const leave = gate()
  const result = store.exclusively(lock, async () => {
    entered.open()
    await leave.opened
    return 'held'
  })
  await entered.opened
  return { result, release: leave.open }
}

forEachBackend((backend) => {
  let database: TestDatabase
  let a: Store
  let b: Store
  /** Two stores on one SQLite file are one node's; only PostgreSQL has several nodes. */
  const severalNodes = {
    skip: backend.name === 'sqlite' ? 'SQLite serves one node per database file' : false,
  }

  before(async () => {
    database = await backend.database()
    a = await openStore(database.storage)
    b = await openStore(database.storage)
  })

  after(async () => {
    await a?.close()
    await b?.close()
    await database?.drop()
  })

  test('issue #7: exclusively runs the work and hands back its value', async () => {
    assert.deepEqual(await a.exclusively('job', async () => 42), { ran: true, value: 42 })
    assert.deepEqual(await a.exclusively('job', async () => 'w', { wait: true }), {
      ran: true,
      value: 'w',
    })
  })

  test('issue #7: an error in the work reaches the caller and frees the lock', async () => {
    await assert.rejects(
      a.exclusively('job', async () => {
        throw new RangeError('work failed')
      }),
      /work failed/,
    )
    assert.deepEqual(await a.exclusively('job', async () => 'again'), {
      ran: true,
      value: 'again',
    })
  })

  test(
    'issue #7: while node A holds a lock, node B’s try does not run; afterwards it does',
    severalNodes,
    async () => {
      const held = await hold(a, 'key-maintenance')
      let ranOnB = false
      assert.deepEqual(await b.exclusively('key-maintenance', async () => (ranOnB = true)), {
        ran: false,
      })
      assert.equal(ranOnB, false)
      assert.deepEqual(await b.exclusively('secret-purge', async () => 'other lock'), {
        ran: true,
        value: 'other lock',
      })
      held.release()
      assert.deepEqual(await held.result, { ran: true, value: 'held' })
      assert.deepEqual(await b.exclusively('key-maintenance', async () => 'B'), {
        ran: true,
        value: 'B',
      })
    },
  )

  test(
    'issue #7: waiting callers on two nodes run one after another, never together',
    severalNodes,
    async () => {
      const timeline: string[] = []
      const job = (store: Store, name: string) =>
        a.exclusively(
          'sts-first-key',
          async () => {
            timeline.push(`${name} in`)
            await delay(30)
            timeline.push(`${name} out`)
          },
          { wait: true },
        )
      await Promise.all([job(a, 'a1'), job(b, 'b1'), job(a, 'a2'), job(b, 'b2')])
      assert.equal(timeline.length, 8)
      for (let i = 0; i < timeline.length; i += 2) {
        const name = timeline[i]?.split(' ')[0]
        assert.deepEqual(
          [timeline[i], timeline[i + 1]],
          [`${name} in`, `${name} out`],
          timeline.join(', '),
        )
      }
    },
  )

  test('issue #7: a database in another schema has locks of its own', severalNodes, async () => {
    const elsewhere = await backend.database()
    const other = await openStore(elsewhere.storage)
    const held = await hold(a, 'key-maintenance')
    try {
      assert.deepEqual(await other.exclusively('key-maintenance', async () => 'own'), {
        ran: true,
        value: 'own',
      })
    } finally {
      held.release()
      await held.result
      await other.close()
      await elsewhere.drop()
    }
  })

  test(
    'issue #7: PostgreSQL frees the lock of a terminated connection, and B takes over',
    severalNodes,
    async () => {
      const held = await hold(a, 'key-maintenance')
      assert.deepEqual(await b.exclusively('key-maintenance', async () => 'B'), { ran: false })
      // The advisory lock's 64-bit key is split over classid (high half) and objid (low half).
      await database.exec(
        `select pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and objsubid = 1
          and ((classid::bigint << 32) | objid::bigint)
            = hashtextextended(current_schema() || '/' || ?, 0)`,
        ['key-maintenance'],
      )
      let taken: unknown
      for (let i = 0; i < 50 && taken === undefined; i++) {
        const run = await b.exclusively('key-maintenance', async () => 'B took over')
        if (run.ran) taken = run.value
        else await delay(20)
      }
      assert.equal(taken, 'B took over')
      held.release()
      assert.deepEqual(await held.result, { ran: true, value: 'held' }, 'A’s work still finishes')
      assert.deepEqual(await a.exclusively('key-maintenance', async () => 'A again'), {
        ran: true,
        value: 'A again',
      })
    },
  )
})
