// sts.md §7 row by row over real HTTPS, with the exact Entra error body of §9 and the success
// body of §10. Rows 12–26 run for both grants, as STS-40 requires the same rows for grant B.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { base64url, decodeJwt } from 'jose'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import {
  assertEntraError,
  assertTokenSuccess,
  confidential,
  GUID,
  type EntraErrorBody,
} from '../../support/entra_response.js'
import {
  ACCESS_TOKEN_TYPE,
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  DISCOVERY_PATH,
  JWKS_PATH,
  rsaKey,
  StsHarness,
  tokenExchangeForm,
  type AssertionClaims,
  type AssertionSigning,
  type ExternalIssuer,
  type StsResponse,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'

let h: StsHarness
let issuer: ExternalIssuer
let tenant: TenantRecord
let resource: ApplicationRecord
let client: ApplicationRecord
/** Every configured FIC issuer, subject and audience: none may leak unpresented (STS-83). */
const configured: string[] = []

before(async () => {
  h = await StsHarness.start()
  issuer = await h.startIssuer()
  tenant = await h.addTenant(['contoso.example'])
  resource = await h.addApp(tenant.id, {
    displayName: 'payments api',
    identifierUris: [RESOURCE],
    appRoles: [
      { id: '1c2d3e4f-0000-4000-8000-000000000001', value: 'Writer', displayName: 'Writer' },
      { id: '1c2d3e4f-0000-4000-8000-000000000002', value: 'Reader', displayName: 'Reader' },
    ],
  })
  client = await federatedClient(issuer.url, SUBJECT)
  await h.assignRole(client, resource, 'Writer')
  await h.assignRole(client, resource, 'Reader')
})

after(async () => {
  await h.close()
})

async function federatedClient(
  issuerUrl: string,
  subject: string,
  audience = DEFAULT_AUDIENCE,
): Promise<ApplicationRecord> {
  const app = await h.addApp(tenant.id)
  await h.addFic(app, { issuer: issuerUrl, subject, audience })
  configured.push(issuerUrl, subject, audience)
  return app
}

/** An assertion of the main issuer for the main client's FIC, changed by `claims`. */
function mint(claims: AssertionClaims = {}, signing: AssertionSigning = {}): Promise<string> {
  return issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE, ...claims }, signing)
}

/** The iss, sub and aud an assertion presents, which a description may echo (STS-83). */
function presentedBy(assertion: string): string[] {
  try {
    const { iss, sub, aud } = decodeJwt(assertion)
    return [iss, sub, ...(Array.isArray(aud) ? aud : [aud])].filter(
      (v): v is string => typeof v === 'string',
    )
  } catch {
    return []
  }
}

/** Asserts a §7 row and that neither the assertion nor an unpresented FIC value leaked. */
function fails(
  response: StsResponse,
  status: number,
  error: string,
  code: number,
  assertion?: string,
): EntraErrorBody {
  const presented = assertion === undefined ? [] : presentedBy(assertion)
  return assertEntraError(response, {
    status,
    error,
    code,
    hidden: confidential(assertion, configured, presented),
    nowMs: h.clock.nowMs(),
    authority: h.authority,
  })
}

/** `form` without the named parameters. */
function without(form: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name]) => !names.includes(name)))
}

type Form = Record<string, string>

/** The same credential as grant A and as grant B (STS-40). */
function bothGrants(clientId: string, assertion: string, resourceId = RESOURCE): [Form, Form] {
  return [
    clientCredentialsForm(clientId, resourceId, assertion),
    tokenExchangeForm(clientId, resourceId, assertion),
  ]
}

/** Posts `assertion` as both grants and asserts the same row for each. */
async function bothFail(
  clientId: string,
  assertion: string,
  status: number,
  error: string,
  code: number,
): Promise<EntraErrorBody[]> {
  const bodies: EntraErrorBody[] = []
  for (const form of bothGrants(clientId, assertion)) {
    bodies.push(fails(await h.post(tenant.id, form), status, error, code, assertion))
  }
  return bodies
}

/** AADSTS700024 prints times as ISO 8601 with seven fractional digits. */
const entraTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace('Z', '0000Z')

