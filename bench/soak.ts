// `npm run bench:soak` (issue #9 item 6): wifkit under a steady mixed load of exchanges, secret
// reads and writes and admin reads for 10 minutes (`-- --minutes N` to change), its resident
// memory and p99 latency read per minute. Writes bench/results/soak.json and prints a table; the
// RSS verdict (growth under 10% from the start of measuring to the end) is a report, not an exit
// code (STYLE.md §2.13). `-- --rate R` sets requests per second, `-- --warmup-seconds S` the
// uncounted warm-up before minute 1.
import { mkdir } from 'node:fs/promises'
import { writeFormatted } from './docs_page.js'
import { describeMachine, loadAverage, type Machine } from './machine.js'
import { ServerProcess } from './server_process.js'
import { runSoak, type SoakPlan, type SoakWindow } from './soak_load.js'
import { prepareWorkload, soakAgent } from './soak_setup.js'
import type { SoakServerInfo } from './servers/soak_server.js'

const RESULTS = new URL('./results/', import.meta.url)
/** The most RSS may grow from the start of measuring to the end (issue #9 item 6). */
const MAX_RSS_GROWTH = 0.1

/** Everything one soak measured: bench/results/soak.json. */
export interface SoakResults {
  date: string
  machine: Machine
  endLoadAverage: string
  plan: SoakPlan
  seconds: number
  startRssMiB: number
  endRssMiB: number
  rssGrowth: number
  rssPass: boolean
  p99StartMs: number
  p99EndMs: number
  windows: SoakWindow[]
}

function option(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(name)
  if (index < 0) return fallback
  const value = Number(argv[index + 1])
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} needs a positive number`)
  return value
}

const ms = (n: number) => n.toFixed(1)

function row(w: SoakWindow): string {
  const k = w.p99MsByKind
  return `| ${w.minute} | ${w.requests} | ${w.errors} | ${ms(w.p50Ms)} | ${ms(w.p99Ms)} | ${ms(k.exchange)} | ${ms(k.secretRead)} | ${ms(k.secretWrite)} | ${ms(k.adminRead)} | ${w.rssMiB.toFixed(1)} |`
}

const HEADER = [
  '| Minute | Requests | Errors | p50 ms | p99 ms | p99 exchange | p99 secret read | p99 secret write | p99 admin read | RSS MiB |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
]

async function main(argv: string[]): Promise<void> {
  const plan: SoakPlan = {
    minutes: option(argv, '--minutes', 10),
    rate: option(argv, '--rate', 25),
    warmupSeconds: option(argv, '--warmup-seconds', 30),
  }
  const machine = describeMachine()
  const started = performance.now()
  const server = await ServerProcess.start<SoakServerInfo>(
    new URL('./servers/soak_server.ts', import.meta.url),
    {},
  )
  const agent = soakAgent(server.info.caPem)
  try {
    const lifetimeSeconds = Math.max(3600, plan.warmupSeconds + plan.minutes * 60 + 600)
    const workload = await prepareWorkload(agent, server.info, lifetimeSeconds)
    console.error(
      `soak: ${plan.rate} requests/s, ${plan.warmupSeconds} s warm-up, ${plan.minutes} min measured`,
    )
    console.error(HEADER.join('\n'))
    const { startRssMiB, windows } = await runSoak(agent, workload, server.pid, plan, (w) =>
      console.error(row(w)),
    )
    const first = windows[0]!
    const last = windows.at(-1)!
    const results: SoakResults = {
      date: new Date().toISOString().slice(0, 10),
      machine,
      endLoadAverage: loadAverage(),
      plan,
      seconds: (performance.now() - started) / 1000,
      startRssMiB,
      endRssMiB: last.rssMiB,
      rssGrowth: last.rssMiB / startRssMiB - 1,
      rssPass: last.rssMiB / startRssMiB - 1 < MAX_RSS_GROWTH,
      p99StartMs: first.p99Ms,
      p99EndMs: last.p99Ms,
      windows,
    }
    await mkdir(RESULTS, { recursive: true })
    const file = new URL('soak.json', RESULTS)
    await writeFormatted(file, JSON.stringify(results))
    console.log([...HEADER, ...windows.map(row)].join('\n'))
    console.log(
      `\nRSS ${startRssMiB.toFixed(1)} MiB at the start, ${last.rssMiB.toFixed(1)} MiB at the end ` +
        `(${(results.rssGrowth * 100).toFixed(1)}%, target < ${MAX_RSS_GROWTH * 100}%): ` +
        `${results.rssPass ? 'PASS' : 'FAIL'}; p99 ${ms(first.p99Ms)} ms in minute 1, ` +
        `${ms(last.p99Ms)} ms in minute ${last.minute}; load average ${machine.loadAverage} ` +
        `at the start, ${results.endLoadAverage} at the end`,
    )
    console.error(`results: ${file.pathname}`)
  } finally {
    await agent.close()
    await server.close()
  }
}

await main(process.argv.slice(2))
