import { fork, type ChildProcess } from 'node:child_process'
import { cpuSecondsOf } from './proc_cpu.js'
import { pin } from './pinning.js'

interface Reply {
  id?: number
  result?: unknown
  error?: string
  ready?: unknown
}

/**
 * A server under test in a child process (an entry in bench/servers/), pinned to `cpus` when
 * given. The load generator stays in the bench's process, so the child's CPU time read from
 * /proc is the server's alone.
 */
export class ServerProcess<Info> {
  readonly info: Info
  readonly #child: ChildProcess
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >()
  #nextId = 0

  private constructor(child: ChildProcess, info: Info) {
    this.#child = child
    this.info = info
    child.on('message', (reply: Reply) => {
      const waiting = reply.id === undefined ? undefined : this.#pending.get(reply.id)
      if (!waiting || reply.id === undefined) return
      this.#pending.delete(reply.id)
      if (reply.error !== undefined) waiting.reject(new Error(reply.error))
      else waiting.resolve(reply.result)
    })
  }

  /** Forks `entry` with tsx, passes `args` as JSON and waits for its ready message. */
  static async start<Info>(entry: URL, args: unknown, cpus?: string): Promise<ServerProcess<Info>> {
    const child = fork(entry, [JSON.stringify(args)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    if (cpus !== undefined && child.pid !== undefined) pin(child.pid, cpus)
    const info = await new Promise<Info>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${entry.pathname} exited (${code})`))
      child.once('exit', onExit)
      child.on('message', (reply: Reply) => {
        if (reply.ready === undefined) return
        child.off('exit', onExit)
        resolve(reply.ready as Info)
      })
    })
    return new ServerProcess(child, info)
  }

  get pid(): number {
    return this.#child.pid ?? 0
  }

  /** CPU seconds the server process has used since it started. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid)
  }

  /** Sends one command to the child and waits for its answer. */
  request<T>(command: string, args: unknown = {}): Promise<T> {
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.#child.send({ id, command, args })
    })
  }

  /** Asks the child to close and waits for it to exit; kills it after 5 s. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return
    const exited = new Promise<void>((done) => this.#child.once('exit', () => done()))
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000)
    this.request('close').catch(() => undefined)
    await exited
    clearTimeout(timer)
  }
}
