import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'
import type { Command } from 'commander'
import { Agent } from 'undici'
import { readDevJson } from '../dev/index.js'
import { UsageError } from '../errors/index.js'

/** Where and how to reach a running server's admin API (IF-4). */
export interface ServerOptions {
  adminUrl?: string
  token?: string
  dataDir?: string
  caFile?: string
}

/** Adds the options of IF-4 that find a running server to a command. */
export function withServerOptions(command: Command, options = { tokenFlag: true }): Command {
  command.option('--admin-url <url>', 'admin API of a running server (or WIFKIT_ADMIN_URL)')
  // `wifkit explain --token` names the workload token (IF-53); there the admin token comes only
  // from WIFKIT_ADMIN_TOKEN or dev.json.
  if (options.tokenFlag) command.option('--token <token>', 'admin token (or WIFKIT_ADMIN_TOKEN)')
  return command
    .option('--data-dir <dir>', 'find a `wifkit dev` server through DIR/dev.json', './.wifkit-dev')
    .option('--ca-file <file>', 'extra CA certificate to trust for the admin API')
}

/** A server error answer, shown to the user as one line (exit 1). */
export class AdminApiError extends UsageError {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** A thin client of the admin and mint APIs. */
export class AdminClient {
  readonly url: string
  readonly #token: string
  readonly #agent: Agent | undefined

  constructor(url: string, token: string, ca: string | undefined) {
    this.url = url.replace(/\/$/, '')
    this.#token = token
    this.#agent = ca ? new Agent({ connect: { ca: [...rootCertificates, ca] } }) : undefined
  }

  /**
   * Finds the server from `--admin-url` + `--token` (or WIFKIT_ADMIN_URL / WIFKIT_ADMIN_TOKEN),
   * else from DIR/dev.json; when neither is there, says how to point the command at a server.
   */
  static async resolve(options: ServerOptions): Promise<AdminClient> {
    const url = options.adminUrl ?? process.env.WIFKIT_ADMIN_URL
    const token = options.token ?? process.env.WIFKIT_ADMIN_TOKEN
    const ca = options.caFile ? await readFile(options.caFile, 'utf8') : undefined
    if (url && token) return new AdminClient(url, token, ca)
    const dataDir = options.dataDir ?? './.wifkit-dev'
    const dev = await readDevJson(dataDir)
    if (!dev) {
      throw new UsageError(
        `no server found: pass --admin-url URL --token T (or set WIFKIT_ADMIN_URL and WIFKIT_ADMIN_TOKEN), or start \`wifkit dev\` (no ${dataDir}/dev.json)`,
      )
    }
    return new AdminClient(
      url ?? dev.adminUrl,
      token ?? dev.adminToken,
      ca ?? (await readFile(dev.caFile, 'utf8')),
    )
  }

  /** Sends a JSON request; a non-2xx answer becomes an `AdminApiError` with the server's message. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ body: T; headers: Headers }> {
    let response: Response
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
        ...(this.#agent ? { dispatcher: this.#agent } : {}),
      } as RequestInit)
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause
      throw new UsageError(
        `cannot reach the admin API at ${this.url}: ${cause?.message ?? (error as Error).message}`,
      )
    }
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    if (!response.ok)
      throw new AdminApiError(response.status, `${response.status}: ${errorMessage(parsed)}`)
    return { body: parsed as T, headers: response.headers }
  }

  /**
   * GETs a public URL (discovery, JWKS) with the same trust as the admin API, so a dev CA covers
   * both; no admin token is sent. Network failures reject with the fetch error.
   */
  async getPublic(url: string): Promise<Response> {
    return fetch(url, {
      signal: AbortSignal.timeout(10_000),
      redirect: 'manual',
      ...(this.#agent ? { dispatcher: this.#agent } : {}),
    } as RequestInit)
  }

  async close(): Promise<void> {
    await this.#agent?.close()
  }
}

function errorMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as { error?: { message?: string } | string; message?: string }
    if (typeof b.error === 'object' && b.error?.message) return b.error.message
    if (typeof b.message === 'string') return b.message
  }
  return String(body)
}

/** Runs `work` with a client of the server the flags point at, and closes it afterwards. */
export async function withAdminClient<T>(
  flags: ServerOptions,
  work: (client: AdminClient) => Promise<T>,
): Promise<T> {
  const client = await AdminClient.resolve(flags)
  try {
    return await work(client)
  } finally {
    await client.close()
  }
}
