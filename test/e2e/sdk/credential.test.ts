// wifkit's WorkloadIdentityCredential against a real wifkit STS (workload.md §6, WL-60…WL-67):
// what it sends, what it caches and when it reads the token file again. Time moves only on the
// harness's ManualClock, which the credential shares through its `now` option.
import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { TokenCredential } from '@azure/core-auth'
import { decodeJwt } from 'jose'
import { getAccessToken, WorkloadIdentityCredential } from '../../../src/sdk/index.js'
import { GUID } from '../../support/entra_response.js'
import { SdkFixture } from './sdk_fixture.js'

/** The STS's default access-token lifetime; its ManualClock makes `expires_in` exact. */
const LIFETIME_SECONDS = 3600

let fx: SdkFixture

before(async () => {
  fx = await SdkFixture.start()
})

after(async () => {
  await fx.close()
})

beforeEach(async () => {
  fx.sent.length = 0
  await fx.writeToken(await fx.sign())
})

test('WL-61: discovery once, then grant A with the trimmed file as client_assertion', async () => {
  const assertion = await fx.sign()
  await fx.writeToken(`\n${assertion}\n`)
  const scope = await fx.scope()
  const credential = new WorkloadIdentityCredential(fx.options())
  const token = await credential.getToken(scope)

  assert.equal(token.tokenType, 'Bearer')
  assert.equal(token.expiresOnTimestamp, fx.h.clock.nowMs() + LIFETIME_SECONDS * 1000)
  assert.equal(decodeJwt(token.token).azp, fx.client.appId)
  const [discovery, post, ...rest] = fx.sent
  assert.equal(rest.length, 0)
  assert.equal(discovery?.method, 'GET')
  assert.equal(
    discovery?.url.href,
    `${fx.h.authority}/${fx.tenant.id}/v2.0/.well-known/openid-configuration`,
  )
  assert.equal(post?.url.pathname, `/${fx.tenant.id}/oauth2/v2.0/token`)
  const form = post?.form
  assert.ok(form)
  assert.equal(form.get('client_id'), fx.client.appId)
  assert.equal(form.get('scope'), scope)
  assert.equal(form.get('grant_type'), 'client_credentials')
  assert.equal(form.get('client_assertion'), assertion)
  assert.equal(
    form.get('client_assertion_type'),
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  )
  // WL-66: a GUID client-request-id, the same in the query and the body.
  const requestId = post?.url.searchParams.get('client-request-id')
  assert.match(requestId ?? '', GUID)
  assert.equal(form.get('client-request-id'), requestId)
})

test('WL-63: the cached token is served until 300 s before expiry, then renewed', async () => {
  const scope = await fx.scope()
  const other = await fx.scope()
  const credential = new WorkloadIdentityCredential(fx.options())
  const first = await credential.getToken(scope)
  assert.deepEqual(await credential.getToken([scope]), first)
  await credential.getToken(other)
  assert.equal(fx.posts.length, 2, 'a second scope is a second cache key')
  assert.equal(fx.sent.length, 3, 'discovery happens once per credential')

  fx.h.clock.advanceSeconds(LIFETIME_SECONDS - 300 - 1)
  await fx.writeToken(await fx.sign())
  assert.deepEqual(await credential.getToken(scope), first)
  assert.equal(fx.posts.length, 2)
  fx.h.clock.advanceSeconds(1)
  const renewed = await credential.getToken(scope)
  assert.notEqual(renewed.token, first.token)
  assert.equal(fx.posts.length, 3)
})

test('WL-62: concurrent getToken calls for one key share one request', async () => {
  const scope = await fx.scope()
  const credential = new WorkloadIdentityCredential(fx.options())
  const tokens = await Promise.all(Array.from({ length: 25 }, () => credential.getToken(scope)))
  assert.equal(fx.posts.length, 1)
  assert.equal(new Set(tokens.map((t) => t.token)).size, 1)
})

