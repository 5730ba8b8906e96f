// wifkit booted in process over real HTTPS for token-endpoint tests (sts.md §5–§10): the dev
// certificate, a SQLite directory filled through the store, external issuers on loopback, and a
// form poster that returns status, headers and the parsed JSON body.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Agent, fetch } from 'undici'
import { validateConfig } from '../../src/config/index.js'
import { ensureLocalTls, freePort, type LocalTls } from '../../src/dev/index.js'
import { createServer, type WifkitServer } from '../../src/index.js'
import type {
  ApplicationRecord,
  FederatedCredentialRecord,
  TenantRecord,
} from '../../src/store/index.js'
import { epochSeconds, ManualClock } from '../../src/util/index.js'
import { ExternalIssuer } from './external_issuer.js'

export { ExternalIssuer, rsaKey, DISCOVERY_PATH, JWKS_PATH } from './external_issuer.js'
export type { IssuerKey, AssertionClaims, AssertionSigning, RawHandler } from './external_issuer.js'

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** What @azure/identity sends, without a space (STS-31). */
export const FORM_TYPE = 'application/x-www-form-urlencoded;charset=utf-8'
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'

/** A token-endpoint answer: status, lower-case headers, raw text and the JSON body if any. */
export interface StsResponse {
  status: number
  headers: Record<string, string>
  text: string
  body: Record<string, unknown>
}

/** How to send one token request. */
export interface PostOptions {
  /** Query string members, e.g. `client-request-id`. */
  query?: Record<string, string>
  headers?: Record<string, string>
  /** Default {@link FORM_TYPE}. */
  contentType?: string
  method?: string
}

export interface HarnessOptions {
  /** Defaults to a `ManualClock` at the current whole second. */
  clock?: ManualClock
  /**
   * `sts` configuration overrides; `revealMatchDetails` stays false unless set (STS-83), and
   * `issuerAllowList` is `['localhost']`, where every {@link ExternalIssuer} listens (STS-101).
   */
  sts?: Record<string, unknown>
  /** The `storage` setting; default a fresh SQLite file. */
  storage?: string
  /** `cache` configuration overrides (issue #7). */
  cache?: Record<string, unknown>
  /** `limits` configuration overrides (issue #9). */
  limits?: Record<string, unknown>
  /** `rateLimit` configuration overrides (issue #9 item 2). */
  rateLimit?: Record<string, unknown>
}

/** A running wifkit, its dev TLS material and helpers to fill its directory. */
export class StsHarness {
  readonly server: WifkitServer
  readonly clock: ManualClock
  readonly tls: LocalTls
  /** The STS authority `A`: `https://localhost:<port>`. */
  readonly authority: string
  readonly #dir: string
  readonly #agent: Agent
  readonly #issuers: ExternalIssuer[] = []

  private constructor(
    server: WifkitServer,
    clock: ManualClock,
    tls: LocalTls,
    authority: string,
    dir: string,
  ) {
    this.server = server
    this.clock = clock
    this.tls = tls
    this.authority = authority
    this.#dir = dir
    // Hundreds of TLS handshakes at once (STS-99) can outlast undici's 10 s connect timeout on a
    // loaded machine; the tests bound their own waits.
    this.#agent = new Agent({ connect: { ca: tls.caPem, timeout: 60_000 } })
  }

