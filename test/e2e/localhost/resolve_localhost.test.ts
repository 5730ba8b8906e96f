import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ensureLocalTls } from '../../../src/dev/index.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
/** The built preload, what `node --import wifkit/localhost` loads (IF-16). */
const PRELOAD = join(REPO, 'dist/localhost/resolve_localhost.js')
const PYTHON_SHIM = join(REPO, 'contrib/python')
const run = promisify(execFile)

let dir: string
let caFile: string
let server: Server
let url: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-localhost-'))
  const tls = await ensureLocalTls(dir, ['localhost'])
  caFile = tls.caFile
  // Answers with the Host it was asked for, proving the request used the vault name.
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    res.end(`host=${req.headers.host}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://demo.vault.localhost:${(server.address() as AddressInfo).port}/`
})

after(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

/** Runs an ESM snippet in a child `node --import PRELOAD` from the repo root; parses its JSON. */
async function inNode(script: string): Promise<Record<string, unknown>> {
  const args = ['--import', PRELOAD, '--input-type=module', '-e', script]
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: caFile, URL: url }
  const { stdout } = await run(process.execPath, args, { cwd: REPO, env })
  return JSON.parse(stdout) as Record<string, unknown>
}

const LOOKUPS = `
import dns from 'node:dns'
import { lookup } from 'node:dns/promises'
import { promisify } from 'node:util'
const host = 'demo.vault.localhost'
const viaCallback = (...options) =>
  new Promise((resolve, reject) =>
    dns.lookup(host, ...options, (error, address, family) =>
      error ? reject(error) : resolve(family === undefined ? address : { address, family })))
const code = (promise) => promise.then(() => 'resolved', (error) => error.code)
process.stdout.write(JSON.stringify({
  callback: await viaCallback(),
  family4Number: await viaCallback(4),
  family6: await viaCallback({ family: 6 }),
  all: await viaCallback({ all: true }),
  allIpv6First: await viaCallback({ all: true, order: 'ipv6first' }),
  promises: await lookup('DEMO.Vault.localhost.'),
  promisesAll: await dns.promises.lookup(host, { all: true }),
  promisified: await promisify(dns.lookup)('localhost', { family: 6 }),
  literal: await lookup('127.0.0.1'),
  invalid: await code(lookup('example.invalid')),
  almost: await code(lookup('demo.vault.localhost.invalid')),
}))`

test('IF-16: every form of dns.lookup answers loopback for *.localhost (RFC 6761 §6.3)', async () => {
  const v4 = { address: '127.0.0.1', family: 4 }
  const v6 = { address: '::1', family: 6 }
  const seen = await inNode(LOOKUPS)
  assert.deepEqual(
    { ...seen, invalid: undefined, almost: undefined },
    {
      callback: v4,
      family4Number: v4,
      family6: v6,
      all: [v4, v6],
      allIpv6First: [v6, v4],
      promises: v4,
      promisesAll: [v4, v6],
      promisified: v6,
      literal: v4,
      invalid: undefined,
      almost: undefined,
    },
  )
  // Other names still go to the system resolver, which knows neither of them.
  assert.notEqual(seen.invalid, 'resolved')
  assert.notEqual(seen.almost, 'resolved')
})

const REQUESTS = `
import https from 'node:https'
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline'
const url = process.env.URL
const viaHttps = await new Promise((resolve, reject) =>
  https.get(url, (res) => {
    let body = ''
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () => resolve(body))
  }).on('error', reject))
const viaFetch = await (await fetch(url)).text()
const azure = await createDefaultHttpClient().sendRequest(createPipelineRequest({ url }))
process.stdout.write(JSON.stringify({ viaHttps, viaFetch, viaAzureSdk: azure.bodyAsText }))`

test('IF-16: node:https, fetch and the Azure SDK pipeline reach https://demo.vault.localhost', async () => {
  const host = `host=${new URL(url).host}`
  assert.deepEqual(await inNode(REQUESTS), { viaHttps: host, viaFetch: host, viaAzureSdk: host })
})

const PYTHON = `
import json, os, socket, ssl, urllib.request
answers = socket.getaddrinfo('demo.vault.localhost', 443, type=socket.SOCK_STREAM)
try:
    socket.getaddrinfo('example.invalid', 443)
    invalid = 'resolved'
except socket.gaierror:
    invalid = 'failed'
context = ssl.create_default_context(cafile=os.environ['CA_FILE'])
body = urllib.request.urlopen(os.environ['URL'], context=context).read().decode()
print(json.dumps({'addresses': [a[4][0] for a in answers], 'invalid': invalid, 'body': body}))`

test('PY-14: sitecustomize.py on PYTHONPATH lets Python resolve and reach *.localhost', async (t) => {
  const found = await run('python3', ['--version']).then(
    () => true,
    () => false,
  )
  if (!found) return t.skip('python3 is not installed')
  const env = { ...process.env, PYTHONPATH: PYTHON_SHIM, CA_FILE: caFile, URL: url }
  const { stdout } = await run('python3', ['-c', PYTHON], { env })
  assert.deepEqual(JSON.parse(stdout), {
    addresses: ['127.0.0.1', '::1'],
    invalid: 'failed',
    body: `host=${new URL(url).host}`,
  })
})
