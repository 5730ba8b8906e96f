import { median, ratioOf } from './alternate.js'
import {
  budgetMarkdown,
  ceilingMarkdown,
  exchangeMarkdown,
  herdMarkdown,
  latencyMarkdown,
  profileMarkdown,
  sweepMarkdown,
} from './exchange_report.js'
import type { Machine } from './machine.js'
import type { BenchResults } from './results.js'
import { scaleMarkdown } from './scale_report.js'
import { evaluateTargets, verdict } from './targets.js'

/** One table row: a wifkit rate against its baseline, with the issue's target if it has one. */
export interface Row {
  what: string
  unit: string
  /** wifkit's rate in each round. */
  subject: number[]
  /** The baseline's rate in the same rounds. */
  baseline: number[]
  baselineLabel: string
  /** Minimum median ratio; undefined for rows kept for information. */
  target?: number
}

const number = (n: number) => Math.round(n).toLocaleString('en-US')

/** The machine as a markdown list. */
export function machineMarkdown(machine: Machine, endLoadAverage: string): string {
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  return [
    `- OS: ${machine.os}`,
    `- CPU: ${machine.cpu}, ${machine.cpus} logical CPUs; ${machine.memoryGiB} GiB RAM`,
    `- Node ${machine.node}; ${packages}`,
    `- Commit: ${machine.commit}`,
    `- Load average (1, 5, 15 min): ${machine.loadAverage} at start, ${endLoadAverage} at end`,
  ].join('\n')
}

/**
 * The results as a markdown table. Rates are medians over rounds; the ratio is the median of the
 * per-round ratios, with its range, because only side-by-side ratios survive a noisy machine.
 */
export function resultsMarkdown(rows: readonly Row[]): { table: string; met: boolean } {
  const lines = [
    '| Measurement | wifkit | Baseline | Ratio (median, range) | Target | Met |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ]
  let met = true
  for (const row of rows) {
    const { subject, baseline } = row
    const ratio = ratioOf(subject, baseline)
    const ok = row.target === undefined ? undefined : ratio.median >= row.target
    if (ok === false) met = false
    lines.push(
      [
        '',
        `${row.what} (${row.unit})`,
        number(median(subject)),
        `${number(median(baseline))} (${row.baselineLabel})`,
        `${ratio.median.toFixed(2)}x (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`,
        row.target === undefined ? 'information' : `≥ ${row.target.toFixed(1)}x`,
        ok === undefined ? '–' : ok ? 'yes' : 'no',
        '',
      ]
        .join(' | ')
        .trim(),
    )
  }
  return { table: lines.join('\n'), met }
}

/** The targets as a markdown table, each figure beside its target and PASS or FAIL. */
export function targetsMarkdown(results: BenchResults): string {
  const rows = evaluateTargets(results).map(
    (t) => `| ${t.what} | ${t.figure} | ${t.target} | ${verdict(t)} |`,
  )
  return ['| Target | This run | Target | Result |', '| --- | ---: | ---: | --- |', ...rows].join(
    '\n',
  )
}

/** The whole generated results section of docs/BENCHMARKS.md for one run. */
export function runMarkdown(results: BenchResults, plotFile: string): string {
  const { plan, pinning } = results
  const jwksMint = resultsMarkdown([
    {
      what: 'JWKS GET',
      unit: `req/s, 32 connections`,
      subject: results.jwks.wifkit!,
      baseline: results.jwks.bare!,
      baselineLabel: 'bare Fastify',
      target: 0.8,
    },
    {
      what: 'Mint in process',
      unit: 'tokens/s, 8 in flight',
      subject: results.mint.rates.wifkit!,
      baseline: results.mint.rates.raw!,
      baselineLabel: 'async crypto.sign RS256',
      target: 0.7,
    },
    {
      what: 'Mint in process',
      unit: 'tokens/s, one at a time',
      subject: results.mint.rates.wifkitSerial!,
      baseline: results.mint.rates.rawSerial!,
      baselineLabel: 'crypto.sign RS256',
    },
    {
      what: 'Mint over the admin API',
      unit: 'tokens/s, 8 connections',
      subject: results.mint.rates.http!,
      baseline: results.mint.rates.raw!,
      baselineLabel: 'async crypto.sign RS256',
    },
  ]).table
  const ex = plan.exchange
  return [
    `### Run of ${results.date}${results.quick ? ' (quick)' : ''}`,
    '',
    machineMarkdown(results.machine, results.endLoadAverage),
    `- Pinning: ${
      pinning
        ? `servers on CPU ${pinning.server}, load generator and bench on CPU ${pinning.load} (taskset)`
        : 'none (fewer than 2 CPUs or no taskset)'
    }`,
    `- Plan: exchange ${ex.rounds} rounds × ${ex.seconds} s per contender at ${ex.concurrency} ` +
      `connections; sweep ${plan.sweep.seconds} s per point; herd of ${plan.herdRequests}; ` +
      `${Math.round(results.seconds)} s in all`,
    '',
    '#### Targets',
    '',
    targetsMarkdown(results),
    '',
    '#### Ceiling C, per core',
    '',
    ceilingMarkdown(results),
    '',
    '#### Token exchange',
    '',
    exchangeMarkdown(results),
    '',
    latencyMarkdown(results),
    '',
    '#### Cold-issuer herd',
    '',
    herdMarkdown(results),
    '',
    '#### Scale and nodes',
    '',
    scaleMarkdown(results),
    '',
    '#### Throughput and p99 against concurrency',
    '',
    `![Throughput and p99 latency against connections, wifkit and oidc-provider](${plotFile})`,
    '',
    sweepMarkdown(results),
    '',
    '#### Where the time goes',
    '',
    budgetMarkdown(results),
    '',
    profileMarkdown('wifkit, distinct assertions', results.profiles.wifkit),
    '',
    profileMarkdown('oidc-provider', results.profiles.peer),
    '',
    '#### Issuer: JWKS and mint (in process, not pinned)',
    '',
    jwksMint,
  ].join('\n')
}