test('row 1 (AADSTS900561): the token endpoint answers other methods with 405 and Allow: POST', async () => {
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const response = await h.post(tenant.id, '', { method })
    const body = fails(response, 405, 'invalid_request', 900561)
    assert.equal(response.headers.allow, 'POST')
    assert.match(body.error_description, new RegExp(`only accepts POST.*${method}`))
  }
})

test('row 2 (AADSTS9002313): a body over 64 KiB gets 413 in JSON', async () => {
  const assertion = await mint()
  const form = clientCredentialsForm(client.appId, RESOURCE, assertion, {
    'x-client-pad': 'a'.repeat(64 * 1024),
  })
  fails(await h.post(tenant.id, form), 413, 'invalid_request', 9002313, assertion)
})

test('row 3 (AADSTS900144): a body without grant_type', async () => {
  const assertion = await mint()
  const form = without(clientCredentialsForm(client.appId, RESOURCE, assertion), 'grant_type')
  const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 900144, assertion)
  assert.match(body.error_description, /parameter: 'grant_type'/)
  // STS-31: a body of another type is read as empty, even when it carries every parameter.
  const complete = clientCredentialsForm(client.appId, RESOURCE, assertion)
  for (const [contentType, text] of [
    ['application/json', JSON.stringify(complete)],
    ['text/plain', new URLSearchParams(complete).toString()],
  ] as const) {
    const response = await h.post(tenant.id, text, { contentType })
    fails(response, 400, 'invalid_request', 900144, assertion)
  }
})

test('row 4 (AADSTS70003): an unsupported grant_type', async () => {
  const form = { grant_type: 'password', client_id: client.appId, scope: `${RESOURCE}/.default` }
  const response = await h.post(tenant.id, form)
  const body = fails(response, 400, 'unsupported_grant_type', 70003)
  assert.match(body.error_description, /'password'/)
})

test('row 5 (AADSTS9002313): a known parameter sent twice', async () => {
  const assertion = await mint()
  for (const [form, repeated] of [
    [clientCredentialsForm(client.appId, RESOURCE, assertion), 'scope'],
    [tokenExchangeForm(client.appId, RESOURCE, assertion), 'subject_token'],
  ] as const) {
    const params = new URLSearchParams(form)
    params.append(repeated, params.get(repeated) ?? '')
    const response = await h.post(tenant.id, params)
    const body = fails(response, 400, 'invalid_request', 9002313, assertion)
    assert.match(body.error_description, new RegExp(`'${repeated}' is repeated`))
  }
})

test('row 6 (AADSTS900144): a body without client_id', async () => {
  const assertion = await mint()
  const form = without(clientCredentialsForm(client.appId, RESOURCE, assertion), 'client_id')
  const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 900144, assertion)
  assert.match(body.error_description, /parameter: 'client_id'/)
})

test('row 7 (AADSTS900144): a body without scope', async () => {
  const assertion = await mint()
  const form = without(clientCredentialsForm(client.appId, RESOURCE, assertion), 'scope')
  const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 900144, assertion)
  assert.match(body.error_description, /parameter: 'scope'/)
})

test('row 8 (AADSTS70011, AADSTS700022, AADSTS1002012): scope names no, several or a non-.default resource', async () => {
  const assertion = await mint()
  const cases = [
    ['openid profile offline_access', 70011],
    [`${RESOURCE}/.default api://other/.default`, 700022],
    [`${RESOURCE}/read`, 1002012],
  ] as const
  for (const [scope, code] of cases) {
    const form = clientCredentialsForm(client.appId, RESOURCE, assertion, { scope })
    fails(await h.post(tenant.id, form), 400, 'invalid_scope', code, assertion)
  }
})

test('row 9a (AADSTS7000218): grant A without client_assertion or client_secret', async () => {
  const form = without(clientCredentialsForm(client.appId, RESOURCE, ''), 'client_assertion')
  const body = fails(await h.post(tenant.id, form), 401, 'invalid_client', 7000218)
  assert.match(body.error_description, /'client_assertion' or 'client_secret'/)
})

