import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { openStore, type ChangeSource, type Store } from '../../src/store/index.js'
import { forEachBackend, type TestDatabase } from '../support/store_backends.js'

/**
 * Every watched table with one insert, one update and one delete, in foreign-key order, written
 * as raw SQL beside the store, the way another process or a DBA's tool would.
 */
const WATCHED: ReadonlyArray<
  readonly [table: string, insert: string, update: string, del: string]
> = [
  [
    'tenants',
    `insert into tenants (id, display_name, domains, created_at) values ('t1', 'T', '[]', 1)`,
    `update tenants set display_name = 'U' where id = 't1'`,
    `delete from tenants where id = 't1'`,
  ],
  [
    'tenant_domains',
    `insert into tenant_domains (domain, tenant_id) values ('t1.test', 't1')`,
    `update tenant_domains set domain = 't2.test' where tenant_id = 't1'`,
    `delete from tenant_domains where tenant_id = 't1'`,
  ],
  [
    'applications',
    `insert into applications (id, tenant_id, app_id, principal_id, kind, display_name, enabled,
         identifier_uris, app_roles, created_at) values ('a1', 't1', 'app1', 'sp1', 'application',
         'A', 1, '[]', '[]', 1)`,
    `update applications set enabled = 0 where id = 'a1'`,
    `delete from applications where id = 'a1'`,
  ],
  [
    'identifier_uris',
    `insert into identifier_uris (uri, tenant_id, application_id) values ('api://a', 't1', 'a1')`,
    `update identifier_uris set uri = 'api://b' where application_id = 'a1'`,
    `delete from identifier_uris where application_id = 'a1'`,
  ],
  [
    'federated_credentials',
    `insert into federated_credentials (id, application_id, name, name_folded, issuer, subject,
         audience, created_at) values ('f1', 'a1', 'F', 'f', 'https://i', 's', 'aud', 1)`,
    `update federated_credentials set subject = 's2' where id = 'f1'`,
    `delete from federated_credentials where id = 'f1'`,
  ],
  [
    'app_role_assignments',
    `insert into app_role_assignments (id, tenant_id, principal_id, resource_app_id, role,
         created_at) values ('r1', 't1', 'sp1', 'app1', 'Reader', 1)`,
    `update app_role_assignments set role = 'Writer' where id = 'r1'`,
    `delete from app_role_assignments where id = 'r1'`,
  ],
  [
    'issuers',
    `insert into issuers (id, name, url, key_algorithm, publication, max_token_expiration_seconds,
         default_audiences, created_at) values ('i1', 'i', 'https://i', 'RS256', 'public', 3600, '[]', 1)`,
    `update issuers set url = 'https://j' where id = 'i1'`,
    `delete from issuers where id = 'i1'`,
  ],
  [
    'signing_keys',
    `insert into signing_keys (id, owner_id, kid, algorithm, public_key_spki, created_at,
         prepublish_seconds, requires_verification) values ('k1', 'i1', 'kid', 'RS256', 'spki', 1, 0, 0)`,
    `update signing_keys set removed_at = 2 where id = 'k1'`,
    `delete from signing_keys where id = 'k1'`,
  ],
  [
    'admin_tokens',
    `insert into admin_tokens (id, token_hash, description, created_at) values ('x1', 'h', 'd', 1)`,
    `update admin_tokens set revoked_at = 2 where id = 'x1'`,
    `delete from admin_tokens where id = 'x1'`,
  ],
  [
    'deployment_settings',
    `insert into deployment_settings (name, value, updated_at) values ('n', 'v', 1)`,
    `update deployment_settings set value = 'w' where name = 'n'`,
    `delete from deployment_settings where name = 'n'`,
  ],
  [
    'vaults',
    `insert into vaults (id, tenant_id, name, soft_delete, retention_days, purge_protection,
         created_at) values ('v1', 't1', 'v', 1, 7, 0, 1)`,
    `update vaults set retention_days = 8 where id = 'v1'`,
    `delete from vaults where id = 'v1'`,
  ],
  [
    'vault_role_assignments',
    `insert into vault_role_assignments (id, vault_id, principal_id, role, created_at)
         values ('vr1', 'v1', 'sp1', 'Key Vault Secrets User', 1)`,
    `update vault_role_assignments set role = 'Key Vault Secrets Officer' where id = 'vr1'`,
    `delete from vault_role_assignments where id = 'vr1'`,
  ],
]