  /** Boots wifkit with the dev certificate on 127.0.0.1 and a fresh SQLite database. */
  static async start(options: HarnessOptions = {}): Promise<StsHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'wifkit-sts-'))
    const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
    const port = await freePort('127.0.0.1')
    const authority = `https://localhost:${port}`
    const files = { cert: tls.certFile, key: tls.keyFile }
    const config = validateConfig(
      {
        storage: options.storage ?? `sqlite:${join(dir, 'db')}`,
        public: { listen: `127.0.0.1:${port}`, url: authority, tls: files },
        admin: { listen: '127.0.0.1:0', tls: files },
        keys: { kekFile: join(dir, 'kek') },
        sts: { issuerAllowList: ['localhost'], ...options.sts },
        ...(options.cache ? { cache: options.cache } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
      },
      {},
      dir,
    )
    const clock = options.clock ?? new ManualClock(Math.floor(Date.now() / 1000) * 1000)
    const server = await createServer({
      config,
      createKek: true,
      logger: pino({ level: 'silent' }),
      extraCa: tls.caPem,
      clock,
    })
    await server.listen()
    return new StsHarness(server, clock, tls, authority, dir)
  }

  get nowSeconds(): number {
    return epochSeconds(this.clock)
  }

  /** An external issuer with the dev certificate; stopped by {@link close}. */
  async startIssuer(): Promise<ExternalIssuer> {
    const issuer = await ExternalIssuer.start(this.tls, this.clock)
    this.#issuers.push(issuer)
    return issuer
  }

  async addTenant(domains: string[] = []): Promise<TenantRecord> {
    const tenant = { id: randomUUID(), displayName: 'test', domains, createdAt: this.nowSeconds }
    await this.server.store.directory.insertTenant(tenant)
    return tenant
  }

  /** An enabled application (client or resource) in `tenantId`. */
  async addApp(
    tenantId: string,
    fields: Partial<Omit<ApplicationRecord, 'tenantId'>> = {},
  ): Promise<ApplicationRecord> {
    const app: ApplicationRecord = {
      id: randomUUID(),
      tenantId,
      appId: randomUUID(),
      principalId: randomUUID(),
      kind: 'application',
      displayName: 'test app',
      enabled: true,
      identifierUris: [],
      appRoles: [],
      createdAt: this.nowSeconds,
      ...fields,
    }
    await this.server.store.directory.insertApplication(app)
    return app
  }

  async addFic(
    app: ApplicationRecord,
    fic: { issuer: string; subject: string; audience?: string; name?: string },
  ): Promise<FederatedCredentialRecord> {
    const record: FederatedCredentialRecord = {
      id: randomUUID(),
      applicationId: app.id,
      name: fic.name ?? `fic-${randomUUID().slice(0, 8)}`,
      issuer: fic.issuer,
      subject: fic.subject,
      audience: fic.audience ?? DEFAULT_AUDIENCE,
      description: null,
      createdAt: this.nowSeconds,
    }
    await this.server.store.directory.insertCredential(record)
    return record
  }

  async assignRole(client: ApplicationRecord, resource: ApplicationRecord, role: string) {
    await this.server.store.roleAssignments.insert({
      id: randomUUID(),
      tenantId: client.tenantId,
      principalId: client.principalId,
      resourceAppId: resource.appId,
      role,
      createdAt: this.nowSeconds,
    })
  }

  tokenUrl(tenant: string, query: Record<string, string> = {}): string {
    const search = new URLSearchParams(query).toString()
    return `${this.authority}/${tenant}/oauth2/v2.0/token${search === '' ? '' : `?${search}`}`
  }

  /** GET with the dev CA trusted, e.g. the STS JWKS. */
  async get(url: string): Promise<StsResponse> {
    return this.#answer(await fetch(url, { dispatcher: this.#agent }))
  }

  /** POSTs a form (an object, URLSearchParams or a raw string) to the tenant's token endpoint. */
  async post(
    tenant: string,
    form: Record<string, string> | URLSearchParams | string,
    options: PostOptions = {},
  ): Promise<StsResponse> {
    const body =
      typeof form === 'string'
        ? form
        : (form instanceof URLSearchParams ? form : new URLSearchParams(form)).toString()
    const method = options.method ?? 'POST'
    const response = await fetch(this.tokenUrl(tenant, options.query), {
      method,
      dispatcher: this.#agent,
      headers: { 'content-type': options.contentType ?? FORM_TYPE, ...options.headers },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    })
    return this.#answer(response)
  }

  /** A counter of the admin listener's `/metrics`, e.g. `wifkit_issuer_metadata_total`; 0 if unset. */
  async metric(name: string, labels: Record<string, string>): Promise<number> {
    const address = this.server.adminApp.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const { text } = await this.get(`https://localhost:${port}/metrics`)
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && wanted.every((label) => l.includes(label)))
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
  }

  async close(): Promise<void> {
    await Promise.all(this.#issuers.map((issuer) => issuer.stop()))
    await this.server.close()
    await this.#agent.close()
    await rm(this.#dir, { recursive: true, force: true })
  }

  async #answer(response: Awaited<ReturnType<typeof fetch>>): Promise<StsResponse> {
    const text = await response.text()
    let body: Record<string, unknown> = {}
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      // not JSON: the assertions on `body` fail with the text in their message
    }
    const headers = Object.fromEntries(response.headers)
    return { status: response.status, headers, text, body }
  }
}

/** Grant A (sts.md §5.2) for `client_id` and one resource, with a client assertion. */
export function clientCredentialsForm(
  clientId: string,
  resource: string,
  assertion: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    client_id: clientId,
    scope: `${resource}/.default`,
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...extra,
  }
}

/** Grant B (sts.md §5.3): RFC 8693 token exchange with `subject_token`. */
export function tokenExchangeForm(
  clientId: string,
  resource: string,
  subjectToken: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    client_id: clientId,
    scope: `${resource}/.default`,
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: JWT_TOKEN_TYPE,
    ...extra,
  }
}
