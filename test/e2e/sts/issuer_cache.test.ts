// The external-issuer metadata cache seen from the token endpoint (sts.md §8): one fetch for many
// simultaneous first requests (STS-99), stale-if-error within 24 h past the TTL (STS-100), and one
// JWKS refetch for a rotated-in kid (STS-98). Time moves only on the harness's ManualClock.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import { assertEntraError, assertTokenSuccess } from '../../support/entra_response.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  DISCOVERY_PATH,
  JWKS_PATH,
  StsHarness,
  tokenExchangeForm,
  type AssertionSigning,
  type ExternalIssuer,
  type StsResponse,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
/** STS-97: a document without max-age lives 3600 s; STS-100: stale copies 24 h past that. */
const TTL_SECONDS = 3600
const STALE_SECONDS = 86_400

let h: StsHarness
let tenant: TenantRecord

before(async () => {
  h = await StsHarness.start()
  tenant = await h.addTenant()
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
})

after(async () => {
  await h.close()
})

/** A fresh external issuer (a cold cache entry) and a client federated with it. */
async function federatedIssuer(): Promise<{ issuer: ExternalIssuer; client: ApplicationRecord }> {
  const issuer = await h.startIssuer()
  const client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  return { issuer, client }
}

async function exchange(
  issuer: ExternalIssuer,
  client: ApplicationRecord,
  signing: AssertionSigning = {},
): Promise<StsResponse> {
  const assertion = await issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE }, signing)
  return h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))
}

test('STS-99: 500 simultaneous first exchanges share one discovery and one JWKS fetch', async () => {
  const { issuer, client } = await federatedIssuer()
  // Hold each document back so that the requests pile up behind the one fetch in flight.
  issuer.delayMs = 1000
  const assertion = await issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE })
  const forms = Array.from({ length: 500 }, (_, i) =>
    i % 2 === 0
      ? clientCredentialsForm(client.appId, RESOURCE, assertion)
      : tokenExchangeForm(client.appId, RESOURCE, assertion),
  )
  const cacheHits = { kind: 'jwks', outcome: 'cache-hit' }
  const hitsBefore = await h.metric('wifkit_issuer_metadata_total', cacheHits)
  const responses = await Promise.all(forms.map((form) => h.post(tenant.id, form)))
  // A request that joins the fetch in flight is no cache hit: more than one must have joined.
  const joined = 500 - ((await h.metric('wifkit_issuer_metadata_total', cacheHits)) - hitsBefore)
  assert.ok(joined > 1, `${joined} request(s) waited on the fetch in flight`)
  const statuses = new Map<number, number>()
  for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
  assert.deepEqual([...statuses], [[200, 500]])
  assert.equal(issuer.discoveryHits, 1)
  assert.equal(issuer.jwksHits, 1)
  assert.equal(issuer.totalHits, 2)
  const first = responses[0]
  assert.ok(first)
  await assertTokenSuccess(h, first, tenant.id)
})

test('STS-100: with the issuer down, the cached keys serve until 24 h past the TTL, then row 19 (AADSTS90061)', async () => {
  const { issuer, client } = await federatedIssuer()
  await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
  await issuer.stop()

  // Fresh: no fetch is attempted at all.
  h.clock.advanceSeconds(TTL_SECONDS - 60)
  await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
  // Past the TTL the refresh fails, and the stale copy still serves.
  h.clock.advanceSeconds(120)
  await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
  h.clock.advanceSeconds(STALE_SECONDS - 120)
  await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)

  // Past TTL + 24 h, and past the 30 s failure cache, nothing usable is left.
  h.clock.advanceSeconds(120)
  const response = await exchange(issuer, client)
  const body = assertEntraError(response, {
    status: 400,
    error: 'invalid_request',
    code: 90061,
    nowMs: h.clock.nowMs(),
  })
  assert.ok(body.error_description.includes(`issuer '${issuer.url}'`))
  assert.equal(issuer.totalHits, 2, 'nothing reached the stopped issuer')

  // Back up: the failure stays cached for 30 s, then one fetch of each and success again.
  await issuer.restart()
  const cached = await exchange(issuer, client)
  assertEntraError(cached, { status: 400, error: 'invalid_request', code: 90061 })
  assert.equal(issuer.totalHits, 2, 'a failure is remembered, not retried at once')
  h.clock.advanceSeconds(31)
  await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
  assert.equal(issuer.discoveryHits, 2)
  assert.equal(issuer.jwksHits, 2)
})

