import { median, ratioOf, type Ratio } from './alternate.js'
import type { BenchResults } from './results.js'
import { scaleTargets } from './scale_report.js'

/** One of the targets, its figure in this run, and whether it was met. */
export interface TargetRow {
  what: string
  figure: string
  target: string
  /** Undefined when the figure was not measured. */
  pass?: boolean
}

export const ratioText = (r: Ratio) =>
  `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`

const perCpu = (samples: readonly { perCpuSecond: number }[]) => samples.map((s) => s.perCpuSecond)

/** Per-round ratios of the exchange rows: to the peer and to the ceiling, per CPU-second. */
export function exchangeRatios(results: BenchResults) {
  const { maxLoad, ceiling } = results.exchange
  const c = ceiling.map((round) => round.perCpuSecond)
  return {
    distinctToPeer: ratioOf(perCpu(maxLoad.distinct), perCpu(maxLoad.peer)),
    repeatedToPeer: ratioOf(perCpu(maxLoad.repeated), perCpu(maxLoad.peer)),
    distinctToCeiling: ratioOf(perCpu(maxLoad.distinct), c),
    repeatedToCeiling: ratioOf(perCpu(maxLoad.repeated), c),
    peerToCeiling: ratioOf(perCpu(maxLoad.peer), c),
  }
}

/** Every target of issue 8, in the order, evaluated on one run. */
export function evaluateTargets(results: BenchResults): TargetRow[] {
  const ratios = exchangeRatios(results)
  const { halfLoad } = results.exchange
  const jwks = ratioOf(results.jwks.wifkit!, results.jwks.bare!)
  const mint = ratioOf(results.mint.rates.wifkit!, results.mint.rates.raw!)
  const { herd } = results
  const ms = (n: number) => `${n.toFixed(2)} ms`
  return [
    {
      what: 'Exchange per server CPU-second vs oidc-provider (distinct assertions)',
      figure: ratioText(ratios.distinctToPeer),
      target: '≥ 2.0x',
      pass: ratios.distinctToPeer.median >= 2,
    },
    {
      what: 'Exchange vs ceiling C, per server CPU-second (distinct assertions)',
      figure: ratioText(ratios.distinctToCeiling),
      target: '≥ 0.7x',
      pass: ratios.distinctToCeiling.median >= 0.7,
    },
    ...(['distinct', 'repeated'] as const).map((name) => ({
      what: `p99 at 50% of max load (${name} assertions)`,
      figure: ms(halfLoad[name].p99Ms),
      target: '≤ 5 ms',
      pass: halfLoad[name].p99Ms <= 5,
    })),
    {
      what: `Cold-issuer herd of ${herd.requests}: discovery and JWKS fetches`,
      figure: `${herd.discoveryFetches} and ${herd.jwksFetches}`,
      target: '1 and 1',
      pass: herd.discoveryFetches === 1 && herd.jwksFetches === 1 && herd.failed === 0,
    },
    {
      what: 'JWKS GET vs bare Fastify (in process)',
      figure: ratioText(jwks),
      target: '≥ 0.8x',
      pass: jwks.median >= 0.8,
    },
    {
      what: 'Mint vs async crypto.sign, 8 in flight (in process)',
      figure: ratioText(mint),
      target: '≥ 0.7x',
      pass: mint.median >= 0.7,
    },
    ...scaleTargets(results.scale),
  ]
}

export const verdict = (row: TargetRow) =>
  row.pass === undefined ? '–' : row.pass ? 'PASS' : 'FAIL'

/** The median of a list of samples' field, for tables. */
export const medianOf = <T>(samples: readonly T[], field: (s: T) => number) =>
  median(samples.map(field))
