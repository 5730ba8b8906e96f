import { median, ratioOf } from './alternate.js'
import type { Machine } from './machine.js'

/** One table row: a wifkit rate against its baseline, with the target if it has one. */
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
