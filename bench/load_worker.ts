// The HTTP load generator. It runs on its own worker thread so that the bench's main thread
// stays free, and, with the servers in child processes, on a core of its own when pinned.
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort } from 'node:worker_threads'
import { Pool } from 'undici'
import type { HerdJob, HerdResult, LoadJob, LoadResult } from './http_load.js'

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function describe(response: { statusCode: number; body: { text(): Promise<string> } }) {
  return `${response.statusCode} ${(await response.body.text()).slice(0, 300)}`
}

async function burst(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url)
  const pool = new Pool(url.origin, { connections: job.concurrency, pipelining: 1 })
  const path = url.pathname + url.search
  const latencies: number[] = []
  let failed = 0
  let firstFailure: string | undefined
  let next = 0
  const limit = job.bodies?.length ?? Infinity
  const start = performance.now()
  const deadline = start + job.seconds * 1000
  const interval = job.rate === undefined ? 0 : 1000 / job.rate
  const lane = async () => {
    for (;;) {
      const i = next++
      if (i >= limit) return
      const due = job.rate === undefined ? performance.now() : start + i * interval
      if (due >= deadline) return
      const wait = due - performance.now()
      if (wait > 1) await sleep(wait)
      try {
        const response = await pool.request({
          path,
          method: job.method,
          headers: job.headers,
          body: job.bodies?.[i] ?? job.body,
        })
        if (response.statusCode === job.expectStatus) {
          await response.body.dump()
          latencies.push(performance.now() - due)
        } else {
          failed += 1
          firstFailure ??= await describe(response)
        }
      } catch (error) {
        failed += 1
        firstFailure ??= String(error)
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, lane))
  const seconds = (performance.now() - start) / 1000
  await pool.close()
  const sorted = Float64Array.from(latencies).sort()
  const result: LoadResult = {
    completed: latencies.length,
    failed,
    seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  }
  return firstFailure === undefined ? result : { ...result, firstFailure }
}

async function herd(job: HerdJob): Promise<HerdResult> {
  const url = new URL(job.url)
  const pool = new Pool(url.origin, { connections: job.bodies.length, pipelining: 1 })
  const done: number[] = []
  let failed = 0
  let firstFailure: string | undefined
  const start = performance.now()
  await Promise.all(
    job.bodies.map(async (body) => {
      try {
        const response = await pool.request({
          path: url.pathname,
          method: 'POST',
          headers: job.headers,
          body,
        })
        if (response.statusCode === job.expectStatus) {
          await response.body.dump()
          done.push(performance.now() - start)
        } else {
          failed += 1
          firstFailure ??= await describe(response)
        }
      } catch (error) {
        failed += 1
        firstFailure ??= String(error)
      }
    }),
  )
  await pool.close()
  const result: HerdResult = {
    completed: done.length,
    failed,
    firstMs: Math.min(...done),
    lastMs: Math.max(...done),
  }
  return firstFailure === undefined ? result : { ...result, firstFailure }
}

parentPort?.on('message', (job: LoadJob | HerdJob) => {
  const work = job.kind === 'herd' ? herd(job) : burst(job)
  work.then(
    (result) => parentPort?.postMessage(result),
    (error: unknown) => parentPort?.postMessage({ error: String(error) }),
  )
})
