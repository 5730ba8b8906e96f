import assert from 'node:assert/strict'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { Agent } from 'undici'
import { ensureLocalTls, type LocalTls } from '../../../src/dev/local_ca.js'
import {
  IssuerKeyCache,
  IssuerMetadataError,
  type IssuerKeyCacheOptions,
  type IssuerKeyEvent,
} from '../../../src/sts/federation/issuer_keys.js'
import { ManualClock } from '../../../src/util/index.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void
type Server = ReturnType<typeof createHttpServer> | ReturnType<typeof createHttpsServer>

/** A real metadata server on 127.0.0.1 port 0 that counts the requests per path. */
class TestIssuer {
  readonly routes = new Map<string, Handler>()
  readonly hits = new Map<string, number>()
  readonly #server: Server
  readonly #scheme: string
  #port = 0

  constructor(scheme: 'https' | 'http') {
    this.#scheme = scheme
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? ''
      this.hits.set(path, this.hitsOf(path) + 1)
      const route = this.routes.get(path)
      if (route) route(req, res)
      else res.writeHead(404).end()
    }
    this.#server =
      scheme === 'https'
        ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handle)
        : createHttpServer(handle)
  }

  async listen(): Promise<this> {
    await new Promise<void>((done) => this.#server.listen(0, '127.0.0.1', done))
    this.#port = (this.#server.address() as AddressInfo).port
    servers.push(this)
    return this
  }

  /** `https://127.0.0.1:port` followed by `path`. */
  url(path = '', host = '127.0.0.1'): string {
    return `${this.#scheme}://${host}:${this.#port}${path}`
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0
  }

  json(path: string, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    this.routes.set(path, (_req, res) => res.writeHead(200, headers).end(text))
  }

  /** Serves discovery for `issuer` (path-prefixed by `prefix`) and a JWKS of `keys`. */
  metadata(
    keys: unknown[],
    options: { prefix?: string; discoveryHeaders?: Record<string, string> } = {},
    jwksHeaders: Record<string, string> = {},
  ): string {
    const prefix = options.prefix ?? ''
    const issuer = this.url(prefix)
    this.json(
      `${prefix}/.well-known/openid-configuration`,
      { issuer, jwks_uri: this.url(`${prefix}/jwks`) },
      options.discoveryHeaders,
    )
    this.json(
      `${prefix}/jwks`,
      { keys },
      { 'content-type': 'application/octet-stream', ...jwksHeaders },
    )
    return issuer
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise((done) => this.#server.close(done))
  }
}

const DISCOVERY = '/.well-known/openid-configuration'
const START_MS = Date.UTC(2025, 0, 1)
const servers: TestIssuer[] = []
let dir: string
let tls: LocalTls
let agent: Agent

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
const keyA = rsa()
const keyB = rsa()
const keyC = rsa()
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
const weakKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey

/** The public JWK of `key` with `kid` and the usual `use` and `alg`, overridable by `extra`. */
function jwk(key: KeyObject, kid: string | undefined, extra: Record<string, unknown> = {}) {
  const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256'
  return { ...key.export({ format: 'jwk' }), kid, use: 'sig', alg, ...extra }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-issuer-keys-'))
  tls = await ensureLocalTls(dir, ['localhost'])
  agent = new Agent({ connect: { ca: tls.caPem } })
})

after(async () => {
  await Promise.all(servers.map((s) => s.stop()))
  await agent.close()
  await rm(dir, { recursive: true, force: true })
})

const start = (scheme: 'https' | 'http' = 'https') => new TestIssuer(scheme).listen()

function cacheWith(options: Partial<IssuerKeyCacheOptions> = {}) {
  const clock = new ManualClock(START_MS)
  const events: IssuerKeyEvent[] = []
  const cache = new IssuerKeyCache({
    clock,
    dispatcher: agent,
    onEvent: (event) => events.push(event),
    ...options,
  })
  const outcomes = () => events.map((e) => `${e.kind} ${e.outcome}`)
  return { cache, clock, events, outcomes }
}

