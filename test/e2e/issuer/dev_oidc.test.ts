import assert from 'node:assert/strict'
import { createHash, createPublicKey } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as jose from 'jose'
import * as oidc from 'openid-client'
import { startDevProcess, type DevProcess } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'

let dataDir: string
let devProcess: DevProcess
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wifkit-dev-'))
  devProcess = await startDevProcess(dataDir)
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(devProcess.dev.caFile))
})

after(async () => {
  await closeFetch()
  await devProcess.stop()
  await rm(dataDir, { recursive: true, force: true })
})

async function mint(spec: Record<string, unknown>, ns = 'default', sa = 'demo'): Promise<Response> {
  const { dev } = devProcess
  return httpsFetch(
    `${dev.adminUrl}/issuers/dev/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec }),
    },
  )
}

test('ISS-51, CL-70: openid-client discovery() accepts the dev issuer with an exact issuer match', async () => {
  const config = await oidc.discovery(
    new URL(devProcess.dev.issuer),
    'any-client',
    undefined,
    undefined,
    {
      [oidc.customFetch]: httpsFetch,
    },
  )
  assert.equal(config.serverMetadata().issuer, devProcess.dev.issuer)
})

test('IF-40: a minted token verifies with jose against the remote JWKS, issuer and audience pinned', async () => {
  const response = await mint({ audiences: ['api://AzureADTokenExchange'] })
  assert.equal(response.status, 201)
  const body = (await response.json()) as { status: { token: string; expirationTimestamp: string } }
  const jwks = jose.createRemoteJWKSet(new URL(`${devProcess.dev.issuer}/openid/v1/jwks`), {
    [jose.customFetch]: httpsFetch,
  })
  const { payload } = await jose.jwtVerify(body.status.token, jwks, {
    issuer: devProcess.dev.issuer,
    audience: 'api://AzureADTokenExchange',
    algorithms: ['RS256'],
  })
  assert.equal(payload.sub, 'system:serviceaccount:default:demo')
  assert.equal(
    body.status.expirationTimestamp,
    new Date((payload.exp as number) * 1000).toISOString().replace('.000Z', 'Z'),
  )
})

test('ISS-12, ISS-20…ISS-31: header and claims are Kubernetes format, field by field', async () => {
  const response = await mint({
    audiences: ['api://AzureADTokenExchange', 'api://other', 'api://AzureADTokenExchange'],
    expirationSeconds: 1200,
    boundObjectRef: {
      kind: 'Pod',
      apiVersion: 'v1',
      name: 'api-7d9f',
      uid: '5e2b0000-0000-4000-8000-000000000001',
    },
  })
  const { status } = (await response.json()) as { status: { token: string } }
  const [headerPart, payloadPart] = status.token.split('.') as [string, string]
  const headerJson = Buffer.from(headerPart, 'base64url').toString()
  const jwksBody = (await (await httpsFetch(`${devProcess.dev.issuer}/openid/v1/jwks`)).json()) as {
    keys: Array<Record<string, string>>
  }
  const jwk = jwksBody.keys[0] as Record<string, string>
  const spki = createPublicKey({ key: jwk as jose.JWK, format: 'jwk' }).export({
    type: 'spki',
    format: 'der',
  })
  const kid = createHash('sha256').update(spki).digest('base64url')
  assert.equal(headerJson, `{"alg":"RS256","kid":"${kid}"}`)
  assert.equal(kid.length, 43)
  assert.deepEqual(Object.keys(jwk), ['use', 'kty', 'kid', 'alg', 'n', 'e'])
  const payloadJson = Buffer.from(payloadPart, 'base64url').toString()
  const claims = JSON.parse(payloadJson) as Record<string, unknown>
  assert.deepEqual(Object.keys(claims), [
    'aud',
    'exp',
    'iat',
    'iss',
    'jti',
    'kubernetes.io',
    'nbf',
    'sub',
  ])
  assert.deepEqual(claims.aud, ['api://AzureADTokenExchange', 'api://other'])
  assert.equal(claims.iss, devProcess.dev.issuer)
  assert.equal(claims.nbf, claims.iat)
  assert.equal((claims.exp as number) - (claims.iat as number), 1200)
  assert.match(
    String(claims.jti),
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  )
  assert.equal(claims.sub, 'system:serviceaccount:default:demo')
  const k8s = claims['kubernetes.io'] as Record<string, { name: string; uid?: string }>
  assert.deepEqual(Object.keys(k8s), ['namespace', 'pod', 'serviceaccount'])
  assert.equal(k8s.namespace, 'default')
  assert.deepEqual(k8s.pod, { name: 'api-7d9f', uid: '5e2b0000-0000-4000-8000-000000000001' })
  assert.equal(k8s.serviceaccount?.name, 'demo')
  assert.match(String(k8s.serviceaccount?.uid), /^[0-9a-f-]{36}$/)
  assert.ok(!payloadJson.includes(' '), 'compact JSON (ISS-21)')
})

test('ISS-70…ISS-76: content types, caching, ETag/304, HEAD, 405 and 404', async () => {
  const base = devProcess.dev.issuer
  const discovery = await httpsFetch(`${base}/.well-known/openid-configuration`)
  assert.equal(discovery.status, 200)
  assert.equal(discovery.headers.get('content-type'), 'application/json')
  assert.equal(discovery.headers.get('cache-control'), 'public, max-age=3600')
  assert.equal(discovery.headers.get('access-control-allow-origin'), '*')
  const body = await discovery.text()
  assert.equal(
    body,
    JSON.stringify({
      issuer: base,
      jwks_uri: `${base}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  )
  const jwks = await httpsFetch(`${base}/openid/v1/jwks`)
  assert.equal(jwks.headers.get('content-type'), 'application/jwk-set+json')
  const etag = jwks.headers.get('etag') as string
  assert.match(etag, /^"[A-Za-z0-9_-]{43}"$/)
  const cached = await httpsFetch(`${base}/openid/v1/jwks`, { headers: { 'if-none-match': etag } })
  assert.equal(cached.status, 304)
  assert.equal(await cached.text(), '')
  const head = await httpsFetch(`${base}/openid/v1/jwks`, { method: 'HEAD' })
  assert.equal(head.status, 200)
  assert.equal(head.headers.get('etag'), etag)
  assert.equal(await head.text(), '')
  const post = await httpsFetch(`${base}/openid/v1/jwks`, { method: 'POST' })
  assert.equal(post.status, 405)
  assert.equal(post.headers.get('allow'), 'GET, HEAD')
  const unknown = await httpsFetch(
    `${devProcess.dev.publicUrl}/issuers/nope/.well-known/openid-configuration`,
  )
  assert.equal(unknown.status, 404)
  const doubleSlash = await httpsFetch(`${base}//.well-known/openid-configuration`)
  assert.equal(
    doubleSlash.status,
    404,
    'ISS-6: the double-slash form exists only for issuers ending in /',
  )
})

