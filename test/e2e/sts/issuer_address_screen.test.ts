// STS-101 from the token endpoint: an external issuer whose host resolves to a loopback (or other
// non-public) address is refused before any connection, unless `sts.issuerAllowList` names its
// host or a range holding its address. Every issuer here is on 127.0.0.1 behind `localhost`.
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
  type ExternalIssuer,
  type StsResponse,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
const REFUSED_HINT =
  'The issuer host resolves to a loopback address, which is refused unless an operator allow-lists it in sts.issuerAllowList.'

interface Deployment {
  h: StsHarness
  tenant: TenantRecord
}

const started: StsHarness[] = []
let strict: Deployment
let byName: Deployment
let byRange: Deployment

async function deploy(issuerAllowList: string[]): Promise<Deployment> {
  const h = await StsHarness.start({ sts: { issuerAllowList } })
  started.push(h)
  const tenant = await h.addTenant()
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
  return { h, tenant }
}

before(async () => {
  ;[strict, byName, byRange] = await Promise.all([
    deploy([]),
    deploy(['localhost']),
    deploy(['127.0.0.0/8', '::1']),
  ])
})

after(async () => {
  await Promise.all(started.map((h) => h.close()))
})

/** An exchange whose assertion and FIC name `iss` (default: the issuer's own URL). */
async function exchange(
  { h, tenant }: Deployment,
  issuer: ExternalIssuer,
  iss = issuer.url,
): Promise<{ response: StsResponse; client: ApplicationRecord }> {
  const client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: iss, subject: SUBJECT })
  const assertion = await issuer.sign({ iss, sub: SUBJECT, aud: DEFAULT_AUDIENCE })
  const response = await h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))
  return { response, client }
}

function assertRefused(response: StsResponse, iss: string): void {
  const body = assertEntraError(response, { status: 400, error: 'invalid_request', code: 90061 })
  assert.ok(
    body.error_description.includes(
      `Request to External OIDC endpoint failed for issuer '${iss}'. ${REFUSED_HINT}`,
    ),
    body.error_description,
  )
  const beyondIss = body.error_description.replaceAll(iss, '')
  assert.doesNotMatch(beyondIss, /127\.0\.0\.1|::1/, 'the resolved address stays in the log')
}

test('STS-101: an issuer host resolving to loopback is refused before any connection (AADSTS90061)', async () => {
  const issuer = await strict.h.startIssuer()
  const { response } = await exchange(strict, issuer)
  assertRefused(response, issuer.url)
  assert.equal(issuer.totalHits, 0, 'not one request reached the issuer')
})

test('STS-101: an issuer named by a loopback IP address is refused, though its host name is allow-listed', async () => {
  const issuer = await byName.h.startIssuer()
  const literal = issuer.url.replace('localhost', '127.0.0.1')
  const { response } = await exchange(byName, issuer, literal)
  assertRefused(response, literal)
  assert.equal(issuer.totalHits, 0)
})

test('STS-101: a jwks_uri on a loopback host is refused though the discovery host is allow-listed', async () => {
  const issuer = await byName.h.startIssuer()
  const jwksOnLiteral = `${issuer.url.replace('localhost', '127.0.0.1')}${JWKS_PATH}`
  issuer.craft(DISCOVERY_PATH, { body: { issuer: issuer.url, jwks_uri: jwksOnLiteral } })
  const { response } = await exchange(byName, issuer)
  assertRefused(response, issuer.url)
  assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 0])
})

test('STS-101: an allow-listed address range lets a loopback issuer through', async () => {
  const issuer = await byRange.h.startIssuer()
  const { response } = await exchange(byRange, issuer)
  await assertTokenSuccess(byRange.h, response, byRange.tenant.id)
  assert.deepEqual([issuer.discoveryHits, issuer.jwksHits], [1, 1])
})
