// Who reaches a vault over raw HTTPS (keyvault.md §1–§3): the host decides which app answers, the
// 401 challenge comes before anything else, every bad token gets the same challenge, and roles
// decide the rest. Tokens come from our STS as a workload gets them; none is signed here.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  API_VERSION,
  assertVaultError,
  assertVaultHeaders,
  SECRETS_OFFICER,
  SECRETS_USER,
  VAULT_ADMINISTRATOR,
  VaultHarness,
  type Answer,
  type CallOptions,
  type Workload,
} from './vault_http_harness.js'

const MISSING = 'AKV10000: Request is missing a Bearer or PoP token.'
const Q = `?api-version=${API_VERSION}`
const HELLO = 'Hello from the wifkit dev vault!'

let h: VaultHarness
let tenantA: string
let tenantB: string
/** The dev demo: `Key Vault Secrets User` on vault `demo`. */
let reader: Workload
let officer: Workload
let administrator: Workload
let nobody: Workload
/** Of tenant B, `Key Vault Secrets Officer` on its vault `beta`. */
let foreigner: Workload
const tokens: Record<string, string> = {}

before(async () => {
  h = await VaultHarness.start()
  tenantA = await h.createTenant()
  tenantB = await h.createTenant()
  await h.createVault(tenantA, 'demo')
  await h.createVault(tenantA, 'annex')
  await h.createVault(tenantB, 'beta')
  reader = await h.createWorkload(tenantA, 'demo')
  officer = await h.createWorkload(tenantA, 'officer')
  administrator = await h.createWorkload(tenantA, 'vault-admin')
  nobody = await h.createWorkload(tenantA, 'nobody')
  foreigner = await h.createWorkload(tenantB, 'foreigner')
  await h.assignRole('demo', reader, SECRETS_USER)
  await h.assignRole('demo', officer, SECRETS_OFFICER)
  await h.assignRole('annex', officer, SECRETS_OFFICER)
  await h.assignRole('demo', administrator, VAULT_ADMINISTRATOR)
  await h.assignRole('beta', foreigner, SECRETS_OFFICER)
  await h.createApp(tenantA, 'other api', ['api://other'])
  tokens.reader = await h.accessToken(reader)
  tokens.officer = await h.accessToken(officer)
  tokens.administrator = await h.accessToken(administrator)
  tokens.nobody = await h.accessToken(nobody)
  tokens.foreigner = await h.accessToken(foreigner)
  tokens.otherAudience = await h.accessToken(officer, 'api://other')
  for (const [vault, name] of [
    ['demo', 'hello'],
    ['annex', 'hello'],
  ] as const) {
    const put = await h.vault('PUT', vault, `/secrets/${name}${Q}`, {
      token: tokens.officer,
      body: { value: HELLO, contentType: 'text/plain' },
    })
    assert.equal(put.status, 200, put.text)
  }
})

after(async () => {
  await h?.close()
})

function assertChallenge(answer: Answer, tenantId: string, message: string | RegExp): void {
  assertVaultError(answer, 401, 'Unauthorized', message)
  assert.equal(answer.headers.get('www-authenticate'), h.challenge(tenantId))
}

/** The versions of `demo/hello`, read by the officer: a refused write must add none. */
async function helloVersions(): Promise<number> {
  const list = await h.vault('GET', 'demo', `/secrets/hello/versions${Q}`, {
    token: tokens.officer,
  })
  assert.equal(list.status, 200, list.text)
  return (list.body.value as unknown[]).length
}

