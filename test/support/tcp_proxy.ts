import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP proxy that can play a database outage (issue #7 item 4): `cut()` resets every
 * connection through it and every new one, as a restarting or unreachable server would;
 * `restore()` lets connections through again. The listening port stays the same throughout.
 */
export class TcpProxy {
  readonly port: number
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #upstreams = new Set<Socket>()
  #cut = false

  private constructor(server: Server, port: number, target: { host: string; port: number }) {
    this.#server = server
    this.port = port
    server.on('connection', (client) => this.#forward(client, target))
  }

  /** Listens on a free loopback port and forwards each connection to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (typeof address !== 'object' || address === null) throw new Error('proxy has no port')
    return new TcpProxy(server, address.port, target)
  }

  /** `url` (a postgres:// URL) with its host and port replaced by this proxy's. */
  rewrite(url: string): string {
    const u = new URL(url)
    u.hostname = '127.0.0.1'
    u.port = String(this.port)
    return u.toString()
  }

  /**
   * The local ports of the proxy's connections to the target: what the database sees as the
   * client ports of the proxied sessions (`pg_stat_activity.client_port`).
   */
  upstreamPorts(): number[] {
    return [...this.#upstreams].flatMap((s) => (s.localPort === undefined ? [] : [s.localPort]))
  }

  /** Resets every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.#cut = true
    for (const socket of this.#sockets) socket.resetAndDestroy()
  }

  restore(): void {
    this.#cut = false
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #forward(client: Socket, target: { host: string; port: number }): void {
    if (this.#cut) return void client.resetAndDestroy()
    const upstream = connect(target.port, target.host)
    this.#track(client)
    this.#track(upstream)
    this.#upstreams.add(upstream)
    upstream.on('close', () => this.#upstreams.delete(upstream))
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
  }
}

/** The host and port a postgres:// URL points at. */
export function targetOf(url: string): { host: string; port: number } {
  const u = new URL(url)
  return { host: u.hostname, port: Number(u.port || 5432) }
}
