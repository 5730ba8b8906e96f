// Forged and misdirected assertions against the token endpoint: each must fail at its §7 row, and
// none may make the STS fetch a URL that a federated identity credential does not name (STS-90).
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, test } from 'node:test'
import { base64url } from 'jose'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import {
  assertEntraError,
  assertTokenSuccess,
  type EntraErrorBody,
} from '../../support/entra_response.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  JWKS_PATH,
  rsaKey,
  StsHarness,
  type AssertionClaims,
  type AssertionSigning,
  type ExternalIssuer,
  type IssuerKey,
  type StsResponse,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'

let h: StsHarness
/** The issuer the main client trusts; it is fetched. */
let issuer: ExternalIssuer
/** An issuer whose FIC never matches in these tests, so it must never be fetched. */
let cold: ExternalIssuer
/** A server no FIC names: `jku`, `x5u` and unknown `iss` point here; it must see no request. */
let recorder: ExternalIssuer
let attacker: IssuerKey
let tenantA: TenantRecord
let tenantB: TenantRecord
let client: ApplicationRecord
let coldClient: ApplicationRecord
let clientB: ApplicationRecord

before(async () => {
  h = await StsHarness.start()
  ;[issuer, cold, recorder] = await Promise.all([h.startIssuer(), h.startIssuer(), h.startIssuer()])
  attacker = await rsaKey()
  recorder.keys = [attacker]
  tenantA = await h.addTenant()
  tenantB = await h.addTenant()
  for (const tenant of [tenantA, tenantB]) {
    await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
  }
  client = await h.addApp(tenantA.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  coldClient = await h.addApp(tenantA.id)
  await h.addFic(coldClient, { issuer: cold.url, subject: SUBJECT })
  clientB = await h.addApp(tenantB.id)
  await h.addFic(clientB, { issuer: issuer.url, subject: SUBJECT })
})

after(async () => {
  await h.close()
})

function mint(claims: AssertionClaims = {}, signing: AssertionSigning = {}) {
  return issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE, ...claims }, signing)
}

async function post(assertion: string, clientId = client.appId, tenant = tenantA.id) {
  return h.post(tenant, clientCredentialsForm(clientId, RESOURCE, assertion))
}

/** Every refusal answered, to find it in the sign-in log afterwards. */
const refusals: { assertion: string; code: number; traceId: string }[] = []

function refused(
  response: StsResponse,
  status: number,
  error: string,
  code: number,
  assertion: string,
): EntraErrorBody {
  const body = assertEntraError(response, { status, error, code, hidden: [assertion] })
  refusals.push({ assertion, code, traceId: body.trace_id })
  return body
}

const part = (value: unknown) => base64url.encode(JSON.stringify(value))
const payloadOf = (assertion: string) => assertion.split('.')[1] ?? ''

test('control: the unmodified assertion gets a token, so the refusals below are the attacks', async () => {
  await assertTokenSuccess(h, await post(await mint()), tenantA.id)
})

test('alg none, in any case, with an empty signature is refused at row 21 (AADSTS700027)', async () => {
  const genuine = await mint()
  for (const alg of ['none', 'None', 'NONE']) {
    const header = part({ alg, typ: 'JWT', kid: issuer.key.kid })
    const unsigned = `${header}.${payloadOf(genuine)}.`
    const body = refused(await post(unsigned), 401, 'invalid_client', 700027, unsigned)
    assert.match(body.error_description, new RegExp(`'${alg}' is not accepted`))
  }
})

test('HS256 keyed with the issuer public key PEM (algorithm confusion) is refused (AADSTS700027)', async () => {
  const pem = issuer.key.publicKey.export({ format: 'pem', type: 'spki' }).toString()
  for (const secret of [pem, pem.trim()]) {
    const forged = await mint({}, { alg: 'HS256', secret: new TextEncoder().encode(secret) })
    refused(await post(forged), 401, 'invalid_client', 700027, forged)
  }
})

test('a kid absent from the JWKS is refused at row 22 (AADSTS7000272)', async () => {
  const forged = await mint({}, { key: attacker, kid: attacker.kid })
  const body = refused(await post(forged), 401, 'invalid_client', 7000272, forged)
  assert.match(body.error_description, new RegExp(`key '${attacker.kid}'`))
})

test('jku and x5u headers are refused (AADSTS700027) and their URLs are never fetched', async () => {
  const headers = [
    { jku: `${recorder.url}${JWKS_PATH}` },
    { x5u: `${recorder.url}/cert.pem` },
    { jku: `${recorder.url}${JWKS_PATH}`, kid: issuer.key.kid },
  ]
  for (const header of headers) {
    const forged = await mint({}, { key: attacker, kid: attacker.kid, header })
    refused(await post(forged), 401, 'invalid_client', 700027, forged)
  }
  assert.equal(recorder.totalHits, 0, 'no request reached the URLs the token named')
})

