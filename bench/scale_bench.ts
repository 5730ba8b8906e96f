// Rows 6 and 7 of issue 8: exchange throughput with a small and a large directory on SQLite and
// PostgreSQL, with each node's memory, and two PostgreSQL nodes against one.
import { alternateSamples } from './alternate.js'
import type { Sample, Sampler } from './http_sample.js'
import { memoryOf, type Memory } from './proc_memory.js'
import { postgresProblem } from './scale_database.js'
import { startScaleSetup, type Backend, type ScaleSeeds, type Size } from './scale_setup.js'

export interface ScalePlan {
  seeds: ScaleSeeds
  rounds: number
  seconds: number
  warmupSeconds: number
  /** Connections in all; two nodes get half each. */
  concurrency: number
}

/** One database's size, seeding time and, per node, memory after the rounds. */
export interface ScaleDeploymentResult {
  backend: Backend
  size: Size
  /** Counted in the database after seeding, the bench's own rows included. */
  credentials: number
  applications: number
  seedSeconds: number
  memory: Memory[]
}

/** `<backend>-<size>` closed-loop on one node, and `postgres-small-2-nodes`; one per round. */
export type ScaleSamples = Record<string, Sample[]>

export interface ScaleResults {
  /** Why PostgreSQL was left out, when it was. */
  postgresUnavailable: string | null
  deployments: ScaleDeploymentResult[]
  samples: ScaleSamples
}

export const TWO_NODES = 'postgres-small-2-nodes'
export const contenderName = (backend: Backend, size: Size) => `${backend}-${size}`

/**
 * Both nodes at once, each from its own load generator with half the connections, started
 * together. Counts and CPU time add up; latency is the worse node's (percentiles do not add).
 */
function together(samples: Sample[]): Sample {
  const sum = (field: (s: Sample) => number) => samples.reduce((n, s) => n + field(s), 0)
  const completed = sum((s) => s.completed)
  const cpuSeconds = sum((s) => s.cpuSeconds)
  const seconds = Math.max(...samples.map((s) => s.seconds))
  return {
    concurrency: sum((s) => s.concurrency),
    completed,
    seconds,
    rate: sum((s) => s.rate),
    cpuSeconds,
    perCpuSecond: completed / Math.max(cpuSeconds, 0.01),
    mainThreadCpuSeconds: sum((s) => s.mainThreadCpuSeconds),
    p50Ms: Math.max(...samples.map((s) => s.p50Ms)),
    p99Ms: Math.max(...samples.map((s) => s.p99Ms)),
  }
}

/** Seeds, starts the nodes, alternates every contender round by round, then reads memory. */
export async function benchScale(
  samplers: [Sampler, Sampler],
  plan: ScalePlan,
  serverCpus: string | undefined,
): Promise<ScaleResults> {
  const problem = await postgresProblem()
  if (problem !== undefined) console.error(`PostgreSQL left out of rows 6 and 7: ${problem}`)
  const backends: Backend[] = problem === undefined ? ['sqlite', 'postgres'] : ['sqlite']
  const setup = await startScaleSetup(backends, plan.seeds, serverCpus)
  try {
    const [first, second] = samplers
    const { concurrency } = plan
    const contenders: Record<string, (seconds: number) => Promise<Sample>> = {}
    for (const d of setup.deployments) {
      const node = d.nodes[0]!
      contenders[contenderName(d.backend, d.size)] = (seconds) =>
        first.sample(node, { concurrency, seconds })
      const other = d.nodes[1]
      if (other !== undefined) {
        contenders[TWO_NODES] = async (seconds) =>
          together(
            await Promise.all([
              first.sample(node, { concurrency: concurrency / 2, seconds }),
              second.sample(other, { concurrency: concurrency / 2, seconds }),
            ]),
          )
      }
    }
    const samples = await alternateSamples(contenders, plan)
    return {
      postgresUnavailable: problem ?? null,
      samples,
      deployments: setup.deployments.map((d) => ({
        backend: d.backend,
        size: d.size,
        credentials: d.database.credentials,
        applications: d.database.applications,
        seedSeconds: d.database.seedSeconds,
        memory: d.nodes.map((n) => memoryOf(n.server.pid)),
      })),
    }
  } finally {
    await setup.close()
  }
}
