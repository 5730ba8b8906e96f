// A scripted token service on loopback HTTPS, for the answers wifkit's STS never gives (429, 503,
// plain-text bodies, malformed discovery documents): each token POST takes the next scripted answer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import { ensureLocalTls, type LocalTls } from '../../../src/dev/index.js'
import type { FetchFunction } from '../../../src/sdk/index.js'

export const TENANT = '0b5e9a8c-1d2f-4e3a-9b8c-7d6e5f4a3b2c'
export const CLIENT = '4f3e2d1c-0b9a-4876-a543-210fedcba987'

/** One scripted answer; a function sees when the previous POST arrived (0 for the first). */
export interface Scripted {
  status: number
  headers?: Record<string, string>
  body: unknown
}
type Script = Scripted | ((previousPostAtMs: number) => Scripted)

/** What a token POST carried. */
export interface StubPost {
  path: string
  query: URLSearchParams
  form: URLSearchParams
  atMs: number
}

export class StsStub {
  /** The discovery document; `{origin}` in strings becomes the stub's origin. */
  discovery: unknown = {
    issuer: `{origin}/${TENANT}/v2.0`,
    authorization_endpoint: `{origin}/${TENANT}/oauth2/v2.0/authorize`,
    token_endpoint: `{origin}/${TENANT}/oauth2/v2.0/token`,
    jwks_uri: `{origin}/${TENANT}/discovery/v2.0/keys`,
  }
  discoveryStatus = 200
  readonly script: Script[] = []
  readonly posts: StubPost[] = []
  readonly discoveries: string[] = []
  readonly tokenFile: string
  readonly #dir: string
  readonly #server: Server
  readonly #agent: Agent

  private constructor(dir: string, tls: LocalTls) {
    this.#dir = dir
    this.#agent = new Agent({ connect: { ca: tls.caPem } })
    this.#server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      void this.#handle(req, res)
    })
    this.tokenFile = join(dir, 'token')
  }

  static async start(): Promise<StsStub> {
    const dir = await mkdtemp(join(tmpdir(), 'wifkit-sdk-stub-'))
    const stub = new StsStub(dir, await ensureLocalTls(join(dir, 'tls'), ['localhost']))
    await new Promise<void>((done) => stub.#server.listen(0, '127.0.0.1', done))
    await writeFile(stub.tokenFile, 'header.payload.signature')
    return stub
  }

  get origin(): string {
    return `https://localhost:${(this.#server.address() as AddressInfo).port}`
  }

  /** Options for a credential of {@link CLIENT} in {@link TENANT} at this stub. */
  options(now: () => number = Date.now) {
    const fetch: FetchFunction = (url, init) =>
      undiciFetch(url, {
        ...(init as object),
        dispatcher: this.#agent,
      }) as unknown as Promise<Response>
    return {
      clientId: CLIENT,
      tenantId: TENANT,
      tokenFilePath: this.tokenFile,
      authorityHost: this.origin,
      fetch,
      now,
    }
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise((done) => this.#server.close(done))
    await this.#agent.close()
    await rm(this.#dir, { recursive: true, force: true })
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin)
    const send = ({ status, headers, body }: Scripted) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text)
    }
    if (req.method === 'GET') {
      this.discoveries.push(url.pathname)
      const body = JSON.stringify(this.discovery).replaceAll('{origin}', this.origin)
      return send({ status: this.discoveryStatus, body })
    }
    let text = ''
    for await (const chunk of req) text += String(chunk)
    const previous = this.posts.at(-1)?.atMs ?? 0
    this.posts.push({
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(text),
      atMs: Date.now(),
    })
    const next = this.script.shift() ?? { status: 500, body: 'script exhausted' }
    send(typeof next === 'function' ? next(previous) : next)
  }
}

/** A success body (sts.md §10). */
export function success(extra: Record<string, unknown> = {}): Scripted {
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: 3600, access_token: 'at', ...extra },
  }
}
