// Retries and answers wifkit's STS does not produce, from a scripted loopback stub (WL-65, CL-44):
// 429, 500 and 503 are retried three times honouring Retry-After; 400 and 401 never are.
import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { WorkloadIdentityCredential, WorkloadIdentityError } from '../../../src/sdk/index.js'
import { StsStub, success } from './sts_stub.js'

const SCOPE = 'api://payments/.default'
/** Retry at once, so that tests do not sleep through the 1 s, 2 s, 4 s fallback. */
const NOW = { 'retry-after': '0' }

let stub: StsStub

before(async () => {
  stub = await StsStub.start()
})

after(async () => {
  await stub.close()
})

beforeEach(() => {
  stub.posts.length = 0
  stub.script.length = 0
})

async function failure(credential: WorkloadIdentityCredential): Promise<WorkloadIdentityError> {
  const error = await credential.getToken(SCOPE).then(
    () => assert.fail('getToken should fail'),
    (e: unknown) => e,
  )
  assert.ok(error instanceof WorkloadIdentityError, String(error))
  return error
}

test('CL-44: a plain-text 503 is retried three times, then is a network_error', async () => {
  for (let i = 0; i < 4; i++) stub.script.push({ status: 503, headers: NOW, body: 'busy' })
  const error = await failure(new WorkloadIdentityCredential(stub.options()))
  assert.equal(error.error, 'network_error')
  assert.equal(error.status, 503)
  assert.equal(stub.posts.length, 4)
  // WL-66: one client-request-id for the call, kept across its retries.
  const ids = new Set(stub.posts.map((p) => p.query.get('client-request-id')))
  assert.equal(ids.size, 1)
})

test('WL-65: a 500 server_error is retried and the next answer used', async () => {
  stub.script.push({ status: 500, headers: NOW, body: { error: 'server_error' } }, success())
  const token = await new WorkloadIdentityCredential(stub.options()).getToken(SCOPE)
  assert.equal(token.token, 'at')
  assert.equal(stub.posts.length, 2)
})

test('WL-65: a 429 is retried no sooner than its Retry-After says', async () => {
  const throttled = {
    status: 429,
    headers: { 'retry-after': '1' },
    body: { error: 'temporarily_unavailable' },
  }
  stub.script.push(throttled, (previousAtMs) =>
    // The stub throttles again if the retry came early, so an early retry fails the test.
    Date.now() - previousAtMs >= 1000 ? success() : { ...throttled, headers: {} },
  )
  const token = await new WorkloadIdentityCredential(stub.options()).getToken(SCOPE)
  assert.equal(token.token, 'at')
  assert.equal(stub.posts.length, 2)
})

for (const status of [400, 401]) {
  test(`WL-65: a ${status} is not retried`, async () => {
    const error = status === 400 ? 'invalid_scope' : 'invalid_client'
    stub.script.push({ status, body: { error, error_codes: [70011] } }, success())
    const thrown = await failure(new WorkloadIdentityCredential(stub.options()))
    assert.equal(thrown.status, status)
    assert.equal(thrown.error, error)
    assert.deepEqual(thrown.aadsts, [70011])
    assert.equal(stub.posts.length, 1)
  })
}

test('WL-66: a description that echoes the assertion is redacted', async () => {
  const assertion = 'header.payload.signature'
  stub.script.push({
    status: 400,
    body: { error: 'invalid_request', error_description: `bad ${assertion}` },
  })
  const error = await failure(new WorkloadIdentityCredential(stub.options()))
  assert.equal(error.message, 'invalid_request (HTTP 400): bad [assertion]')
})
