// Issue #9 item 4, admin API: forged bearer tokens and hostile bodies, paths and queries against
// one real server. Each must get its Graph-shaped error (interfaces.md §4), change no stored state,
// and the admin API must still serve the bootstrap token afterwards.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { rsaKey, type IssuerKey } from '../../support/external_issuer.js'
import { assertStateUnchanged, readStoredState, rowsAdded } from '../../support/state_guard.js'
import { VaultHarness } from '../resource/vault_http_harness.js'
import { adminCases, type AdminCorpus } from './admin_api_cases.js'
import { forgedAdminTokens } from './admin_token_cases.js'
import { assertGraphError } from './wire_checks.js'

let h: VaultHarness
let tenantId: string
let app: { id: string; appId: string }
let ficPath: string
/** A key of the attacker's own, never published by the STS. */
let attacker: IssuerKey
const corpus = {} as AdminCorpus

before(async () => {
  ;[h, attacker] = await Promise.all([VaultHarness.start(), rsaKey()])
  tenantId = await h.createTenant()
  await h.createVault(tenantId, 'corpus')
  const workload = await h.createWorkload(tenantId, 'corpus-api')
  const listed = await h.admin('GET', `/v1.0/applications?tenant=${tenantId}`)
  app = (listed.body.value as { id: string; appId: string }[]).find(
    (a) => a.appId === workload.appId,
  ) as { id: string; appId: string }
  ficPath = `/v1.0/applications/${app.id}/federatedIdentityCredentials`
  Object.assign(corpus, { h, tenantId, app, ficPath, attacker })
})

after(async () => {
  await h.close()
})

const q = () => `?tenant=${tenantId}`

for (const { name, send, status, code } of [...forgedAdminTokens(corpus), ...adminCases(corpus)]) {
  test(`#9 item 4: admin API refuses ${name}`, async () => {
    const stored = readStoredState(h.databaseFile)
    assertGraphError(await send(), status, code)
    assertStateUnchanged(h.databaseFile, stored, name)
  })
}

test('#9 item 4, IF-30, IF-32: SQL metacharacters in every stored field are stored verbatim', async () => {
  const hostile = 'x\'); DROP TABLE applications;-- " \\ %_ \u0000?'
  const stored = readStoredState(h.databaseFile)
  const created = await h.admin('POST', `/v1.0/applications${q()}`, {
    displayName: hostile,
    identifierUris: [`api://x'--/${'%27'}`],
  })
  assert.equal(created.status, 201, created.text)
  const fic = await h.admin(
    'POST',
    `/v1.0/applications/${created.body.id}/federatedIdentityCredentials${q()}`,
    {
      name: 'sql-meta',
      issuer: `${h.issuerUrl}/x'--`,
      subject: hostile,
      description: hostile,
    },
  )
  assert.equal(fic.status, 201, fic.text)
  const read = await h.admin(
    'GET',
    `/v1.0/applications/${created.body.id}/federatedIdentityCredentials/sql-meta${q()}`,
  )
  assert.equal(read.body.subject, hostile)
  assert.equal(read.body.description, hostile)
  assert.equal(
    (await h.admin('GET', `/v1.0/applications/${created.body.id}${q()}`)).body.displayName,
    hostile,
  )
  assert.equal(rowsAdded(h.databaseFile, stored, 'applications').length, 1)
  assert.equal(rowsAdded(h.databaseFile, stored, 'federated_credentials').length, 1)
  assert.ok(readStoredState(h.databaseFile).applications, 'the applications table still exists')
})

test('#9 item 4: after the corpus the admin API still serves the bootstrap token (IF-31)', async () => {
  const listed = await h.admin('GET', `/v1.0/applications${q()}`)
  assert.equal(listed.status, 200, listed.text)
  assert.ok((listed.body.value as { appId: string }[]).some((a) => a.appId === app.appId))
})
