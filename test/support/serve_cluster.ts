import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { ensureLocalTls, freePort } from '../../src/dev/index.js'
import { WIFKIT_BIN } from './cli.js'
import { trustingFetch } from './https.js'

/**
 * Several `wifkit serve` processes on one database behind a TCP load balancer, as issue #7
 * deploys them: every node has the same `public.url` (the balancer) and its own admin listener.
 */

/** Where one node listens and the configuration that says so. */
export interface NodeLayout {
  readonly configFile: string
  /** The node's own public listener, bypassing the balancer. */
  readonly publicUrl: string
  readonly adminUrl: string
}

/** One `wifkit serve` child process. */
export interface ServeNode extends NodeLayout {
  /** Everything the process wrote so far. */
  output(): string
  /** Sends a signal and resolves with the exit code (null when a signal ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Passes each TCP connection through to the next listening upstream in turn, so TLS ends at the
 * node; a node that refuses connections (it died) is skipped, as a load balancer's health check
 * would take it out.
 */
export class TcpBalancer {
  readonly upstreams: number[] = []
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  #next = 0

  constructor() {
    this.#server = createServer((socket) => this.#route(this.#track(socket), 0))
  }

  /** Listens on a free loopback port and resolves with it. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(0, '127.0.0.1', () => {
        const address = this.#server.address()
        resolve(typeof address === 'object' && address ? address.port : 0)
      })
    })
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }

  #track(socket: Socket): Socket {
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    return socket
  }

  #route(client: Socket, attempt: number): void {
    const port = this.upstreams[this.#next++ % this.upstreams.length]
    const upstream = this.#track(connect(port ?? 0, '127.0.0.1'))
    let connected = false
    upstream.once('connect', () => {
      connected = true
      client.pipe(upstream).pipe(client)
    })
    upstream.once('close', () => {
      if (connected || client.destroyed) client.destroy()
      else if (attempt + 1 < this.upstreams.length) this.#route(client, attempt + 1)
      else client.destroy()
    })
    client.once('close', () => upstream.destroy())
  }
}

/** Writes a key-encryption key the way `wifkit init` does; every node of a deployment shares it. */
export async function writeKek(file: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true })
  await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 })
}

/**
 * A `serve` configuration on loopback: TLS on both listeners with the test CA's certificate, the
 * KEK at `secrets/kek` beside the file, info logs; `public.url` defaults to the public listener.
 */
export function serveConfig(options: {
  storage: string
  publicPort: number
  adminPort: number
  publicUrl?: string
  tls: { certFile: string; keyFile: string }
}): string {
  const { storage, publicPort, adminPort, tls } = options
  return [
    `storage: ${JSON.stringify(storage)}`,
    'public:',
    `  listen: 127.0.0.1:${publicPort}`,
    `  url: ${options.publicUrl ?? `https://localhost:${publicPort}`}`,
    `  tls: { cert: ${tls.certFile}, key: ${tls.keyFile} }`,
    'admin:',
    `  listen: 127.0.0.1:${adminPort}`,
    `  tls: { cert: ${tls.certFile}, key: ${tls.keyFile} }`,
    'keys:',
    '  kekFile: secrets/kek',
    'log:',
    '  level: info',
    '',
  ].join('\n')
}

export interface ClusterLayout {
  /** The balancer's URL, which every node has as `public.url`. */
  readonly publicUrl: string
  readonly caFile: string
  readonly nodes: readonly NodeLayout[]
  readonly balancer: TcpBalancer
}

/**
 * Writes one configuration per node in `dir`: the same storage, `public.url` and KEK file, and
 * free ports of its own; the balancer forwards to the nodes' public ports.
 */
export async function layOutCluster(
  dir: string,
  storage: string,
  count: number,
): Promise<ClusterLayout> {
  const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
  await writeKek(join(dir, 'secrets', 'kek'))
  const balancer = new TcpBalancer()
  const publicUrl = `https://localhost:${await balancer.listen()}`
  const nodes: NodeLayout[] = []
  for (let i = 0; i < count; i++) {
    const publicPort = await freePort('127.0.0.1')
    const adminPort = await freePort('127.0.0.1')
    balancer.upstreams.push(publicPort)
    const file = join(dir, `node${i}.yaml`)
    await writeFile(file, serveConfig({ storage, publicPort, adminPort, publicUrl, tls }))
    nodes.push({
      configFile: file,
      publicUrl: `https://localhost:${publicPort}`,
      adminUrl: `https://localhost:${adminPort}`,
    })
  }
  return { publicUrl, caFile: tls.caFile, nodes, balancer }
}

/**
 * Starts `wifkit serve --config FILE` and resolves once its admin `/readyz` answers 200; the
 * process trusts the test CA, as nodes behind a private CA would (NODE_EXTRA_CA_CERTS).
 */
export async function startServeNode(layout: NodeLayout, caFile: string): Promise<ServeNode> {
  const child = spawn(process.execPath, [WIFKIT_BIN, 'serve', '--config', layout.configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const node: ServeNode = {
    ...layout,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  const { fetch, close } = await trustingFetch(caFile)
  try {
    for (let deadline = Date.now() + 30_000; ;) {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`)
      const ready = await fetch(`${node.adminUrl}/readyz`).catch(() => undefined)
      if (ready?.status === 200) return node
      if (Date.now() > deadline) {
        await node.stop('SIGKILL')
        throw new Error(`serve did not become ready: ${output}`)
      }
      await delay(100)
    }
  } finally {
    await close()
  }
}
