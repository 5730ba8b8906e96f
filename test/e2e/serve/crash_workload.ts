// The mixed load of the crash test (issue #9 item 6): admin writes, secret writes and exchanges
// against one `wifkit serve` process, every answered write kept in a ledger so that what the
// server acknowledged can be checked after it was killed.
import { randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { clientCredentialsForm, DEFAULT_AUDIENCE } from '../../support/sts_harness.js'

export const API = 'api-version=7.5'
export const SECRET_NAMES = 6
/** Entra's limit on credentials per application (STS-67); the load stays below it. */
const FICS_PER_APP = 20

/** A generator of numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** What the load needs to reach the server: URLs, the admin token and a workload's tokens. */
export interface Target {
  fetch: typeof fetch
  adminUrl: string
  publicUrl: string
  vaultUrl: string
  tenantId: string
  adminToken: string
  issuerUrl: string
  /** The workload's client id, its service-account assertion and a vault access token. */
  clientId: string
  assertion: string
  accessToken: string
  vaultResource: string
}

export interface AckedApp {
  id: string
  displayName: string
  fics: number
}
export interface AckedFic {
  appId: string
  id: string
  name: string
  subject: string
}
export interface AckedSecret {
  name: string
  version: string
  value: string
}

/** Everything sent and everything acknowledged (2xx received), over all cycles. */
export class Ledger {
  readonly apps: AckedApp[] = []
  readonly fics: AckedFic[] = []
  readonly secrets: AckedSecret[] = []
  /** Every value sent per secret name, acknowledged or not. */
  readonly sentValues = new Map<string, Set<string>>()
  exchanges = 0
  /** Requests that failed while the server was meant to be up: each one is a defect. */
  readonly unexpected: string[] = []

  get acknowledged(): number {
    return this.apps.length + this.fics.length + this.secrets.length + this.exchanges
  }
}

export interface Answer {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** One request; the body parsed as JSON (an empty body as `{}`). */
export async function send(
  fetchWith: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<Answer> {
  const response = await fetchWith(url, init)
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) }
}

function adminCall(target: Target, method: string, path: string, body: unknown) {
  return send(target.fetch, `${target.adminUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

type Step = (target: Target, ledger: Ledger, random: () => number, tag: string) => Promise<void>

/** Creates an application, or a credential on an application created before. */
const adminWrite: Step = async (target, ledger, random, tag) => {
  const parents = ledger.apps.filter((a) => a.fics < FICS_PER_APP)
  if (parents.length === 0 || random() < 0.5) {
    const displayName = `crash ${tag}`
    const answer = await adminCall(target, 'POST', '/v1.0/applications', { displayName })
    if (answer.status !== 201) throw new Error(`create app: ${JSON.stringify(answer)}`)
    ledger.apps.push({ id: String(answer.body.id), displayName, fics: 0 })
    return
  }
  const parent = parents[Math.floor(random() * parents.length)]!
  parent.fics += 1
  const fic = { name: `fic-${tag}`, subject: `system:serviceaccount:crash:${tag}` }
  const answer = await adminCall(
    target,
    'POST',
    `/v1.0/applications/${parent.id}/federatedIdentityCredentials`,
    { ...fic, issuer: target.issuerUrl, audiences: [DEFAULT_AUDIENCE] },
  ).catch((error: unknown) => {
    parent.fics -= 1
    throw error
  })
  if (answer.status !== 201) throw new Error(`create FIC: ${JSON.stringify(answer)}`)
  ledger.fics.push({ appId: parent.id, id: String(answer.body.id), ...fic })
}

/** Sets a new version of one of a few secrets, with a value that names its writer. */
const secretWrite: Step = async (target, ledger, random, tag) => {
  const name = `s${Math.floor(random() * SECRET_NAMES)}`
  const value = `${tag}-${randomBytes(24).toString('base64url')}`
  ledger.sentValues.set(name, (ledger.sentValues.get(name) ?? new Set()).add(value))
  const answer = await send(target.fetch, `${target.vaultUrl}/secrets/${name}?${API}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${target.accessToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ value }),
  })
  if (answer.status !== 200 || answer.body.value !== value) {
    throw new Error(`set secret: ${JSON.stringify(answer)}`)
  }
  ledger.secrets.push({ name, value, version: String(answer.body.id).split('/').pop()! })
}

/** Exchanges the workload's assertion at the STS, as a pod renewing its token would. */
const exchange: Step = async (target, ledger) => {
  const form = clientCredentialsForm(target.clientId, target.vaultResource, target.assertion)
  const answer = await send(
    target.fetch,
    `${target.publicUrl}/${target.tenantId}/oauth2/v2.0/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    },
  )
  if (answer.status !== 200) throw new Error(`exchange: ${JSON.stringify(answer)}`)
  ledger.exchanges += 1
}

/** Two lanes of each kind of write and one of exchanges. */
const LANES: ReadonlyArray<[string, Step]> = [
  ['admin', adminWrite],
  ['admin', adminWrite],
  ['secret', secretWrite],
  ['secret', secretWrite],
  ['exchange', exchange],
]

/**
 * Runs the lanes until `kill` has been called: it is called once the cycle has an acknowledged
 * write and `killAfterMs` more have passed. A request that fails before then is recorded as
 * unexpected; one that fails after it is what a crash does to a request in flight.
 */
export async function loadUntilKilled(options: {
  target: Target
  ledger: Ledger
  cycle: number
  seed: number
  killAfterMs: number
  kill: () => Promise<unknown>
}): Promise<void> {
  const { target, ledger, cycle } = options
  let killing = false
  const before = ledger.acknowledged
  const lane = async ([kind, step]: [string, Step], index: number) => {
    const random = seededRandom(options.seed ^ (cycle * 131 + index))
    for (let n = 0; !killing; n++) {
      try {
        await step(target, ledger, random, `c${cycle}-l${index}-n${n}`)
      } catch (error) {
        if (killing) break
        ledger.unexpected.push(`cycle ${cycle} ${kind}: ${String(error)}`)
        await delay(50)
      }
    }
  }
  const lanes = Promise.all(LANES.map(lane))
  while (ledger.acknowledged === before && ledger.unexpected.length === 0) await delay(5)
  await delay(options.killAfterMs)
  killing = true
  await options.kill()
  await lanes
}
