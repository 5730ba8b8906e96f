// Issue #9 items 1 and 3 on a running wifkit: token endpoint bounds, the admin API kept off the
// public listener, a revocable bootstrap token and JSON depth on the admin API.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Agent, fetch } from 'undici'
import { issueBootstrapToken, revokeBootstrapToken } from '../../../src/admin/index.js'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import { assertEntraError } from '../../support/entra_response.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  StsHarness,
  type ExternalIssuer,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
const claims = { sub: SUBJECT, aud: DEFAULT_AUDIENCE }
const limits = { tokenBodyBytes: 16 * 1024, maxAssertionBytes: 2048, maxFormFields: 100 }

let h: StsHarness
let issuer: ExternalIssuer
let tenant: TenantRecord
let client: ApplicationRecord
let agent: Agent
let adminUrl: string
let adminToken: string

before(async () => {
  h = await StsHarness.start({ limits })
  issuer = await h.startIssuer()
  tenant = await h.addTenant()
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
  client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  agent = new Agent({ connect: { ca: h.tls.caPem } })
  const address = h.server.adminApp.server.address()
  adminUrl = `https://localhost:${typeof address === 'object' && address ? address.port : 0}`
  adminToken = await issueBootstrapToken(h.server.store, h.clock, 'hardening test')
})

after(async () => {
  await agent.close()
  await h.close()
})

test('#9 item 1, row 15: an assertion over maxAssertionBytes is AADSTS50027 and fetches nothing', async () => {
  const assertion = await issuer.sign({ ...claims, padding: 'x'.repeat(2048) })
  const response = await h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))
  assertEntraError(response, { status: 400, error: 'invalid_request', code: 50027 })
  assert.equal(issuer.totalHits, 0, 'no discovery or JWKS fetch for an oversized assertion')
})

test('#9 item 1: the same client with a short assertion gets a token, so the bound alone refused', async () => {
  const assertion = await issuer.sign(claims)
  assert.ok(assertion.length < limits.maxAssertionBytes)
  const response = await h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))
  assert.equal(response.status, 200, response.text)
})

test('#9 item 1, row 2: a token body over the configured tokenBodyBytes is 413 naming that limit', async () => {
  const response = await h.post(tenant.id, { padding: 'x'.repeat(limits.tokenBodyBytes) })
  assertEntraError(response, { status: 413, error: 'invalid_request', code: 9002313 })
  assert.match(String(response.body.error_description), /larger than 16384 bytes/)
})

test('#9 item 1: a token form with more than maxFormFields fields is 400 AADSTS9002313', async () => {
  const form = Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&')
  const response = await h.post(tenant.id, form)
  assertEntraError(response, { status: 400, error: 'invalid_request', code: 9002313 })
  assert.match(String(response.body.error_description), /more than 100 parameters/)
})

test("#9 item 3: HSTS on the public listener's answers", async () => {
  const response = await h.get(`${h.authority}/${tenant.id}/v2.0/.well-known/openid-configuration`)
  assert.equal(response.status, 200)
  assert.equal(response.headers['strict-transport-security'], 'max-age=31536000')
})

const ADMIN_PATHS = [
  '/admin/v1/tenants',
  '/admin/v1/issuers',
  '/admin/v1/issuers/default/documents',
  '/admin/v1/appRoleAssignments',
  '/admin/v1/signins',
  '/admin/v1/vaults',
  '/admin/v1/applications',
  '/admin/v1/managedIdentities',
  '/metrics',
]

test('#9 item 3: the bootstrap admin token reaches the admin API on the admin listener', async () => {
  const response = await fetch(`${adminUrl}/admin/v1/tenants`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${adminToken}` },
  })
  assert.equal(response.status, 200)
  assert.ok((await response.text()).includes(tenant.id))
})

test('#9 item 3: the public listener has no admin route; the admin token gets 404 and no data', async () => {
  for (const path of ADMIN_PATHS) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await fetch(`${h.authority}${path}`, {
        dispatcher: agent,
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body: '{"displayName":"x"}' } : {}),
      })
      const text = await response.text()
      assert.equal(response.status, 404, `${method} ${path}: ${text}`)
      assert.deepEqual(Object.keys(JSON.parse(text) as object), ['error', 'message'])
      assert.ok(!text.includes(tenant.id), `${method} ${path} leaks a tenant id`)
    }
  }
})

/** `{"a":{"a":…}}` nested `depth` levels deep. */
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`

test('#9 item 1: an admin body nested deeper than maxJsonDepth is Graph 400 BadRequest', async () => {
  const response = await fetch(`${adminUrl}/admin/v1/tenants`, {
    dispatcher: agent,
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: `{"displayName":"deep","extra":${nestedObject(40)}}`,
  })
  const body = (await response.json()) as { error: { code: string; message: string } }
  assert.equal(response.status, 400)
  assert.equal(body.error.code, 'BadRequest')
  assert.equal(body.error.message, 'the JSON body is nested deeper than 32 levels')
})

test('#9 item 3: a revoked bootstrap token is refused with 401 on its next request', async () => {
  assert.equal(await revokeBootstrapToken(h.server.store, h.clock, adminToken), true)
  const response = await fetch(`${adminUrl}/admin/v1/tenants`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${adminToken}` },
  })
  assert.equal(response.status, 401)
  assert.equal(await revokeBootstrapToken(h.server.store, h.clock, adminToken), false)
  const stored = await h.server.store.adminTokens.count()
  assert.equal(stored, 1, 'the revoked token stays recorded, as a hash only')
})
