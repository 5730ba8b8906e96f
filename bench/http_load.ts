import { Worker } from 'node:worker_threads'

/** One timed burst of keep-alive requests from a fixed number of concurrent lanes. */
export interface LoadJob {
  kind?: 'burst'
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
  /**
   * One body per request, each sent once, in order; the burst ends early when they run out, so
   * it is bounded in requests as well as in time.
   */
  bodies?: string[]
  /** A response with any other status counts as failed, not completed. */
  expectStatus: number
  concurrency: number
  seconds: number
  /**
   * Paced instead of closed-loop: request i is due at start + i / rate, and its latency counts
   * from when it was due, so a server that falls behind is charged for the queue it causes.
   */
  rate?: number
}

/** What a burst achieved; `seconds` is measured, so overshoot past the deadline is counted. */
export interface LoadResult {
  completed: number
  failed: number
  seconds: number
  /** Latency percentiles of completed requests, in milliseconds. */
  p50Ms: number
  p99Ms: number
  /** Status and start of the body of the first failed request, for the error message. */
  firstFailure?: string
}

/** Every body sent at once, each on its own connection: a thundering herd. */
export interface HerdJob {
  kind: 'herd'
  url: string
  headers: Record<string, string>
  bodies: string[]
  expectStatus: number
}

export interface HerdResult {
  completed: number
  failed: number
  /** From sending to the first and to the last successful answer. */
  firstMs: number
  lastMs: number
  firstFailure?: string
}

/**
 * Drives `load_worker.ts` on a worker thread of this process. Node 20 does not carry the
 * `--import tsx` loader hooks into workers, so the worker registers tsx itself before loading.
 */
export class LoadClient {
  readonly #worker: Worker

  constructor() {
    const tsx = import.meta.resolve('tsx/esm/api')
    const entry = new URL('./load_worker.ts', import.meta.url).href
    const source = `import(${JSON.stringify(tsx)}).then((api) => {
      api.register()
      return import(${JSON.stringify(entry)})
    })`
    this.#worker = new Worker(source, { eval: true })
  }

  /** Runs one burst; rejects if the worker fails or any request failed. */
  async run(job: LoadJob): Promise<LoadResult> {
    const result = await this.#post<LoadResult>(job)
    if (result.failed > 0) {
      throw new Error(`${result.failed} of ${job.method} ${job.url} failed: ${result.firstFailure}`)
    }
    return result
  }

  /** Runs a herd; failures are counted in the result, not thrown. */
  herd(job: HerdJob): Promise<HerdResult> {
    return this.#post<HerdResult>(job)
  }

  #post<T>(job: LoadJob | HerdJob): Promise<T> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error)
      this.#worker.once('error', onError)
      this.#worker.once('message', (message: T | { error: string }) => {
        this.#worker.off('error', onError)
        if (typeof message === 'object' && message !== null && 'error' in message) {
          return reject(new Error(message.error))
        }
        resolve(message)
      })
      this.#worker.postMessage(job)
    })
  }

  async close(): Promise<void> {
    await this.#worker.terminate()
  }
}
