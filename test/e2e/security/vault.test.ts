// Issue #9 item 4, vault data plane: forged bearer tokens, hostile names, queries and bodies
// against one real server. Each must get its keyvault.md §9 error, change no stored state, and
// the vault must still serve the genuine secret afterwards.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rsaKey, type IssuerKey } from '../../support/external_issuer.js'
import { assertStateUnchanged, readStoredState, rowsAdded } from '../../support/state_guard.js'
import {
  API_VERSION,
  assertVaultError,
  SECRETS_OFFICER,
  SECRETS_USER,
  VaultHarness,
} from '../resource/vault_http_harness.js'
import { VAULT, vaultCases, type VaultCorpus } from './vault_cases.js'
import { assertNoInternals } from './wire_checks.js'

const V = `api-version=${API_VERSION}`

let h: VaultHarness
let tenantId: string
let officer: string
let reader: string
let backupBlob: string
/** A key of the attacker's own, never published by the STS. */
let attacker: IssuerKey
const corpus = {} as VaultCorpus

before(async () => {
  ;[h, attacker] = await Promise.all([VaultHarness.start(), rsaKey()])
  tenantId = await h.createTenant()
  await h.createVault(tenantId, VAULT)
  const [writer, user] = [
    await h.createWorkload(tenantId, 'corpus-writer'),
    await h.createWorkload(tenantId, 'corpus-reader'),
  ]
  await h.assignRole(VAULT, writer, SECRETS_OFFICER)
  await h.assignRole(VAULT, user, SECRETS_USER)
  officer = await h.accessToken(writer)
  reader = await h.accessToken(user)
  const put = await h.vault('PUT', VAULT, `/secrets/hello?${V}`, {
    token: officer,
    body: { value: 'world' },
  })
  assert.equal(put.status, 200, put.text)
  const backup = await h.vault('POST', VAULT, `/secrets/hello/backup?${V}`, { token: officer })
  backupBlob = backup.body.value as string
  Object.assign(corpus, { h, tenantId, officer, reader, backupBlob, attacker })
})

after(async () => {
  await h.close()
})

const put = (path: string, body: unknown) => h.vault('PUT', VAULT, path, { token: officer, body })
const get = (path: string) => h.vault('GET', VAULT, path, { token: officer })

for (const { name, send, status, code, inner } of vaultCases(corpus)) {
  test(`#9 item 4: vault refuses ${name}`, async () => {
    const stored = readStoredState(h.databaseFile)
    const answer = await send()
    assertVaultError(answer, status, code, undefined, inner)
    if (status === 401) assert.equal(answer.headers.get('www-authenticate'), h.challenge(tenantId))
    assertNoInternals(answer)
    assert.ok(!answer.text.includes('world'), 'no secret value in an error')
    assertStateUnchanged(h.databaseFile, stored, name)
  })
}

test('#9 item 4, KV-33: SQL metacharacters in every stored secret field are stored verbatim', async () => {
  const hostile = '\'); DROP TABLE secret_versions;-- " \\ %_ \u0000'
  const stored = readStoredState(h.databaseFile)
  const body = { value: hostile, contentType: hostile, tags: { [hostile]: hostile } }
  const written = await put(`/secrets/sql-meta?${V}`, body)
  assert.equal(written.status, 200, written.text)
  const read = await get(`/secrets/sql-meta/?${V}`)
  assert.equal(read.body.value, hostile)
  assert.equal(read.body.contentType, hostile)
  assert.deepEqual(read.body.tags, { [hostile]: hostile })
  assert.equal(rowsAdded(h.databaseFile, stored, 'secret_versions').length, 1)
  assert.equal(rowsAdded(h.databaseFile, stored, 'secrets').length, 1)
})

test('#9 item 4: after the corpus the vault still serves the genuine secret (KV R2)', async () => {
  const read = await get(`/secrets/hello/?${V}`)
  assert.equal(read.status, 200, read.text)
  assert.equal(read.body.value, 'world')
})
