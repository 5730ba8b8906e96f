// The listener defences of issue #9 items 1 and 3 over real sockets: TLS policy, HSTS, header
// size, slow clients, keep-alive bounds, JSON depth and fault bodies in every protocol's shape.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type ConnectionOptions } from 'node:tls'
import { after, before, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { Agent, fetch } from 'undici'
import { DEFAULT_LIMITS } from '../../../src/config/index.js'
import { ensureLocalTls, type LocalTls } from '../../../src/dev/local_ca.js'
import { createApp, HostDispatch, HttpMetrics, type Protocol } from '../../../src/http/index.js'

const PROTOCOLS: Protocol[] = ['oauth', 'graph', 'keyvault', 'kubernetes', 'plain']
const limits = {
  ...DEFAULT_LIMITS,
  maxHeaderBytes: 8 * 1024,
  headersTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxRequestsPerSocket: 2,
}

let dir: string
let tls: LocalTls
let secure: FastifyInstance
let plain: FastifyInstance
let securePort: number
let plainPort: number
let agent: Agent

async function build(withTls: boolean): Promise<FastifyInstance> {
  const common = { logger: pino({ level: 'silent' }), metrics: new HttpMetrics() }
  const now = () => new Date('2026-01-02T03:04:05Z')
  const hosts = new HostDispatch()
  const other = createApp({ listener: 'vault', protocol: 'keyvault', ...common, now, limits })
  other.get('/secrets', async () => ({ value: [] }))
  await other.ready()
  hosts.add((host) => host?.startsWith('v1.vault.') ?? false, other.routing)
  const app = createApp({
    listener: withTls ? 'secure' : 'plain',
    ...common,
    now,
    limits,
    hosts,
    ...(withTls ? { tls: { cert: tls.certPem, key: tls.keyPem } } : {}),
  })
  for (const protocol of PROTOCOLS) {
    app.post(`/${protocol}/echo`, { config: { protocol } }, async (request) => ({
      got: request.body,
    }))
    app.get(`/${protocol}/fault`, { config: { protocol } }, async () => {
      // What an internal fault could leak: a path, a stack frame and a secret-looking message.
      throw new Error(`ENOENT: open '${join(dir, 'kek.b64')}' at /srv/wifkit/src/keys/kek.ts:42`)
    })
  }
  app.get('/hello', async () => ({ hello: true }))
  return app
}

const listen = async (app: FastifyInstance) => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return typeof address === 'object' && address ? address.port : 0
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-listener-'))
  tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
  secure = await build(true)
  plain = await build(false)
  securePort = await listen(secure)
  plainPort = await listen(plain)
  agent = new Agent({ connect: { ca: tls.caPem } })
})

after(async () => {
  await Promise.all([secure.close(), plain.close(), agent.close()])
  await rm(dir, { recursive: true, force: true })
})

/** The outcome of one handshake: `TLSv1.x cipher` or the client's error code. */
function handshake(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(
      { host: '127.0.0.1', port: securePort, servername: 'localhost', ca: tls.caPem, ...options },
      () => {
        resolve(`${socket.getProtocol()} ${socket.getCipher().name}`)
        socket.end()
      },
    )
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

const tlsCases: [string, ConnectionOptions, RegExp][] = [
  ['a default client gets TLS 1.3', {}, /^TLSv1\.3 TLS_/],
  [
    'a TLS 1.2 client gets ECDHE with AES-GCM',
    { maxVersion: 'TLSv1.2' },
    /^TLSv1\.2 ECDHE-ECDSA-AES\d+-GCM/,
  ],
  [
    'a TLS 1.1 client is refused',
    { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
    /^ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION$/,
  ],
  [
    'a client offering only a CBC suite is refused',
    { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' },
    /^ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE$/,
  ],
  [
    'a client offering only a CBC-SHA384 suite is refused',
    { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-SHA384' },
    /^ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE$/,
  ],
]
for (const [name, options, want] of tlsCases) {
  test(`#9 item 3: ${name}`, async () => assert.match(await handshake(options), want))
}

/** A GET over HTTPS with its own Host header, which fetch would not send. */
function get(path: string, host: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: securePort, servername: 'localhost', ca: tls.caPem }
    const req = httpsRequest({ ...options, path, headers: { host } }, (response) => {
      response.resume().on('end', () => resolve(response))
    })
    req.on('error', reject)
    req.end()
  })
}

test('#9 item 3: every HTTPS answer carries HSTS, vault hosts and 404s included; plain http none', async () => {
  const answers = await Promise.all([
    get('/hello', 'localhost'),
    get('/nowhere', 'localhost'),
    get('/secrets', 'v1.vault.localhost'),
  ])
  assert.deepEqual(
    answers.map((r) => [r.statusCode, r.headers['strict-transport-security']]),
    [
      [200, 'max-age=31536000'],
      [404, 'max-age=31536000'],
      [200, 'max-age=31536000'],
    ],
  )
  const clear = await fetch(`http://127.0.0.1:${plainPort}/hello`)
  assert.equal(clear.status, 200)
  assert.equal(clear.headers.get('strict-transport-security'), null)
})

test('#9 item 1: headers larger than maxHeaderBytes get 431', async () => {
  const response = await fetch(`https://localhost:${securePort}/hello`, {
    dispatcher: agent,
    headers: { 'x-padding': 'x'.repeat(9 * 1024) },
  })
  assert.equal(response.status, 431)
})

test('#9 item 1: a client that never finishes its headers is cut off (slowloris)', async () => {
  const started = Date.now()
  const closed = await new Promise<string>((resolve) => {
    const socket = connect(
      { host: '127.0.0.1', port: securePort, servername: 'localhost', ca: tls.caPem },
      () => socket.write('GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: '),
    )
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''))
    socket.on('error', () => undefined)
    // A generous bound for a loaded machine; the limit itself is 1 s plus a 1 s check interval.
    setTimeout(() => socket.destroy(), 20_000).unref()
  })
  assert.match(closed, /^(HTTP\/1\.1 408 |$)/)
  assert.ok(Date.now() - started < 15_000, 'the server, not the test, closed the connection')
})

