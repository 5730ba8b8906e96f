/**
 * The `rateLimit` section of every benchmarked wifkit (ADR 0012). The benchmarks drive one
 * client id, one address and one admin token far past the production defaults on purpose, so
 * the limits are raised out of reach rather than turned off: the limiter's bookkeeping stays on
 * the measured path, and a throttled request would count as failed (bench/http_load.ts).
 */
export const BENCH_RATE_LIMIT = {
  clientIdPerSecond: 1_000_000,
  clientIdBurst: 10_000_000,
  addressPerSecond: 1_000_000,
  addressBurst: 10_000_000,
  adminTokenPerSecond: 1_000_000,
  adminTokenBurst: 10_000_000,
}
