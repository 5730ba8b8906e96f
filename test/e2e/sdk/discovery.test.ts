// Discovery and the success body as the credential reads them (workload.md §6 steps 2–3 and 6,
// CL-10…CL-14, CL-30…CL-34), from a scripted loopback stub that can serve malformed documents.
import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { CredentialUnavailableError, WorkloadIdentityCredential } from '../../../src/sdk/index.js'
import { ManualClock } from '../../../src/util/index.js'
import { StsStub, success, TENANT } from './sts_stub.js'

const SCOPE = 'api://payments/.default'

let stub: StsStub
let standard: unknown

before(async () => {
  stub = await StsStub.start()
  standard = stub.discovery
})

after(async () => {
  await stub.close()
})

beforeEach(() => {
  stub.posts.length = 0
  stub.discoveries.length = 0
  stub.script.length = 0
  stub.discovery = structuredClone(standard)
  stub.discoveryStatus = 200
})

function withMember(name: string, value: unknown): unknown {
  return { ...(standard as Record<string, unknown>), [name]: value }
}

const refused = [
  ['CL-11: without authorization_endpoint', withMember('authorization_endpoint', undefined)],
  ['CL-11: without token_endpoint', withMember('token_endpoint', undefined)],
  ['CL-11: without issuer', withMember('issuer', undefined)],
  ['CL-11: without jwks_uri', withMember('jwks_uri', undefined)],
  [
    'CL-12: an issuer on 127.0.0.1 for a localhost authority',
    withMember('issuer', 'https://127.0.0.1/x'),
  ],
  ['CL-12: an issuer that is not a URL', withMember('issuer', 'not a url')],
  [
    'CL-12: an http issuer',
    withMember('issuer', '{origin}/v2.0'.replace('{origin}', 'http://localhost')),
  ],
  ['a document that is a JSON string, not an object', 'not json'],
] as const

for (const [name, document] of refused) {
  test(`${name}, the credential is unavailable and posts nothing`, async () => {
    stub.discovery = document
    const credential = new WorkloadIdentityCredential(stub.options())
    await assert.rejects(credential.getToken(SCOPE), {
      name: 'CredentialUnavailableError',
      reason: 'discovery_failed',
    })
    assert.equal(stub.posts.length, 0)
  })
}

test('CL-13: a 404 discovery is fatal and not retried', async () => {
  stub.discoveryStatus = 404
  const credential = new WorkloadIdentityCredential(stub.options())
  await assert.rejects(credential.getToken(SCOPE), CredentialUnavailableError)
  assert.equal(stub.discoveries.length, 1)
})

test('workload.md §6 step 2: a path prefix on the authority host is kept', async () => {
  stub.script.push(success())
  const options = { ...stub.options(), authorityHost: `${stub.origin}/sts//` }
  await new WorkloadIdentityCredential(options).getToken(SCOPE)
  assert.deepEqual(stub.discoveries, [`/sts/${TENANT}/v2.0/.well-known/openid-configuration`])
})

test('CL-14: token_endpoint is used as given, with {tenant} filled in', async () => {
  stub.discovery = withMember('token_endpoint', '{origin}/elsewhere/{tenant}/token?x=1')
  stub.script.push(success())
  await new WorkloadIdentityCredential(stub.options()).getToken(SCOPE)
  assert.equal(stub.posts[0]?.path, `/elsewhere/${TENANT}/token`)
  assert.equal(stub.posts[0]?.query.get('x'), '1')
})

test('CL-31, CL-34: expires_in as a string, and refresh_in renews before the 300 s margin', async () => {
  const clock = new ManualClock(1_800_000_000_000)
  stub.script.push(
    success({ expires_in: '7200', refresh_in: 3600 }),
    success({ access_token: 'at2' }),
  )
  const credential = new WorkloadIdentityCredential(stub.options(() => clock.nowMs()))
  const first = await credential.getToken(SCOPE)
  assert.deepEqual(first, {
    token: 'at',
    expiresOnTimestamp: clock.nowMs() + 7_200_000,
    refreshAfterTimestamp: clock.nowMs() + 3_600_000,
    tokenType: 'Bearer',
  })
  clock.advanceSeconds(3599)
  assert.equal((await credential.getToken(SCOPE)).token, 'at')
  clock.advanceSeconds(1)
  assert.equal((await credential.getToken(SCOPE)).token, 'at2')
  assert.equal(stub.posts.length, 2)
})

const unusable = [
  ['CL-30: no access_token', success({ access_token: undefined })],
  ['CL-31: no expires_in', success({ expires_in: undefined })],
  ['CL-33: a pop token', success({ token_type: 'pop' })],
  ['a 200 that is not JSON', { status: 200, body: 'ok' }],
] as const
for (const [name, answer] of unusable) {
  test(`${name} is an invalid_response`, async () => {
    stub.script.push(answer)
    const credential = new WorkloadIdentityCredential(stub.options())
    await assert.rejects(credential.getToken(SCOPE), {
      name: 'WorkloadIdentityError',
      error: 'invalid_response',
    })
  })
}
