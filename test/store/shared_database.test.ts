import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, test } from 'node:test'
import pg from 'pg'
import { openStore, type Store } from '../../src/store/index.js'
import { forEachBackend, TEST_POSTGRES_URL, type TestDatabase } from '../support/store_backends.js'

/** Runs `statements` on a connection of its own, as another deployment would. */
async function elsewhere(statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  client.on('error', () => {})
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

forEachBackend((backend) => {
  const databases: TestDatabase[] = []
  const stores: Store[] = []
  after(async () => {
    for (const store of stores) await store.close()
    for (const database of databases) await database.drop()
  })

  test('IF-21, IF-57: a node migrates while other schemas of the database are dropped', async () => {
    for (let round = 0; round < 4; round++) {
      const others = Array.from({ length: 30 }, () => `wk_other_${randomBytes(6).toString('hex')}`)
      await elsewhere(
        others.flatMap((schema) => [
          `create schema ${schema}`,
          `create table ${schema}.t (id bigserial primary key, a text, b text, c text)`,
        ]),
      )
      const opening = Array.from({ length: 3 }, async () => {
        const database = await backend.database()
        databases.push(database)
        const store = await openStore(database.storage)
        stores.push(store)
        return store.migrationsApplied.length
      })
      const dropping = others.map((schema) => elsewhere([`drop schema ${schema} cascade`]))
      const [applied] = await Promise.all([Promise.all(opening), Promise.all(dropping)])
      assert.ok(
        applied.every((n) => n > 0),
        `round ${round}: every store migrated its schema`,
      )
    }
  })
}, 'postgres')