test('row 9b (AADSTS900144): an assertion without client_assertion_type', async () => {
  const assertion = await mint()
  const form = without(
    clientCredentialsForm(client.appId, RESOURCE, assertion),
    'client_assertion_type',
  )
  const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 900144, assertion)
  assert.match(body.error_description, /parameter: 'client_assertion_type'/)
})

test('row 9c (AADSTS9002313): an unsupported assertion type, or an assertion with a secret', async () => {
  const assertion = await mint()
  const secret = 'Zx8Q~not-a-real-secret-value'
  const saml = 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer'
  const cases: Record<string, string>[] = [
    { client_assertion_type: saml },
    { client_secret: secret },
  ]
  for (const extra of cases) {
    const form = clientCredentialsForm(client.appId, RESOURCE, assertion, extra)
    const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 9002313, assertion)
    assert.ok(!body.error_description.includes(secret))
  }
})

test('row 9d (AADSTS900144): grant B without subject_token or subject_token_type', async () => {
  const assertion = await mint()
  for (const missing of ['subject_token', 'subject_token_type']) {
    const form = without(tokenExchangeForm(client.appId, RESOURCE, assertion), missing)
    const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 900144, assertion)
    assert.match(body.error_description, new RegExp(`parameter: '${missing}'\\.`))
  }
})