/** Asserts an IssuerMetadataError of `kind` whose private detail matches `detail`. */
async function rejects(
  promise: Promise<unknown>,
  kind: IssuerMetadataError['kind'],
  detail: RegExp,
): Promise<IssuerMetadataError> {
  const error = await promise.then(
    () => assert.fail(`expected ${kind}`),
    (e: unknown) => e,
  )
  assert.ok(error instanceof IssuerMetadataError, String(error))
  assert.equal(error.kind, kind, error.detail)
  assert.match(error.detail, detail)
  assert.ok(!error.message.includes(error.detail), 'the detail stays out of the message')
  assert.doesNotMatch(error.message, /127\.0\.0\.1/)
  return error
}

test('STS-90, ISS-5: discovery is built from the issuer minus one trailing slash; the kid selects one key', async () => {
  const server = await start()
  const issuer = `${server.metadata([jwk(keyA, 'a'), jwk(keyB, 'b')], { prefix: '/tenant' })}/`
  server.json(`/tenant${DISCOVERY}`, { issuer, jwks_uri: server.url('/tenant/jwks') })
  const { cache, outcomes } = cacheWith()
  const keys = await cache.keyFor(issuer, 'b')
  assert.equal(keys.length, 1)
  assert.ok(keys[0]?.equals(keyB))
  assert.equal(keys[0]?.type, 'public')
  assert.equal(server.hitsOf(`/tenant${DISCOVERY}`), 1)
  assert.equal(server.hitsOf('/tenant/jwks'), 1)
  assert.deepEqual(outcomes(), ['discovery fetched', 'jwks fetched'])
})

test('STS-81: without a kid every usable key is returned, in document order', async () => {
  const server = await start()
  const issuer = server.metadata([
    jwk(keyA, 'a'),
    jwk(keyB, undefined),
    { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' },
    jwk(keyC, 'c'),
  ])
  const { cache } = cacheWith()
  const keys = await cache.keyFor(issuer, undefined)
  assert.deepEqual(
    keys.map((k) => [keyA, keyB, keyC].findIndex((want) => want.equals(k))),
    [0, 1, 2],
  )
})

test('STS-99: 500 simultaneous first requests share one discovery and one JWKS fetch', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache } = cacheWith()
  const all = await Promise.all(Array.from({ length: 500 }, () => cache.keyFor(issuer, 'a')))
  assert.ok(all.every((keys) => keys.length === 1 && keys[0]?.equals(keyA)))
  assert.equal(server.hitsOf(DISCOVERY), 1)
  assert.equal(server.hitsOf('/jwks'), 1)
})

test('STS-97: without max-age both documents are cached for 3600 s, then refetched', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache, clock, outcomes } = cacheWith()
  await cache.keyFor(issuer, 'a')
  clock.advanceSeconds(3599)
  await cache.keyFor(issuer, 'a')
  assert.equal(server.hitsOf(DISCOVERY), 1)
  assert.equal(server.hitsOf('/jwks'), 1)
  clock.advanceSeconds(1)
  await cache.keyFor(issuer, 'a')
  assert.equal(server.hitsOf(DISCOVERY), 2)
  assert.equal(server.hitsOf('/jwks'), 2)
  assert.deepEqual(outcomes(), [
    'discovery fetched',
    'jwks fetched',
    'jwks cache-hit',
    'discovery fetched',
    'jwks fetched',
  ])
})

test('STS-97: the cache is per exact issuer string', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache } = cacheWith()
  await cache.keyFor(issuer, 'a')
  // The same server under another issuer string is another issuer, and its discovery must name it.
  await rejects(cache.keyFor(`${issuer}/`, 'a'), 'unreachable', /discovery names issuer/)
  assert.equal(server.hitsOf(DISCOVERY), 2)
})

test('STS-97: max-age below 300 s counts as 300 s, and only the JWKS is refetched', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')], {}, { 'cache-control': 'public, max-age=5' })
  const { cache, clock } = cacheWith()
  await cache.keyFor(issuer, 'a')
  clock.advanceSeconds(299)
  await cache.keyFor(issuer, 'a')
  assert.equal(server.hitsOf('/jwks'), 1)
  clock.advanceSeconds(1)
  await cache.keyFor(issuer, 'a')
  assert.equal(server.hitsOf('/jwks'), 2)
  assert.equal(server.hitsOf(DISCOVERY), 1, 'discovery keeps its own 3600 s TTL')
})

