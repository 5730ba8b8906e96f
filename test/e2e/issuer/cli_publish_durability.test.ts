import assert from 'node:assert/strict'
import { generateKeyPairSync, createHash } from 'node:crypto'
import { createServer } from 'node:https'
import { mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import * as jose from 'jose'
import { runCli, startDevProcess, type DevProcess } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'

let root: string
let dataDir: string
let devProcess: DevProcess

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-cli-'))
  dataDir = join(root, 'dev')
  devProcess = await startDevProcess(dataDir)
})

after(async () => {
  await devProcess.stop('SIGKILL')
  await rm(root, { recursive: true, force: true })
})

test('ISS-80, IF-50: publish --out writes files byte-equal to the served bodies', async () => {
  const out = join(root, 'site')
  const result = await runCli(['issuer', 'publish', 'dev', '--out', out, '--data-dir', dataDir])
  assert.equal(result.code, 0, result.stderr)
  const { fetch, close } = await trustingFetch(devProcess.dev.caFile)
  try {
    const served = await (
      await fetch(`${devProcess.dev.issuer}/.well-known/openid-configuration`)
    ).text()
    const servedJwks = await (await fetch(`${devProcess.dev.issuer}/openid/v1/jwks`)).text()
    assert.equal(await readFile(join(out, '.well-known', 'openid-configuration'), 'utf8'), served)
    assert.equal(await readFile(join(out, 'openid', 'v1', 'jwks'), 'utf8'), servedJwks)
    assert.ok(!servedJwks.includes('"d"'), 'ISS-82: public members only')
  } finally {
    await close()
  }
})

test('ISS-83: publish --verify passes for a faithful copy and names trailing-slash drift', async () => {
  const out = join(root, 'site')
  await runCli(['issuer', 'publish', 'dev', '--out', out, '--data-dir', dataDir])
  const discovery = await readFile(join(out, '.well-known', 'openid-configuration'), 'utf8')
  let body = discovery
  const tls = {
    cert: await readFile(join(dataDir, 'server.pem')),
    key: await readFile(join(dataDir, 'server-key.pem')),
  }
  const host = createServer(tls, (req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/openid-configuration') res.end(body)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
  const port = (host.address() as { port: number }).port
  try {
    const verify = (...flags: string[]) =>
      runCli([
        'issuer',
        'publish',
        'dev',
        '--verify',
        `https://localhost:${port}`,
        '--data-dir',
        dataDir,
        ...flags,
      ])
    const good = await verify('--json')
    assert.equal(good.code, 0, good.stdout + good.stderr)
    assert.equal((JSON.parse(good.stdout) as { ok: boolean }).ok, true)
    const parsed = JSON.parse(discovery) as { issuer: string }
    body = JSON.stringify({ ...parsed, issuer: `${parsed.issuer}/` })
    const bad = await verify()
    assert.equal(bad.code, 1)
    assert.match(bad.stdout, /FAIL issuer string: .*trailing-slash drift/)
    for (const [hosted, finding] of [
      ['null', /FAIL discovery bytes: the hosted JSON differs/],
      [
        '{"issuer":42,"jwks_uri":{"href":"x"}}',
        /FAIL issuer string: 42 differs[^]*jwks_uri is \{"href":"x"\}, not a URL/,
      ],
    ] as const) {
      body = hosted
      const odd = await verify()
      assert.equal(odd.code, 1, `${hosted}: ${odd.stderr}`)
      assert.match(odd.stdout, finding, hosted)
      assert.doesNotMatch(odd.stdout + odd.stderr, /TypeError|Cannot read/, hosted)
    }
  } finally {
    host.close()
  }
})

test('ISS-86, ISS-87, IF-51: jwks --public-keys turns RSA and EC PEMs into a JWKS with Kubernetes kids', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
  await writeFile(join(root, 'rsa.pem'), rsa.export({ type: 'spki', format: 'pem' }))
  await writeFile(join(root, 'ec.pem'), ec.export({ type: 'spki', format: 'pem' }))
  const outFile = join(root, 'jwks.json')
  const result = await runCli([
    'jwks',
    '--public-keys',
    `${join(root, 'rsa.pem')},${join(root, 'ec.pem')}`,
    '--output-file',
    outFile,
  ])
  assert.equal(result.code, 0, result.stderr)
  const jwks = JSON.parse(await readFile(outFile, 'utf8')) as {
    keys: Array<{ kid: string; alg: string }>
  }
  const kid = (k: typeof rsa) =>
    createHash('sha256')
      .update(k.export({ type: 'spki', format: 'der' }))
      .digest('base64url')
  assert.deepEqual(
    jwks.keys.map((k) => [k.kid, k.alg]),
    [
      [kid(rsa), 'RS256'],
      [kid(ec), 'ES256'],
    ],
  )
  assert.equal((await stat(outFile)).mode & 0o777, 0o600)
})

test('IF-3: a bad config exits 1 and lists every bad key with its path', async () => {
  const file = join(root, 'bad.yaml')
  await writeFile(
    file,
    'public:\n  url: http://example.com\n  colour: blue\nkeys:\n  prePublishSeconds: 60\n',
  )
  const result = await runCli(['serve', '--config', file])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /public\.url: must use https/)
  assert.match(result.stderr, /public\.colour: unknown key/)
  assert.match(result.stderr, /keys\.kekFile: is required/)
  assert.match(result.stderr, /keys\.prePublishSeconds: must be at least 3600/)
})

test('ISS-96, IF-10: kill -9 and restart on the same data dir keeps keys and issuer; an earlier token still verifies', async () => {
  const minted = await runCli([
    'token',
    'mint',
    '--issuer',
    'dev',
    '--namespace',
    'default',
    '--service-account',
    'demo',
    '--data-dir',
    dataDir,
  ])
  assert.equal(minted.code, 0, minted.stderr)
  const token = minted.stdout.trim()
  const { fetch: before, close: closeBefore } = await trustingFetch(devProcess.dev.caFile)
  const jwksBefore = await (await before(`${devProcess.dev.issuer}/openid/v1/jwks`)).text()
  await closeBefore()
  const issuerBefore = devProcess.dev.issuer
  await devProcess.stop('SIGKILL')

  devProcess = await startDevProcess(dataDir)
  assert.equal(devProcess.dev.issuer, issuerBefore)
  const { fetch, close } = await trustingFetch(devProcess.dev.caFile)
  try {
    assert.equal(await (await fetch(`${devProcess.dev.issuer}/openid/v1/jwks`)).text(), jwksBefore)
    const jwks = jose.createRemoteJWKSet(new URL(`${devProcess.dev.issuer}/openid/v1/jwks`), {
      [jose.customFetch]: fetch,
    })
    const { payload } = await jose.jwtVerify(token, jwks, {
      issuer: issuerBefore,
      audience: 'api://AzureADTokenExchange',
    })
    assert.equal(payload.sub, 'system:serviceaccount:default:demo')
  } finally {
    await close()
  }
  const db = new BetterSqlite3(join(dataDir, 'wifkit.db'), { readonly: true })
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
  } finally {
    db.close()
  }
})

test('IF-14: SIGTERM stops wifkit dev cleanly with exit code 0', async () => {
  const code = await devProcess.stop('SIGTERM')
  assert.equal(code, 0, devProcess.output())
})
