import type { Sample, Sampler, Target } from './http_sample.js'

/** Throughput and latency against concurrency, for the plot. */
export interface Sweep {
  concurrency: number[]
  wifkit: Sample[]
  peer: Sample[]
}

/**
 * wifkit (distinct assertions) and the peer, closed-loop at each concurrency in turn, the two
 * alternating which goes first at each step.
 */
export async function benchSweep(
  sampler: Sampler,
  targets: { wifkit: Target; peer: Target },
  plan: { concurrency: number[]; seconds: number },
): Promise<Sweep> {
  const sweep: Sweep = { concurrency: plan.concurrency, wifkit: [], peer: [] }
  for (const [step, concurrency] of plan.concurrency.entries()) {
    const order = step % 2 === 0 ? (['wifkit', 'peer'] as const) : (['peer', 'wifkit'] as const)
    for (const name of order) {
      sweep[name].push(await sampler.sample(targets[name], { concurrency, seconds: plan.seconds }))
    }
  }
  return sweep
}
