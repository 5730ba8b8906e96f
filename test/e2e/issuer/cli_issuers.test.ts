import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import * as jose from 'jose'
import { runCli, startDevProcess, WIFKIT_BIN, type DevProcess } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'

let root: string
let devProcess: DevProcess
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>
const cli = (...args: string[]) => runCli([...args, '--data-dir', join(root, 'dev')])

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-issuers-'))
  devProcess = await startDevProcess(join(root, 'dev'))
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(devProcess.dev.caFile))
})

after(async () => {
  await closeFetch()
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

test('IF-36, ISS-11: an ES256 issuer created from the CLI mints ES256 tokens that verify', async () => {
  const created = await cli('issuer', 'create', 'edge', '--algorithm', 'ES256', '--json')
  assert.equal(created.code, 0, created.stderr)
  const description = JSON.parse(created.stdout) as {
    issuer: string
    keys: Array<{ alg: string; state: string }>
  }
  assert.equal(description.issuer, `${devProcess.dev.publicUrl}/issuers/edge`)
  assert.deepEqual(
    description.keys.map((k) => [k.state, k.alg]),
    [['active', 'ES256']],
  )
  const minted = await cli(
    'token',
    'mint',
    '--issuer',
    'edge',
    '--namespace',
    'ci',
    '--service-account',
    'runner',
  )
  assert.equal(minted.code, 0, minted.stderr)
  const token = minted.stdout.trim()
  assert.equal(jose.decodeProtectedHeader(token).alg, 'ES256')
  const discovery = (await (
    await httpsFetch(`${description.issuer}/.well-known/openid-configuration`)
  ).json()) as {
    id_token_signing_alg_values_supported: string[]
  }
  assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['ES256'])
  const jwksBody = (await (await httpsFetch(`${description.issuer}/openid/v1/jwks`)).json()) as {
    keys: Array<Record<string, string>>
  }
  assert.deepEqual(Object.keys(jwksBody.keys[0] as object), [
    'use',
    'kty',
    'kid',
    'alg',
    'crv',
    'x',
    'y',
  ])
  const { payload } = await jose.jwtVerify(
    token,
    jose.createLocalJWKSet(jwksBody as jose.JSONWebKeySet),
    {
      issuer: description.issuer,
    },
  )
  assert.equal(payload.sub, 'system:serviceaccount:ci:runner')
})

test('ISS-2, ISS-4, ISS-6: a trailing slash is kept byte for byte and the double-slash path is served', async () => {
  const url = `${devProcess.dev.publicUrl}/issuers/slashed/`
  const created = await cli('issuer', 'create', 'slashed', '--url', url, '--json')
  assert.equal(created.code, 0, created.stderr)
  const shown = await cli('issuer', 'show', 'slashed')
  assert.match(shown.stdout, new RegExp(`\\n${url.replace(/[.]/g, '\\.')}\\n?$`))
  for (const path of ['/.well-known/openid-configuration', '//.well-known/openid-configuration']) {
    const response = await httpsFetch(`${devProcess.dev.publicUrl}/issuers/slashed${path}`)
    assert.equal(response.status, 200, path)
    const document = (await response.json()) as { issuer: string; jwks_uri: string }
    assert.equal(document.issuer, url)
    assert.equal(document.jwks_uri, `${devProcess.dev.publicUrl}/issuers/slashed/openid/v1/jwks`)
  }
  const minted = await cli(
    'token',
    'mint',
    '--issuer',
    'slashed',
    '--namespace',
    'a',
    '--service-account',
    'b',
  )
  assert.equal(jose.decodeJwt(minted.stdout.trim()).iss, url)
})

test('ISS-1, IF-3: a bad issuer URL or name is refused with exit 1 and one line naming the field', async () => {
  const http = await cli('issuer', 'create', 'plain', '--url', 'http://example.com/x')
  assert.equal(http.code, 1)
  assert.match(http.stderr, /^wifkit: 400: url: must use https/)
  const badName = await cli('issuer', 'create', 'Bad_Name')
  assert.equal(badName.code, 1)
  assert.match(badName.stderr, /name: a DNS-1123 label/)
  const duplicate = await cli('issuer', 'create', 'dev')
  assert.equal(duplicate.code, 1)
  assert.match(duplicate.stderr, /409: issuer dev already exists/)
  const list = await cli('issuer', 'list', '--json')
  const names = (JSON.parse(list.stdout) as { value: Array<{ name: string }> }).value.map(
    (i) => i.name,
  )
  assert.ok(!names.includes('plain') && !names.includes('Bad_Name'), 'nothing was stored')
})

test('IF-4: a command with no server to find says how to point it at one', async () => {
  const result = await runCli(['issuer', 'show', 'dev', '--data-dir', join(root, 'nowhere')])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /--admin-url URL --token T.*WIFKIT_ADMIN_URL/)
})

/**
 * Starts `wifkit token mint --watch` for the demo account and waits until stderr says `until`;
 * resolves with a function that stops it with SIGTERM and yields the exit code.
 */
async function watchUntil(
  out: string,
  until: string,
  server: string[],
): Promise<() => Promise<number | null>> {
  const args = [
    'token',
    'mint',
    '--issuer',
    'dev',
    '--namespace',
    'default',
    '--service-account',
    'demo',
  ]
  const child = spawn(process.execPath, [WIFKIT_BIN, ...args, '--out', out, '--watch', ...server], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  // Up to a minute: a cold CLI start on a loaded machine can take several seconds.
  for (let i = 0; !stderr.includes(until); i++) {
    assert.ok(i < 1200, stderr)
    await delay(50)
  }
  return async () => {
    child.kill('SIGTERM')
    return exited
  }
}

test('IF-41, IF-42: mint --out --watch writes a 0600 token file atomically and stops cleanly', async () => {
  const out = join(root, 'token')
  const stop = await watchUntil(out, 'wrote', ['--data-dir', join(root, 'dev')])
  const token = await readFile(out, 'utf8')
  assert.equal(jose.decodeJwt(token).sub, 'system:serviceaccount:default:demo')
  assert.equal((await stat(out)).mode & 0o777, 0o600)
  assert.equal(await stop(), 0)
  assert.equal(await readFile(out, 'utf8'), token)
})

test('IF-42: --watch against an unreachable server retries and never writes a partial or empty file', async () => {
  const out = join(root, 'never')
  const stop = await watchUntil(out, 'retrying in 1 s', [
    '--admin-url',
    'https://127.0.0.1:9',
    '--token',
    'x',
  ])
  assert.equal(await stop(), 0)
  await assert.rejects(stat(out), { code: 'ENOENT' })
})
