import type { Sample } from './http_sample.js'
import type { Profile } from './profile_bench.js'
import type { BenchResults } from './results.js'
import { exchangeRatios, medianOf, ratioText } from './targets.js'

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => n.toFixed(2)
const table = (head: string[], align: string[], rows: string[][]) =>
  [head, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')

/** The ceiling's parts and C, medians over rounds. */
export function ceilingMarkdown(results: BenchResults): string {
  const { ceiling } = results.exchange
  const concurrency = results.plan.exchange.concurrency
  const row = (what: string, field: (r: (typeof ceiling)[number]) => number) => {
    const values = ceiling.map(field)
    return [
      what,
      int(medianOf(values, (v) => v)),
      `${int(Math.min(...values))}–${int(Math.max(...values))}`,
    ]
  }
  return table(
    ['Part', 'Per server CPU-second (median)', 'Range over rounds'],
    ['---', '---:', '---:'],
    [
      row('RS256 sign, node:crypto `sign`, RSA-2048', (r) => r.signPerCpuSecond),
      row('RS256 verify, node:crypto `verify`, RSA-2048', (r) => r.verifyPerCpuSecond),
      row(`Bare Fastify POST, ${concurrency} connections`, (r) => r.httpPerCpuSecond),
      row('**C** = 1 / (1/sign + 1/verify + 1/http)', (r) => r.perCpuSecond),
    ],
  )
}

const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`
const others = (s: Sample) =>
  s.othersOnCoreSeconds === undefined
    ? 'not pinned'
    : `${percent(s.othersOnCoreSeconds, s.seconds)} / ${percent(s.othersOnLoadCoreSeconds ?? 0, s.seconds)}`

const CONTENDERS = [
  ['wifkit, repeated assertion', 'repeated'],
  ['wifkit, distinct assertions', 'distinct'],
  ['oidc-provider, distinct assertions', 'peer'],
] as const

/** The exchange rows at maximum load: rate, CPU, ratios to C and to the peer. */
export function exchangeMarkdown(results: BenchResults): string {
  const { maxLoad } = results.exchange
  const ratios = exchangeRatios(results)
  const toC = {
    repeated: ratios.repeatedToCeiling,
    distinct: ratios.distinctToCeiling,
    peer: ratios.peerToCeiling,
  }
  const toPeer = { repeated: ratios.repeatedToPeer, distinct: ratios.distinctToPeer }
  return table(
    [
      'Exchange',
      'Tokens/s',
      'Tokens per server CPU-s',
      'Per CPU-s ÷ C',
      'Per CPU-s ÷ peer',
      'Taken by others: server / load core',
    ],
    ['---', '---:', '---:', '---:', '---:', '---:'],
    CONTENDERS.map(([what, name]) => {
      const runs = maxLoad[name]
      return [
        what,
        int(medianOf(runs, (s) => s.rate)),
        int(medianOf(runs, (s) => s.perCpuSecond)),
        ratioText(toC[name]),
        name === 'peer' ? '1.00x' : ratioText(toPeer[name]),
        others(runs.reduce((a, b) => (a.rate >= b.rate ? a : b))),
      ]
    }),
  )
}

/** Latency at maximum load (the fastest round) and paced at half of it. */
export function latencyMarkdown(results: BenchResults): string {
  const { maxLoad, halfLoad } = results.exchange
  const latency = (s: Sample) => `${ms(s.p50Ms)} / ${ms(s.p99Ms)}`
  return table(
    [
      'Exchange',
      'p50 / p99 ms at 100%',
      'Offered at 50% (req/s)',
      'p50 / p99 ms at 50%',
      'Taken by others at 50%: server / load core',
    ],
    ['---', '---:', '---:', '---:', '---:'],
    CONTENDERS.map(([what, name]) => {
      const full = maxLoad[name].reduce((a, b) => (a.rate >= b.rate ? a : b))
      const half = halfLoad[name]
      return [what, latency(full), int(half.offeredRate ?? 0), latency(half), others(half)]
    }),
  )
}

/** The sweep behind the plot, as numbers. */
export function sweepMarkdown(results: BenchResults): string {
  const { sweep } = results
  return table(
    ['Connections', 'wifkit tokens/s', 'wifkit p99 ms', 'peer tokens/s', 'peer p99 ms'],
    ['---:', '---:', '---:', '---:', '---:'],
    sweep.concurrency.map((c, i) => [
      String(c),
      int(sweep.wifkit[i]!.rate),
      ms(sweep.wifkit[i]!.p99Ms),
      int(sweep.peer[i]!.rate),
      ms(sweep.peer[i]!.p99Ms),
    ]),
  )
}

export function herdMarkdown(results: BenchResults): string {
  const h = results.herd
  return table(
    [
      'Requests',
      'Tokens',
      'Failed',
      'Discovery fetches',
      'JWKS fetches',
      'First token',
      'Last token',
    ],
    ['---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    [
      [
        int(h.requests),
        int(h.completed),
        int(h.failed),
        String(h.discoveryFetches),
        String(h.jwksFetches),
        `${ms(h.firstTokenMs)} ms`,
        `${ms(h.lastTokenMs)} ms`,
      ],
    ],
  )
}

/** The hottest functions of one server's main thread. */
export function profileMarkdown(name: string, profile: Profile): string {
  const head = `${name}: ${int(profile.sample.rate)} tokens/s during the profile; main thread busy ${profile.busyPercent.toFixed(0)}% of samples.`
  const rows = profile.functions.map((f) => [
    `\`${f.name}\``,
    f.where === '' ? '–' : `\`${f.where}\``,
    `${f.selfPercent.toFixed(1)}%`,
  ])
  return `${head}\n\n${table(['Function', 'Where', 'Self time (of busy)'], ['---', '---', '---:'], rows)}`
}

/**
 * Server CPU per token, split into the ceiling's parts and the rest: what limits the figure,
 * measured by /proc rather than by a profiler.
 */
export function budgetMarkdown(results: BenchResults): string {
  const { ceiling, maxLoad } = results.exchange
  const us = (perSecond: number) => 1e6 / perSecond
  const sign = us(medianOf(ceiling, (r) => r.signPerCpuSecond))
  const verify = us(medianOf(ceiling, (r) => r.verifyPerCpuSecond))
  const http = us(medianOf(ceiling, (r) => r.httpPerCpuSecond))
  return table(
    ['Exchange', 'Server CPU µs per token', 'Sign', 'Verify', 'Bare HTTP', 'Rest', 'Main thread'],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
    CONTENDERS.map(([what, name]) => {
      const runs = maxLoad[name]
      const total = us(medianOf(runs, (s) => s.perCpuSecond))
      const main = medianOf(runs, (s) => s.mainThreadCpuSeconds / s.cpuSeconds)
      const rest = total - sign - verify - http
      return [
        what,
        int(total),
        `${int(sign)} (${percent(sign, total)})`,
        `${int(verify)} (${percent(verify, total)})`,
        `${int(http)} (${percent(http, total)})`,
        `${int(rest)} (${percent(rest, total)})`,
        `${int(total * main)} (${percent(main, 1)})`,
      ]
    }),
  )
}