test('KV-10, KV-11, KV-15, KV-21: without a token every request gets the exact challenge first', async (t) => {
  const big = JSON.stringify({ value: 'x'.repeat(300 * 1024) })
  const cases: [string, string, string, string, CallOptions][] = [
    ['GET of an existing secret', 'demo', 'GET', `/secrets/hello/${Q}`, {}],
    ['GET of an absent secret', 'demo', 'GET', `/secrets/absent/${Q}`, {}],
    ['PUT with a body', 'demo', 'PUT', `/secrets/hello${Q}`, { body: { value: 'overwritten' } }],
    [
      "the SDK's first PUT: no body, content-length 0, content-type json",
      'demo',
      'PUT',
      `/secrets/hello${Q}`,
      { headers: { 'content-type': 'application/json', 'content-length': '0' } },
    ],
    ['a PUT whose body is over the body limit', 'demo', 'PUT', `/secrets/big${Q}`, { body: big }],
    ['a PUT with malformed JSON', 'demo', 'PUT', `/secrets/hello${Q}`, { body: '{"value":' }],
    ['an unknown route', 'demo', 'GET', '/no/such/route', {}],
    ['a known path with an unsupported method', 'demo', 'POST', `/secrets/hello${Q}`, {}],
    ['no api-version', 'demo', 'GET', '/secrets', {}],
    ['an unsupported api-version', 'demo', 'GET', '/secrets?api-version=2016-10-01', {}],
    ['an invalid secret name', 'demo', 'GET', `/secrets/bad_name/${Q}`, {}],
    ['a purge', 'demo', 'DELETE', `/deletedsecrets/hello${Q}`, {}],
    ['a vault of another tenant names its own tenant', 'beta', 'GET', `/secrets${Q}`, {}],
  ]
  for (const [name, vault, method, path, options] of cases) {
    await t.test(name, async () => {
      const answer = await h.vault(method, vault, path, options)
      assertChallenge(answer, vault === 'beta' ? tenantB : tenantA, MISSING)
      assert.equal(
        answer.text,
        JSON.stringify({ error: { code: 'Unauthorized', message: MISSING } }),
      )
    })
  }
  assert.equal(await helloVersions(), 1, 'no unauthenticated PUT was stored')
})

test('KV-4, KV-37: vault hosts match without case, and ids keep the Host as sent', async () => {
  const answer = await h.vault('GET', 'demo', `/secrets${Q}`, {
    token: tokens.reader,
    host: `DeMo.VAULT.localhost:${h.port}`,
  })
  assert.equal(answer.status, 200, answer.text)
  assert.deepEqual(
    (answer.body.value as { id: string }[]).map((item) => item.id),
    [`https://DeMo.VAULT.localhost:${h.port}/secrets/hello`],
    'KV-37: ids are on the origin as the client addressed it',
  )
})

test('KV-5: an unknown vault host gets 404 NotFound and no challenge, with or without a token', async (t) => {
  const cases: [string, string, CallOptions][] = [
    ['GET without a token', 'GET', {}],
    ['GET with a valid token of another vault', 'GET', { token: tokens.officer }],
    ['PUT with a body', 'PUT', { body: { value: 'x' } }],
  ]
  for (const [name, method, options] of cases) {
    await t.test(name, async () => {
      const answer = await h.call(
        method,
        `https://nosuchvault.vault.localhost:${h.port}/secrets/x${Q}`,
        options,
      )
      assertVaultError(answer, 404, 'NotFound', /nosuchvault\.vault\.localhost/)
      assert.equal(answer.headers.get('www-authenticate'), null)
    })
  }
})

