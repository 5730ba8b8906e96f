import type { Sample, Sampler, Target } from './http_sample.js'
import type { HotFunction } from './servers/cpu_profile.js'

/** Where a server's main thread spends its time during one burst. */
export interface Profile {
  sample: Sample
  /** Share of samples the main thread was busy (not idle). */
  busyPercent: number
  /** Top functions by self time, as a share of busy samples. */
  functions: HotFunction[]
}

/** Profiles the target's server during one extra closed-loop burst (not a measured round). */
export async function profileBurst(
  sampler: Sampler,
  target: Target,
  options: { concurrency: number; seconds: number; top: number },
): Promise<Profile> {
  await target.server.request('profile-start')
  const sample = await sampler.sample(target, options)
  const profile = await target.server.request<Omit<Profile, 'sample'>>('profile-stop', {
    top: options.top,
  })
  return { sample, ...profile }
}
