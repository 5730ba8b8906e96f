// A wifkit STS booted in process for the SDK credential (workload.md §6): one tenant, one client
// federated with one external issuer, a token file in a temp dir, and a fetch that trusts the dev
// CA and records every request the credential makes, so tests can count them.
import { mkdtemp, rm, stat, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import type { FetchFunction } from '../../../src/sdk/index.js'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import { writeFileAtomic } from '../../../src/util/index.js'
import {
  DEFAULT_AUDIENCE,
  StsHarness,
  type ExternalIssuer,
  type HarnessOptions,
} from '../../support/sts_harness.js'

export const SUBJECT = 'system:serviceaccount:payments:api'

/** One request the credential sent. */
export interface SentRequest {
  method: string
  url: URL
  /** The form of a POST. */
  form: URLSearchParams | undefined
}

/** The running STS, its directory and the token file. */
export class SdkFixture {
  readonly h: StsHarness
  readonly tenant: TenantRecord
  readonly client: ApplicationRecord
  readonly issuer: ExternalIssuer
  readonly tokenFile: string
  readonly sent: SentRequest[] = []
  readonly #dir: string
  readonly #agent: Agent
  #resources = 0

  private constructor(parts: Pick<SdkFixture, 'h' | 'tenant' | 'client' | 'issuer'>, dir: string) {
    ;({ h: this.h, tenant: this.tenant, client: this.client, issuer: this.issuer } = parts)
    this.#dir = dir
    this.tokenFile = join(dir, 'token')
    this.#agent = new Agent({ connect: { ca: this.h.tls.caPem } })
  }

  static async start(options: HarnessOptions = {}): Promise<SdkFixture> {
    const h = await StsHarness.start(options)
    const tenant = await h.addTenant()
    const issuer = await h.startIssuer()
    const client = await h.addApp(tenant.id)
    await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
    const dir = await mkdtemp(join(tmpdir(), 'wifkit-sdk-'))
    return new SdkFixture({ h, tenant, client, issuer }, dir)
  }

  /** Trusts the dev CA and records each request before sending it. */
  readonly fetch: FetchFunction = (url, init) => {
    const form = typeof init.body === 'string' ? new URLSearchParams(init.body) : undefined
    this.sent.push({ method: init.method ?? 'GET', url: new URL(url), form })
    const sent = undiciFetch(url, { ...(init as object), dispatcher: this.#agent })
    return sent as unknown as Promise<Response>
  }

  /** The token POSTs so far. */
  get posts(): SentRequest[] {
    return this.sent.filter((r) => r.method === 'POST')
  }

  /** The assertions posted so far, in order. */
  get assertions(): string[] {
    return this.posts.map((r) => r.form?.get('client_assertion') ?? '')
  }

  /** Identity options for the fixture's client, trusting the dev CA. */
  options(now: () => number = () => this.h.clock.nowMs()) {
    return {
      clientId: this.client.appId,
      tenantId: this.tenant.id,
      tokenFilePath: this.tokenFile,
      authorityHost: this.h.authority,
      fetch: this.fetch,
      now,
    }
  }

  /** A new resource app; returns its `.default` scope. */
  async scope(): Promise<string> {
    const uri = `api://resource-${++this.#resources}`
    await this.h.addApp(this.tenant.id, { identifierUris: [uri] })
    return `${uri}/.default`
  }

  /** Signs a fresh assertion on the STS clock. */
  sign(claims: Record<string, unknown> = {}): Promise<string> {
    return this.issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE, ...claims })
  }

  /**
   * Replaces the token file as a writer does (WL-51). `keepMtime` puts the old modification time
   * back, as a file system with coarse timestamps would show it; otherwise the time moves on.
   */
  async writeToken(contents: string, keepMtime = false): Promise<void> {
    const before = await stat(this.tokenFile).catch(() => undefined)
    await writeFileAtomic(this.tokenFile, contents)
    if (keepMtime && before) await utimes(this.tokenFile, before.atime, before.mtime)
    else if (before) await utimes(this.tokenFile, before.atime, new Date(before.mtimeMs + 2000))
  }

  async close(): Promise<void> {
    await this.#agent.close()
    await this.h.close()
    await rm(this.#dir, { recursive: true, force: true })
  }
}