test('KV-1, KV-3: the public host serves no vault paths, and vault hosts serve no STS or issuer paths', async () => {
  const stsPaths: [string, string][] = [
    ['GET', `/${tenantA}/v2.0/.well-known/openid-configuration`],
    ['GET', `/${tenantA}/discovery/v2.0/keys`],
    ['GET', '/issuers/dev/.well-known/openid-configuration'],
    ['GET', '/issuers/dev/openid/v1/jwks'],
    ['GET', '/healthz'],
  ]
  for (const [method, path] of stsPaths) {
    const served = await h.call(method, `${h.publicUrl}${path}`)
    assert.equal(served.status, 200, `${path} is served on the public host: ${served.text}`)
    const anonymous = await h.vault(method, 'demo', path)
    assertChallenge(anonymous, tenantA, MISSING)
    const authenticated = await h.vault(method, 'demo', path, { token: tokens.officer })
    assertVaultError(authenticated, 404, 'NotFound')
  }
  const token = await h.vault('POST', 'demo', `/${tenantA}/oauth2/v2.0/token`, {
    token: tokens.officer,
    body: 'grant_type=client_credentials',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  assertVaultError(token, 404, 'NotFound')

  const served = await h.vault('GET', 'demo', `/secrets${Q}`, { token: tokens.officer })
  assert.equal(served.status, 200, served.text)
  for (const origin of [h.publicUrl, h.resource]) {
    const answer = await h.call('GET', `${origin}/secrets${Q}`, { token: tokens.officer })
    assert.equal(answer.status, 404, `${origin}: ${answer.text}`)
    assert.equal(answer.headers.get('www-authenticate'), null)
    assert.equal(answer.headers.get('x-ms-request-id'), null, 'not answered by the vault app')
    assert.equal(typeof answer.body.error, 'string', 'not the Key Vault error shape')
  }
})

function tamper(token: string, part: 'payload' | 'signature'): string {
  const [header, payload, signature] = token.split('.') as [string, string, string]
  if (part === 'signature') {
    const i = 40
    const flipped = signature[i] === 'A' ? 'B' : 'A'
    return `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`
  }
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
  const officerClaims = JSON.parse(
    Buffer.from(tokens.officer?.split('.')[1] ?? '', 'base64url').toString(),
  ) as Record<string, unknown>
  const forged = { ...claims, oid: officerClaims.oid, sub: officerClaims.sub }
  return `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`
}

test('KV-16, KV-17: a presented token that fails any check gets 401 with the same challenge', async (t) => {
  const resource = h.resource
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${
    (tokens.officer ?? '').split('.')[1]
  }.`
  const cases: [string, () => Promise<string>, string | RegExp][] = [
    [
      'a token for another audience',
      async () => `Bearer ${tokens.otherAudience}`,
      `AKV10022: Invalid audience. Expected ${resource}, found: api://other.`,
    ],
    [
      'a token of another tenant, for the same resource',
      async () => `Bearer ${tokens.foreigner}`,
      `AKV10032: Invalid issuer. Expected ${h.publicUrl}/${tenantA}/v2.0, found: ${h.publicUrl}/${tenantB}/v2.0.`,
    ],
    [
      'a token whose signature was altered',
      async () => `Bearer ${tamper(tokens.officer ?? '', 'signature')}`,
      /^AKV10032: Invalid token signature\.$/,
    ],
    [
      "a reader's token claiming the officer's oid",
      async () => `Bearer ${tamper(tokens.reader ?? '', 'payload')}`,
      /^AKV10032: Invalid token signature\.$/,
    ],
    ['an unsigned token (alg none)', async () => `Bearer ${none}`, /^AKV10002: Invalid token\.$/],
    [
      "the issuer's service-account token, which the STS did not sign",
      async () => `Bearer ${await h.serviceAccountToken('officer', resource)}`,
      /^AKV10032: Invalid token signature\.$/,
    ],
    ['a token that is no JWT', async () => 'Bearer not-a-jwt', /^AKV10002: Invalid token\.$/],
    ['the PoP scheme', async () => `PoP ${tokens.officer}`, MISSING],
    ['the Basic scheme', async () => 'Basic b2ZmaWNlcjpzZWNyZXQ=', MISSING],
    ['Bearer with no token', async () => 'Bearer ', MISSING],
    ['a bare token without a scheme', async () => tokens.officer ?? '', MISSING],
  ]
  for (const [name, authorization, message] of cases) {
    await t.test(name, async () => {
      const header = await authorization()
      const answer = await h.vault('GET', 'demo', `/secrets/hello/${Q}`, { authorization: header })
      assertChallenge(answer, tenantA, message)
      const token = header.split(' ').pop() ?? ''
      if (token.length > 20) assert.ok(!answer.text.includes(token), 'no token echoed')
    })
  }
})

test('KV-16, KV-17: the tokens refused above work where they belong, and Bearer is any case', async (t) => {
  const cases: [string, string, string][] = [
    ['the officer, scheme "Bearer"', 'demo', `Bearer ${tokens.officer}`],
    ['the officer, scheme "bearer"', 'demo', `bearer ${tokens.officer}`],
    ['the officer, scheme "BEARER"', 'demo', `BEARER ${tokens.officer}`],
    ['the reader', 'demo', `Bearer ${tokens.reader}`],
    ['the foreign tenant on its own vault', 'beta', `Bearer ${tokens.foreigner}`],
  ]
  for (const [name, vault, authorization] of cases) {
    await t.test(name, async () => {
      const answer = await h.vault('GET', vault, `/secrets${Q}`, { authorization })
      assert.equal(answer.status, 200, answer.text)
      assertVaultHeaders(answer)
    })
  }
})

