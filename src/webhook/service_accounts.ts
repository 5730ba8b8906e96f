import { Agent, request } from 'undici'
import type { ServiceAccount } from './types.js'
import type { KubeAccess } from './kube_config.js'

/** How long a read ServiceAccount is reused; annotation changes show up within this time. */
const DEFAULT_TTL_MS = 15_000
/** Well inside the webhook's 10 s admission timeout (WL-8), so a slow API still gets a reply. */
const API_TIMEOUT_MS = 4_000

/**
 * ServiceAccounts read from the Kubernetes API through a short-lived cache (WL-21). A hit serves
 * the cached object; a miss or an expired entry is a direct GET, so an SA created a moment before
 * its pod is found. Failures are not cached, so the next admission asks again.
 */
export class ServiceAccountSource {
  readonly #access: KubeAccess
  readonly #agent: Agent
  readonly #ttlMs: number
  readonly #now: () => number
  readonly #cache = new Map<string, { account: ServiceAccount; until: number }>()

  constructor(access: KubeAccess, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#access = access
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
    this.#now = options.now ?? Date.now
    this.#agent = new Agent({
      connect: { ca: access.ca, cert: access.cert, key: access.key, timeout: API_TIMEOUT_MS },
      headersTimeout: API_TIMEOUT_MS,
      bodyTimeout: API_TIMEOUT_MS,
    })
  }

  /**
   * The ServiceAccount `namespace/name`.
   *
   * @throws Error with a short reason (`not found`, `forbidden (403)`, a network error).
   */
  async get(namespace: string, name: string): Promise<ServiceAccount> {
    const key = `${namespace}/${name}`
    const cached = this.#cache.get(key)
    if (cached && cached.until > this.#now()) return cached.account
    const account = await this.#fetch(namespace, name)
    this.#cache.set(key, { account, until: this.#now() + this.#ttlMs })
    return account
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#agent.close()
  }

  async #fetch(namespace: string, name: string): Promise<ServiceAccount> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}`
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.#access.token) headers.authorization = `Bearer ${await this.#access.token()}`
    const response = await request(`${this.#access.server}${path}`, {
      dispatcher: this.#agent,
      headers,
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    })
    if (response.statusCode !== 200) {
      await response.body.dump()
      throw new Error(response.statusCode === 404 ? 'not found' : describe(response.statusCode))
    }
    return (await response.body.json()) as ServiceAccount
  }
}

function describe(status: number): string {
  const names: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden' }
  return `${names[status] ?? 'the API server answered'} (${status})`
}
