import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { test } from 'node:test'
import pino from 'pino'
import { openStore } from '../../src/store/index.js'
import { SignInLog } from '../../src/sts/index.js'
import { forEachBackend } from '../support/store_backends.js'

const entry = (at: number) => ({
  at,
  tenant: 't',
  clientId: 'c',
  grantType: 'client_credentials',
  outcome: 'failure' as const,
  aadsts: 700213,
  traceId: randomUUID(),
  correlationId: randomUUID(),
  details: {},
})

forEachBackend((backend) => {
  // The table refuses writes for a while: on PostgreSQL through a constraint no row passes, which
  // keeps the table and its change trigger in place; on SQLite by renaming it.
  const [refuseWrites, acceptWrites] =
    backend.name === 'postgres'
      ? [
          'alter table sign_ins add constraint away check (false)',
          'alter table sign_ins drop constraint away',
        ]
      : [
          'alter table sign_ins rename to sign_ins_away',
          'alter table sign_ins_away rename to sign_ins',
        ]

  test('STS-140: a failed batch write is kept and written on the next attempt, nothing lost', async () => {
    const database = await backend.database()
    const store = await openStore(database.storage)
    const log = new SignInLog(store, pino({ level: 'silent' }))
    try {
      await database.exec(refuseWrites)
      log.record(entry(1))
      log.record(entry(2))
      await log.flush()
      await database.exec(acceptWrites)
      assert.deepEqual(
        await store.signIns.list({ limit: 10 }),
        [],
        'nothing was written while the table refused writes',
      )
      await delay(1500)
      assert.deepEqual(
        (await store.signIns.list({ limit: 10 })).map((e) => e.at),
        [2, 1],
        'the retry wrote both',
      )
    } finally {
      await store.close()
      await database.drop()
    }
  })

  test('STS-140: flush writes everything recorded so far, in order', async () => {
    const database = await backend.database()
    const store = await openStore(database.storage)
    const log = new SignInLog(store, pino({ level: 'silent' }))
    try {
      for (let i = 1; i <= 250; i++) log.record(entry(i))
      await log.flush()
      const stored = await store.signIns.list({ limit: 1000 })
      assert.equal(stored.length, 250)
      assert.equal(stored[0]?.at, 250)
    } finally {
      await store.close()
      await database.drop()
    }
  })
})
