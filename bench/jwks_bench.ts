import { deepStrictEqual } from 'node:assert/strict'
import Fastify from 'fastify'
import { alternate, type Measure, type Rates } from './alternate.js'
import type { LoadClient } from './http_load.js'

/** The response headers a JWKS carries; the bare route must send the same values. */
const JWKS_HEADERS = ['content-type', 'cache-control', 'etag', 'access-control-allow-origin']

/** Keep-alive connections, each with one request in flight. */
export const JWKS_CONCURRENCY = 32

async function fetchJwks(url: string): Promise<{ body: string; headers: Record<string, string> }> {
  const response = await fetch(url)
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`)
  const headers = Object.fromEntries(JWKS_HEADERS.map((h) => [h, response.headers.get(h) ?? '']))
  return { body: await response.text(), headers }
}

/**
 * JWKS GET against wifkit's public route and against a bare Fastify route, with default options
 * and no hooks, that sends the same body with the same headers from the same path pattern. The
 * two differ only in what wifkit does per request: its hooks, the issuer lookup and the key-set
 * check behind the cached document.
 */
export async function benchJwks(
  load: LoadClient,
  wifkitUrl: string,
  plan: { rounds: number; seconds: number; warmupSeconds: number },
): Promise<Rates> {
  const served = await fetchJwks(wifkitUrl)
  // A Buffer, so Fastify appends no charset to the content type, as wifkit's route (ISS-70).
  const bytes = Buffer.from(served.body, 'utf8')
  const bare = Fastify()
  bare.get('/issuers/:name/openid/v1/jwks', (_request, reply) =>
    reply.headers(served.headers).send(bytes),
  )
  const bareOrigin = await bare.listen({ host: '127.0.0.1', port: 0 })
  try {
    const bareUrl = new URL(new URL(wifkitUrl).pathname, bareOrigin)
    deepStrictEqual(await fetchJwks(bareUrl.href), served, 'the bare route must mirror wifkit')
    const get =
      (url: string): Measure =>
      (seconds) =>
        load.run({
          url,
          method: 'GET',
          headers: {},
          expectStatus: 200,
          concurrency: JWKS_CONCURRENCY,
          seconds,
        })
    return await alternate({ wifkit: get(wifkitUrl), bare: get(bareUrl.href) }, plan)
  } finally {
    await bare.close()
  }
}
