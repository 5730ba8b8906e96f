import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import * as jose from 'jose'
import { ensureLocalTls, freePort } from '../../../src/dev/index.js'
import { sha256Hex } from '../../../src/util/index.js'
import { runCli, WIFKIT_BIN } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'
import { serveConfig } from '../../support/serve_cluster.js'

let dir: string
let configFile: string
let caFile: string
let publicPort: number
let adminPort: number

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-serve-'))
  publicPort = await freePort('127.0.0.1')
  adminPort = await freePort('127.0.0.1')
  const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
  caFile = tls.caFile
  configFile = join(dir, 'wifkit.yaml')
  await writeFile(
    configFile,
    serveConfig({ storage: 'sqlite:data/wifkit.db', publicPort, adminPort, tls }),
  )
})

after(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('IF-2: wifkit --help lists the commands and exits 0', async () => {
  const result = await runCli(['--help'])
  assert.equal(result.code, 0)
  for (const command of ['dev', 'serve', 'init', 'migrate', 'issuer', 'token', 'jwks']) {
    assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`))
  }
})

test('IF-58: init creates the KEK (0600), the first issuer and prints the admin token once', async () => {
  const first = await runCli(['init', '--config', configFile, '--json'])
  assert.equal(first.code, 0, first.stderr)
  const { adminToken, issuer } = JSON.parse(first.stdout) as { adminToken: string; issuer: string }
  assert.match(adminToken, /^wkadm_[A-Za-z0-9_-]{43}$/)
  assert.equal(issuer, `https://localhost:${publicPort}/issuers/default`)
  assert.equal((await stat(join(dir, 'secrets', 'kek'))).mode & 0o777, 0o600)
  const again = await runCli(['init', '--config', configFile])
  assert.equal(again.code, 0)
  assert.match(again.stdout, /already initialised/)
  assert.ok(!again.stdout.includes('wkadm_'))
  await writeFile(join(dir, 'admin-token'), adminToken)
})

test('IF-57: migrate reports an up-to-date schema', async () => {
  const result = await runCli(['migrate', '--config', configFile, '--json'])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(JSON.parse(result.stdout), { applied: [] })
})

test('IF-21, IF-23, IF-24, STYLE §2.18: serve answers on both listeners, logs no token (also for a refused exchange), and stops on SIGTERM', async () => {
  const adminToken = await readFile(join(dir, 'admin-token'), 'utf8')
  const child = spawn(process.execPath, [WIFKIT_BIN, 'serve', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let logs = ''
  child.stdout.on('data', (d: Buffer) => (logs += d.toString()))
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const { fetch, close } = await trustingFetch(caFile)
  try {
    const admin = `https://localhost:${adminPort}`
    for (let i = 0; ; i++) {
      const ready = await fetch(`${admin}/readyz`).catch(() => undefined)
      if (ready?.status === 200) break
      assert.ok(i < 200, `serve did not become ready: ${logs}`)
      await delay(100)
    }
    const issuer = `https://localhost:${publicPort}/issuers/default`
    const mint = await fetch(
      `${admin}/issuers/default/api/v1/namespaces/pay/serviceaccounts/api/token`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: '{"spec":{}}',
      },
    )
    assert.equal(mint.status, 201)
    const token = ((await mint.json()) as { status: { token: string } }).status.token
    const jwks = jose.createRemoteJWKSet(new URL(`${issuer}/openid/v1/jwks`), {
      [jose.customFetch]: fetch,
    })
    await jose.jwtVerify(token, jwks, { issuer, audience: 'api://AzureADTokenExchange' })
    const onPublic = await fetch(
      `https://localhost:${publicPort}/issuers/default/api/v1/namespaces/pay/serviceaccounts/api/token`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: '{"spec":{}}',
      },
    )
    assert.equal(onPublic.status, 404, 'the mint API is not on the public listener')
    assert.equal((await fetch(`https://localhost:${publicPort}/metrics`)).status, 404)
    assert.equal((await fetch(`${admin}/metrics`)).status, 200)
    // A refused exchange that gets as far as credential matching, to check its log lines too.
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
    const app = (await (
      await fetch(`${admin}/v1.0/applications`, {
        method: 'POST',
        headers,
        body: '{"displayName":"web"}',
      })
    ).json()) as { id: string; appId: string }
    await fetch(`${admin}/v1.0/applications/${app.id}/federatedIdentityCredentials`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'web', issuer, subject: 'system:serviceaccount:pay:web' }),
    })
    const tenantId = (
      (await (await fetch(`${admin}/admin/v1/tenants`, { headers })).json()) as {
        value: Array<{ id: string }>
      }
    ).value[0]?.id
    const refused = await fetch(`https://localhost:${publicPort}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: app.appId,
        scope: 'api://x/.default',
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: token,
      }),
    })
    assert.equal(refused.status, 401)
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.match(logs, /AADSTS700213/, 'the refusal is logged')
    assert.match(
      logs,
      /"reqId":"[^"]+"[^\n]*"msg":"token minted"/,
      'log lines carry the request id',
    )
    assert.ok(!logs.includes(token), 'IF-24: the token never reaches the log')
    assert.ok(!logs.includes(token.split('.')[2] as string), 'not even its signature')
    assert.ok(!logs.includes(adminToken), 'IF-24: the admin token never reaches the log')
  } finally {
    child.kill('SIGKILL')
    await close()
  }
})

test('#9 item 3: init --rotate-admin-token revokes every bootstrap token and prints one new token', async () => {
  const oldToken = await readFile(join(dir, 'admin-token'), 'utf8')
  const rotated = await runCli(['init', '--config', configFile, '--rotate-admin-token', '--json'])
  assert.equal(rotated.code, 0, rotated.stderr)
  const { adminToken, revoked } = JSON.parse(rotated.stdout) as {
    adminToken: string
    revoked: number
  }
  assert.equal(revoked, 1)
  assert.match(adminToken, /^wkadm_[A-Za-z0-9_-]{43}$/)
  const db = new BetterSqlite3(join(dir, 'data', 'wifkit.db'), { readonly: true })
  try {
    const live = (hash: string) =>
      db.prepare('select revoked_at from admin_tokens where token_hash = ?').get(hash) as {
        revoked_at: number | null
      }
    assert.notEqual(live(sha256Hex(oldToken)).revoked_at, null, 'the old token is revoked')
    assert.equal(live(sha256Hex(adminToken)).revoked_at, null, 'only the new token is live')
    const stored = db.prepare('select token_hash from admin_tokens').all()
    assert.ok(!JSON.stringify(stored).includes(adminToken), 'stored as a hash only')
  } finally {
    db.close()
  }
  await writeFile(join(dir, 'admin-token'), adminToken)
})

test('IF-3: serve refuses a KEK readable by others, with one line naming the fix', async () => {
  await chmod(join(dir, 'secrets', 'kek'), 0o644)
  const result = await runCli(['serve', '--config', configFile])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /readable by others; run chmod 600/)
  await chmod(join(dir, 'secrets', 'kek'), 0o600)
})