test('IF-23: healthz, readyz and Prometheus metrics on the admin listener', async () => {
  const { adminUrl } = devProcess.dev
  assert.equal((await httpsFetch(`${adminUrl}/healthz`)).status, 200)
  assert.equal((await httpsFetch(`${adminUrl}/readyz`)).status, 200)
  const metrics = await (await httpsFetch(`${adminUrl}/metrics`)).text()
  assert.match(metrics, /wifkit_tokens_minted_total\{issuer="dev"\} \d+/)
  assert.match(metrics, /wifkit_http_requests_total/)
})

test('IF-40: the mint API refuses a missing or wrong admin token with 401', async () => {
  const url = `${devProcess.dev.adminUrl}/issuers/dev/api/v1/namespaces/default/serviceaccounts/demo/token`
  const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wkadm_wrong' }]
  for (const headers of attempts) {
    const response = await httpsFetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    })
    assert.equal(response.status, 401)
    const status = (await response.json()) as { kind: string; reason: string }
    assert.equal(status.kind, 'Status')
    assert.equal(status.reason, 'Unauthorized')
  }
})

test('ISS-41, ISS-32: bad mint requests answer 400 naming the field and change no stored state', async () => {
  const { dev } = devProcess
  const before = await (
    await httpsFetch(`${dev.adminUrl}/admin/v1/issuers`, {
      headers: { authorization: `Bearer ${dev.adminToken}` },
    })
  ).text()
  const tooShort = await mint({ expirationSeconds: 10 })
  assert.equal(tooShort.status, 400)
  const tooShortBody = (await tooShort.json()) as {
    message: string
    details: { causes: Array<{ field: string }> }
  }
  assert.equal(tooShortBody.details.causes[0]?.field, 'spec.expirationSeconds')
  assert.match(tooShortBody.message, /spec\.expirationSeconds/)
  const badNamespace = await mint({}, 'Bad_Namespace')
  assert.equal(badNamespace.status, 400)
  assert.match(((await badNamespace.json()) as { message: string }).message, /metadata\.namespace/)
  const malformed = await httpsFetch(
    `${dev.adminUrl}/issuers/dev/api/v1/namespaces/default/serviceaccounts/demo/token`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.adminToken}`, 'content-type': 'application/json' },
      body: '{"spec": {',
    },
  )
  assert.equal(malformed.status, 400)
  assert.equal(((await malformed.json()) as { kind: string }).kind, 'Status')
  const badKind = await mint({ boundObjectRef: { kind: 'Deployment', name: 'x' } })
  assert.equal(badKind.status, 400)
  const after = await (
    await httpsFetch(`${dev.adminUrl}/admin/v1/issuers`, {
      headers: { authorization: `Bearer ${dev.adminToken}` },
    })
  ).text()
  assert.equal(after, before)
})

test('ISS-42: a lifetime above the maximum is shortened, with a warning', async () => {
  const response = await mint({ expirationSeconds: 200000 })
  assert.equal(response.status, 201)
  const body = (await response.json()) as { spec: { expirationSeconds: number } }
  assert.equal(body.spec.expirationSeconds, 86400)
  assert.match(response.headers.get('warning') ?? '', /200000.*86400/)
})