test('KV-16: a token is refused once its exp lies more than 300 s in the past, and before its nbf', async () => {
  const token = await h.accessToken(officer)
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    exp: number
    iat: number
  }
  const get = () => h.vault('GET', 'demo', `/secrets/hello/${Q}`, { token })
  const now = () => Math.floor(h.clock.nowMs() / 1000)
  const start = now()
  try {
    h.clock.advanceSeconds(claims.exp + 299 - now())
    assert.equal((await get()).status, 200, 'still inside the 300 s skew')
    h.clock.advanceSeconds(2)
    assertChallenge(await get(), tenantA, /^AKV10022: Token expired\.$/)
    h.clock.advanceSeconds(claims.iat - 301 - now())
    assertChallenge(await get(), tenantA, /^AKV10022: Token not yet valid\.$/)
  } finally {
    h.clock.advanceSeconds(start - now())
  }
  assert.equal((await get()).status, 200)
})

test('KV-20, KV-21: each role allows its actions; others get 403 ForbiddenByRbac before any lookup', async (t) => {
  const put = { body: { value: 'changed' } }
  const cases: [string, string, string, string, CallOptions, number][] = [
    ['reader', 'GET', 'demo', `/secrets/hello/${Q}`, {}, 200],
    ['reader', 'GET', 'demo', `/secrets${Q}`, {}, 200],
    ['reader', 'GET', 'demo', `/secrets/hello/versions${Q}`, {}, 200],
    ['reader', 'GET', 'demo', `/deletedsecrets${Q}`, {}, 200],
    ['reader', 'GET', 'demo', `/secrets/absent/${Q}`, {}, 404],
    ['reader', 'PUT', 'demo', `/secrets/hello${Q}`, put, 403],
    ['reader', 'PUT', 'demo', `/secrets/reader-made${Q}`, put, 403],
    ['reader', 'PATCH', 'demo', `/secrets/hello/${Q}`, { body: { tags: { a: 'b' } } }, 403],
    ['reader', 'DELETE', 'demo', `/secrets/hello${Q}`, {}, 403],
    ['reader', 'POST', 'demo', `/secrets/hello/backup${Q}`, {}, 403],
    ['reader', 'POST', 'demo', `/deletedsecrets/hello/recover${Q}`, {}, 403],
    ['reader', 'DELETE', 'demo', `/deletedsecrets/hello${Q}`, {}, 403],
    ['reader', 'GET', 'annex', `/secrets/hello/${Q}`, {}, 403],
    ['nobody', 'GET', 'demo', `/secrets/hello/${Q}`, {}, 403],
    ['nobody', 'GET', 'demo', `/secrets/absent/${Q}`, {}, 403],
    ['nobody', 'GET', 'demo', `/secrets${Q}`, {}, 403],
    ['nobody', 'PUT', 'demo', `/secrets/nobody-made${Q}`, put, 403],
    ['officer', 'PUT', 'demo', `/secrets/officer-made${Q}`, put, 200],
    ['officer', 'GET', 'annex', `/secrets/hello/${Q}`, {}, 200],
    ['administrator', 'PUT', 'demo', `/secrets/admin-made${Q}`, put, 200],
    ['administrator', 'GET', 'demo', `/secrets/admin-made/${Q}`, {}, 200],
  ]
  for (const [who, method, vault, path, options, status] of cases) {
    await t.test(`${who}: ${method} ${vault} ${path.split('?')[0]} → ${status}`, async () => {
      const answer = await h.vault(method, vault, path, { ...options, token: tokens[who] })
      if (status === 403) {
        assertVaultError(answer, 403, 'Forbidden', /Action: secrets\/\w+/, 'ForbiddenByRbac')
        assert.equal(answer.headers.get('www-authenticate'), null)
        assert.ok(!answer.text.includes(HELLO), 'no value in the refusal')
      } else if (status === 404) {
        assertVaultError(answer, 404, 'SecretNotFound')
      } else {
        assert.equal(answer.status, status, answer.text)
        assertVaultHeaders(answer)
        if (method === 'GET' && path.startsWith('/secrets/hello/?')) {
          assert.equal(answer.body.value, HELLO)
        }
      }
    })
  }
  assert.equal(await helloVersions(), 1, 'no refused PUT added a version')
  for (const name of ['reader-made', 'nobody-made']) {
    const absent = await h.vault('GET', 'demo', `/secrets/${name}/${Q}`, { token: tokens.officer })
    assertVaultError(absent, 404, 'SecretNotFound')
  }
  const still = await h.vault('GET', 'demo', `/secrets/hello/${Q}`, { token: tokens.officer })
  assert.equal(still.body.value, HELLO, 'the refused DELETE and PUT changed nothing')
})