test('STS-97: max-age above 86400 s counts as 86400 s', async () => {
  const server = await start()
  const long = { 'cache-control': 'max-age=999999' }
  const issuer = server.metadata([jwk(keyA, 'a')], { discoveryHeaders: long }, long)
  const { cache, clock } = cacheWith()
  await cache.keyFor(issuer, 'a')
  clock.advanceSeconds(86_399)
  await cache.keyFor(issuer, 'a')
  assert.equal(server.hitsOf('/jwks'), 1)
  clock.advanceSeconds(1)
  await cache.keyFor(issuer, 'a')
  assert.equal(server.hitsOf('/jwks'), 2)
  assert.equal(server.hitsOf(DISCOVERY), 2)
})

test('STS-98, row 22: an unknown kid refetches the JWKS at most once per 60 s', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache, clock, outcomes } = cacheWith()
  await rejects(cache.keyFor(issuer, 'x'), 'kid-not-found', /kid "x" is not among the 1 keys/)
  assert.equal(server.hitsOf('/jwks'), 1, 'a JWKS fetched just now is not fetched again')
  clock.advanceSeconds(60)
  await rejects(cache.keyFor(issuer, 'x'), 'kid-not-found', /"x"/)
  assert.equal(server.hitsOf('/jwks'), 2)
  clock.advanceSeconds(59)
  await rejects(cache.keyFor(issuer, 'y'), 'kid-not-found', /"y"/)
  assert.equal(server.hitsOf('/jwks'), 2, 'a second unknown kid within the cooldown')
  clock.advanceSeconds(1)
  await rejects(cache.keyFor(issuer, 'y'), 'kid-not-found', /"y"/)
  assert.equal(server.hitsOf('/jwks'), 3)
  assert.equal(server.hitsOf(DISCOVERY), 1)
  assert.deepEqual(outcomes().slice(2, 5), ['jwks cache-hit', 'jwks refetch-kid', 'jwks fetched'])
})

test('STS-98, STS-99: simultaneous lookups of an unknown kid share one refetch', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache, clock } = cacheWith()
  await cache.keyFor(issuer, 'a')
  clock.advanceSeconds(61)
  const lookups = Array.from({ length: 50 }, () => cache.keyFor(issuer, 'x'))
  await Promise.all(lookups.map((p) => rejects(p, 'kid-not-found', /"x"/)))
  assert.equal(server.hitsOf('/jwks'), 2)
})

test('STS-98: a key rotated in on the server is found by the refetch its kid triggers', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache, clock } = cacheWith()
  await cache.keyFor(issuer, 'a')
  clock.advanceSeconds(61)
  server.metadata([jwk(keyA, 'a'), jwk(keyB, 'b')])
  const keys = await cache.keyFor(issuer, 'b')
  assert.ok(keys[0]?.equals(keyB))
  assert.ok((await cache.keyFor(issuer, 'a'))[0]?.equals(keyA))
  assert.equal(server.hitsOf('/jwks'), 2)
  assert.equal(server.hitsOf(DISCOVERY), 1)
})

test('STS-100: with the server gone the last JWKS serves until 24 h past its TTL', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache, clock, outcomes } = cacheWith()
  await cache.keyFor(issuer, 'a')
  await server.stop()
  clock.advanceSeconds(3600)
  assert.ok((await cache.keyFor(issuer, 'a'))[0]?.equals(keyA))
  assert.deepEqual(outcomes().slice(2), ['discovery failed', 'jwks stale'])
  clock.advanceSeconds(29)
  await cache.keyFor(issuer, 'a')
  assert.deepEqual(outcomes().slice(4), ['jwks stale'], 'a failure is remembered for 30 s')
  clock.advanceSeconds(86_400 - 29 - 1)
  await cache.keyFor(issuer, 'a')
  assert.deepEqual(outcomes().slice(5), ['discovery failed', 'jwks stale'])
  clock.advanceSeconds(1)
  await rejects(cache.keyFor(issuer, 'a'), 'unreachable', /cannot fetch .*ECONNREFUSED/)
})

test('STS-100: a failure without a cached copy is remembered for 30 s', async () => {
  const server = await start()
  server.routes.set(DISCOVERY, (_req, res) => res.writeHead(500).end())
  const { cache, clock } = cacheWith()
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /answered 500/)
  clock.advanceSeconds(29)
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /answered 500/)
  assert.equal(server.hitsOf(DISCOVERY), 1)
  clock.advanceSeconds(1)
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /answered 500/)
  assert.equal(server.hitsOf(DISCOVERY), 2)
})

