/** Runs a contender for about `seconds` and reports how many operations it completed. */
export type Measure = (seconds: number) => Promise<{ completed: number; seconds: number }>

/** Operations per second of each contender, one entry per round. */
export type Rates = Record<string, number[]>

/**
 * Runs every contender once untimed to warm up, then `rounds` times in turn, reversing the order
 * every other round (A B, B A, A B…): on a shared machine the load drifts, and adjacent,
 * mirrored slots spread that drift evenly over both sides of each ratio. Each contender's
 * results come back in round order.
 */
export async function alternateSamples<T extends Record<string, unknown>>(
  contenders: { [K in keyof T]: (seconds: number) => Promise<T[K]> },
  options: { rounds: number; seconds: number; warmupSeconds: number },
): Promise<{ [K in keyof T]: T[K][] }> {
  const names = Object.keys(contenders) as (keyof T)[]
  const samples = Object.fromEntries(names.map((name) => [name, []])) as unknown as {
    [K in keyof T]: T[K][]
  }
  for (const name of names) await contenders[name](options.warmupSeconds)
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) samples[name].push(await contenders[name](options.seconds))
  }
  return samples
}

/** {@link alternateSamples} for contenders that count operations: their rates per round. */
export async function alternate(
  contenders: Record<string, Measure>,
  options: { rounds: number; seconds: number; warmupSeconds: number },
): Promise<Rates> {
  const samples = await alternateSamples(contenders, options)
  return Object.fromEntries(
    Object.entries(samples).map(([name, runs]) => [name, runs.map((r) => r.completed / r.seconds)]),
  )
}

/** A ratio summarised over rounds: each round's ratio is taken side by side, then the median. */
export interface Ratio {
  median: number
  min: number
  max: number
}

/** `subject / baseline` per round, so each ratio compares two slots seconds apart. */
export function ratioOf(subject: number[], baseline: number[]): Ratio {
  const ratios = subject.map((rate, i) => rate / baseline[i]!).sort((a, b) => a - b)
  return { median: median(ratios), min: ratios[0]!, max: ratios[ratios.length - 1]! }
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