test('#9 item 1: a keep-alive connection serves maxRequestsPerSocket requests, then closes', async () => {
  const keepAlive = new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: tls.caPem })
  const connectionHeaders: (string | undefined)[] = []
  const sockets = new Set<unknown>()
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: securePort,
          servername: 'localhost',
          path: '/hello',
          agent: keepAlive,
        },
        (response) => {
          sockets.add(response.socket)
          connectionHeaders.push(response.headers.connection)
          response.resume().on('end', resolve)
        },
      )
      req.on('error', reject)
      req.end()
    })
  }
  keepAlive.destroy()
  assert.deepEqual(connectionHeaders, ['keep-alive', 'close', 'keep-alive'])
  assert.equal(sockets.size, 2)
})

/** `[[[…]]]` nested `depth` levels deep, built as text so no recursion makes it. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

const post = (protocol: Protocol, body: string) =>
  fetch(`https://localhost:${securePort}/${protocol}/echo`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })

test('#9 item 1: a JSON body at maxJsonDepth is accepted', async () => {
  const response = await post('graph', nested(32))
  assert.equal(response.status, 200)
})

const errorCodeOf: Partial<Record<Protocol, (body: Record<string, unknown>) => unknown>> = {
  graph: (b) => (b.error as Record<string, unknown>).code,
  keyvault: (b) => (b.error as Record<string, unknown>).code,
  kubernetes: (b) => b.reason,
}
// 30 000 levels is 60 KB, just within the 64 KiB body limit.
const depthCases: [Protocol, number, string][] = [
  ['graph', 33, 'BadRequest'],
  ['keyvault', 33, 'BadParameter'],
  ['kubernetes', 33, 'BadRequest'],
  ['graph', 30_000, 'BadRequest'],
  ['keyvault', 30_000, 'BadParameter'],
]
for (const [protocol, depth, code] of depthCases) {
  test(`#9 item 1: a ${protocol} JSON body ${depth} levels deep gets the protocol's 400`, async () => {
    const response = await post(protocol, nested(depth))
    assert.equal(response.status, 400)
    const body = (await response.json()) as Record<string, unknown>
    assert.equal(errorCodeOf[protocol]?.(body), code)
  })
}

const faultBodies: Record<Protocol, (body: Record<string, unknown>) => unknown> = {
  oauth: (b) => [b.error, b.error_description],
  graph: (b) => (b.error as Record<string, unknown>).code,
  keyvault: (b) => b.error,
  kubernetes: (b) => [b.reason, b.message],
  plain: (b) => b,
}
const faultWant: Record<Protocol, unknown> = {
  oauth: ['server_error', undefined],
  graph: 'generalException',
  keyvault: { code: 'InternalServerError', message: 'Internal server error.' },
  kubernetes: ['InternalError', 'internal server error'],
  plain: { error: 'server_error', message: 'internal server error' },
}
for (const protocol of PROTOCOLS) {
  test(`#9 item 3: a thrown Error answers ${protocol}'s fixed 500 without message, stack or path`, async () => {
    const response = await fetch(`https://localhost:${securePort}/${protocol}/fault`, {
      dispatcher: agent,
    })
    const text = await response.text()
    assert.equal(response.status, 500)
    for (const leak of ['ENOENT', 'kek', '/srv/', dir, '.ts', '    at ']) {
      assert.ok(!text.includes(leak), `the body leaks ${JSON.stringify(leak)}: ${text}`)
    }
    const body = JSON.parse(text) as Record<string, unknown>
    const picked = faultBodies[protocol](body)
    if (protocol === 'oauth') assert.equal((picked as unknown[])[0], 'server_error')
    else assert.deepEqual(picked, faultWant[protocol])
  })
}