test('STS-95, row 19: discovery naming another issuer is refused before the JWKS is fetched', async () => {
  const server = await start()
  server.metadata([jwk(keyA, 'a')])
  server.json(DISCOVERY, { issuer: `${server.url()}/`, jwks_uri: server.url('/jwks') })
  const { cache } = cacheWith()
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /discovery names issuer "https:/)
  assert.equal(server.hitsOf('/jwks'), 0)
})

test('STS-91, STS-95, row 19: an http or missing jwks_uri is refused', async () => {
  const server = await start()
  const { cache } = cacheWith({ failureCacheSeconds: 0 })
  server.json(DISCOVERY, {
    issuer: server.url(),
    jwks_uri: server.url('/jwks').replace('https', 'http'),
  })
  await rejects(
    cache.keyFor(server.url(), 'a'),
    'unreachable',
    /jwks_uri: http:.* is not an https URL/,
  )
  server.json(DISCOVERY, { issuer: server.url() })
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /no string jwks_uri/)
  assert.equal(server.hitsOf('/jwks'), 0)
})

test('STS-91: http is refused, except for a loopback host when allowed', async () => {
  const server = await start('http')
  const issuer = server.metadata([jwk(keyA, 'a')])
  await rejects(cacheWith().cache.keyFor(issuer, 'a'), 'unreachable', /is not an https URL/)
  assert.equal(server.hitsOf(DISCOVERY), 0)
  // Without a dispatcher the cache uses, and closes, a connection pool of its own, which refuses
  // loopback unless allow-listed (STS-101).
  const { cache } = cacheWith({
    allowHttpLoopback: true,
    dispatcher: undefined,
    issuerAllowList: ['127.0.0.1'],
  })
  assert.ok((await cache.keyFor(issuer, 'a'))[0]?.equals(keyA))
  await cache.close()
})

test('STS-101: its own pool refuses a loopback issuer, by address or by name, before connecting', async () => {
  const server = await start()
  const byAddress = server.metadata([jwk(keyA, 'a')])
  const named = server.url('/named', 'localhost')
  server.json('/named/.well-known/openid-configuration', {
    issuer: named,
    jwks_uri: server.url('/named/jwks', 'localhost'),
  })
  server.json('/named/jwks', { keys: [jwk(keyA, 'a')] })
  const strict = cacheWith({ dispatcher: undefined, extraCa: tls.caPem }).cache
  const refused = await rejects(
    strict.keyFor(byAddress, 'a'),
    'unreachable',
    /^issuer host 127\.0\.0\.1 resolves to a loopback address 127\.0\.0\.1; allow-list it in sts\.issuerAllowList$/,
  )
  assert.equal(
    refused.publicHint,
    'The issuer host resolves to a loopback address, which is refused unless an operator allow-lists it in sts.issuerAllowList.',
  )
  // A name goes through the lookup, which screens what it resolved to.
  await rejects(
    strict.keyFor(named, 'a'),
    'unreachable',
    /^issuer host localhost resolves to a loopback address (127\.0\.0\.1|::1); allow-list/,
  )
  assert.equal([...server.hits.values()].length, 0, 'nothing reached the server')
  await strict.close()

  const allowed = cacheWith({
    dispatcher: undefined,
    extraCa: tls.caPem,
    issuerAllowList: ['localhost'],
  }).cache
  assert.ok((await allowed.keyFor(named, 'a'))[0]?.equals(keyA))
  await rejects(
    allowed.keyFor(byAddress, 'a'),
    'unreachable',
    /127\.0\.0\.1 resolves to a loopback/,
  )
  await allowed.close()
})

test('STS-92: up to 3 same-host redirects are followed, a 4th is refused', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const moved =
    (to: string): Handler =>
    (_req, res) =>
      res.writeHead(302, { location: to }).end()
  server.routes.set('/jwks', moved('/r1'))
  server.routes.set('/r1', moved(server.url('/r2')))
  server.routes.set('/r2', moved('r3'))
  server.json('/r3', { keys: [jwk(keyA, 'a')] })
  assert.ok((await cacheWith().cache.keyFor(issuer, 'a'))[0]?.equals(keyA))
  server.routes.set('/r3', moved('/r4'))
  await rejects(cacheWith().cache.keyFor(issuer, 'a'), 'unreachable', /more than 3 redirects/)
  assert.equal(server.hitsOf('/r4'), 0)
})

