// Rate limits of the token endpoint (issue #9 item 2, STS-115), over real
// HTTPS with tiny limits: a slow refill makes the outcome of back-to-back requests certain.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { ClientAssertionCredential } from '@azure/identity'
import { Agent, fetch } from 'undici'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  StsHarness,
  type ExternalIssuer,
  type StsResponse,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
/** One token every 4 s: a request right after the burst is refused with Retry-After 4. */
const SLOW = 0.25
const GENEROUS = { ratePerSecond: 1000, burst: 10_000 }
const TOKEN_ROUTE = '/:tenant/oauth2/v2.0/token'

/** STS-115: 429 `temporarily_unavailable` with Retry-After, no `error_codes`, no-store. */
function assertThrottled(response: StsResponse): void {
  assert.equal(response.status, 429, response.text)
  assert.equal(response.body.error, 'temporarily_unavailable')
  assert.match(
    String(response.body.error_description),
    /^The service is temporarily unavailable\. Retry the request later\. Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: /,
  )
  assert.equal(response.body.error_codes, undefined, 'STS-115: no error_codes')
  assert.equal(typeof response.body.trace_id, 'string')
  assert.equal(typeof response.body.correlation_id, 'string')
  const retryAfter = response.headers['retry-after'] ?? ''
  assert.match(retryAfter, /^\d+$/, 'Retry-After is whole seconds')
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 4, `Retry-After ${retryAfter}`)
  assert.match(response.headers['cache-control'] ?? '', /no-store/)
}

/** A tenant with one resource and an external issuer, and a way to add federated clients. */
async function fixture(h: StsHarness) {
  const tenant = await h.addTenant()
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
  const issuer = await h.startIssuer()
  const addClient = async () => {
    const client = await h.addApp(tenant.id)
    await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
    return client
  }
  return { tenant, issuer, addClient }
}

describe('#9 item 2: per client id on the token endpoint', () => {
  let h: StsHarness
  let tenant: TenantRecord
  let issuer: ExternalIssuer
  let client: ApplicationRecord
  let other: ApplicationRecord

  before(async () => {
    h = await StsHarness.start({
      rateLimit: {
        clientIdPerSecond: SLOW,
        clientIdBurst: 2,
        addressPerSecond: GENEROUS.ratePerSecond,
        addressBurst: GENEROUS.burst,
      },
    })
    let addClient: () => Promise<ApplicationRecord>
    ;({ tenant, issuer, addClient } = await fixture(h))
    client = await addClient()
    other = await addClient()
  })
  after(() => h.close())

  const exchange = async (clientId: string) =>
    h.post(
      tenant.id,
      clientCredentialsForm(
        clientId,
        RESOURCE,
        await issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE }),
      ),
    )

  test('#9 item 2 / STS-115: past its burst a client id gets 429 in Entra’s shape; another client id is unaffected', async () => {
    assert.equal((await exchange(client.appId)).status, 200)
    assert.equal((await exchange(client.appId.toUpperCase())).status, 200, 'case folds to one key')
    const refused = await exchange(client.appId)
    assertThrottled(refused)
    assert.equal(refused.body.trace_id, refused.headers['x-ms-request-id'])
    const otherAnswer = await exchange(other.appId)
    assert.equal(otherAnswer.status, 200, otherAnswer.text)
  })

  test('#9 item 2 / CL-44: the unmodified @azure/identity waits Retry-After and then gets its token', async () => {
    const throttledBefore = await h.metric('wifkit_http_requests_total', {
      route: TOKEN_ROUTE,
      status: '429',
    })
    const credential = new ClientAssertionCredential(
      tenant.id,
      client.appId,
      () => issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE }),
      {
        authorityHost: h.authority,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: h.tls.caPem },
      },
    )
    const token = await credential.getToken(`${RESOURCE}/.default`)
    assert.ok(token.token.length > 0)
    const throttledAfter = await h.metric('wifkit_http_requests_total', {
      route: TOKEN_ROUTE,
      status: '429',
    })
    assert.ok(throttledAfter > throttledBefore, 'the client was throttled before it succeeded')
  })
})

describe('#9 item 2: per source address on the token endpoint', () => {
  let h: StsHarness
  let tenant: TenantRecord
  let agents: Agent[]

  before(async () => {
    h = await StsHarness.start({
      rateLimit: {
        addressPerSecond: SLOW,
        addressBurst: 2,
        clientIdPerSecond: GENEROUS.ratePerSecond,
        clientIdBurst: GENEROUS.burst,
      },
    })
    ;({ tenant } = await fixture(h))
    agents = ['127.0.0.1', '127.0.0.2'].map(
      (localAddress) => new Agent({ localAddress, connect: { ca: h.tls.caPem } }),
    )
  })
  after(async () => {
    await Promise.all(agents.map((agent) => agent.close()))
    await h.close()
  })

  /** A request that fails after the limits: an unknown client, so no lookup is wasted here. */
  const postFrom = async (agent: Agent): Promise<StsResponse> => {
    const response = await fetch(h.tokenUrl(tenant.id), {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: randomUUID(), grant_type: 'client_credentials' }),
    })
    const text = await response.text()
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      text,
      body: JSON.parse(text) as Record<string, unknown>,
    }
  }

  test('#9 item 2 / STS-115: past its burst an address gets 429 whatever client id it names; another address is unaffected', async () => {
    const [first, second] = agents as [Agent, Agent]
    assert.notEqual((await postFrom(first)).status, 429)
    assert.notEqual((await postFrom(first)).status, 429)
    assertThrottled(await postFrom(first))
    assert.notEqual((await postFrom(second)).status, 429, 'a second address has its own bucket')
  })
})

describe('#9 item 2: rateLimit.enabled false', () => {
  let h: StsHarness

  before(async () => {
    h = await StsHarness.start({
      rateLimit: { enabled: false, clientIdBurst: 1, addressBurst: 1, adminTokenBurst: 1 },
    })
  })
  after(() => h.close())

  test('#9 item 2: with limiting off, tiny limits throttle nothing', async () => {
    const tenant = await h.addTenant()
    const form = { client_id: randomUUID(), grant_type: 'client_credentials' }
    for (let i = 0; i < 4; i++) assert.notEqual((await h.post(tenant.id, form)).status, 429)
  })
})
