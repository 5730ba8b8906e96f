import type { Rates } from './alternate.js'
import type { ExchangePlan, ExchangeResults } from './exchange_bench.js'
import type { Herd } from './herd_bench.js'
import type { Machine } from './machine.js'
import type { Pinning } from './pinning.js'
import type { Profile } from './profile_bench.js'
import type { ScalePlan, ScaleResults } from './scale_bench.js'
import type { Sweep } from './sweep_bench.js'

/** How long each part runs; `npm run bench -- --quick` uses the shorter plan. */
export interface Plan {
  jwks: { rounds: number; seconds: number; warmupSeconds: number }
  mint: { rounds: number; seconds: number; warmupSeconds: number }
  exchange: ExchangePlan
  sweep: { concurrency: number[]; seconds: number }
  herdRequests: number
  profileSeconds: number
  scale: ScalePlan
}

/** 10 credentials in 3 applications with the bench's own resource and client. */
const SMALL_DIRECTORY = { tenants: 1, applications: 1, credentials: 9 }

export const FULL_PLAN: Plan = {
  jwks: { rounds: 4, seconds: 3, warmupSeconds: 1 },
  mint: { rounds: 4, seconds: 2, warmupSeconds: 0.5 },
  exchange: { rounds: 4, seconds: 3, warmupSeconds: 1, concurrency: 16 },
  sweep: { concurrency: [1, 2, 4, 8, 16, 32, 64], seconds: 2 },
  herdRequests: 1000,
  profileSeconds: 3,
  scale: {
    // With the bench's resource and client: 1,000,000 credentials in 100,000 applications.
    seeds: {
      small: SMALL_DIRECTORY,
      large: { tenants: 100, applications: 99_998, credentials: 999_999 },
    },
    rounds: 4,
    seconds: 3,
    warmupSeconds: 1,
    concurrency: 16,
  },
}

export const QUICK_PLAN: Plan = {
  jwks: { rounds: 2, seconds: 1, warmupSeconds: 0.5 },
  mint: { rounds: 2, seconds: 0.5, warmupSeconds: 0.25 },
  exchange: { rounds: 2, seconds: 1.5, warmupSeconds: 0.5, concurrency: 16 },
  sweep: { concurrency: [1, 4, 16, 64], seconds: 0.5 },
  herdRequests: 1000,
  profileSeconds: 1,
  // 10,000 credentials instead of a million: seeding those alone takes over a minute.
  scale: {
    seeds: {
      small: SMALL_DIRECTORY,
      large: { tenants: 10, applications: 998, credentials: 9_999 },
    },
    rounds: 2,
    seconds: 1,
    warmupSeconds: 0.5,
    concurrency: 16,
  },
}

/** Everything one run measured: written to bench/results/*.json, read back by the report. */
export interface BenchResults {
  date: string
  quick: boolean
  machine: Machine
  endLoadAverage: string
  /** Cores of the servers and of the load generator; null when not pinned. */
  pinning: Pinning | null
  plan: Plan
  seconds: number
  jwks: Rates
  mint: { rates: Rates; signingInputBytes: number }
  exchange: ExchangeResults
  sweep: Sweep
  herd: Herd
  profiles: { wifkit: Profile; peer: Profile }
  /** Rows 6 and 7; absent in runs made before they existed. */
  scale?: ScaleResults
}
