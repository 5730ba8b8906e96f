import { FORM_HEADERS, mintMany } from './assertions.js'
import type { LoadClient } from './http_load.js'
import { coreBusySecondsOf, mainThreadCpuSecondsOf } from './proc_cpu.js'
import type { ServerProcess } from './server_process.js'

/** One burst against one server: wall-clock rate, the server's CPU time and latency. */
export interface Sample {
  concurrency: number
  /** Requests per second offered by a paced burst; absent for closed-loop bursts. */
  offeredRate?: number
  completed: number
  seconds: number
  /** Completed requests per wall-clock second. */
  rate: number
  /** The server process's user + system CPU seconds during the burst (/proc). */
  cpuSeconds: number
  /** Completed requests per server CPU-second. */
  perCpuSecond: number
  /** Of `cpuSeconds`, the server's main thread; the rest is libuv's pool, GC and other threads. */
  mainThreadCpuSeconds: number
  /** CPU seconds other processes took on the server's core during the burst, when pinned. */
  othersOnCoreSeconds?: number
  /** The same on the load generator's core (the bench process excluded), when pinned. */
  othersOnLoadCoreSeconds?: number
  p50Ms: number
  p99Ms: number
}

/** A server's POST endpoint: either one body sent every time, or a fresh body per request. */
export interface Target {
  server: ServerProcess<unknown>
  url: string
  body?: string
  mint?: () => Promise<string>
}

/** How many bodies to mint when nothing has been measured yet, per second of burst. */
const FIRST_GUESS_PER_SECOND = 3000
/** Minted bodies beyond the expected need, so a faster burst rarely runs out. */
const HEADROOM = 1.3

/**
 * Runs bursts and reads the server's CPU time around each. Fresh bodies are minted before the
 * burst (outside its clock and on the load generator's core), as many as the fastest burst so
 * far suggests; should they run out, the burst ends early and its rate is still exact.
 */
export class Sampler {
  readonly #load: LoadClient
  readonly #cores: { server: number; load: number } | undefined
  readonly #fastest = new Map<Target, number>()

  /** `cores`: the server's core and the load generator's, when pinned to one each. */
  constructor(load: LoadClient, cores?: { server: number; load: number }) {
    this.#load = load
    this.#cores = cores
  }

  async sample(
    target: Target,
    options: { concurrency: number; seconds: number; rate?: number },
  ): Promise<Sample> {
    const { concurrency, seconds, rate } = options
    let bodies: string[] | undefined
    if (target.mint) {
      const perSecond = rate ?? (this.#fastest.get(target) ?? FIRST_GUESS_PER_SECOND) * HEADROOM
      bodies = await mintMany(Math.ceil(perSecond * seconds) + 2 * concurrency, target.mint)
    }
    const cores = this.#cores
    const busy = () =>
      cores ? [coreBusySecondsOf(cores.server), coreBusySecondsOf(cores.load)] : [0, 0]
    const ownSeconds = () => {
      const { user, system } = process.cpuUsage()
      return (user + system) / 1e6
    }
    const [serverCoreBefore, loadCoreBefore] = busy()
    const ownBefore = ownSeconds()
    const mainBefore = mainThreadCpuSecondsOf(target.server.pid)
    const before = target.server.cpuSeconds()
    const result = await this.#load.run({
      url: target.url,
      method: 'POST',
      headers: FORM_HEADERS,
      ...(bodies ? { bodies } : { body: target.body ?? '' }),
      expectStatus: 200,
      concurrency,
      seconds,
      ...(rate === undefined ? {} : { rate }),
    })
    const cpuSeconds = target.server.cpuSeconds() - before
    const mainThreadCpuSeconds = mainThreadCpuSecondsOf(target.server.pid) - mainBefore
    const [serverCoreAfter, loadCoreAfter] = busy()
    const own = ownSeconds() - ownBefore
    const achieved = result.completed / result.seconds
    if (rate === undefined) {
      this.#fastest.set(target, Math.max(achieved, this.#fastest.get(target) ?? 0))
    }
    return {
      concurrency,
      ...(rate === undefined ? {} : { offeredRate: rate }),
      completed: result.completed,
      seconds: result.seconds,
      rate: achieved,
      cpuSeconds,
      perCpuSecond: result.completed / Math.max(cpuSeconds, 0.01),
      mainThreadCpuSeconds,
      ...(cores === undefined
        ? {}
        : {
            othersOnCoreSeconds: Math.max(0, serverCoreAfter! - serverCoreBefore! - cpuSeconds),
            othersOnLoadCoreSeconds: Math.max(0, loadCoreAfter! - loadCoreBefore! - own),
          }),
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
    }
  }
}