test('WL-64: a new modification time makes the credential read the file again', async () => {
  const credential = new WorkloadIdentityCredential(fx.options())
  await credential.getToken(await fx.scope())
  const rotated = await fx.sign({ jti: 'rotated' })
  await fx.writeToken(rotated)
  await credential.getToken(await fx.scope())
  assert.equal(fx.assertions[1], rotated)
})

test('WL-64: with an unchanged modification time the copy is kept until it is 5 min old', async () => {
  const credential = new WorkloadIdentityCredential(fx.options())
  await credential.getToken(await fx.scope())
  const original = fx.assertions[0]
  const rotated = await fx.sign({ jti: 'rotated' })
  await fx.writeToken(rotated, true)
  fx.h.clock.advanceSeconds(299)
  await credential.getToken(await fx.scope())
  assert.equal(fx.assertions[1], original)
  fx.h.clock.advanceSeconds(1)
  await credential.getToken(await fx.scope())
  assert.equal(fx.assertions[2], rotated)
})

test('WL-65: on AADSTS700024 the file is read again and the request retried once', async () => {
  // The credential's clock stands still, so its copy stays young; the STS's moves past the expiry
  // of the copy plus the 300 s skew. The writer has meanwhile replaced the file (same mtime).
  const sdkNow = fx.h.clock.nowMs()
  const credential = new WorkloadIdentityCredential(fx.options(() => sdkNow))
  await credential.getToken(await fx.scope())
  const stale = fx.assertions[0]
  fx.h.clock.advanceSeconds(600 + 301)
  const fresh = await fx.sign()
  await fx.writeToken(fresh, true)
  await credential.getToken(await fx.scope())
  assert.deepEqual(fx.assertions, [stale, stale, fresh])
})

test('WL-65: a second AADSTS700024 is thrown, after exactly two requests', async () => {
  const credential = new WorkloadIdentityCredential(fx.options())
  fx.h.clock.advanceSeconds(600 + 301)
  await assert.rejects(credential.getToken(await fx.scope()), (error: Error) => {
    assert.equal(error.name, 'WorkloadIdentityError')
    assert.deepEqual((error as unknown as { aadsts: number[] }).aadsts, [700024])
    return true
  })
  assert.equal(fx.posts.length, 2)
})

test('WL-67: credentials for two clients in one process each get their own token', async () => {
  const second = await fx.h.addApp(fx.tenant.id)
  await fx.h.addFic(second, {
    issuer: fx.issuer.url,
    subject: 'system:serviceaccount:payments:api',
  })
  const scope = await fx.scope()
  const a = new WorkloadIdentityCredential(fx.options())
  const b = new WorkloadIdentityCredential({ ...fx.options(), clientId: second.appId })
  const [ta, tb] = await Promise.all([a.getToken(scope), b.getToken(scope)])
  assert.equal(decodeJwt(ta.token).azp, fx.client.appId)
  assert.equal(decodeJwt(tb.token).azp, second.appId)
})

test('sts.md §5.5: enableCae sends cp1 and the token carries xms_cc', async () => {
  const credential = new WorkloadIdentityCredential(fx.options())
  const token = await credential.getToken(await fx.scope(), { enableCae: true })
  assert.equal(fx.posts[0]?.form?.get('claims'), '{"access_token":{"xms_cc":{"values":["cp1"]}}}')
  assert.deepEqual(decodeJwt(token.token).xms_cc, ['cp1'])
})

test('IF-72: getAccessToken resolves the raw token response', async () => {
  const response = await getAccessToken({ ...fx.options(), scope: await fx.scope() })
  assert.deepEqual(Object.keys(response).sort(), [
    'access_token',
    'expires_in',
    'ext_expires_in',
    'token_type',
  ])
  assert.equal(response.token_type, 'Bearer')
  assert.equal(response.expires_in, LIFETIME_SECONDS)
})

test('IF-71: the credential serves where @azure/core-auth expects a TokenCredential', async () => {
  const credential: TokenCredential = new WorkloadIdentityCredential(fx.options())
  const options = { abortSignal: new AbortController().signal, requestOptions: { timeout: 5000 } }
  const token = await credential.getToken([await fx.scope()], options)
  assert.equal(token?.tokenType, 'Bearer')
})
