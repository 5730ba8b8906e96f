// The HTTP load generator. It runs on its own worker thread so the servers under test keep the
// main event loop to themselves; the client's cost then lands on the other core instead of being
// added to both sides of a ratio and flattening it towards 1.
import { parentPort } from 'node:worker_threads'
import { Pool } from 'undici'
import type { LoadJob, LoadResult } from './http_load.js'

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url)
  const pool = new Pool(url.origin, { connections: job.concurrency, pipelining: 1 })
  let completed = 0
  let failed = 0
  const start = performance.now()
  const deadline = start + job.seconds * 1000
  const lane = async () => {
    while (performance.now() < deadline) {
      try {
        const response = await pool.request({
          path: url.pathname,
          method: job.method,
          headers: job.headers,
          body: job.body,
        })
        await response.body.dump()
        if (response.statusCode === job.expectStatus) completed += 1
        else failed += 1
      } catch {
        failed += 1
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, lane))
  const seconds = (performance.now() - start) / 1000
  await pool.close()
  return { completed, failed, seconds }
}

parentPort?.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => parentPort?.postMessage(result),
    (error: unknown) => parentPort?.postMessage({ error: String(error) }),
  )
})
