// Rate limits of the admin listener per presented token (issue #9 item 2), over real HTTPS:
// a slow refill makes the outcome of back-to-back requests certain.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Agent, fetch } from 'undici'
import { issueBootstrapToken } from '../../../src/admin/index.js'
import { systemClock } from '../../../src/util/index.js'
import { StsHarness } from '../../support/sts_harness.js'

/** One token every 4 s: a request right after the burst is refused with Retry-After 4. */
const SLOW = 0.25

describe('#9 item 2: per token on the admin listener', () => {
  let h: StsHarness
  let adminBase: string
  let agent: Agent
  let throttledToken: string
  let otherToken: string

  before(async () => {
    h = await StsHarness.start({ rateLimit: { adminTokenPerSecond: SLOW, adminTokenBurst: 2 } })
    throttledToken = await issueBootstrapToken(h.server.store, systemClock, 'throttled')
    otherToken = await issueBootstrapToken(h.server.store, systemClock, 'other')
    const address = h.server.adminApp.server.address()
    adminBase = `https://localhost:${typeof address === 'object' && address ? address.port : 0}`
    agent = new Agent({ connect: { ca: h.tls.caPem } })
  })
  after(async () => {
    await agent.close()
    await h.close()
  })

  const call = async (token: string, path: string, method = 'GET') => {
    const response = await fetch(`${adminBase}${path}`, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{}' } : {}),
    })
    const body = (await response.json()) as Record<string, unknown>
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body }
  }

  test('#9 item 2: past its burst a token gets Graph’s 429 TooManyRequests; another token is unaffected', async () => {
    assert.equal((await call(throttledToken, '/admin/v1/tenants')).status, 200)
    assert.equal((await call(throttledToken, '/admin/v1/tenants')).status, 200)
    const refused = await call(throttledToken, '/admin/v1/tenants')
    assert.equal(refused.status, 429)
    assert.match(refused.retryAfter ?? '', /^[1-4]$/)
    const error = refused.body.error as Record<string, unknown>
    assert.deepEqual(Object.keys(refused.body), ['error'])
    assert.deepEqual(Object.keys(error), ['code', 'message', 'innerError'])
    assert.equal(error.code, 'TooManyRequests')
    assert.equal((await call(otherToken, '/admin/v1/tenants')).status, 200)
  })

  test('#9 item 2: the mint API answers the same token in Kubernetes’ 429 Status', async () => {
    const path = '/issuers/absent/api/v1/namespaces/ns/serviceaccounts/sa/token'
    const refused = await call(throttledToken, path, 'POST')
    assert.equal(refused.status, 429)
    assert.match(refused.retryAfter ?? '', /^[1-4]$/)
    assert.equal(refused.body.kind, 'Status')
    assert.equal(refused.body.reason, 'TooManyRequests')
    assert.equal(refused.body.code, 429)
    assert.deepEqual(refused.body.details, { retryAfterSeconds: Number(refused.retryAfter) })
  })
})