/** Written on every request or holding secret values; no cache holds their rows. */
const UNWATCHED: ReadonlyArray<
  readonly [table: string, insert: string, update: string, del: string]
> = [
  [
    'sign_ins',
    `insert into sign_ins (at, tenant, client_id, grant_type, outcome, trace_id, correlation_id,
         details) values (1, 't', 'c', 'g', 'success', 'tr', 'co', '{}')`,
    `update sign_ins set outcome = 'failure'`,
    `delete from sign_ins`,
  ],
  [
    'audit_log',
    `insert into audit_log (at, actor, action, target, outcome) values (1, 'a', 'b', 'c', 'd')`,
    `update audit_log set outcome = 'e'`,
    `delete from audit_log`,
  ],
  [
    'secrets',
    `insert into secrets (id, vault_id, name, name_folded, created_at)
         values ('s1', 'v1', 'S', 's', 1)`,
    `update secrets set deleted_at = 2 where id = 's1'`,
    `delete from secrets where id = 's1'`,
  ],
  [
    'secret_versions',
    `insert into secret_versions (version, secret_id, value_sealed, data_key_wrapped, enabled,
         created, updated) values ('ver1', 's1', 'x', 'y', 1, 1, 1)`,
    `update secret_versions set enabled = 0 where version = 'ver1'`,
    `delete from secret_versions where version = 'ver1'`,
  ],
]

/** Tables that are neither: the counter and Kysely's migration bookkeeping. */
const BOOKKEEPING = ['change_version', 'wifkit_migration', 'wifkit_migration_lock']

