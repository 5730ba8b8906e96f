// wifkit booted in process for raw-HTTP vault tests (keyvault.md): the dev certificate (which
// names *.vault.localhost), a SQLite database, a manual clock, and one HTTPS agent that sends every
// *.localhost name to 127.0.0.1, since the system resolver need not know `demo.vault.localhost`.
// The directory is filled only through the admin API, and access tokens come from our own STS for
// assertions minted by our own issuer, as a workload gets them: nothing here signs a token.
import assert from 'node:assert/strict'
import type { LookupAddress } from 'node:dns'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Agent, fetch } from 'undici'
import { issueBootstrapToken } from '../../../src/admin/index.js'
import { validateConfig } from '../../../src/config/index.js'
import { ensureLocalTls, freePort, type LocalTls } from '../../../src/dev/index.js'
import { createServer, type WifkitServer } from '../../../src/index.js'
import { ManualClock } from '../../../src/util/index.js'

export const API_VERSION = '7.5'
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'
export const SECRETS_USER = 'Key Vault Secrets User'
export const SECRETS_OFFICER = 'Key Vault Secrets Officer'
export const VAULT_ADMINISTRATOR = 'Key Vault Administrator'
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** One HTTP answer: status, headers, raw text and the parsed JSON body (undefined if none). */
export interface Answer {
  status: number
  headers: Headers
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** How to send one request. */
export interface CallOptions {
  /** A bearer token; `authorization` wins when both are given. */
  token?: string
  authorization?: string
  /** An object is sent as JSON; a string is sent verbatim. */
  body?: unknown
  headers?: Record<string, string>
  /** A Host header other than the URL's, byte for byte (fetch would normalise it). */
  host?: string
}

/** A workload of a tenant: an application federated with the `dev` issuer for one account. */
export interface Workload {
  tenantId: string
  appId: string
  serviceAccount: string
}

type Lookup = (
  hostname: string,
  options: { all?: boolean },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void

/** RFC 6761 §6.3: *.localhost is loopback; the server listens on 127.0.0.1 only. */
const loopback: Lookup = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
  else callback(null, '127.0.0.1', 4)
}

export interface VaultHarnessOptions {
  /** `vaults` configuration besides `resource`. */
  vaults?: Record<string, unknown>
}

/** A running wifkit serving vaults at `https://{name}.vault.localhost:{port}`. */
export class VaultHarness {
  readonly server: WifkitServer
  readonly clock: ManualClock
  readonly tls: LocalTls
  /** The public origin and STS authority, `https://localhost:{port}`. */
  readonly publicUrl: string
  /** The vault resource id, `https://vault.localhost:{port}` (KV-2). */
  readonly resource: string
  readonly adminUrl: string
  readonly adminToken: string
  readonly port: number
  /** The issuer whose tokens every workload federates with. */
  readonly issuerUrl: string
  readonly #dir: string
  readonly #agent: Agent
  #tenants = 0
  #stopped: Promise<void> | undefined

  private constructor(fields: {
    server: WifkitServer
    clock: ManualClock
    tls: LocalTls
    port: number
    adminPort: number
    adminToken: string
    dir: string
  }) {
    this.server = fields.server
    this.clock = fields.clock
    this.tls = fields.tls
    this.port = fields.port
    this.publicUrl = `https://localhost:${fields.port}`
    this.resource = `https://vault.localhost:${fields.port}`
    this.adminUrl = `https://localhost:${fields.adminPort}`
    this.adminToken = fields.adminToken
    this.issuerUrl = `${this.publicUrl}/issuers/dev`
    this.#dir = fields.dir
    this.#agent = new Agent({ connect: { ca: fields.tls.caPem, lookup: loopback } })
  }