test('row 9e (AADSTS9002313): grant B with unsupported token types, an actor or a client credential', async () => {
  const assertion = await mint()
  const cases: Record<string, string>[] = [
    { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' },
    { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
    { actor_token: assertion, actor_token_type: 'urn:ietf:params:oauth:token-type:jwt' },
    { client_assertion: assertion },
    { client_secret: 'Zx8Q~not-a-real-secret-value' },
  ]
  for (const extra of cases) {
    const form = tokenExchangeForm(client.appId, RESOURCE, assertion, extra)
    fails(await h.post(tenant.id, form), 400, 'invalid_request', 9002313, assertion)
  }
})

// RFC 6749 §3.1, which STS-33 cites: "Parameters sent without a value MUST be treated as if they
// were omitted from the request." Grant A already does so for `client_secret=`.
test('RFC 6749 §3.1: an empty client_assertion_type counts as omitted, so row 9b (AADSTS900144) applies', async () => {
  const assertion = await mint()
  const form = clientCredentialsForm(client.appId, RESOURCE, assertion, {
    client_assertion_type: '',
  })
  const body = fails(await h.post(tenant.id, form), 400, 'invalid_request', 900144, assertion)
  assert.match(body.error_description, /parameter: 'client_assertion_type'/)
})

test('RFC 6749 §3.1: grant B treats empty requested_token_type, actor_token, client_assertion and client_secret as omitted', async () => {
  const assertion = await mint()
  for (const empty of [
    'requested_token_type',
    'actor_token',
    'client_assertion',
    'client_secret',
  ]) {
    const form = tokenExchangeForm(client.appId, RESOURCE, assertion, { [empty]: '' })
    await assertTokenSuccess(h, await h.post(tenant.id, form), tenant.id, {
      issuedTokenType: ACCESS_TOKEN_TYPE,
    })
  }
})

test('row 10 (AADSTS9001023): the common, organizations and consumers endpoints refuse the grants', async () => {
  const assertion = await mint()
  for (const alias of ['common', 'organizations', 'consumers', 'Common']) {
    for (const form of bothGrants(client.appId, assertion)) {
      fails(await h.post(alias, form), 400, 'invalid_request', 9001023, assertion)
    }
  }
})

test('row 11 (AADSTS90002): an unknown tenant', async () => {
  const assertion = await mint()
  const unknown = '0d9a1c2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d'
  for (const form of bothGrants(client.appId, assertion)) {
    const response = await h.post(unknown, form)
    const body = fails(response, 400, 'invalid_request', 90002, assertion)
    assert.match(body.error_description, new RegExp(`Tenant '${unknown}' not found`))
  }
})

test('row 12 (AADSTS700016): a client unknown in the tenant', async () => {
  const assertion = await mint()
  const unknown = '7b1e2d3c-4f5a-4b6c-9d7e-8f9a0b1c2d3e'
  for (const form of bothGrants(unknown, assertion)) {
    const response = await h.post(tenant.id, form)
    const body = fails(response, 400, 'unauthorized_client', 700016, assertion)
    assert.match(body.error_description, new RegExp(`identifier '${unknown}' was not found`))
  }
})

test('row 13 (AADSTS7000112): a disabled client', async () => {
  const disabled = await h.addApp(tenant.id, { enabled: false })
  await h.addFic(disabled, { issuer: issuer.url, subject: SUBJECT })
  await bothFail(disabled.appId, await mint(), 400, 'unauthorized_client', 7000112)
})

test('row 13s (AADSTS7000215): a client secret that does not match', async () => {
  const secret = 'Zx8Q~another-secret-value-1234'
  const form = {
    client_id: client.appId,
    scope: `${RESOURCE}/.default`,
    grant_type: 'client_credentials',
    client_secret: secret,
  }
  const body = fails(await h.post(tenant.id, form), 401, 'invalid_client', 7000215)
  assert.ok(!body.error_description.includes(secret))
})

test('row 14 (AADSTS70025): a client without federated identity credentials', async () => {
  const bare = await h.addApp(tenant.id)
  await bothFail(bare.appId, await mint(), 401, 'invalid_client', 70025)
})

test('row 15 (AADSTS50027): assertions that are not a compact JWS with the claims row 15 lists', async () => {
  const now = h.nowSeconds
  const part = (value: unknown) => base64url.encode(JSON.stringify(value))
  const header = part({ alg: 'RS256', kid: issuer.key.kid })
  const claims = { iss: issuer.url, sub: SUBJECT, aud: DEFAULT_AUDIENCE, exp: now + 600 }
  const malformed = [
    'not-a-jwt',
    `${header}.${part(claims)}`,
    `${header}.${part(claims)}.c2ln.extra`,
    `${base64url.encode('{not json')}.${part(claims)}.c2ln`,
    `${part({ kid: 'x' })}.${part(claims)}.c2ln`,
    `${header}.${part({ ...claims, iss: 42 })}.c2ln`,
    `${header}.${part({ ...claims, sub: undefined })}.c2ln`,
    `${header}.${part({ ...claims, aud: [DEFAULT_AUDIENCE, 7] })}.c2ln`,
    `${header}.${part({ ...claims, exp: '2030-01-01' })}.c2ln`,
  ]
  const before = issuer.totalHits
  for (const assertion of malformed) {
    await bothFail(client.appId, assertion, 400, 'invalid_request', 50027)
  }
  assert.equal(issuer.totalHits, before, 'a malformed assertion fetches nothing')
})

test('row 16 (AADSTS700211): no FIC has the presented issuer', async () => {
  const before = issuer.totalHits
  const assertion = await mint({ iss: 'https://issuer.example.net/other' })
  const bodies = await bothFail(client.appId, assertion, 401, 'invalid_client', 700211)
  for (const body of bodies) {
    assert.match(body.error_description, /assertion issuer 'https:\/\/issuer\.example\.net\/other'/)
  }
  assert.equal(issuer.totalHits, before, 'nothing is fetched before a FIC matched (STS-90)')
})

test('row 17 (AADSTS700213, AADSTS7002138): no FIC has the presented subject, or only ignoring case', async () => {
  const before = issuer.totalHits
  const other = await mint({ sub: 'system:serviceaccount:payments:web' })
  for (const body of await bothFail(client.appId, other, 401, 'invalid_client', 700213)) {
    assert.match(body.error_description, /subject 'system:serviceaccount:payments:web'/)
  }
  const shouting = await mint({ sub: SUBJECT.toUpperCase() })
  for (const body of await bothFail(client.appId, shouting, 401, 'invalid_client', 7002138)) {
    assert.match(body.error_description, /only when case is ignored/)
  }
  assert.equal(issuer.totalHits, before, 'nothing is fetched before a FIC matched (STS-90)')
})

test('row 18 (AADSTS700212): the matching FIC expects another audience', async () => {
  const before = issuer.totalHits
  const assertion = await mint({ aud: ['api://other', 'api://another'] })
  for (const body of await bothFail(client.appId, assertion, 401, 'invalid_client', 700212)) {
    assert.match(body.error_description, /audience 'api:\/\/other', 'api:\/\/another'/)
  }
  assert.equal(issuer.totalHits, before, 'nothing is fetched before a FIC matched (STS-90)')
})

/** A client federated with a fresh issuer that `misbehave` breaks, and its assertion. */
async function brokenIssuer(misbehave: (issuer: ExternalIssuer) => Promise<void> | void) {
  const broken = await h.startIssuer()
  const brokenClient = await federatedClient(broken.url, SUBJECT)
  const assertion = await broken.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE })
  await misbehave(broken)
  return { broken, brokenClient, assertion }
}

