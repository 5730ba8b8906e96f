import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { ensureLocalTls, freePort } from '../../../src/dev/index.js'
import { runCli, type CliResult } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'
import { serveConfig, startServeNode } from '../../support/serve_cluster.js'
import { forEachBackend, type TestDatabase } from '../../support/store_backends.js'

// PostgreSQL trusts local connections here, so any password is accepted; it must still never
// appear in any output (STYLE.md §2.18).
const PASSWORD = 'wk-pg-password-never-logged'

forEachBackend((backend) => {
  let dir: string
  let database: TestDatabase
  let configFile: string
  let caFile: string
  let publicPort: number
  let adminPort: number
  let adminToken: string
  const outputs: string[] = []
  const cli = async (args: string[]): Promise<CliResult> => {
    const result = await runCli(args)
    outputs.push(result.stdout, result.stderr)
    return result
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wifkit-pg-serve-'))
    database = await backend.database()
    publicPort = await freePort('127.0.0.1')
    adminPort = await freePort('127.0.0.1')
    const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
    caFile = tls.caFile
    const storage = database.storage.replace(
      'postgres://postgres@',
      `postgres://postgres:${PASSWORD}@`,
    )
    assert.ok(storage.includes(PASSWORD))
    configFile = join(dir, 'wifkit.yaml')
    await writeFile(configFile, serveConfig({ storage, publicPort, adminPort, tls }))
  })

  after(async () => {
    assert.ok(
      outputs.every((o) => !o.includes(PASSWORD)),
      'the database password never reaches any output',
    )
    await database?.drop()
    await rm(dir, { recursive: true, force: true })
  })

  test('IF-57: migrate creates the schema on PostgreSQL, then reports it up to date', async () => {
    const first = await cli(['migrate', '--config', configFile, '--json'])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(JSON.parse(first.stdout), {
      applied: [
        '0001_issuers_and_keys',
        '0002_directory',
        '0003_managed_identities',
        '0004_vaults',
        '0005_change_version',
      ],
    })
    const again = await cli(['migrate', '--config', configFile, '--json'])
    assert.deepEqual(JSON.parse(again.stdout), { applied: [] })
  })

  test('IF-58: init on PostgreSQL creates the first issuer and the admin token', async () => {
    const result = await cli(['init', '--config', configFile, '--json'])
    assert.equal(result.code, 0, result.stderr)
    adminToken = (JSON.parse(result.stdout) as { adminToken: string }).adminToken
    assert.match(adminToken, /^wkadm_/)
  })

  test('IF-22: serve on PostgreSQL mints a token and exchanges it at the STS', async () => {
    // The STS fetches its own issuer's discovery over HTTPS, signed by the test CA.
    const admin = `https://localhost:${adminPort}`
    const node = await startServeNode(
      { configFile, publicUrl: `https://localhost:${publicPort}`, adminUrl: admin },
      caFile,
    )
    const { fetch, close } = await trustingFetch(caFile)
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
    const post = async (url: string, body: unknown) => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
      assert.ok(
        response.status < 300,
        `${url}: ${response.status} ${await response.clone().text()}`,
      )
      return response.json() as Promise<Record<string, unknown>>
    }
    try {
      const issuer = `https://localhost:${publicPort}/issuers/default`
      const minted = await post(
        `${admin}/issuers/default/api/v1/namespaces/pay/serviceaccounts/api/token`,
        { spec: {} },
      )
      const token = (minted.status as { token: string }).token
      await post(`${admin}/v1.0/applications`, {
        displayName: 'payments api',
        identifierUris: ['api://payments'],
      })
      const client = await post(`${admin}/v1.0/applications`, { displayName: 'payments worker' })
      await post(`${admin}/v1.0/applications/${String(client.id)}/federatedIdentityCredentials`, {
        name: 'pay-api',
        issuer,
        subject: 'system:serviceaccount:pay:api',
        audiences: ['api://AzureADTokenExchange'],
      })
      const tenants = (await (await fetch(`${admin}/admin/v1/tenants`, { headers })).json()) as {
        value: Array<{ id: string }>
      }
      const tenantId = tenants.value[0]?.id ?? ''
      const exchange = await fetch(
        `https://localhost:${publicPort}/${tenantId}/oauth2/v2.0/token`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: String(client.appId),
            scope: 'api://payments/.default',
            grant_type: 'client_credentials',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: token,
          }),
        },
      )
      const body = (await exchange.json()) as Record<string, unknown>
      assert.equal(exchange.status, 200, JSON.stringify(body))
      assert.equal(body.token_type, 'Bearer')
      const claims = JSON.parse(
        Buffer.from(String(body.access_token).split('.')[1] ?? '', 'base64url').toString(),
      ) as Record<string, unknown>
      assert.equal(claims.azp, client.appId)
      assert.equal(claims.tid, tenantId)
      assert.equal(claims.aud, 'api://payments')

      // A tenant path longer than the log's column is still logged, not stuck in the batch.
      const longTenant = 't'.repeat(256)
      const refused = await fetch(
        `https://localhost:${publicPort}/${longTenant}/oauth2/v2.0/token`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=x&scope=api://x/.default',
        },
      )
      assert.ok(refused.status >= 400 && refused.status < 500, String(refused.status))
      const signIns = (await (
        await fetch(`${admin}/admin/v1/signins?top=10`, { headers })
      ).json()) as { value: Array<{ tenant: string; result: string }> }
      assert.deepEqual(
        signIns.value.map((s) => [s.tenant.length, s.result]),
        [
          [253, 'failure'],
          [tenantId.length, 'success'],
        ],
      )
      assert.equal(await node.stop('SIGTERM'), 0)
      const logs = node.output()
      outputs.push(logs)
      assert.ok(!logs.includes(token), 'the token never reaches the log')
    } finally {
      await node.stop('SIGKILL')
      await close()
    }
  })

  test('IF-57: serve refuses a PostgreSQL schema newer than it knows', async () => {
    await database.exec('insert into wifkit_migration (name, timestamp) values (?, ?)', [
      '9999_from_the_future',
      '2030-01-01T00:00:00.000Z',
    ])
    const serve = await cli(['serve', '--config', configFile])
    assert.equal(serve.code, 1)
    assert.match(serve.stderr, /schema is newer than this wifkit .*9999_from_the_future/)
    const migrate = await cli(['migrate', '--config', configFile])
    assert.equal(migrate.code, 1)
    await database.exec('delete from wifkit_migration where name = ?', ['9999_from_the_future'])
  })

  test('IF-22: an unreachable PostgreSQL is one line naming it without the password', async () => {
    const unreachable = join(dir, 'unreachable.yaml')
    await writeFile(
      unreachable,
      [
        `storage: "postgres://postgres:${PASSWORD}@127.0.0.1:1/test"`,
        'public: { url: "https://localhost:1" }',
        'keys: { kekFile: secrets/kek }',
        '',
      ].join('\n'),
    )
    const result = await cli(['migrate', '--config', unreachable])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^wifkit: cannot open postgres:\/\/postgres@127\.0\.0\.1:1\/test: /)
  })
}, 'postgres')
