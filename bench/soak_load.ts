// The soak's paced mixed load (issue #9 item 6): request i is due at start + i / rate, whatever
// happened to the ones before, and its latency counts from when it was due, so a server that
// slows down is charged for the queue it causes. Each minute is a window of its own, with the
// server's resident memory read from /proc at its end.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { request, type Agent } from 'undici'
import { memoryOf } from './proc_memory.js'
import { API, SECRET_NAMES, type SoakWorkload } from './soak_setup.js'

export type Kind = 'exchange' | 'secretRead' | 'secretWrite' | 'adminRead'
/** Ten requests in a row: 4 exchanges, 3 secret reads, 2 admin reads and 1 secret write. */
const PATTERN: readonly Kind[] = [
  'exchange',
  'secretRead',
  'adminRead',
  'exchange',
  'secretRead',
  'secretWrite',
  'exchange',
  'adminRead',
  'secretRead',
  'exchange',
]

/** One minute of the soak. */
export interface SoakWindow {
  minute: number
  requests: number
  errors: number
  p50Ms: number
  p99Ms: number
  p99MsByKind: Record<Kind, number>
  /** The server's VmRSS and VmHWM at the end of the minute. */
  rssMiB: number
  peakRssMiB: number
  firstError?: string
}

export interface SoakPlan {
  rate: number
  warmupSeconds: number
  minutes: number
}

function percentile(values: number[], p: number): number {
  const sorted = Float64Array.from(values).sort()
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Sends request `i` of the pattern; resolves with an error text, or undefined on success. */
async function sendOne(agent: Agent, w: SoakWorkload, i: number): Promise<string | undefined> {
  const kind = PATTERN[i % PATTERN.length]!
  const secret = `${w.vaultUrl}/secrets/soak-${i % SECRET_NAMES}?${API}`
  const vaultHeaders = { authorization: w.bearer, 'content-type': 'application/json' }
  const [url, method, headers, body] =
    kind === 'exchange'
      ? [
          w.tokenUrl,
          'POST',
          { 'content-type': 'application/x-www-form-urlencoded' },
          w.exchangeForms[i % w.exchangeForms.length],
        ]
      : kind === 'secretRead'
        ? [secret, 'GET', vaultHeaders, undefined]
        : kind === 'secretWrite'
          ? [
              secret,
              'PUT',
              vaultHeaders,
              JSON.stringify({ value: randomBytes(32).toString('base64') }),
            ]
          : [
              `${w.adminUrl}${w.adminReads[i % w.adminReads.length]}`,
              'GET',
              w.adminHeaders,
              undefined,
            ]
  try {
    const response = await request(url, { dispatcher: agent, method, headers, body: body ?? null })
    if (response.statusCode === 200) {
      await response.body.dump()
      return undefined
    }
    return `${kind} ${response.statusCode} ${(await response.body.text()).slice(0, 200)}`
  } catch (error) {
    return `${kind} ${String(error)}`
  }
}

/** Latencies and errors of the requests due in one minute. */
class Minute {
  readonly latencies = new Map<Kind, number[]>()
  readonly errors: string[] = []
  readonly pending: Array<Promise<void>> = []

  summary(minute: number, memory: { rssMiB: number; peakRssMiB: number }): SoakWindow {
    const all = [...this.latencies.values()].flat()
    const p99MsByKind = Object.fromEntries(
      PATTERN.map((kind) => [kind, percentile(this.latencies.get(kind) ?? [], 99)]),
    ) as Record<Kind, number>
    return {
      minute,
      requests: all.length + this.errors.length,
      errors: this.errors.length,
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      p99MsByKind,
      ...memory,
      ...(this.errors[0] === undefined ? {} : { firstError: this.errors[0] }),
    }
  }
}

/**
 * Runs the warm-up, whose requests are not counted, then `minutes` measured minutes. A minute's
 * RSS is read as it ends; its window is reported once its last request has answered.
 */
export async function runSoak(
  agent: Agent,
  workload: SoakWorkload,
  pid: number,
  plan: SoakPlan,
  onMinute: (window: SoakWindow) => void,
): Promise<{ startRssMiB: number; windows: SoakWindow[] }> {
  const start = performance.now()
  const measureFrom = start + plan.warmupSeconds * 1000
  const total = Math.ceil((plan.warmupSeconds + plan.minutes * 60) * plan.rate)
  const minutes = Array.from({ length: plan.minutes }, () => new Minute())
  const warmup: Array<Promise<unknown>> = []
  const closed: Array<Promise<SoakWindow>> = []
  let startRssMiB: number | undefined
  const close = (m: number) => {
    const memory = memoryOf(pid)
    closed.push(Promise.all(minutes[m]!.pending).then(() => minutes[m]!.summary(m + 1, memory)))
    void closed.at(-1)!.then(onMinute)
  }
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / plan.rate
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    const m = Math.floor((due - measureFrom) / 60_000)
    if (m < 0) {
      warmup.push(sendOne(agent, workload, i))
      continue
    }
    startRssMiB ??= memoryOf(pid).rssMiB
    while (closed.length < m) close(closed.length)
    const minute = minutes[m]!
    const kind = PATTERN[i % PATTERN.length]!
    minute.pending.push(
      sendOne(agent, workload, i).then((error) => {
        if (error !== undefined) minute.errors.push(error)
        else {
          const list = minute.latencies.get(kind) ?? []
          list.push(performance.now() - due)
          minute.latencies.set(kind, list)
        }
      }),
    )
  }
  const remaining = Math.max(0, measureFrom + plan.minutes * 60_000 - performance.now())
  await sleep(remaining)
  while (closed.length < plan.minutes) close(closed.length)
  await Promise.all(warmup)
  return { startRssMiB: startRssMiB ?? 0, windows: await Promise.all(closed) }
}
