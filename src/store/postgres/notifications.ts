import pg from 'pg'

/** The channel migration 0005's trigger notifies on every committed write to a watched table. */
const CHANNEL = 'wifkit_changes'
const FIRST_RETRY_MS = 100
/** The longest pause between reconnect attempts, so a returning database is noticed within ~2 s. */
const MAX_RETRY_MS = 2000
const CONNECT_TIMEOUT_MS = 5000

/**
 * Listens for other processes' writes on a dedicated connection (LISTEN cannot share a pooled one:
 * the pool would hand it to a query and the registration would end with it). The connection is
 * reopened with backoff whenever it drops; each (re)connect reports `resync`, since notifications
 * sent while it was away are lost (PostgreSQL manual, LISTEN).
 */
export class PostgresNotifications {
  readonly #url: string
  readonly #onChange: (source: 'remote' | 'resync') => void
  #client: pg.Client | undefined
  #timer: NodeJS.Timeout | undefined
  #failures = 0
  #closed = false

  constructor(url: string, onChange: (source: 'remote' | 'resync') => void) {
    this.#url = url
    this.#onChange = onChange
  }

  /** Opens the connection; failures are retried in the background until `close()`. */
  start(): void {
    void this.#connect()
  }

  async #connect(): Promise<void> {
    this.#timer = undefined
    if (this.#closed) return
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'wifkit-listen',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    })
    this.#client = client
    // Errors on an established connection are followed by 'end', which reconnects; without a
    // listener Node would end the process on them.
    client.on('error', () => {})
    let schema: string
    try {
      await client.connect()
      // The trigger's payload names the schema of the written table; deployments in other
      // schemas of the same database notify on the same channel.
      const { rows } = await client.query<{ schema: string | null }>(
        'select current_schema() as schema',
      )
      schema = rows[0]?.schema ?? ''
      await client.query(`listen ${CHANNEL}`)
    } catch {
      await client.end().catch(() => {})
      this.#retry()
      return
    }
    if (this.#closed || this.#client !== client) {
      await client.end().catch(() => {})
      return
    }
    this.#failures = 0
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload === schema) this.#onChange('remote')
    })
    client.on('end', () => {
      if (this.#client !== client) return
      this.#client = undefined
      this.#retry()
    })
    this.#onChange('resync')
  }

  #retry(): void {
    if (this.#closed || this.#timer) return
    const pause = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#failures++)
    this.#timer = setTimeout(() => void this.#connect(), pause)
    this.#timer.unref()
  }

  /** Stops listening and reconnecting. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => {})
  }
}