  static async start(options: VaultHarnessOptions = {}): Promise<VaultHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'wifkit-vault-http-'))
    const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
    const port = await freePort('127.0.0.1')
    const files = { cert: tls.certFile, key: tls.keyFile }
    const config = validateConfig(
      {
        storage: `sqlite:${join(dir, 'db')}`,
        public: { listen: `127.0.0.1:${port}`, url: `https://localhost:${port}`, tls: files },
        admin: { listen: '127.0.0.1:0', tls: files },
        keys: { kekFile: join(dir, 'kek') },
        vaults: { resource: `https://vault.localhost:${port}`, ...options.vaults },
      },
      {},
      dir,
    )
    const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
    const server = await createServer({
      config,
      createKek: true,
      logger: pino({ level: 'silent' }),
      extraCa: tls.caPem,
      clock,
    })
    const adminToken = await issueBootstrapToken(server.store, clock, 'vault http e2e')
    const { adminPort } = await server.listen()
    const h = new VaultHarness({ server, clock, tls, port, adminPort, adminToken, dir })
    const issuer = await h.admin('POST', '/admin/v1/issuers', { name: 'dev', url: h.issuerUrl })
    expectStatus(issuer, 201, 'create the dev issuer')
    return h
  }

  /** The SQLite database file, for reading what the server wrote once it has closed. */
  get databaseFile(): string {
    return join(this.#dir, 'db')
  }

  /** `https://{name}.vault.localhost:{port}`. */
  vaultUrl(name: string): string {
    return `https://${name}.vault.localhost:${this.port}`
  }

  /** KV-11…KV-14, written out here rather than taken from the code under test. */
  challenge(tenantId: string): string {
    return `Bearer authorization="${this.publicUrl}/${tenantId}", resource="${this.resource}"`
  }

  /** Any request through the loopback agent, with the dev CA trusted. */
  async call(method: string, url: string, options: CallOptions = {}): Promise<Answer> {
    const authorization =
      options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`)
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body)
    const headers = {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    }
    if (options.host !== undefined) {
      const { origin, pathname, search } = new URL(url)
      const raw = await this.#agent.request({
        origin,
        path: `${pathname}${search}`,
        method: method as 'GET',
        headers: { ...headers, host: options.host },
        ...(body === undefined ? {} : { body }),
      })
      const rawHeaders = new Headers()
      for (const [name, value] of Object.entries(raw.headers)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (v !== undefined) rawHeaders.append(name, v)
        }
      }
      return answer(raw.statusCode, rawHeaders, await raw.body.text())
    }
    const response = await fetch(url, {
      method,
      dispatcher: this.#agent,
      headers,
      ...(body === undefined ? {} : { body }),
    })
    return answer(response.status, response.headers as Headers, await response.text())
  }

  /** A vault request: `path` includes the query, e.g. `/secrets?api-version=7.5`. */
  vault(method: string, vaultName: string, path: string, options: CallOptions = {}) {
    return this.call(method, `${this.vaultUrl(vaultName)}${path}`, options)
  }

  /** An admin API request with the bootstrap token unless told otherwise. */
  admin(method: string, path: string, body?: unknown, options: CallOptions = {}) {
    return this.call(method, `${this.adminUrl}${path}`, {
      token: this.adminToken,
      ...(body === undefined ? {} : { body }),
      ...options,
    })
  }

  /** A new tenant (IF-35). */
  async createTenant(): Promise<string> {
    const n = ++this.#tenants
    const created = await this.admin('POST', '/admin/v1/tenants', { displayName: `vault t${n}` })
    expectStatus(created, 201, 'create a tenant')
    return created.body.id as string
  }

  /** A vault of `tenantId` (IF-37). */
  async createVault(tenantId: string, name: string, settings: Record<string, unknown> = {}) {
    const created = await this.admin('PUT', `/admin/v1/vaults/${name}?tenant=${tenantId}`, settings)
    expectStatus(created, 201, `create vault ${name}`)
  }

  /** An application of `tenantId`, optionally a resource with identifier URIs. */
  async createApp(tenantId: string, displayName: string, identifierUris: string[] = []) {
    const app = await this.admin('POST', `/v1.0/applications?tenant=${tenantId}`, {
      displayName,
      ...(identifierUris.length > 0 ? { identifierUris } : {}),
    })
    expectStatus(app, 201, `create application ${displayName}`)
    return app.body as { id: string; appId: string }
  }

  /** An application federated with `dev` for `system:serviceaccount:default:{serviceAccount}`. */
  async createWorkload(tenantId: string, serviceAccount: string): Promise<Workload> {
    const app = await this.createApp(tenantId, serviceAccount)
    const fic = await this.admin(
      'POST',
      `/v1.0/applications/${app.id}/federatedIdentityCredentials?tenant=${tenantId}`,
      {
        name: `${serviceAccount}-dev`,
        issuer: this.issuerUrl,
        subject: `system:serviceaccount:default:${serviceAccount}`,
        audiences: [EXCHANGE_AUDIENCE],
      },
    )
    expectStatus(fic, 201, `federate ${serviceAccount}`)
    return { tenantId, appId: app.appId, serviceAccount }
  }

  /** A vault role for a workload (IF-37). */
  async assignRole(vaultName: string, workload: Workload, role: string): Promise<void> {
    const assigned = await this.admin(
      'POST',
      `/admin/v1/vaults/${vaultName}/roleAssignments?tenant=${workload.tenantId}`,
      { clientId: workload.appId, role },
    )
    expectStatus(assigned, 201, `assign ${role} on ${vaultName}`)
  }

  /** A Kubernetes-style token of the `dev` issuer (IF-40) for `default/{serviceAccount}`. */
  async serviceAccountToken(serviceAccount: string, audience = EXCHANGE_AUDIENCE): Promise<string> {
    const minted = await this.admin(
      'POST',
      `/issuers/dev/api/v1/namespaces/default/serviceaccounts/${serviceAccount}/token`,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: [audience] },
      },
    )
    expectStatus(minted, 201, 'mint a service-account token')
    return minted.body.status.token as string
  }

  /**
   * An access token as a workload gets one: the issuer mints its service-account token (IF-40),
   * then the STS exchanges it as a client assertion for `{resource}/.default` (grant A).
   */
  async accessToken(workload: Workload, resource = this.resource): Promise<string> {
    const form = new URLSearchParams({
      client_id: workload.appId,
      scope: `${resource}/.default`,
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: await this.serviceAccountToken(workload.serviceAccount),
    })
    const answer = await this.call(
      'POST',
      `${this.publicUrl}/${workload.tenantId}/oauth2/v2.0/token`,
      {
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    )
    expectStatus(answer, 200, 'get an access token')
    return answer.body.access_token as string
  }

  /** Closes the server once (a clean shutdown), keeping its files until `close()`. */
  stopServer(): Promise<void> {
    this.#stopped ??= this.server.close()
    return this.#stopped
  }

  async close(): Promise<void> {
    await this.stopServer()
    await this.#agent.close()
    await rm(this.#dir, { recursive: true, force: true })
  }
}

function answer(status: number, headers: Headers, text: string): Answer {
  let body: unknown
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    // not JSON: assertions on `body` fail and show `text`
  }
  return { status, headers, text, body }
}

/** Fails setup with the answer in the message, so a broken step says what went wrong. */
export function expectStatus(answer: Answer, status: number, step: string): void {
  if (answer.status !== status) {
    throw new Error(`${step}: expected ${status}, got ${answer.status}: ${answer.text}`)
  }
}

/** KV-39: every vault answer is JSON, not cached, and carries a request id. */
export function assertVaultHeaders(answer: Answer): void {
  assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8', answer.text)
  assert.equal(answer.headers.get('cache-control'), 'no-cache')
  assert.match(answer.headers.get('x-ms-request-id') ?? '', /\S/)
}

/**
 * keyvault.md §9: exactly `{"error":{"code","message"[,"innererror":{"code"}]}}` with this status
 * and code, KV-39's headers, and a message matching `message` when given.
 */
export function assertVaultError(
  answer: Answer,
  status: number,
  code: string,
  message?: string | RegExp,
  innerCode?: string,
): void {
  assert.equal(answer.status, status, answer.text)
  assertVaultHeaders(answer)
  assert.deepEqual(Object.keys(answer.body ?? {}), ['error'], answer.text)
  const error = answer.body.error as Record<string, unknown>
  assert.deepEqual(
    Object.keys(error),
    innerCode === undefined ? ['code', 'message'] : ['code', 'message', 'innererror'],
  )
  assert.equal(error.code, code, answer.text)
  assert.equal(typeof error.message, 'string')
  if (typeof message === 'string') assert.equal(error.message, message)
  else if (message !== undefined) assert.match(error.message as string, message)
  if (innerCode !== undefined) assert.deepEqual(error.innererror, { code: innerCode })
}