async function tableNames(database: TestDatabase): Promise<string[]> {
  if (database.storage.startsWith('sqlite:')) {
    const raw = new BetterSqlite3(database.storage.slice('sqlite:'.length))
    try {
      const rows = raw
        .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)
        .all() as Array<{ name: string }>
      return rows.map((r) => r.name).sort()
    } finally {
      raw.close()
    }
  }
  const client = new pg.Client({ connectionString: database.storage })
  await client.connect()
  try {
    const { rows } = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = current_schema()`,
    )
    return rows.map((r) => r.name).sort()
  } finally {
    await client.end()
  }
}

/** Resolves with the first event of `source`, or rejects after `withinMs`. */
function next(store: Store, source: ChangeSource, withinMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`no '${source}' within ${withinMs} ms`))
    }, withinMs)
    const stop = store.changes.subscribe((s) => {
      if (s !== source) return
      clearTimeout(timer)
      stop()
      resolve()
    })
  })
}

forEachBackend((backend) => {
  let database: TestDatabase
  let store: Store

  before(async () => {
    database = await backend.database()
    store = await openStore(database.storage)
  })
  after(async () => {
    await store.close()
    await database.drop()
  })

  test('issue #7: every table is either watched by a trigger or deliberately not', async () => {
    const listed = [...WATCHED, ...UNWATCHED].map(([t]) => t).concat(BOOKKEEPING)
    assert.deepEqual(await tableNames(database), listed.sort())
  })

  const bumps = (op: 'insert' | 'update' | 'delete', table: string, statement: string) =>
    test(`issue #7: ${op} on ${table} by another process bumps the change version`, async () => {
      const before = await store.changes.version()
      await database.exec(statement)
      assert.ok((await store.changes.version()) > before)
    })
  for (const [table, insert] of WATCHED) bumps('insert', table, insert)
  for (const [table, , update] of WATCHED) bumps('update', table, update)

  test('issue #7: writes to the sign-in log, audit log and secrets leave the version alone', async () => {
    // Runs between the inserts and the deletes above, so the vault the secrets need exists.
    const before = await store.changes.version()
    for (const [table, insert, update] of UNWATCHED) {
      await database.exec(insert)
      await database.exec(update)
      assert.equal(await store.changes.version(), before, `after insert and update of ${table}`)
    }
    for (const [table, , , del] of [...UNWATCHED].reverse()) {
      await database.exec(del)
      assert.equal(await store.changes.version(), before, `after delete from ${table}`)
    }
  })

  for (const [table, , , del] of [...WATCHED].reverse()) bumps('delete', table, del)

  test('issue #7: a rolled-back transaction leaves the version alone', async () => {
    const before = await store.changes.version()
    await assert.rejects(
      store.transaction(async (s) => {
        await s.settings.set('rolled-back', 'x', 1)
        throw new Error('abandon')
      }),
      /abandon/,
    )
    assert.equal(await store.changes.version(), before)
    assert.equal(await store.settings.get('rolled-back'), undefined)
  })

  test("issue #7: a store write tells 'local' listeners at once; a log write does not", async () => {
    const heard: ChangeSource[] = []
    const stop = store.changes.subscribe((s) => s === 'local' && heard.push(s))
    try {
      await store.signIns.appendMany([
        {
          at: 1,
          tenant: 't',
          clientId: 'c',
          grantType: 'client_credentials',
          outcome: 'success',
          aadsts: null,
          traceId: randomUUID(),
          correlationId: randomUUID(),
          details: {},
        },
      ])
      await store.audit.append({ at: 1, actor: 'a', action: 'b', target: 'c', outcome: 'd' })
      assert.deepEqual(heard, [], 'log writes are not changes')
      await store.settings.set('local', 'x', 1)
      assert.deepEqual(heard, ['local'])
    } finally {
      stop()
    }
  })

  test("issue #7: a transaction's writes tell 'local' as they run and again after commit", async () => {
    const heard: ChangeSource[] = []
    const stop = store.changes.subscribe((s) => s === 'local' && heard.push(s))
    try {
      const before = await store.changes.version()
      const inside = await store.transaction(async (s) => {
        await s.settings.set('committed', 'x', 1)
        return heard.length
      })
      assert.equal(inside, 1, 'heard once while the transaction ran')
      assert.equal(heard.length, 2, 'and once more after the commit')
      assert.ok((await store.changes.version()) > before)
    } finally {
      stop()
    }
  })

  test('issue #7: a listener that throws stops neither the write nor other listeners', async () => {
    const heard: ChangeSource[] = []
    const stopBad = store.changes.subscribe(() => {
      throw new Error('listener bug')
    })
    const stopGood = store.changes.subscribe((s) => s === 'local' && heard.push(s))
    try {
      await store.settings.set('throwing', 'x', 1)
      assert.deepEqual(heard, ['local'])
    } finally {
      stopBad()
      stopGood()
    }
  })

  if (backend.name === 'postgres') {
    test("issue #7: another node's write arrives as 'remote' within 1 s", async () => {
      const [node1, node2] = [await openStore(database.storage), await openStore(database.storage)]
      try {
        await next(node1, 'resync', 5000)
        const remote = next(node1, 'remote', 1000)
        await node2.settings.set('from-node-2', 'x', 1)
        await remote
      } finally {
        await Promise.all([node1.close(), node2.close()])
      }
    })

    test("issue #7: after pg_terminate_backend of the LISTEN connection, 'resync' and later 'remote'", async () => {
      // A fresh store, so its listener is the one LISTEN connection that appears now.
      const node = await openStore(database.storage)
      const listeners = async (c: pg.Client) =>
        (
          await c.query<{ pid: number }>(
            `select pid from pg_stat_activity where application_name = 'wifkit-listen'`,
          )
        ).rows.map((r) => r.pid)
      const admin = new pg.Client({ connectionString: database.storage })
      await admin.connect()
      try {
        const earlier = new Set(await listeners(admin))
        await next(node, 'resync', 5000)
        const mine = (await listeners(admin)).filter((pid) => !earlier.has(pid))
        assert.equal(mine.length, 1, 'one new LISTEN connection')
        const resync = next(node, 'resync', 5000)
        await admin.query('select pg_terminate_backend($1)', [mine[0]])
        await resync
        const remote = next(node, 'remote', 1000)
        await database.exec(WATCHED.find(([t]) => t === 'deployment_settings')![1])
        await remote
      } finally {
        await admin.end()
        await node.close()
      }
    })
  }
})