test('row 19 (AADSTS90061): the matched issuer cannot be fetched, or §8 refuses what it serves', async () => {
  const discoveryOf = (issuer: ExternalIssuer, changes: Record<string, unknown>) => ({
    body: { issuer: issuer.url, jwks_uri: `${issuer.url}${JWKS_PATH}`, ...changes },
  })
  const causes: [string, (issuer: ExternalIssuer) => Promise<void> | void][] = [
    ['issuer down', (i) => i.stop()],
    ['discovery answers 500', (i) => i.craft(DISCOVERY_PATH, { status: 500, body: {} })],
    ['discovery is not JSON', (i) => i.craft(DISCOVERY_PATH, { body: '<html>' })],
    [
      'discovery names the issuer with a trailing slash (STS-95)',
      (i) => i.craft(DISCOVERY_PATH, discoveryOf(i, { issuer: `${i.url}/` })),
    ],
    [
      'jwks_uri is http (STS-91)',
      (i) => i.craft(DISCOVERY_PATH, discoveryOf(i, { jwks_uri: `http://localhost/jwks` })),
    ],
    [
      'discovery redirects to another host (STS-92)',
      (i) =>
        i.craft(DISCOVERY_PATH, {
          status: 302,
          headers: { location: i.url.replace('localhost', '127.0.0.1') + DISCOVERY_PATH },
          body: '',
        }),
    ],
    [
      'discovery is larger than 64 KiB (STS-93)',
      (i) => i.craft(DISCOVERY_PATH, discoveryOf(i, { padding: 'x'.repeat(64 * 1024) })),
    ],
  ]
  for (const [cause, misbehave] of causes) {
    const { broken, brokenClient, assertion } = await brokenIssuer(misbehave)
    for (const body of await bothFail(
      brokenClient.appId,
      assertion,
      400,
      'invalid_request',
      90061,
    )) {
      assert.ok(body.error_description.includes(`issuer '${broken.url}'`), cause)
    }
  }
  // STS-91: an http issuer is refused without a request, outside dev mode.
  const { broken, brokenClient } = await brokenIssuer(() => undefined)
  const httpIssuer = broken.url.replace('https:', 'http:')
  await h.addFic(brokenClient, { issuer: httpIssuer, subject: SUBJECT })
  configured.push(httpIssuer)
  const assertion = await broken.sign({ iss: httpIssuer, sub: SUBJECT, aud: DEFAULT_AUDIENCE })
  await bothFail(brokenClient.appId, assertion, 400, 'invalid_request', 90061)
  assert.equal(broken.totalHits, 0)
})

test('row 20 (AADSTS900612): the JWKS is not JSON or holds no usable key (STS-96)', async () => {
  const causes: [string, unknown][] = [
    // RSA below 2048 bits is unusable; the assertions are signed by a good key regardless.
    ['only an RSA-1024 key', { keys: [(await rsaKey(1024)).jwk] }],
    ['not JSON', '{"keys": ['],
    ['no keys array', { key: [] }],
    ['only an encryption key', { keys: [{ ...(await rsaKey()).jwk, use: 'enc' }] }],
  ]
  for (const [cause, jwks] of causes) {
    const { broken, brokenClient, assertion } = await brokenIssuer((i) =>
      i.craft(JWKS_PATH, { body: jwks }),
    )
    await bothFail(brokenClient.appId, assertion, 400, 'invalid_request', 900612)
    assert.equal(broken.jwksHits, 1, `${cause}: the failure is cached (STS-100)`)
  }
})

