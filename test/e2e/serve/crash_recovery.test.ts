import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { ensureLocalTls, freePort } from '../../../src/dev/index.js'
import { runCli } from '../../support/cli.js'
import {
  serveConfig,
  startServeNode,
  type NodeLayout,
  type ServeNode,
} from '../../support/serve_cluster.js'
import { forEachBackend, type TestDatabase } from '../../support/store_backends.js'
import { clientCredentialsForm, DEFAULT_AUDIENCE } from '../../support/sts_harness.js'
import { vaultFetch } from '../../support/vault_client.js'
import { databaseFindings } from './crash_database.js'
import {
  API,
  Ledger,
  loadUntilKilled,
  seededRandom,
  send,
  type Answer,
  type Target,
} from './crash_workload.js'

// Issue #9 item 6: `wifkit serve` is killed with SIGKILL at a random moment of a mixed load of
// admin writes, secret writes and exchanges, and restarted on the same database, 20 times on
// SQLite. Every write it acknowledged must then be there, whole. WIFKIT_CRASH_SEED=N replays a
// run's kill moments and each lane's choices.

/**
 * Kills per backend. A restart costs 1-4 s on the loaded 2-core CI machine (most of it Node
 * loading the server), so PostgreSQL, which keeps a committed transaction whatever happens to
 * our process, gets a few kills for the restart and the all-or-nothing writes, not twenty.
 */
const CYCLES = { sqlite: 20, postgres: 5 } as const
/** The kill comes this long at most after the cycle's first acknowledged write. */
const MAX_KILL_DELAY_MS = 400
const SEED = Number(process.env.WIFKIT_CRASH_SEED ?? randomInt(2 ** 31))
const REPLAY = `(replay: WIFKIT_CRASH_SEED=${SEED})`

/** Creates the workload once: a federated client with a vault role, its assertion and token. */
async function prepareTarget(
  fetchWith: typeof fetch,
  ports: { public: number; admin: number },
  init: { adminToken: string; tenantId: string; issuer: string },
): Promise<Target> {
  const adminUrl = `https://localhost:${ports.admin}`
  const publicUrl = `https://localhost:${ports.public}`
  const vaultResource = `https://vault.localhost:${ports.public}`
  const call = async (method: string, path: string, body: unknown, status: number) => {
    const answer: Answer = await send(fetchWith, `${adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${init.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`)
    return answer.body
  }
  const app = await call('POST', '/v1.0/applications', { displayName: 'crash worker' }, 201)
  await call(
    'POST',
    `/v1.0/applications/${app.id}/federatedIdentityCredentials`,
    {
      name: 'worker',
      issuer: init.issuer,
      subject: 'system:serviceaccount:crash:worker',
      audiences: [DEFAULT_AUDIENCE],
    },
    201,
  )
  await call('PUT', '/admin/v1/vaults/crash', {}, 201)
  const role = { clientId: app.appId, role: 'Key Vault Secrets Officer' }
  await call('POST', '/admin/v1/vaults/crash/roleAssignments', role, 201)
  const minted = await call(
    'POST',
    '/issuers/default/api/v1/namespaces/crash/serviceaccounts/worker/token',
    { spec: { audiences: [DEFAULT_AUDIENCE], expirationSeconds: 3600 } },
    201,
  )
  const assertion = String(minted.status.token)
  const form = clientCredentialsForm(String(app.appId), vaultResource, assertion)
  const token = await send(fetchWith, `${publicUrl}/${init.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  })
  assert.equal(token.status, 200, JSON.stringify(token.body))
  return {
    fetch: fetchWith,
    adminUrl,
    publicUrl,
    vaultUrl: `https://crash.vault.localhost:${ports.public}`,
    tenantId: init.tenantId,
    adminToken: init.adminToken,
    issuerUrl: init.issuer,
    clientId: String(app.appId),
    assertion,
    accessToken: String(token.body.access_token),
    vaultResource,
  }
}

