import { generateKeyPairSync, sign } from 'node:crypto'
import { alternate, type Measure, type Rates } from './alternate.js'
import type { LoadClient } from './http_load.js'
import type { WifkitFixture } from './wifkit_fixture.js'

/** Keep-alive connections for minting over the admin API. */
export const MINT_HTTP_CONCURRENCY = 8

const REQUEST = { namespace: 'bench', serviceAccount: 'bench' }

/** Repeats `operation` one at a time until `seconds` have passed. */
function sequential(operation: () => unknown): Measure {
  return async (seconds) => {
    let completed = 0
    const start = performance.now()
    const deadline = start + seconds * 1000
    while (performance.now() < deadline) {
      await operation()
      completed += 1
    }
    return { completed, seconds: (performance.now() - start) / 1000 }
  }
}

/**
 * Mint throughput three ways, alternated:
 * - `wifkit`: `IssuerService.mint` in process, one token at a time: claims, key lookup, jose;
 * - `raw`: `crypto.sign('sha256', …)` with a fresh RSA-2048 key over the signing input of a
 *   real wifkit token (same size), one at a time, plus the base64url of the signature;
 * - `http`: the TokenRequest route on the admin listener, for information.
 */
export async function benchMint(
  fixture: WifkitFixture,
  load: LoadClient,
  plan: { rounds: number; seconds: number; warmupSeconds: number },
): Promise<{ rates: Rates; signingInputBytes: number }> {
  const { issuers } = fixture.server
  const sample = await issuers.mint(fixture.issuer, REQUEST)
  const signingInput = Buffer.from(sample.token.split('.').slice(0, 2).join('.'))
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const http: Measure = (seconds) =>
    load.run({
      url: fixture.mintUrl,
      method: 'POST',
      headers: {
        authorization: `Bearer ${fixture.adminToken}`,
        'content-type': 'application/json',
      },
      body: '{"spec":{}}',
      expectStatus: 201,
      concurrency: MINT_HTTP_CONCURRENCY,
      seconds,
    })
  const rates = await alternate(
    {
      wifkit: sequential(() => issuers.mint(fixture.issuer, REQUEST)),
      raw: sequential(() => sign('sha256', signingInput, privateKey).toString('base64url')),
      http,
    },
    plan,
  )
  return { rates, signingInputBytes: signingInput.length }
}