test('row 21 (AADSTS700027): a header alg other than RS256', async () => {
  const assertion = await mint({}, { alg: 'RS384' })
  for (const body of await bothFail(client.appId, assertion, 401, 'invalid_client', 700027)) {
    assert.match(body.error_description, /'RS384' is not accepted/)
  }
})

test('row 22 (AADSTS7000272): a kid the issuer does not publish', async () => {
  const kid = 'rotated-away-kid'
  const assertion = await mint({}, { kid })
  for (const body of await bothFail(client.appId, assertion, 401, 'invalid_client', 7000272)) {
    assert.match(body.error_description, new RegExp(`key '${kid}' .* issuer '${issuer.url}'`))
  }
})

test('row 23 (AADSTS700027): a signature by another key under a published kid', async () => {
  const forger = await rsaKey()
  const assertion = await mint({}, { key: forger, kid: issuer.key.kid })
  for (const body of await bothFail(client.appId, assertion, 401, 'invalid_client', 700027)) {
    assert.match(body.error_description, /failed signature validation\. Trace ID/)
  }
})

test('row 24 (AADSTS700024): an expired and a not-yet-valid assertion, 300 s skew either way', async () => {
  const now = h.nowSeconds
  const expired = { iat: now - 3600, exp: now - 300 }
  const early = { iat: now + 301, nbf: now + 301, exp: now + 900 }
  // One second inside each bound still passes: nbf − 300 ≤ now < exp + 300.
  for (const times of [
    { iat: now - 3600, exp: now - 299 },
    { iat: now + 300, nbf: now + 300, exp: now + 900 },
  ]) {
    await assertTokenSuccess(
      h,
      await h.post(tenant.id, bothGrants(client.appId, await mint(times))[0]),
      tenant.id,
    )
  }
  for (const times of [expired, early]) {
    const assertion = await mint(times)
    for (const body of await bothFail(client.appId, assertion, 401, 'invalid_client', 700024)) {
      const window =
        `Current time: ${entraTime(now)}, assertion valid from ${entraTime(times.iat)}, ` +
        `expiry time of assertion ${entraTime(times.exp)}.`
      assert.ok(body.error_description.includes(window), body.error_description)
    }
  }
})

test('row 25 (AADSTS70023): an assertion living longer than 25 hours (90000 s)', async () => {
  const now = h.nowSeconds
  const longest = await mint({ iat: now - 60, exp: now + 89_940 })
  const [grantA] = bothGrants(client.appId, longest)
  await assertTokenSuccess(h, await h.post(tenant.id, grantA), tenant.id)
  const assertion = await mint({ iat: now - 60, exp: now + 89_941 })
  for (const body of await bothFail(client.appId, assertion, 401, 'invalid_client', 70023)) {
    assert.match(body.error_description, /lifetime of 90001 seconds exceeds the maximum of 90000/)
  }
  // Without iat the lifetime runs from nbf.
  const fromNbf = await mint({ iat: undefined, nbf: now - 10, exp: now + 89_991 })
  await bothFail(client.appId, fromNbf, 401, 'invalid_client', 70023)
})

test('row 26 (AADSTS500011): the scope names no resource of the tenant', async () => {
  const assertion = await mint()
  // STS-53: identifier URIs compare exactly, without case folding or trailing-slash trimming.
  for (const unknown of ['api://unknown-resource', 'API://payments', 'api://payments/']) {
    for (const form of bothGrants(client.appId, assertion, unknown)) {
      const response = await h.post(tenant.id, form)
      const body = fails(response, 400, 'invalid_resource', 500011, assertion)
      assert.ok(body.error_description.includes(`resource principal named ${unknown} `))
    }
  }
})

