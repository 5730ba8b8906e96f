// Issue #9 item 7, outage and abuse: one external issuer whose JWKS stalls, trickles, or is huge
// or endless must not hold up exchanges for other issuers, and fails row 19 (AADSTS90061) within
// the configured deadline (STS-93), reading at most the size limit of an endless body.
import assert from 'node:assert/strict'
import type { ServerResponse } from 'node:http'
import { after, before, test } from 'node:test'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import { assertEntraError, assertTokenSuccess } from '../../support/entra_response.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  JWKS_PATH,
  StsHarness,
  type ExternalIssuer,
  type RawHandler,
  type StsResponse,
} from '../../support/sts_harness.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
/** Shorter than the default 10 s to keep the run fast; the stalled issuer would answer at twice it. */
const TIMEOUT_SECONDS = 4
const STALL_MS = 8000
/** Generous, for a loaded machine, yet below the deadline: a healthy exchange takes milliseconds. */
const PROMPT_MS = 3000
/** STS-93. */
const MAX_JWKS_BYTES = 512 * 1024

let h: StsHarness
let tenant: TenantRecord

before(async () => {
  h = await StsHarness.start({ sts: { issuerFetchTimeoutSeconds: TIMEOUT_SECONDS } })
  tenant = await h.addTenant()
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
})

after(async () => {
  await h.close()
})

interface Federated {
  issuer: ExternalIssuer
  client: ApplicationRecord
}

async function federatedIssuer(): Promise<Federated> {
  const issuer = await h.startIssuer()
  const client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  return { issuer, client }
}

async function exchange({ issuer, client }: Federated): Promise<StsResponse> {
  const assertion = await issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE })
  return h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))
}

/** What an abusive JWKS handler saw of its connection. */
interface Observed {
  bytesWritten: number
  /** The client hung up before the handler finished on its own. */
  closedEarly: boolean
}

/** Answers the JWKS only after `delayMs`, unless the client hangs up first. */
function stalled(delayMs: number, observed: Observed, keys: () => unknown): RawHandler {
  return (_req, res) => {
    const timer = setTimeout(() => res.end(JSON.stringify({ keys: keys() })), delayMs)
    res.on('close', () => {
      observed.closedEarly = !res.writableEnded
      clearTimeout(timer)
    })
  }
}

/** Sends a JSON prefix, then one space every 100 ms for as long as the client listens. */
function trickling(observed: Observed): RawHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).write('{"keys":[')
    const timer = setInterval(() => {
      res.write(' ')
      observed.bytesWritten += 1
    }, 100)
    res.on('close', () => {
      observed.closedEarly = true
      clearInterval(timer)
    })
  }
}

/**
 * Streams a JWKS body of spaces in 64 KiB chunks, honouring backpressure: `declaredBytes` of
 * them after a Content-Length saying so, or without end (and without a length) until hung up on.
 */
function oversized(observed: Observed, declaredBytes?: number): RawHandler {
  return (_req, res: ServerResponse) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (declaredBytes !== undefined) headers['content-length'] = String(declaredBytes)
    res.writeHead(200, headers)
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let open = true
    res.on('close', () => {
      observed.closedEarly = !res.writableEnded
      open = false
    })
    const pump = () => {
      while (open) {
        const left = (declaredBytes ?? Infinity) - observed.bytesWritten
        if (left <= 0) return void res.end()
        const part = left < chunk.length ? chunk.subarray(0, left) : chunk
        observed.bytesWritten += part.length
        if (!res.write(part)) return void res.once('drain', pump)
      }
    }
    pump()
  }
}

/** Resolves once `condition` holds; fails after `withinMs` (generous: a loaded machine lags). */
async function eventually(condition: () => boolean, what: string, withinMs = 5000): Promise<void> {
  const deadline = performance.now() + withinMs
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`not within ${withinMs} ms: ${what}`)
    await new Promise((done) => setTimeout(done, 20))
  }
}

/** `promise` with the time it took and whether it was still pending when `pending()` is asked. */
function tracked<T>(promise: Promise<T>) {
  const startedMs = performance.now()
  let settledMs: number | undefined
  const done = promise.finally(() => {
    settledMs = performance.now()
  })
  return {
    done,
    pending: () => settledMs === undefined,
    elapsedMs: () => (settledMs ?? performance.now()) - startedMs,
  }
}

