import assert from 'node:assert/strict'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { createServer, get } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative } from 'node:path'
import { after, test } from 'node:test'
import { ensureLocalTls, type LocalTls } from '../../../src/dev/local_ca.js'

const dirs: string[] = []
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-local-ca-'))
  dirs.push(dir)
  return dir
}

async function filesOf(tls: LocalTls): Promise<string[]> {
  return Promise.all([tls.caFile, tls.certFile, tls.keyFile].map((f) => readFile(f, 'utf8')))
}

const modeOf = async (file: string) => (await stat(file)).mode & 0o777
const DAY_MS = 86_400_000

test('IF-10: the server certificate is signed by the local CA and names every dev host', async () => {
  const tls = await ensureLocalTls(await freshDir(), ['wifkit.test'])
  const ca = new X509Certificate(tls.caPem)
  const server = new X509Certificate(tls.certPem)
  assert.equal(server.verify(ca.publicKey), true)
  assert.equal(server.checkIssued(ca), true)
  assert.equal(server.checkHost('localhost'), 'localhost')
  assert.equal(server.checkHost('vault.localhost'), 'vault.localhost')
  assert.equal(server.checkHost('payments.vault.localhost'), '*.vault.localhost')
  assert.equal(server.checkHost('wifkit.test'), 'wifkit.test')
  assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1')
  assert.equal(server.checkIP('::1'), '::1')
  assert.equal(server.checkHost('example.com'), undefined)
  assert.equal(server.ca, false)
  assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1'])
})

test('IF-10: the CA is a uniquely named P-256 CA valid for ten years', async () => {
  const now = new Date('2030-01-15T12:00:00Z')
  const [a, b] = await Promise.all([
    ensureLocalTls(await freshDir(), [], now),
    ensureLocalTls(await freshDir(), [], now),
  ])
  const ca = new X509Certificate(a.caPem)
  assert.equal(ca.ca, true)
  assert.match(ca.subject, /^CN=wifkit dev CA [0-9a-f]{8}$/)
  assert.notEqual(ca.subject, new X509Certificate(b.caPem).subject)
  assert.equal(ca.publicKey.asymmetricKeyType, 'ec')
  assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1')
  assert.equal(new Date(ca.validTo).toISOString(), '2040-01-15T12:00:00.000Z')
  const server = new X509Certificate(a.certPem)
  assert.equal(new Date(server.validTo).getTime(), now.getTime() + 397 * DAY_MS)
})

test('IF-10: private keys are mode 0600, the CA certificate 0644, and paths are absolute', async () => {
  const dir = await freshDir()
  const tls = await ensureLocalTls(relative(process.cwd(), dir), [])
  for (const file of [tls.caFile, tls.certFile, tls.keyFile]) assert.ok(isAbsolute(file), file)
  assert.equal(await modeOf(tls.keyFile), 0o600)
  assert.equal(await modeOf(join(dir, 'ca-key.pem')), 0o600)
  assert.equal(await modeOf(tls.caFile), 0o644)
  assert.match(await readFile(join(dir, 'ca-key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/)
  assert.deepEqual(await filesOf(tls), [tls.caPem, tls.certPem, tls.keyPem])
})

test('IF-10: a restart with the same hosts reuses every file byte for byte', async () => {
  const dir = await freshDir()
  const first = await ensureLocalTls(dir, ['wifkit.test'])
  const before = await filesOf(first)
  // The fixed names, a repeat and a different spelling of one must not count as a change.
  const second = await ensureLocalTls(dir, ['WIFKIT.test', 'localhost', '[::1]', '127.0.0.1'])
  assert.deepEqual(await filesOf(second), before)
  assert.deepEqual([second.caPem, second.certPem, second.keyPem], before)
})

test('IF-10: a new host reissues the server certificate from the same, unchanged CA', async () => {
  const dir = await freshDir()
  const first = await ensureLocalTls(dir, [])
  const second = await ensureLocalTls(dir, ['wifkit.test', '10.1.2.3'])
  assert.equal(await readFile(second.caFile, 'utf8'), first.caPem)
  assert.notEqual(second.certPem, first.certPem)
  assert.notEqual(second.keyPem, first.keyPem)
  const server = new X509Certificate(second.certPem)
  assert.equal(server.verify(new X509Certificate(first.caPem).publicKey), true)
  assert.equal(server.checkHost('wifkit.test'), 'wifkit.test')
  assert.equal(server.checkIP('10.1.2.3'), '10.1.2.3')
  assert.equal(server.checkHost('10.1.2.3'), undefined, 'an IP host is an IP SAN, not a DNS one')
  assert.equal(await modeOf(second.keyFile), 0o600)
})

test('IF-10: a server certificate within 30 days of expiry is reissued, the CA kept', async () => {
  const dir = await freshDir()
  const start = new Date('2030-01-01T00:00:00Z')
  const first = await ensureLocalTls(dir, [], start)
  const day366 = await ensureLocalTls(dir, [], new Date(start.getTime() + 366 * DAY_MS))
  assert.equal(day366.certPem, first.certPem)
  const day368 = await ensureLocalTls(dir, [], new Date(start.getTime() + 368 * DAY_MS))
  assert.notEqual(day368.certPem, first.certPem)
  assert.equal(day368.caPem, first.caPem)
})

test('IF-10: a missing or damaged server key is replaced by a new certificate', async () => {
  const dir = await freshDir()
  const first = await ensureLocalTls(dir, [])
  await unlink(first.keyFile)
  const second = await ensureLocalTls(dir, [])
  assert.notEqual(second.certPem, first.certPem)
  const key = createPrivateKey(second.keyPem)
  assert.equal(new X509Certificate(second.certPem).checkPrivateKey(key), true)
  await writeFile(second.certFile, 'not a certificate\n')
  const third = await ensureLocalTls(dir, [])
  assert.notEqual(third.certPem, second.certPem)
  assert.equal(new X509Certificate(third.certPem).checkHost('localhost'), 'localhost')
})

test('IF-10: a CA without its key stops with advice to remove the dir or use --reset', async () => {
  const dir = await freshDir()
  await ensureLocalTls(dir, [])
  await unlink(join(dir, 'ca-key.pem'))
  await assert.rejects(
    ensureLocalTls(dir, []),
    /ca-key\.pem is missing or does not match.*--reset/s,
  )
  // A key from another dev dir does not match this CA either.
  const other = await freshDir()
  await ensureLocalTls(other, [])
  await writeFile(join(dir, 'ca-key.pem'), await readFile(join(other, 'ca-key.pem')))
  await assert.rejects(ensureLocalTls(dir, []), /does not match.*`wifkit dev --reset`/s)
})

test('IF-10: an HTTPS server with the certificate is trusted through ca.pem alone', async () => {
  const tls = await ensureLocalTls(await freshDir(), [])
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('ok'))
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  try {
    assert.equal(await fetchBody(port, tls.caPem), 'ok')
    await assert.rejects(fetchBody(port), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
  } finally {
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  }
})

function fetchBody(port: number, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, servername: 'localhost', agent: false as const, ca }
    get(options, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve(body))
      res.on('error', reject)
    }).on('error', reject)
  })
}
