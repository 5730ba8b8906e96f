// Rows 6 and 7 of issue 8 as targets and markdown tables, from the results JSON alone.
import { median, ratioOf, type Ratio } from './alternate.js'
import type { Sample } from './http_sample.js'
import type { BenchResults } from './results.js'
import {
  contenderName,
  TWO_NODES,
  type ScaleDeploymentResult,
  type ScaleResults,
} from './scale_bench.js'
import type { TargetRow } from './targets.js'

const BACKEND = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const
const ONE_GIB_IN_MIB = 1024
const count = (n: number) => n.toLocaleString('en-US')
const ratio = (r: Ratio) => `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`
const rates = (samples: readonly Sample[]) => samples.map((s) => s.rate)
const perCpu = (samples: readonly Sample[]) => samples.map((s) => s.perCpuSecond)
const peakMiB = (d: ScaleDeploymentResult) => Math.max(...d.memory.map((m) => m.peakRssMiB))

function deployment(scale: ScaleResults, backend: 'sqlite' | 'postgres', size: 'small' | 'large') {
  return scale.deployments.find((d) => d.backend === backend && d.size === size)
}

/** Row 6 per backend and row 7: each figure beside its target. */
export function scaleTargets(scale: ScaleResults | undefined): TargetRow[] {
  const missing = (what: string, target: string, why: string): TargetRow => ({
    what,
    figure: why,
    target,
  })
  const rows: TargetRow[] = []
  for (const backend of ['sqlite', 'postgres'] as const) {
    const target = '≥ 0.9x; ≤ 1 GB'
    const small = scale && deployment(scale, backend, 'small')
    const large = scale && deployment(scale, backend, 'large')
    if (!scale || !small || !large) {
      const why = scale?.postgresUnavailable ?? 'not measured in this run'
      rows.push(
        missing(`Scale on ${BACKEND[backend]}: throughput vs 10 credentials; RSS`, target, why),
      )
      continue
    }
    const r = ratioOf(
      rates(scale.samples[contenderName(backend, 'large')]!),
      rates(scale.samples[contenderName(backend, 'small')]!),
    )
    const peak = peakMiB(large)
    rows.push({
      what:
        `${count(large.credentials)} credentials in ${count(large.applications)} applications ` +
        `vs ${count(small.credentials)}, ${BACKEND[backend]}: throughput; peak RSS`,
      figure: `${ratio(r)}; ${Math.round(peak)} MiB`,
      target,
      pass: r.median >= 0.9 && peak <= ONE_GIB_IN_MIB,
    })
  }
  const two = scale?.samples[TWO_NODES]
  const one = scale?.samples[contenderName('postgres', 'small')]
  if (!two || !one) {
    rows.push(
      missing(
        'PostgreSQL, 2 nodes vs 1',
        '≥ 1.6x',
        scale?.postgresUnavailable ?? 'not measured in this run',
      ),
    )
  } else {
    const r = ratioOf(rates(two), rates(one))
    rows.push({
      what: 'PostgreSQL, 2 nodes vs 1: throughput',
      figure: ratio(r),
      target: '≥ 1.6x',
      pass: r.median >= 1.6,
    })
  }
  return rows
}

/** The deployments table and the comparisons between them. */
export function scaleMarkdown(results: BenchResults): string {
  const { scale } = results
  if (!scale) return 'Not measured in this run.'
  const lines = [
    '| Deployment | Credentials | Applications | Seeding (s) | Tokens/s | Per server CPU-s | p99 (ms) | RSS after / peak (MiB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const d of scale.deployments) {
    const rows: [string, Sample[] | undefined, typeof d.memory][] = [
      [
        `${BACKEND[d.backend]}, 1 node`,
        scale.samples[contenderName(d.backend, d.size)],
        d.memory.slice(0, 1),
      ],
    ]
    if (d.memory.length > 1)
      rows.push([`${BACKEND[d.backend]}, 2 nodes`, scale.samples[TWO_NODES], d.memory])
    for (const [label, samples, memory] of rows) {
      if (!samples) continue
      const mem = memory
        .map((m) => `${Math.round(m.rssMiB)} / ${Math.round(m.peakRssMiB)}`)
        .join(', ')
      lines.push(
        `| ${label} | ${count(d.credentials)} | ${count(d.applications)} | ${d.seedSeconds.toFixed(1)} | ` +
          `${count(Math.round(median(rates(samples))))} | ${count(Math.round(median(perCpu(samples))))} | ` +
          `${median(samples.map((s) => s.p99Ms)).toFixed(1)} | ${mem} |`,
      )
    }
  }
  const comparisons: [string, string, string, string][] = [
    [
      'SQLite: large directory vs small',
      contenderName('sqlite', 'large'),
      contenderName('sqlite', 'small'),
      '≥ 0.9x',
    ],
    [
      'PostgreSQL: large directory vs small',
      contenderName('postgres', 'large'),
      contenderName('postgres', 'small'),
      '≥ 0.9x',
    ],
    ['PostgreSQL: 2 nodes vs 1 node', TWO_NODES, contenderName('postgres', 'small'), '≥ 1.6x'],
    [
      'PostgreSQL, 1 node vs SQLite, 1 node',
      contenderName('postgres', 'small'),
      contenderName('sqlite', 'small'),
      'information',
    ],
    [
      'PostgreSQL, 2 nodes vs SQLite, 1 node',
      TWO_NODES,
      contenderName('sqlite', 'small'),
      'information',
    ],
  ]
  const table = [
    '| Comparison | Throughput ratio (median, range) | Per server CPU-second | Target |',
    '| --- | ---: | ---: | ---: |',
  ]
  for (const [what, subject, baseline, target] of comparisons) {
    const a = scale.samples[subject]
    const b = scale.samples[baseline]
    if (!a || !b) continue
    table.push(
      `| ${what} | ${ratio(ratioOf(rates(a), rates(b)))} | ${ratio(ratioOf(perCpu(a), perCpu(b)))} | ${target} |`,
    )
  }
  const plan = results.plan.scale
  const notes = [
    `- ${plan.rounds} rounds × ${plan.seconds} s per deployment at ${plan.concurrency} connections, the same repeated assertion throughout; two nodes get ${plan.concurrency / 2} connections each from two load generators started together.`,
    `- Nodes: ${results.pinning ? `every node on CPU ${results.pinning.server}, as the other servers` : 'not pinned'}; PostgreSQL's own processes are not pinned, and their CPU time is not in "per server CPU-s".`,
    ...(results.quick
      ? ['- Quick run: the large directory is 10,000 credentials, not 1,000,000.']
      : []),
    ...(scale.postgresUnavailable ? [`- PostgreSQL left out: ${scale.postgresUnavailable}.`] : []),
  ]
  return [lines.join('\n'), '', table.join('\n'), '', notes.join('\n')].join('\n')
}