test('STS-92: a redirect to another host is refused, even to localhost from 127.0.0.1', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  server.json('/elsewhere', { issuer, jwks_uri: server.url('/jwks') })
  server.routes.set(DISCOVERY, (_req, res) =>
    res.writeHead(301, { location: server.url('/elsewhere', 'localhost') }).end(),
  )
  const { cache } = cacheWith()
  await rejects(
    cache.keyFor(issuer, 'a'),
    'unreachable',
    /redirect from 127\.0\.0\.1:\d+ to another host localhost:\d+/,
  )
  assert.equal(server.hitsOf('/elsewhere'), 0)
})

test('STS-92: a redirect from https to http is refused, even where http is allowed', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  server.routes.set(DISCOVERY, (_req, res) =>
    res.writeHead(307, { location: server.url('/elsewhere').replace('https', 'http') }).end(),
  )
  const { cache } = cacheWith({ allowHttpLoopback: true })
  await rejects(cache.keyFor(issuer, 'a'), 'unreachable', /redirect from https to http/)
})

test('STS-93: a JWKS over 512 KiB is refused, with or without a Content-Length', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const padding = 'x'.repeat(512 * 1024)
  server.json('/jwks', { keys: [jwk(keyA, 'a', { padding })] })
  const { cache } = cacheWith({ failureCacheSeconds: 0 })
  await rejects(cache.keyFor(issuer, 'a'), 'unreachable', /larger than 524288 bytes/)
  server.routes.set('/jwks', (_req, res) => {
    res.writeHead(200)
    const chunk = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 9; i += 1) res.write(chunk)
    res.end()
  })
  await rejects(cache.keyFor(issuer, 'a'), 'unreachable', /larger than 524288 bytes/)
})

test('STS-93: a discovery document over the configured size is refused', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache } = cacheWith({ maxDiscoveryBytes: 50 })
  await rejects(cache.keyFor(issuer, 'a'), 'unreachable', /larger than 50 bytes/)
  assert.equal(server.hitsOf('/jwks'), 0)
})

test('STS-93: a server slower than the total timeout is unreachable', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  server.routes.set('/jwks', (_req, res) => {
    res.writeHead(200)
    res.write('{"keys":[')
  })
  const { cache } = cacheWith({ totalTimeoutMs: 200, failureCacheSeconds: 0 })
  await rejects(
    cache.keyFor(issuer, 'a'),
    'unreachable',
    /jwks did not answer completely within 200 ms/,
  )
  server.routes.set(DISCOVERY, () => undefined)
  await rejects(
    cacheWith({ totalTimeoutMs: 200 }).cache.keyFor(issuer, 'a'),
    'unreachable',
    /configuration did not answer completely/,
  )
})

test('STS-94, row 19: discovery that is not a 200 JSON object is unreachable', async () => {
  const server = await start()
  const { cache } = cacheWith({ failureCacheSeconds: 0 })
  server.json(DISCOVERY, '{"issuer":')
  await rejects(
    cache.keyFor(server.url(), 'a'),
    'unreachable',
    /discovery document is not valid JSON/,
  )
  server.json(DISCOVERY, [server.url()])
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /is not a JSON object/)
  server.routes.set(DISCOVERY, (_req, res) => res.writeHead(404).end())
  await rejects(cache.keyFor(server.url(), 'a'), 'unreachable', /answered 404/)
})

test('STS-96, row 20: a JWKS that is not JSON, or has no keys array, is unparseable', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(keyA, 'a')])
  const { cache } = cacheWith({ failureCacheSeconds: 0 })
  server.json('/jwks', '{"keys":[')
  await rejects(cache.keyFor(issuer, 'a'), 'unparseable', /JWKS is not valid JSON/)
  server.json('/jwks', { key: [] })
  await rejects(cache.keyFor(issuer, 'a'), 'unparseable', /no "keys" array/)
})

test('STS-96, row 20: a JWKS of HS256 oct keys only has no usable key', async () => {
  const server = await start()
  const issuer = server.metadata([
    { kty: 'oct', k: 'c2VjcmV0LW9uZQ', kid: 'a', alg: 'HS256' },
    { kty: 'oct', k: 'c2VjcmV0LXR3bw', kid: 'b', alg: 'HS256', use: 'sig' },
  ])
  const { cache } = cacheWith()
  const error = await rejects(
    cache.keyFor(issuer, 'a'),
    'unparseable',
    /no usable signing key among 2 JWKS entries \(allowed: RS256\)/,
  )
  assert.doesNotMatch(error.detail, /c2VjcmV0/, 'no key material in the detail')
})

