// `npm run bench`: the performance targets of the issuer, measured side by side in one process
// and one run (STYLE.md §2.13). Results and how to read them: docs/BENCHMARKS.md.
import { LoadClient } from './http_load.js'
import { benchJwks, JWKS_CONCURRENCY } from './jwks_bench.js'
import { describeMachine, loadAverage } from './machine.js'
import { benchMint, MINT_HTTP_CONCURRENCY, MINT_IN_FLIGHT } from './mint_bench.js'
import { machineMarkdown, resultsMarkdown } from './report.js'
import { startWifkit } from './wifkit_fixture.js'

// About 60 s in all: enough rounds for a median, short enough to rerun on a whim.
const JWKS_PLAN = { rounds: 4, seconds: 3, warmupSeconds: 1 }
const MINT_PLAN = { rounds: 4, seconds: 2, warmupSeconds: 0.5 }

/** The targets: wifkit's rate as a fraction of its baseline's. */
const JWKS_TARGET = 0.8
const MINT_TARGET = 0.7

async function main(): Promise<void> {
  const machine = describeMachine()
  const started = performance.now()
  const fixture = await startWifkit()
  const load = new LoadClient()
  try {
    console.error('JWKS GET: wifkit vs bare Fastify…')
    const jwks = await benchJwks(load, fixture.jwksUrl, JWKS_PLAN)
    console.error('mint: wifkit vs crypto.sign vs admin API…')
    const mint = await benchMint(fixture, load, MINT_PLAN)
    const { table, met } = resultsMarkdown([
      {
        what: 'JWKS GET',
        unit: `req/s, ${JWKS_CONCURRENCY} connections`,
        subject: jwks.wifkit!,
        baseline: jwks.bare!,
        baselineLabel: 'bare Fastify',
        target: JWKS_TARGET,
      },
      {
        what: 'Mint in process',
        unit: `tokens/s, ${MINT_IN_FLIGHT} in flight`,
        subject: mint.rates.wifkit!,
        baseline: mint.rates.raw!,
        baselineLabel: 'async crypto.sign RS256',
        target: MINT_TARGET,
      },
      {
        what: 'Mint in process',
        unit: 'tokens/s, one at a time',
        subject: mint.rates.wifkitSerial!,
        baseline: mint.rates.rawSerial!,
        baselineLabel: 'crypto.sign RS256',
      },
      {
        what: 'Mint over the admin API',
        unit: `tokens/s, ${MINT_HTTP_CONCURRENCY} connections`,
        subject: mint.rates.http!,
        baseline: mint.rates.raw!,
        baselineLabel: 'async crypto.sign RS256',
      },
    ])
    const seconds = ((performance.now() - started) / 1000).toFixed(0)
    console.log(`## Run of ${new Date().toISOString().slice(0, 10)}\n`)
    console.log(machineMarkdown(machine, loadAverage()))
    console.log(
      `- Plan: JWKS ${JWKS_PLAN.rounds} rounds × ${JWKS_PLAN.seconds} s per side, mint ` +
        `${MINT_PLAN.rounds} rounds × ${MINT_PLAN.seconds} s per side; ` +
        `signing input ${mint.signingInputBytes} bytes; ${seconds} s in all\n`,
    )
    console.log(table)
    // A report, not a gate (STYLE.md §2.13): a missed target is printed, not an exit code.
    console.log(`\nAll targets met: ${met ? 'yes' : 'no'}`)
  } finally {
    await load.close()
    await fixture.close()
  }
}

await main()