test('row 27: both grants issue a token; grant B adds issued_token_type (STS-41, STS-121, §11)', async () => {
  const assertion = await mint()
  const [grantA, grantB] = bothGrants(client.appId, assertion)
  const a = await assertTokenSuccess(h, await h.post(tenant.id, grantA), tenant.id)
  const b = await assertTokenSuccess(h, await h.post(tenant.id, grantB), tenant.id, {
    issuedTokenType: ACCESS_TOKEN_TYPE,
  })
  for (const payload of [a, b]) {
    assert.deepEqual(Object.keys(payload).sort(), [
      'aud',
      'azp',
      'azpacr',
      'exp',
      'iat',
      'idtyp',
      'iss',
      'nbf',
      'oid',
      'roles',
      'sub',
      'tid',
      'uti',
      'ver',
    ])
    assert.equal(payload.aud, RESOURCE)
    assert.equal(payload.iat, h.nowSeconds)
    assert.equal(payload.nbf, h.nowSeconds)
    assert.equal(payload.azp, client.appId)
    assert.equal(payload.azpacr, '2')
    assert.equal(payload.idtyp, 'app')
    assert.equal(payload.oid, client.principalId)
    assert.equal(payload.sub, client.principalId)
    assert.deepEqual(payload.roles, ['Reader', 'Writer'])
    assert.equal(payload.tid, tenant.id)
    assert.match(String(payload.uti), /^[A-Za-z0-9_-]{22}$/)
    assert.equal(payload.ver, '2.0')
  }
  assert.notEqual(a.uti, b.uti)
})

test('STS-8, STS-53: the resource may be named by its appId, the tenant by its domain, in any case', async () => {
  const assertion = await mint()
  for (const form of bothGrants(client.appId.toUpperCase(), assertion, resource.appId)) {
    const response = await h.post('Contoso.Example', form)
    const grantB = form.grant_type !== 'client_credentials'
    const payload = await assertTokenSuccess(h, response, tenant.id, {
      ...(grantB ? { issuedTokenType: ACCESS_TOKEN_TYPE } : {}),
    })
    assert.equal(payload.aud, resource.appId)
    assert.equal(payload.tid, tenant.id)
  }
})

test('STS-71, STS-81, STS-82: an aud array, a token without kid, and a reused token all succeed', async () => {
  const aud = ['https://kubernetes.default.svc', DEFAULT_AUDIENCE]
  for (const assertion of [await mint({ aud }), await mint({}, { kid: null })]) {
    for (const [i, form] of bothGrants(client.appId, assertion).entries()) {
      const options = i === 1 ? { issuedTokenType: ACCESS_TOKEN_TYPE } : {}
      // Each assertion is presented twice per grant: jti is never one-time-use (STS-82).
      await assertTokenSuccess(h, await h.post(tenant.id, form), tenant.id, options)
      await assertTokenSuccess(h, await h.post(tenant.id, form), tenant.id, options)
    }
  }
})

test('STS-34: client-request-id from the query, else the body, else a header, if a GUID, becomes correlation_id', async () => {
  const [q, b, hd] = [
    '11111111-1111-4111-8111-111111111111',
    '22222222-2222-4222-8222-222222222222',
    '33333333-3333-4333-8333-333333333333',
  ]
  const unknown = '5c4b3a29-1807-4f6e-9d5c-4b3a29180706'
  const cases = [
    { query: q, body: b, header: hd, expected: q },
    { query: undefined, body: b, header: hd, expected: b },
    { query: undefined, body: undefined, header: hd, expected: hd },
    { query: 'not-a-guid', body: b, header: hd, expected: b },
    { query: 'not-a-guid', body: '{22222222}', header: hd, expected: hd },
    { query: 'x', body: 'y', header: 'z', expected: undefined },
  ]
  const assertion = await mint()
  const traceIds = new Set<string>()
  for (const c of cases) {
    const form = clientCredentialsForm(client.appId, RESOURCE, assertion, {
      ...(c.body === undefined ? {} : { 'client-request-id': c.body }),
    })
    const response = await h.post(unknown, form, {
      ...(c.query === undefined ? {} : { query: { 'client-request-id': c.query } }),
      headers: { 'client-request-id': c.header },
    })
    const body = fails(response, 400, 'invalid_request', 90002, assertion)
    if (c.expected !== undefined) assert.equal(body.correlation_id, c.expected, JSON.stringify(c))
    else {
      assert.match(body.correlation_id, GUID)
      assert.ok(![q, b, hd, body.trace_id].includes(body.correlation_id))
    }
    traceIds.add(body.trace_id)
  }
  assert.equal(traceIds.size, cases.length, 'a new trace id per request (STS-112)')
})