test('STS-96: only the first 100 entries of the JWKS are used', async () => {
  const server = await start()
  const entries = Array.from({ length: 100 }, (_, i) => jwk(keyA, `k${i}`))
  const issuer = server.metadata([...entries, jwk(keyB, 'k100')])
  const { cache } = cacheWith()
  assert.equal((await cache.keyFor(issuer, undefined)).length, 100)
  assert.ok((await cache.keyFor(issuer, 'k99'))[0]?.equals(keyA))
  await rejects(cache.keyFor(issuer, 'k100'), 'kid-not-found', /"k100" is not among the 100 keys/)
})

const usability = [
  ['an RSA key with use "sig" and alg RS256', jwk(keyA, 'k'), true],
  ['an RSA key without use and alg', jwk(keyA, 'k', { use: undefined, alg: undefined }), true],
  ['an RSA key for encryption', jwk(keyA, 'k', { use: 'enc' }), false],
  ['an RSA key marked PS256', jwk(keyA, 'k', { alg: 'PS256' }), false],
  ['an RSA key of 1024 bits', jwk(weakKey, 'k'), false],
  ['an RSA key without e', jwk(keyA, 'k', { e: undefined }), false],
  ['an EC key while only RS256 is allowed', jwk(ecKey, 'k'), false],
  ['an RSA key whose kid is a number', jwk(keyA, 'k', { kid: 7 }), false],
] as const

for (const [name, entry, usable] of usability) {
  test(`STS-96: ${name} is ${usable ? 'usable' : 'not usable'}`, async () => {
    const server = await start()
    const issuer = server.metadata([entry, jwk(keyC, 'other')])
    const { cache } = cacheWith()
    assert.equal((await cache.keyFor(issuer, undefined)).length, usable ? 2 : 1)
  })
}

test('STS-96, row 21: an EC key is usable once ES256 is allowed', async () => {
  const server = await start()
  const issuer = server.metadata([jwk(ecKey, 'ec'), jwk(keyA, 'rsa')])
  const { cache } = cacheWith({ allowedAlgorithms: ['RS256', 'ES256'] })
  assert.ok((await cache.keyFor(issuer, 'ec'))[0]?.equals(ecKey))
})

test('STS-96: within a duplicated kid the first usable key wins; private members are ignored', async () => {
  const server = await start()
  const privateJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  })
  const issuer = server.metadata([
    jwk(keyB, 'dup', { use: 'enc' }),
    { ...privateJwk, kid: 'dup', use: 'sig', alg: 'RS256' },
    jwk(keyA, 'dup'),
  ])
  const { cache } = cacheWith()
  const [key] = await cache.keyFor(issuer, 'dup')
  assert.equal(key?.type, 'public')
  assert.equal(key?.export({ format: 'jwk' }).n, privateJwk.n)
  assert.equal((await cache.keyFor(issuer, undefined)).length, 1)
})

test('#9 item 1: across issuers, at most maxConcurrentFetches documents are fetched at once', async () => {
  const server = await start()
  const held: (() => void)[] = []
  const issuers = Array.from({ length: 6 }, (_, i) => {
    const path = `/t${i}${DISCOVERY}`
    const issuer = server.metadata([jwk(keyA, 'a')], { prefix: `/t${i}` })
    const serve = server.routes.get(path) as Handler
    server.routes.set(path, (req, res) => held.push(() => serve(req, res)))
    return issuer
  })
  const { cache } = cacheWith({ maxConcurrentFetches: 2 })
  const lookups = Promise.all(issuers.map((issuer) => cache.keyFor(issuer, 'a')))
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  let mostHeld = 0
  for (let served = 0; served < issuers.length;) {
    while (held.length < Math.min(2, issuers.length - served)) await pause(5)
    await pause(50) // time for a third request to arrive, were it allowed
    mostHeld = Math.max(mostHeld, held.length)
    const release = held.splice(0)
    for (const respond of release) respond()
    served += release.length
  }
  assert.equal((await lookups).length, 6)
  assert.equal(mostHeld, 2)
})
