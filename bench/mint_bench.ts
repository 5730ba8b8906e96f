import { generateKeyPairSync, sign } from 'node:crypto'
import { promisify } from 'node:util'
import { alternate, type Measure, type Rates } from './alternate.js'
import type { LoadClient } from './http_load.js'
import type { WifkitFixture } from './wifkit_fixture.js'

/** Keep-alive connections for minting over the admin API, and mints in flight in process. */
export const MINT_HTTP_CONCURRENCY = 8
export const MINT_IN_FLIGHT = 8

const signAsync = promisify(sign)

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

/** Keeps `inFlight` operations running until `seconds` have passed. */
function concurrent(operation: () => Promise<unknown>, inFlight: number): Measure {
  return async (seconds) => {
    let completed = 0
    const start = performance.now()
    const deadline = start + seconds * 1000
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < deadline) {
          await operation()
          completed += 1
        }
      }),
    )
    return { completed, seconds: (performance.now() - start) / 1000 }
  }
}

/**
 * Mint throughput, alternated. jose signs through WebCrypto, which runs on libuv's thread pool,
 * so the fair ceiling for a server minting concurrently is node:crypto's asynchronous `sign` with
 * the same number in flight (it uses the same pool); the one-at-a-time pair is shown too:
 * - `wifkit`: `IssuerService.mint` in process, 8 in flight: claims, key lookup, jose;
 * - `raw`: async `crypto.sign('sha256', …)` with a fresh RSA-2048 key over the signing input of
 *   a real wifkit token (same size), 8 in flight, plus the base64url of the signature;
 * - `wifkitSerial` / `rawSerial`: the same one at a time (synchronous `crypto.sign`);
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
      wifkit: concurrent(() => issuers.mint(fixture.issuer, REQUEST), MINT_IN_FLIGHT),
      raw: concurrent(
        async () => (await signAsync('sha256', signingInput, privateKey)).toString('base64url'),
        MINT_IN_FLIGHT,
      ),
      wifkitSerial: sequential(() => issuers.mint(fixture.issuer, REQUEST)),
      rawSerial: sequential(() => sign('sha256', signingInput, privateKey).toString('base64url')),
      http,
    },
    plan,
  )
  return { rates, signingInputBytes: signingInput.length }
}