test('STS-32, STS-55: unknown parameters and an invalid claims value are ignored', async () => {
  const assertion = await mint()
  const telemetry = {
    'x-client-SKU': 'msal.js.node',
    'x-client-VER': '5.6.0',
    'x-client-OS': 'linux',
    'x-client-CPU': 'x64',
    'x-ms-lib-capability': 'retry-after, h429',
    'x-client-current-telemetry': '5|771,2,,,|,',
    'x-client-last-telemetry': '5|0|||0,0',
    'client-request-id': 'not-a-guid',
    client_info: '1',
    claims: '{"access_token":{"xms_cc":',
    audience: 'api://ignored',
    resource: 'api://ignored-too',
  }
  for (const form of bothGrants(client.appId, assertion)) {
    const response = await h.post(tenant.id, { ...form, ...telemetry }, { query: telemetry })
    const grantB = form.grant_type !== 'client_credentials'
    const payload = await assertTokenSuccess(h, response, tenant.id, {
      ...(grantB ? { issuedTokenType: ACCESS_TOKEN_TYPE } : {}),
    })
    assert.equal(payload.aud, RESOURCE, 'audience and resource are ignored (§5.3)')
    assert.equal(payload.xms_cc, undefined)
  }
})

test('STS-56: claims asking for xms_cc cp1 put "xms_cc": ["cp1"] in the access token', async () => {
  const claims = JSON.stringify({
    access_token: { xms_cc: { values: ['cp1'] } },
    id_token: { auth_time: { essential: true } },
  })
  const assertion = await mint()
  for (const form of bothGrants(client.appId, assertion)) {
    const response = await h.post(tenant.id, { ...form, claims })
    const grantB = form.grant_type !== 'client_credentials'
    const payload = await assertTokenSuccess(h, response, tenant.id, {
      ...(grantB ? { issuedTokenType: ACCESS_TOKEN_TYPE } : {}),
    })
    assert.deepEqual(payload.xms_cc, ['cp1'])
  }
})

// The token request of the EKS → Entra walkthrough (/work/shared/seeds/003_e47abd06ee11f9f1.txt,
// the one sts.md §5.3 cites), verbatim with its placeholders.
const SEED_003 = `POST https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/token
Content-Type: application/x-www-form-urlencoded

client_id=<azure-client-id>&
scope=<your-api-scope or default like https://graph.microsoft.com/.default>&
grant_type=urn:ietf:params:oauth:grant-type:token-exchange&
requested_token_type=urn:ietf:params:oauth:token-type:access_token&
subject_token_type=urn:ietf:params:oauth:token-type:jwt&
subject_token=<JWT-from-SA-token-file>`

test('seed 003: the EKS walkthrough token-exchange request, sent as written, gets a token', async () => {
  // The walkthrough's service account (default/my-app-sa) and audience.
  const subject = 'system:serviceaccount:default:my-app-sa'
  const eksClient = await federatedClient(issuer.url, subject, 'sts.amazonaws.com')
  const token = await issuer.sign({ sub: subject, aud: 'sts.amazonaws.com' })
  const [head = '', text = ''] = SEED_003.split('\n\n')
  const [requestLine = '', contentTypeLine = ''] = head.split('\n')
  assert.match(requestLine, /^POST https:\/\/[^/]+\/\{tenant-id\}\/oauth2\/v2\.0\/token$/)
  // The lines joined as `curl -d @file` joins them (without the line breaks); values unencoded.
  const body = text
    .split('\n')
    .join('')
    .replace('<azure-client-id>', eksClient.appId)
    .replace(/<your-api-scope[^>]*>/, `${RESOURCE}/.default`)
    .replace('<JWT-from-SA-token-file>', token)
  const response = await h.post(tenant.id, body, {
    contentType: contentTypeLine.slice('Content-Type: '.length),
  })
  const payload = await assertTokenSuccess(h, response, tenant.id, {
    issuedTokenType: ACCESS_TOKEN_TYPE,
  })
  assert.equal(payload.azp, eksClient.appId)
  assert.equal(payload.aud, RESOURCE)
})
