// How wifkit's credential fails (WL-60, WL-65, WL-66, CL-13): unavailable when a variable or the
// token file is missing, and an error carrying Entra's codes and ids, never the assertion, when the
// STS refuses. Each case runs against a real wifkit STS.
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { after, before, beforeEach, test } from 'node:test'
import {
  CredentialUnavailableError,
  WorkloadIdentityCredential,
  WorkloadIdentityError,
  type UnavailableReason,
} from '../../../src/sdk/index.js'
import { GUID } from '../../support/entra_response.js'
import { SdkFixture } from './sdk_fixture.js'

const VARIABLES = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE'] as const

let fx: SdkFixture
let scope: string

before(async () => {
  fx = await SdkFixture.start()
  scope = await fx.scope()
})

after(async () => {
  await fx.close()
})

beforeEach(async () => {
  fx.sent.length = 0
  for (const name of [...VARIABLES, 'AZURE_AUTHORITY_HOST']) delete process.env[name]
  await fx.writeToken(await fx.sign())
})

function unavailable(reason: UnavailableReason, ...words: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof CredentialUnavailableError, String(error))
    assert.equal(error.name, 'CredentialUnavailableError')
    assert.equal(error.reason, reason)
    for (const word of words) assert.ok(error.message.includes(word), error.message)
    return true
  }
}

test('WL-60: the four AZURE_* variables configure a credential built without options', async () => {
  const { clientId, tenantId, tokenFilePath, authorityHost, fetch, now } = fx.options()
  Object.assign(process.env, {
    AZURE_CLIENT_ID: clientId,
    AZURE_TENANT_ID: tenantId,
    AZURE_FEDERATED_TOKEN_FILE: tokenFilePath,
    AZURE_AUTHORITY_HOST: `${authorityHost}/`,
  })
  const token = await new WorkloadIdentityCredential({ fetch, now }).getToken(scope)
  assert.equal(token.tokenType, 'Bearer')
  assert.equal(fx.sent[0]?.url.pathname, `/${tenantId}/v2.0/.well-known/openid-configuration`)
})

const missing = [
  ['AZURE_CLIENT_ID', 'clientId', 'missing_client_id'],
  ['AZURE_TENANT_ID', 'tenantId', 'missing_tenant_id'],
  ['AZURE_FEDERATED_TOKEN_FILE', 'tokenFilePath', 'missing_token_file'],
] as const
for (const [variable, option, reason] of missing) {
  test(`WL-60: without ${variable} or its option, getToken names the variable`, async () => {
    const credential = new WorkloadIdentityCredential({ ...fx.options(), [option]: undefined })
    await assert.rejects(credential.getToken(scope), unavailable(reason, variable))
    assert.equal(fx.sent.length, 0)
  })
}

test('CL-1: an http authority host is refused before any request', async () => {
  const authorityHost = fx.h.authority.replace('https:', 'http:')
  const credential = new WorkloadIdentityCredential({ ...fx.options(), authorityHost })
  await assert.rejects(credential.getToken(scope), unavailable('invalid_authority_host', 'https'))
  assert.equal(fx.sent.length, 0)
})

test('WL-57: a token file that cannot be read is named with its error', async (t) => {
  const dir = `${fx.tokenFile}.d`
  await mkdir(dir, { recursive: true })
  const empty = `${fx.tokenFile}.empty`
  await writeFile(empty, ' \n')
  const cases = [
    [`${fx.tokenFile}.absent`, 'ENOENT'],
    [dir, 'EISDIR'],
    [empty, 'empty'],
  ] as const
  for (const [tokenFilePath, problem] of cases) {
    await t.test(problem, async () => {
      const credential = new WorkloadIdentityCredential({ ...fx.options(), tokenFilePath })
      const want = unavailable('token_file_unreadable', tokenFilePath, problem)
      await assert.rejects(credential.getToken(scope), want)
    })
  }
})

test('CL-13: a failed discovery makes the credential unavailable', async () => {
  const credential = new WorkloadIdentityCredential({ ...fx.options(), tenantId: 'no.such.tenant' })
  await assert.rejects(credential.getToken(scope), unavailable('discovery_failed', 'HTTP 400'))
  assert.equal(fx.posts.length, 0)
})

test('CL-5: another tenant is refused unless additionally allowed', async () => {
  const credential = new WorkloadIdentityCredential(fx.options())
  const other = { tenantId: 'aaaaaaaa-0000-4000-8000-000000000000' }
  await assert.rejects(credential.getToken(scope, other), unavailable('tenant_not_allowed'))
  const allowing = new WorkloadIdentityCredential({
    ...fx.options(),
    additionallyAllowedTenants: ['*'],
  })
  // Allowed, so it goes on to discovery, which that unknown tenant fails (STS-8).
  await assert.rejects(allowing.getToken(scope, other), unavailable('discovery_failed'))
})

test('WL-66: an AADSTS refusal carries error, codes and ids, not the assertion', async () => {
  const stranger = await fx.h.addApp(fx.tenant.id)
  await fx.h.addFic(stranger, { issuer: fx.issuer.url, subject: 'system:serviceaccount:other:x' })
  const credential = new WorkloadIdentityCredential({ ...fx.options(), clientId: stranger.appId })
  const error = await credential.getToken(scope).then(
    () => assert.fail('the STS should refuse'),
    (e: unknown) => e,
  )
  assert.ok(error instanceof WorkloadIdentityError, String(error))
  assert.equal(error.status, 401)
  assert.equal(error.error, 'invalid_client')
  assert.deepEqual(error.aadsts, [700213])
  assert.match(error.traceId ?? '', GUID)
  // STS-34: the STS takes the client-request-id as its correlation id.
  assert.equal(error.correlationId, fx.posts[0]?.url.searchParams.get('client-request-id'))
  assert.match(error.message, /AADSTS700213/)
  const assertion = fx.assertions[0] ?? ''
  assert.ok(assertion.length > 0)
  for (const text of [error.message, error.stack ?? '', JSON.stringify(error)]) {
    assert.ok(!text.includes(assertion), 'the assertion leaked into the error')
  }
  assert.equal(fx.posts.length, 1, '401 is not retried')
})

test('IF-71: an aborted getToken rejects without waiting for the shared request', async () => {
  const credential = new WorkloadIdentityCredential(fx.options())
  const controller = new AbortController()
  const aborted = credential.getToken(scope, { abortSignal: controller.signal })
  const other = credential.getToken(scope)
  controller.abort()
  await assert.rejects(aborted, { name: 'AbortError' })
  assert.equal((await other).tokenType, 'Bearer')
  assert.equal(fx.posts.length, 1)
})
