import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { API_VERSION, SECRETS_OFFICER, VaultHarness } from './vault_http_harness.js'

let h: VaultHarness | undefined

after(async () => {
  await h?.close()
})

test('issue #7: audit entries of vault reads are written off the hot path and all land on a clean close', async () => {
  h = await VaultHarness.start()
  const tenant = await h.createTenant()
  const reader = await h.createWorkload(tenant, 'reader')
  await h.createVault(tenant, 'audited')
  await h.assignRole('audited', reader, SECRETS_OFFICER)
  const token = await h.accessToken(reader)
  const q = `?api-version=${API_VERSION}`
  const put = await h.vault('PUT', 'audited', `/secrets/s${q}`, { token, body: { value: 'v' } })
  assert.equal(put.status, 200, put.text)
  const reads = 25
  for (let i = 0; i < reads; i++) {
    const got = await h.vault('GET', 'audited', `/secrets/s/${q}`, { token })
    assert.equal(got.status, 200, got.text)
  }
  await h.stopServer()

  const db = new BetterSqlite3(h.databaseFile, { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare(
        `select action, target, outcome from audit_log where action like 'secret.%' order by id`,
      )
      .all()
    assert.deepEqual(rows, [
      { action: 'secret.set', target: 'audited/s', outcome: '200' },
      ...Array.from({ length: reads }, () => ({
        action: 'secret.get',
        target: 'audited/s',
        outcome: '200',
      })),
    ])
  } finally {
    db.close()
  }
})
