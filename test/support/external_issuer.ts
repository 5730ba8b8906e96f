// A stand-in for a third-party OIDC issuer (a Kubernetes cluster, GitHub, …) that the STS trusts
// through a federated identity credential: real HTTPS on 127.0.0.1 with the dev certificate, its
// own RSA keys, per-path request counters, and switches to stop, restart, rotate and misbehave.
import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { SignJWT, type JWK, type JWTPayload } from 'jose'
import type { LocalTls } from '../../src/dev/index.js'
import type { Clock } from '../../src/util/index.js'

const generateKeyPairAsync = promisify(generateKeyPair)

/** One signing key of the issuer. */
export interface IssuerKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** The public JWK as the JWKS publishes it. */
  jwk: JWK
}

/** A crafted answer for one path, replacing the issuer's normal documents. */
export interface CraftedResponse {
  status?: number
  headers?: Record<string, string>
  body: unknown
}

/** Answers one request by hand: stall, trickle, stream without end or reset the connection. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void

/** Claims of a minted assertion; unset time claims default to a 10-minute token issued now. */
export interface AssertionClaims extends JWTPayload {
  sub?: string
  aud?: string | string[]
}

/** How to sign a minted assertion. */
export interface AssertionSigning {
  /** Default: the issuer's first key. */
  key?: IssuerKey
  /** The header `kid`; `null` leaves it out. Default: `key.kid`. */
  kid?: string | null
  /** Default RS256. */
  alg?: string
  /** Extra protected-header parameters (`jku`, `x5u`, `jwk`, …). */
  header?: Record<string, unknown>
  /** Signs with this HMAC secret instead of the key, to forge `HS*` tokens. */
  secret?: Uint8Array
}

export const DISCOVERY_PATH = '/.well-known/openid-configuration'
export const JWKS_PATH = '/jwks'

/** An RSA key pair with a random kid; 2048 bits unless told otherwise. */
export async function rsaKey(modulusLength = 2048): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength })
  const kid = randomUUID()
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, use: 'sig', alg: 'RS256' }
  return { kid, privateKey, publicKey, jwk }
}

// RSA key generation takes up to a few hundred milliseconds; issuers start with one shared key,
// since the STS caches keys per issuer string and no test relies on two issuers' keys differing.
let firstKey: Promise<IssuerKey> | undefined

/**
 * The external issuer. Its issuer string is `https://localhost:<port>`; discovery names it and a
 * JWKS at `/jwks`. Every request is counted by path, so tests can prove that nothing (or exactly
 * one thing) was fetched (STS-90, STS-98, STS-99).
 */
export class ExternalIssuer {
  /** Requests per path (query included), crafted and unknown paths too. */
  readonly hits = new Map<string, number>()
  /** The keys the JWKS publishes, in order; `sign` uses the first unless told otherwise. */
  keys: IssuerKey[] = []
  /** `Cache-Control` of both documents; none by default (TTL 3600 s, STS-97). */
  cacheControl: string | undefined
  /** Delay before answering any request, to hold a fetch in flight (STS-99). */
  delayMs = 0
  readonly #crafted = new Map<string, CraftedResponse>()
  readonly #raw = new Map<string, RawHandler>()
  readonly #clock: Clock
  readonly #server: Server
  #port = 0

  private constructor(tls: LocalTls, clock: Clock) {
    this.#clock = clock
    this.#server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      void this.#handle(req, res)
    })
  }

  /** Listens on 127.0.0.1, port 0, with one RSA-2048 key (the same for every issuer). */
  static async start(tls: LocalTls, clock: Clock): Promise<ExternalIssuer> {
    const issuer = new ExternalIssuer(tls, clock)
    firstKey ??= rsaKey()
    issuer.keys = [await firstKey]
    await issuer.#listen(0)
    return issuer
  }

  /** The issuer string: the value of `iss` and of the FIC's `issuer`. */
  get url(): string {
    return `https://localhost:${this.#port}`
  }

  get key(): IssuerKey {
    const key = this.keys[0]
    if (key === undefined) throw new TypeError('the issuer has no key')
    return key
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0
  }

  get discoveryHits(): number {
    return this.hitsOf(DISCOVERY_PATH)
  }

  get jwksHits(): number {
    return this.hitsOf(JWKS_PATH)
  }

  /** Requests of any path. */
  get totalHits(): number {
    return [...this.hits.values()].reduce((sum, n) => sum + n, 0)
  }

  /** Serves `response` at `path` instead of the normal document (or at a new path). */
  craft(path: string, response: CraftedResponse): void {
    this.#crafted.set(path, response)
  }

  /** Hands every request for `path` to `handler` instead of answering it (issue #9 item 7). */
  intercept(path: string, handler: RawHandler | undefined): void {
    if (handler === undefined) this.#raw.delete(path)
    else this.#raw.set(path, handler)
  }

  /** Publishes a new first key (the signing key) and keeps the old ones. */
  async rotate(): Promise<IssuerKey> {
    const key = await rsaKey()
    this.keys = [key, ...this.keys]
    return key
  }

  /** Closes the listener and every open connection, so fetches are refused. */
  async stop(): Promise<void> {
    if (!this.#server.listening) return
    const closed = new Promise<void>((done) => this.#server.close(() => done()))
    this.#server.closeAllConnections()
    await closed
  }

  /** Listens again on the same port, so the issuer string stays the same. */
  async restart(): Promise<void> {
    await this.#listen(this.#port)
  }

  /** Mints an assertion of this issuer: `iss` is its URL, times follow the clock. */
  async sign(claims: AssertionClaims, signing: AssertionSigning = {}): Promise<string> {
    const key = signing.key ?? this.key
    const now = Math.floor(this.#clock.nowMs() / 1000)
    const kid = signing.kid === undefined ? key.kid : signing.kid
    const header = {
      alg: signing.alg ?? 'RS256',
      typ: 'JWT',
      ...(kid === null ? {} : { kid }),
      ...signing.header,
    }
    return new SignJWT({ iss: this.url, iat: now, exp: now + 600, ...claims })
      .setProtectedHeader(header)
      .sign(signing.secret ?? key.privateKey)
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((done, fail) => {
      this.#server.once('error', fail)
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', fail)
        done()
      })
    })
    this.#port = (this.#server.address() as AddressInfo).port
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? ''
    this.hits.set(path, this.hitsOf(path) + 1)
    if (this.delayMs > 0) await new Promise((done) => setTimeout(done, this.delayMs))
    const raw = this.#raw.get(path)
    if (raw) return raw(req, res)
    const crafted = this.#crafted.get(path)
    const cache: Record<string, string> =
      this.cacheControl === undefined ? {} : { 'cache-control': this.cacheControl }
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text)
    }
    if (crafted) send(crafted.status ?? 200, crafted.body, crafted.headers)
    else if (path === DISCOVERY_PATH) {
      send(200, { issuer: this.url, jwks_uri: `${this.url}${JWKS_PATH}` }, cache)
    } else if (path === JWKS_PATH) send(200, { keys: this.keys.map((k) => k.jwk) }, cache)
    else send(404, { error: 'not_found' })
  }
}
