// A node riding out a PostgreSQL outage (issue #7 item 4): its storage URL points at a TCP proxy
// that can reset every connection and refuse new ones, or the database terminates the node's
// backends itself. Known principals keep exchanging from the cache within the staleness bound;
// everything else answers 503 in its protocol's shape; recovery needs no restart.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { issueBootstrapToken } from '../../../src/admin/index.js'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import { systemClock } from '../../../src/util/index.js'
import {
  forEachBackend,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from '../../support/store_backends.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  StsHarness,
  type ExternalIssuer,
  type StsResponse,
} from '../../support/sts_harness.js'
import { trustingFetch } from '../../support/https.js'
import { TcpProxy, targetOf } from '../../support/tcp_proxy.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
const STALENESS_SECONDS = 3

/** Waits until `probe` holds; fails with `what` past the bound (a functional deadline). */
async function until(boundMs: number, what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + boundMs
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${boundMs} ms`)
    await sleep(50)
  }
}

/** STS-115 and ADR 0010: the outage in Entra's shape, with Retry-After and no error_codes. */
function assertTemporarilyUnavailable(response: StsResponse): void {
  assert.equal(response.status, 503, response.text)
  assert.equal(response.body.error, 'temporarily_unavailable')
  assert.match(
    String(response.body.error_description),
    /^The service is temporarily unavailable\. Retry the request later\. Trace ID: /,
  )
  assert.equal(response.body.error_codes, undefined)
  assert.ok(Number(response.headers['retry-after']) > 0, 'Retry-After says when to come back')
  assert.doesNotMatch(response.text, /ECONN|terminat|postgres|127\.0\.0\.1/i, 'no private detail')
}

forEachBackend((backend) => {
  describe('issue #7 item 4: database outage', () => {
    let database: TestDatabase
    let proxy: TcpProxy
    let h: StsHarness
    let tenant: TenantRecord
    let issuer: ExternalIssuer
    let client: ApplicationRecord
    let adminToken: string
    let https: Awaited<ReturnType<typeof trustingFetch>>

    before(async () => {
      database = await backend.database()
      proxy = await TcpProxy.start(targetOf(database.storage))
      h = await StsHarness.start({
        storage: proxy.rewrite(database.storage),
        cache: { maxStalenessSeconds: STALENESS_SECONDS, versionCheckMs: 200 },
      })
      tenant = await h.addTenant()
      await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
      issuer = await h.startIssuer()
      client = await h.addApp(tenant.id)
      await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
      adminToken = await issueBootstrapToken(h.server.store, systemClock, 'outage e2e')
      https = await trustingFetch(h.tls.caFile)
    })
    after(async () => {
      await https.close()
      await h.close()
      await proxy.close()
      await database.drop()
    })

    const exchange = async (clientId = client.appId) => {
      const assertion = await issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE })
      return h.post(tenant.id, clientCredentialsForm(clientId, RESOURCE, assertion))
    }
    const adminUrl = () => {
      const address = h.server.adminApp.server.address()
      return `https://localhost:${typeof address === 'object' && address ? address.port : 0}`
    }
    const createApplication = async () => {
      const response = await https.fetch(`${adminUrl()}/v1.0/applications?tenant=${tenant.id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'created during the test' }),
      })
      const body = (await response.json()) as { error?: { code: string; message: string } }
      return { status: response.status, body }
    }
    const readyz = async () => (await h.get(`${adminUrl()}/readyz`)).status

    test('cut: known principals keep exchanging, the rest is 503, then recovery without restart', async () => {
      assert.equal((await exchange()).status, 200, 'warm')
      // The setup's writes flush the cache again when the change counter is next read.
      await sleep(1000)
      assert.equal((await exchange()).status, 200, 'warm after the setup settled')
      proxy.cut()
      for (let i = 0; i < 3; i++) {
        const known = await exchange()
        assert.equal(known.status, 200, `a known principal is served from the cache: ${known.text}`)
      }
      assertTemporarilyUnavailable(await exchange(randomUUID()))

      const write = await createApplication()
      assert.equal(write.status, 503)
      assert.equal(write.body.error?.code, 'serviceNotAvailable')
      assert.equal(write.body.error.message, 'storage unavailable, retry later')
      assert.equal(await readyz(), 503)

      // Past maxStalenessSeconds nothing unconfirmed is served, known principals included.
      await until((STALENESS_SECONDS + 3) * 1000, 'known principal refused', async () => {
        const response = await exchange()
        if (response.status === 200) return false
        assertTemporarilyUnavailable(response)
        return true
      })

      proxy.restore()
      await until(5000, 'exchanges recover', async () => (await exchange()).status === 200)
      await until(5000, '/readyz recovers', async () => (await readyz()) === 200)
      assert.equal((await createApplication()).status, 201, 'admin writes recover')
    })

    test('pg_terminate_backend of all the node’s connections during a stream of exchanges', async () => {
      assert.equal((await exchange()).status, 200, 'warm')
      const statuses: number[] = []
      let streaming = true
      const stream = (async () => {
        while (streaming) statuses.push((await exchange()).status)
      })()
      await sleep(300)
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await admin.connect()
      try {
        const { rows } = await admin.query<{ terminated: boolean }>(
          'select pg_terminate_backend(pid) as terminated from pg_stat_activity where client_port = any($1)',
          [proxy.upstreamPorts()],
        )
        assert.ok(rows.length > 0 && rows.every((r) => r.terminated), 'the node had connections')
      } finally {
        await admin.end()
      }
      await sleep(1000)
      streaming = false
      await stream
      assert.ok(statuses.length > 5, `${statuses.length} exchanges ran`)
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
        'every exchange of the stream succeeded',
      )
      await until(3000, 'admin writes work afterwards', async () => {
        return (await createApplication()).status === 201
      })
      assert.equal(await readyz(), 200)
    })
  })
}, 'postgres')
