// `npm run bench`: wifkit against its ceilings and a peer, side by side in one run (STYLE.md
// §2.13, issue 8). Writes bench/results/latest.json, regenerates docs/BENCHMARKS.md from it and
// prints the section on stdout. `-- --quick`: a short smoke run into bench/results/quick.json
// that leaves the docs alone. `-- --report FILE`: regenerate the docs from a saved run.
import { mkdir, readFile } from 'node:fs/promises'
import { writeDocs, writeFormatted } from './docs_page.js'
import { benchExchange, exchangeTargets } from './exchange_bench.js'
import { startExchangeSetup } from './exchange_setup.js'
import { benchHerd } from './herd_bench.js'
import { LoadClient } from './http_load.js'
import { Sampler } from './http_sample.js'
import { benchJwks } from './jwks_bench.js'
import { describeMachine, loadAverage } from './machine.js'
import { benchMint } from './mint_bench.js'
import { choosePinning, pin } from './pinning.js'
import { profileBurst } from './profile_bench.js'
import { runMarkdown } from './report.js'
import { FULL_PLAN, QUICK_PLAN, type BenchResults } from './results.js'
import { benchScale } from './scale_bench.js'
import { benchSweep } from './sweep_bench.js'
import { evaluateTargets, verdict } from './targets.js'
import { startWifkit } from './wifkit_fixture.js'

const RESULTS = new URL('./results/', import.meta.url)
const PROFILE_TOP = 12

async function measure(quick: boolean): Promise<BenchResults> {
  const plan = quick ? QUICK_PLAN : FULL_PLAN
  const machine = describeMachine()
  const started = performance.now()
  const load = new LoadClient()
  // Two PostgreSQL nodes are driven at once, each by a load generator of its own (row 7).
  const secondLoad = new LoadClient()
  try {
    // The issuer rows run in this process, as before the exchange rows existed.
    const fixture = await startWifkit()
    let jwks, mint
    try {
      console.error('JWKS GET: wifkit vs bare Fastify…')
      jwks = await benchJwks(load, fixture.jwksUrl, plan.jwks)
      console.error('mint: wifkit vs crypto.sign vs admin API…')
      mint = await benchMint(fixture, load, plan.mint)
    } finally {
      await fixture.close()
    }
    const pinning = choosePinning()
    if (pinning) pin(process.pid, pinning.load)
    console.error('starting wifkit, oidc-provider and the ceiling in child processes…')
    const setup = await startExchangeSetup(pinning?.server)
    try {
      // With 2 cores, one each; with more, the first load core stands for the load generator's.
      const cores = pinning
        ? { server: Number(pinning.server), load: Number(pinning.load.split('-')[0]) }
        : undefined
      const sampler = new Sampler(load, cores)
      console.error('ceiling and exchange rounds…')
      const exchange = await benchExchange(setup, sampler, plan.exchange)
      const targets = exchangeTargets(setup)
      console.error('concurrency sweep…')
      const sweep = await benchSweep(
        sampler,
        { wifkit: targets.distinct, peer: targets.peer },
        plan.sweep,
      )
      console.error('cold-issuer herd…')
      const herd = await benchHerd(load, setup.coldWifkit, setup.cold, plan.herdRequests)
      console.error('profiles…')
      const burst = {
        concurrency: plan.exchange.concurrency,
        seconds: plan.profileSeconds,
        top: PROFILE_TOP,
      }
      const profiles = {
        wifkit: await profileBurst(sampler, targets.distinct, burst),
        peer: await profileBurst(sampler, targets.peer, burst),
      }
      console.error(`scale and nodes: seeding, then SQLite and PostgreSQL rounds…`)
      const scale = await benchScale(
        [sampler, new Sampler(secondLoad, cores)],
        plan.scale,
        pinning?.server,
      )
      return {
        date: new Date().toISOString().slice(0, 10),
        quick,
        machine,
        endLoadAverage: loadAverage(),
        pinning: pinning ?? null,
        plan,
        seconds: (performance.now() - started) / 1000,
        jwks,
        mint,
        exchange,
        sweep,
        herd,
        profiles,
        scale,
      }
    } finally {
      await setup.close()
    }
  } finally {
    await Promise.all([load.close(), secondLoad.close()])
  }
}

async function main(argv: string[]): Promise<void> {
  const reportIndex = argv.indexOf('--report')
  if (reportIndex >= 0) {
    const file = argv[reportIndex + 1]
    if (file === undefined) throw new TypeError('--report needs a results file')
    await writeDocs(JSON.parse(await readFile(file, 'utf8')) as BenchResults)
    return
  }
  const quick = argv.includes('--quick')
  const results = await measure(quick)
  await mkdir(RESULTS, { recursive: true })
  const file = new URL(quick ? 'quick.json' : 'latest.json', RESULTS)
  await writeFormatted(file, JSON.stringify(results))
  if (!quick) await writeDocs(results)
  console.log(runMarkdown(results, 'benchmarks-exchange.svg'))
  // A report, not a gate (STYLE.md §2.13): a missed target is printed, not an exit code.
  for (const t of evaluateTargets(results)) {
    console.error(`${verdict(t).padEnd(4)} ${t.what}: ${t.figure} (target ${t.target})`)
  }
  console.error(`results: ${file.pathname}${quick ? '' : '; docs/BENCHMARKS.md regenerated'}`)
}

await main(process.argv.slice(2))