test('an embedded jwk or x5c key is refused (AADSTS700027)', async () => {
  const embedded = [
    { jwk: { kty: 'RSA', n: attacker.jwk.n, e: attacker.jwk.e } },
    { x5c: [Buffer.from('not a certificate').toString('base64')] },
  ]
  for (const header of embedded) {
    for (const kid of [null, attacker.kid]) {
      const forged = await mint({}, { key: attacker, kid, header })
      refused(await post(forged), 401, 'invalid_client', 700027, forged)
    }
  }
})

test('an issuer differing by a trailing slash or by case fails row 16 (AADSTS700211) unfetched (STS-90)', async () => {
  const lookalikes = [`${cold.url}/`, cold.url.replace('localhost', 'LOCALHOST'), ` ${cold.url}`]
  for (const iss of lookalikes) {
    const forged = await cold.sign({ iss, sub: SUBJECT, aud: DEFAULT_AUDIENCE })
    const response = await post(forged, coldClient.appId)
    const body = refused(response, 401, 'invalid_client', 700211, forged)
    assert.ok(body.error_description.includes(`issuer '${iss}'`))
  }
  assert.equal(cold.discoveryHits, 0)
  assert.equal(cold.jwksHits, 0)
  assert.equal(cold.totalHits, 0)
})

test('an expired and a not-yet-valid assertion fail row 24 (AADSTS700024)', async () => {
  const now = h.nowSeconds
  for (const times of [
    { iat: now - 7200, exp: now - 301 },
    { iat: now + 400, nbf: now + 400, exp: now + 1000 },
  ]) {
    const stale = await mint(times)
    refused(await post(stale), 401, 'invalid_client', 700024, stale)
  }
})

test('a wrong audience fails row 18 (AADSTS700212) before any fetch', async () => {
  const forged = await cold.sign({ sub: SUBJECT, aud: 'https://management.azure.com' })
  refused(await post(forged, coldClient.appId), 401, 'invalid_client', 700212, forged)
  assert.equal(cold.totalHits, 0)
})

test('an assertion over 64 KiB gets 413 at row 2 (AADSTS9002313)', async () => {
  const oversized = await mint({ padding: 'x'.repeat(70 * 1024) })
  const response = await post(oversized)
  assertEntraError(response, {
    status: 413,
    error: 'invalid_request',
    code: 9002313,
    hidden: [oversized],
  })
})

test("another tenant's client at tenant A's endpoint fails row 12 (AADSTS700016)", async () => {
  const assertion = await mint()
  const response = await post(assertion, clientB.appId, tenantA.id)
  const body = refused(response, 400, 'unauthorized_client', 700016, assertion)
  assert.ok(body.error_description.includes(`'${clientB.appId}'`))
  assert.ok(!body.error_description.includes(tenantB.id), 'the real tenant is not revealed')
  await assertTokenSuccess(h, await post(assertion, clientB.appId, tenantB.id), tenantB.id)
})

test('an issuer no FIC names is never fetched (SSRF), whatever the token claims (AADSTS700211)', async () => {
  const targets = [
    recorder.url,
    `${recorder.url}/`,
    `${recorder.url}${JWKS_PATH}`,
    'https://169.254.169.254/metadata/identity',
  ]
  for (const iss of targets) {
    const forged = await recorder.sign({ iss, sub: SUBJECT, aud: DEFAULT_AUDIENCE })
    refused(await post(forged), 401, 'invalid_client', 700211, forged)
  }
  assert.equal(recorder.totalHits, 0)
})

test('STS-140: the sign-in log holds each refusal with its code and the assertion hash, never the assertion', async () => {
  await h.server.signIns.flush()
  const records = await h.server.store.signIns.list({ limit: 1000 })
  const logged = JSON.stringify(records)
  assert.ok(refusals.length > 20)
  for (const { assertion, code, traceId } of refusals) {
    const record = records.find((r) => r.traceId === traceId)
    assert.ok(record, `a record for trace ${traceId}`)
    assert.equal(record.outcome, 'failure')
    assert.equal(record.aadsts, code)
    // Rows up to 13 never look at the assertion; from row 14 on its hash identifies it.
    if (code !== 700016) assert.equal(record.details.assertionSha256, sha256(assertion))
    assert.ok(!logged.includes(assertion), 'no assertion in the sign-in log')
    const signature = assertion.split('.')[2] ?? ''
    if (signature.length > 16) assert.ok(!logged.includes(signature), 'no signature either')
  }
})

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