test('#9 item 7, STS-93: a stalled or trickling JWKS fails row 19 within the deadline, while other issuers are served at once', async (t) => {
  const stall = await federatedIssuer()
  const trickle = await federatedIssuer()
  const cached = await federatedIssuer()
  const cold = await federatedIssuer()
  await assertTokenSuccess(h, await exchange(cached), tenant.id)
  const stallSeen: Observed = { bytesWritten: 0, closedEarly: false }
  const trickleSeen: Observed = { bytesWritten: 0, closedEarly: false }
  stall.issuer.intercept(
    JWKS_PATH,
    stalled(STALL_MS, stallSeen, () => [stall.issuer.key.jwk]),
  )
  trickle.issuer.intercept(JWKS_PATH, trickling(trickleSeen))

  // Five exchanges each: they share the one stalled fetch of their issuer (STS-99).
  const hanging = [stall, trickle].map((federated) =>
    tracked(Promise.all(Array.from({ length: 5 }, () => exchange(federated)))),
  )
  // Both fetches are in flight once each issuer has been asked for its JWKS.
  await eventually(() => stall.issuer.jwksHits + trickle.issuer.jwksHits === 2, 'JWKS requested')

  const others = tracked(
    Promise.all([
      ...Array.from({ length: 3 }, () => exchange(cached)),
      ...Array.from({ length: 3 }, () => exchange(cold)),
    ]),
  )
  for (const response of await others.done) await assertTokenSuccess(h, response, tenant.id)
  t.diagnostic(`6 exchanges for other issuers took ${Math.round(others.elapsedMs())} ms`)
  assert.ok(others.elapsedMs() < PROMPT_MS, `other issuers took ${others.elapsedMs()} ms`)
  assert.ok(
    hanging.every((request) => request.pending()),
    'the abusive issuers were still hanging meanwhile',
  )
  assert.deepEqual([cold.issuer.discoveryHits, cold.issuer.jwksHits], [1, 1])

  for (const request of hanging) {
    for (const response of await request.done) {
      assertEntraError(response, { status: 400, error: 'invalid_request', code: 90061 })
    }
    // The deadline ended them, not the issuer: the stalled one would answer only at 8 s.
    t.diagnostic(`an abusive issuer's exchanges failed after ${Math.round(request.elapsedMs())} ms`)
    assert.ok(request.elapsedMs() < STALL_MS - 500, `failed after ${request.elapsedMs()} ms`)
  }
  // The hang-up reaches the issuer just after the answer reaches the client.
  await eventually(() => stallSeen.closedEarly, 'the stalled issuer was hung up on')
  await eventually(() => trickleSeen.closedEarly, 'the trickling issuer was hung up on')
  assert.ok(trickleSeen.bytesWritten < (TIMEOUT_SECONDS + 2) * 10, 'no trickle after the deadline')
  assert.deepEqual([stall.issuer.jwksHits, trickle.issuer.jwksHits], [1, 1])
})

test('#9 item 7, STS-93: a JWKS over 512 KiB, declared or endless, fails row 19 at the size limit, not the deadline', async (t) => {
  const declared = await federatedIssuer()
  const stream = await federatedIssuer()
  const declaredSeen: Observed = { bytesWritten: 0, closedEarly: false }
  const streamSeen: Observed = { bytesWritten: 0, closedEarly: false }
  declared.issuer.intercept(JWKS_PATH, oversized(declaredSeen, MAX_JWKS_BYTES + 1))
  stream.issuer.intercept(JWKS_PATH, oversized(streamSeen))

  const requests = [declared, stream].map((federated) => tracked(exchange(federated)))
  for (const request of requests) {
    const response = await request.done
    assertEntraError(response, { status: 400, error: 'invalid_request', code: 90061 })
    // A deadline could not end a request before TIMEOUT_SECONDS: the size limit did.
    assert.ok(request.elapsedMs() < TIMEOUT_SECONDS * 1000, `took ${request.elapsedMs()} ms`)
  }
  await eventually(() => streamSeen.closedEarly, 'the endless issuer was hung up on')
  // Reading stops at the limit; what the issuer got out beyond it sits in socket buffers, a few
  // MiB at most on loopback, while the deadline would have let gigabytes through.
  const sentMiB = streamSeen.bytesWritten / 2 ** 20
  t.diagnostic(`the endless issuer got ${sentMiB.toFixed(1)} MiB out before the hang-up`)
  assert.ok(sentMiB < 64, `the endless issuer sent ${sentMiB.toFixed(1)} MiB before the hang-up`)
  assert.equal(stream.issuer.jwksHits, 1)
})