forEachBackend((backend) => {
  const cycles = CYCLES[backend.name]
  let dir: string
  let database: TestDatabase
  let layout: NodeLayout
  let caFile: string
  let node: ServeNode | undefined
  let target: Target
  let closeFetch: (() => Promise<void>) | undefined
  const ledger = new Ledger()
  const exits: Array<number | null> = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wifkit-crash-'))
    database = await backend.database()
    const ports = { public: await freePort('127.0.0.1'), admin: await freePort('127.0.0.1') }
    const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
    caFile = tls.caFile
    const configFile = join(dir, 'wifkit.yaml')
    const config = serveConfig({
      storage: database.storage,
      publicPort: ports.public,
      adminPort: ports.admin,
      tls,
    })
    await writeFile(
      configFile,
      `${config}vaults:\n  resource: https://vault.localhost:${ports.public}\n`,
    )
    const init = await runCli(['init', '--config', configFile, '--json'])
    assert.equal(init.code, 0, init.stderr)
    layout = {
      configFile,
      publicUrl: `https://localhost:${ports.public}`,
      adminUrl: `https://localhost:${ports.admin}`,
    }
    node = await startServeNode(layout, caFile)
    const client = await vaultFetch(caFile)
    closeFetch = client.close
    target = await prepareTarget(client.fetch, ports, JSON.parse(init.stdout))
    const killDelays = seededRandom(SEED)
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const running = node
      await loadUntilKilled({
        target,
        ledger,
        cycle,
        seed: SEED,
        killAfterMs: Math.floor(killDelays() * MAX_KILL_DELAY_MS),
        kill: async () => exits.push(await running.stop('SIGKILL')),
      })
      node = await startServeNode(layout, caFile)
    }
  })

  after(async () => {
    await node?.stop('SIGKILL')
    await closeFetch?.()
    await database?.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const get = async (url: string, token = target.adminToken) =>
    send(target.fetch, url, { headers: { authorization: `Bearer ${token}` } })

  test(`#9 item 6: serve is killed with SIGKILL ${cycles} times mid-load and restarts each time`, (t) => {
    t.diagnostic(
      `seed ${SEED}: ${ledger.apps.length} applications, ${ledger.fics.length} credentials, ` +
        `${ledger.secrets.length} secret versions and ${ledger.exchanges} exchanges acknowledged`,
    )
    assert.deepEqual(exits, Array<null>(cycles).fill(null), `every stop was the kill ${REPLAY}`)
    assert.deepEqual(ledger.unexpected, [], `no request failed before a kill ${REPLAY}`)
    for (const [what, n] of Object.entries({
      applications: ledger.apps.length,
      credentials: ledger.fics.length,
      secrets: ledger.secrets.length,
      exchanges: ledger.exchanges,
    })) {
      assert.ok(n > 0, `the load acknowledged ${what} ${REPLAY}`)
    }
  })

  test('#9 item 6: every acknowledged application and credential survives, with its content', async () => {
    for (const app of ledger.apps) {
      const { status, body } = await get(`${target.adminUrl}/v1.0/applications/${app.id}`)
      assert.equal(status, 200, `application ${app.id} lost ${REPLAY}`)
      assert.equal(body.displayName, app.displayName, REPLAY)
    }
    for (const fic of ledger.fics) {
      const path = `/v1.0/applications/${fic.appId}/federatedIdentityCredentials/${fic.id}`
      const { status, body } = await get(`${target.adminUrl}${path}`)
      assert.equal(status, 200, `credential ${fic.id} lost ${REPLAY}`)
      assert.deepEqual(
        [body.name, body.subject, body.issuer, body.audiences],
        [fic.name, fic.subject, target.issuerUrl, [DEFAULT_AUDIENCE]],
        REPLAY,
      )
    }
  })

  test('#9 item 6: every acknowledged secret version survives with its value; none is partial', async () => {
    const read = (path: string) => get(`${target.vaultUrl}${path}`, target.accessToken)
    for (const secret of ledger.secrets) {
      const { status, body } = await read(`/secrets/${secret.name}/${secret.version}?${API}`)
      assert.equal(status, 200, `${secret.name}/${secret.version} lost ${REPLAY}`)
      assert.equal(body.value, secret.value, REPLAY)
    }
    for (const [name, sent] of ledger.sentValues) {
      const listed: string[] = []
      for (let link: string | null = `${target.vaultUrl}/secrets/${name}/versions?${API}`; link;) {
        const page = await get(link, target.accessToken)
        // A name whose every write was cut off by a kill was never created, which is right
        // only if none of its writes was acknowledged.
        if (page.status === 404 && listed.length === 0) {
          assert.equal(page.body.error?.code, 'SecretNotFound', JSON.stringify(page.body))
          assert.ok(!ledger.secrets.some((s) => s.name === name), `${name} lost ${REPLAY}`)
          break
        }
        assert.equal(page.status, 200, JSON.stringify(page.body))
        listed.push(...(page.body.value as Array<{ id: string }>).map((v) => v.id))
        link = page.body.nextLink as string | null
      }
      assert.ok(listed.length <= sent.size, `${name}: no more versions than writes ${REPLAY}`)
      for (const id of listed) {
        const { status, body } = await read(`${new URL(id).pathname}?${API}`)
        assert.equal(status, 200, `${id} is listed but unreadable ${REPLAY}`)
        assert.ok(sent.has(body.value), `${id} holds a value that was sent whole ${REPLAY}`)
      }
    }
  })

  test('#9 item 6: after the crashes the database is consistent', async () => {
    await node?.stop('SIGTERM')
    node = undefined
    assert.deepEqual(await databaseFindings(backend.name, database.storage), [], REPLAY)
  })
})