test('STS-98: a kid rotated in on the issuer costs exactly one JWKS refetch, then at most one per 60 s', async () => {
  const { issuer, client } = await federatedIssuer()
  await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
  assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 1])

  const rotated = await issuer.rotate()
  h.clock.advanceSeconds(61)
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => exchange(issuer, client, { key: rotated })),
  )
  for (const response of responses) await assertTokenSuccess(h, response, tenant.id)
  assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 2], 'one JWKS refetch only')

  // A kid nobody publishes: no refetch within 60 s of the last one, then exactly one.
  const unknown = { key: rotated, kid: 'never-published' }
  for (const advance of [0, 30, 31]) {
    h.clock.advanceSeconds(advance)
    const response = await exchange(issuer, client, unknown)
    assertEntraError(response, { status: 401, error: 'invalid_client', code: 7000272 })
  }
  assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 3])
})

test('STS-99, STS-100: simultaneous first requests to a failing issuer share one attempt, cached 30 s', async () => {
  const { issuer, client } = await federatedIssuer()
  issuer.craft(DISCOVERY_PATH, { status: 503, body: {} })
  issuer.delayMs = 200
  const responses = await Promise.all(Array.from({ length: 50 }, () => exchange(issuer, client)))
  for (const response of responses) {
    assertEntraError(response, { status: 400, error: 'invalid_request', code: 90061 })
  }
  h.clock.advanceSeconds(29)
  const cached = await exchange(issuer, client)
  assertEntraError(cached, { status: 400, error: 'invalid_request', code: 90061 })
  assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 0])
})

test('STS-97: the TTL is max-age clamped to 300..86400 s, and 3600 s without it', async () => {
  const cases = [
    { cacheControl: 'public, max-age=60', ttl: 300 },
    { cacheControl: 'max-age=1800', ttl: 1800 },
    { cacheControl: 'max-age=604800, must-revalidate', ttl: 86_400 },
    { cacheControl: undefined, ttl: TTL_SECONDS },
  ]
  for (const { cacheControl, ttl } of cases) {
    const { issuer, client } = await federatedIssuer()
    issuer.cacheControl = cacheControl
    await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
    h.clock.advanceSeconds(ttl - 1)
    await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
    assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 1], `${cacheControl}: fresh`)
    h.clock.advanceSeconds(1)
    await assertTokenSuccess(h, await exchange(issuer, client), tenant.id)
    assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [2, 2], `${cacheControl}: expired`)
  }
})

test('STS-92: up to three same-host redirects are followed, a fourth fails row 19 (AADSTS90061)', async () => {
  // Discovery moves `count` times, alternating 302 with an absolute and 308 with a relative URL.
  const hops = (issuer: ExternalIssuer, count: number) => {
    const paths = [DISCOVERY_PATH, ...Array.from({ length: count }, (_, i) => `/moved/${i + 1}`)]
    paths.slice(0, -1).forEach((path, i) => {
      const location = i % 2 === 0 ? `${issuer.url}${paths[i + 1]}` : String(paths[i + 1])
      issuer.craft(path, { status: i % 2 === 0 ? 302 : 308, headers: { location }, body: '' })
    })
    issuer.craft(String(paths.at(-1)), {
      body: { issuer: issuer.url, jwks_uri: `${issuer.url}${JWKS_PATH}` },
    })
  }
  const three = await federatedIssuer()
  hops(three.issuer, 3)
  await assertTokenSuccess(h, await exchange(three.issuer, three.client), tenant.id)
  assert.equal(three.issuer.hitsOf('/moved/3'), 1)

  const four = await federatedIssuer()
  hops(four.issuer, 4)
  const response = await exchange(four.issuer, four.client)
  assertEntraError(response, { status: 400, error: 'invalid_request', code: 90061 })
  assert.equal(four.issuer.hitsOf('/moved/3'), 1)
  assert.equal(four.issuer.hitsOf('/moved/4'), 0)
})
