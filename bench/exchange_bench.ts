import { alternateSamples, median } from './alternate.js'
import type { ExchangeSetup } from './exchange_setup.js'
import type { Sample, Sampler, Target } from './http_sample.js'
import type { CryptoArgs, CryptoRate } from './servers/ceiling_server.js'

export interface ExchangePlan {
  rounds: number
  seconds: number
  warmupSeconds: number
  /** Keep-alive connections at maximum load, each with one request in flight. */
  concurrency: number
}

/** One round's ceiling: its three parts and C, all per CPU-second of the server core. */
export interface CeilingRound {
  signPerCpuSecond: number
  verifyPerCpuSecond: number
  httpPerCpuSecond: number
  /** 1 / (1/sign + 1/verify + 1/http). */
  perCpuSecond: number
}

export type Contender = 'repeated' | 'distinct' | 'peer'

export interface ExchangeResults {
  ceiling: CeilingRound[]
  /** Closed-loop bursts at `concurrency`, one sample per round. */
  maxLoad: Record<Contender, Sample[]>
  /** Paced at half the median maximum rate of the same contender. */
  halfLoad: Record<Contender, Sample>
}

const perCpu = (rate: CryptoRate) => rate.operations / rate.cpuSeconds

/** The exchange's targets, for this bench and for the sweep and profile. */
export function exchangeTargets(setup: ExchangeSetup): Record<Contender | 'bare', Target> {
  return {
    repeated: { server: setup.wifkit.server, url: setup.wifkit.url, body: setup.repeatedForm },
    distinct: { server: setup.wifkit.server, url: setup.wifkit.url, mint: setup.wifkit.mint },
    peer: { server: setup.peer.server, url: setup.peer.url, mint: setup.peer.mint },
    bare: { server: setup.ceiling, url: setup.bareUrl, body: setup.repeatedForm },
  }
}

/**
 * The ceiling and the three exchange contenders, alternated round by round so every ratio
 * compares slots seconds apart; then each contender paced at half its maximum rate.
 */
export async function benchExchange(
  setup: ExchangeSetup,
  sampler: Sampler,
  plan: ExchangePlan,
): Promise<ExchangeResults> {
  const targets = exchangeTargets(setup)
  const token = (JSON.parse(setup.sampleResponse) as { access_token: string }).access_token
  const cryptoArgs: Omit<CryptoArgs, 'seconds'> = {
    signingInputBytes: token.slice(0, token.lastIndexOf('.')).length,
    assertion: new URLSearchParams(setup.repeatedForm).get('client_assertion') ?? '',
    publicJwk: setup.warm.key.jwk as CryptoArgs['publicJwk'],
  }
  const closedLoop = (target: Target) => (seconds: number) =>
    sampler.sample(target, { concurrency: plan.concurrency, seconds })
  const runs = await alternateSamples(
    {
      bare: closedLoop(targets.bare),
      crypto: (seconds: number) =>
        setup.ceiling.request<{ sign: CryptoRate; verify: CryptoRate }>('crypto', {
          ...cryptoArgs,
          seconds,
        }),
      repeated: closedLoop(targets.repeated),
      distinct: closedLoop(targets.distinct),
      peer: closedLoop(targets.peer),
    },
    plan,
  )
  const ceiling = runs.crypto.map((crypto, round): CeilingRound => {
    const sign = perCpu(crypto.sign)
    const verify = perCpu(crypto.verify)
    const http = runs.bare[round]!.perCpuSecond
    return {
      signPerCpuSecond: sign,
      verifyPerCpuSecond: verify,
      httpPerCpuSecond: http,
      perCpuSecond: 1 / (1 / sign + 1 / verify + 1 / http),
    }
  })
  const halfLoad = {} as Record<Contender, Sample>
  for (const name of ['repeated', 'distinct', 'peer'] as const) {
    const rate = median(runs[name].map((s) => s.rate)) / 2
    halfLoad[name] = await sampler.sample(targets[name], {
      concurrency: plan.concurrency,
      seconds: plan.seconds,
      rate,
    })
  }
  return {
    ceiling,
    maxLoad: { repeated: runs.repeated, distinct: runs.distinct, peer: runs.peer },
    halfLoad,
  }
}
