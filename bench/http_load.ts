import { Worker } from 'node:worker_threads'

/** One timed burst of keep-alive requests from a fixed number of concurrent lanes. */
export interface LoadJob {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
  /** A response with any other status counts as failed, not completed. */
  expectStatus: number
  concurrency: number
  seconds: number
}

/** What a burst achieved; `seconds` is measured, so overshoot past the deadline is counted. */
export interface LoadResult {
  completed: number
  failed: number
  seconds: number
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
  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error)
      this.#worker.once('error', onError)
      this.#worker.once('message', (message: LoadResult | { error: string }) => {
        this.#worker.off('error', onError)
        if ('error' in message) return reject(new Error(message.error))
        if (message.failed > 0) {
          return reject(new Error(`${message.failed} of ${job.method} ${job.url} failed`))
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
