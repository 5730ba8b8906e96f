import type { Command } from 'commander'
import { exportLines, readDevJson, startDev } from '../../dev/index.js'
import { UsageError } from '../../errors/index.js'
import { printResult, untilSignal } from '../output.js'

interface DevFlags {
  dataDir: string
  host: string
  port: string
  reset?: boolean
  json?: boolean
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be 0..65535 (got ${value})`)
  }
  return port
}

/** `wifkit dev` and `wifkit dev env` (IF-10…IF-16). */
export function registerDevCommand(program: Command): void {
  const dev = program
    .command('dev')
    .description(
      'Run the issuer, STS, vault and admin API on this machine over HTTPS, with a local CA.',
    )
    .option('--data-dir <dir>', 'where the CA, keys and database live', './.wifkit-dev')
    .option('--host <name>', 'host name in every URL', 'localhost')
    .option(
      '--port <n>',
      'public HTTPS port; 0 reuses the last port, else picks a free one',
      '8443',
    )
    .option('--reset', 'wipe the data dir first')
    .option('--json', 'print dev.json instead of the banner')
    .action(async (flags: DevFlags) => {
      const { server, dev: facts } = await startDev({
        dataDir: flags.dataDir,
        host: flags.host,
        port: parsePort(flags.port),
        reset: flags.reset ?? false,
      })
      printResult(flags.json ?? false, facts, () =>
        [
          'wifkit dev is ready',
          `  issuer     ${facts.issuer}`,
          `  discovery  ${facts.issuer}/.well-known/openid-configuration`,
          `  admin API  ${facts.adminUrl}`,
          `  CA         ${facts.caFile}`,
          `  dev.json   ${facts.dataDir}/dev.json`,
          `  STS        ${facts.authorityHost}/${facts.tenantId}/oauth2/v2.0/token`,
          `  vault      ${facts.vaultUrl}  (secret ${facts.demo.secretName}, resource ${facts.vaultResource})`,
          `  demo app   ${facts.demo.clientId}`,
          '',
          'For a workload shell:',
          ...exportLines(facts).map((l) => `  ${l}`),
          '',
          'Keep the demo workload token fresh, then exchange it at the STS:',
          `  wifkit token mint --issuer dev --namespace default --service-account demo --out ${facts.demo.tokenFile} --watch`,
          'Walk through the whole chain: docs/tutorial.md. Stop with Ctrl-C.',
        ].join('\n'),
      )
      await untilSignal()
      await server.close()
    })
  dev
    .command('env')
    .description('Print the export lines of a running `wifkit dev` again.')
    .option('--data-dir <dir>', 'the data dir of `wifkit dev`', './.wifkit-dev')
    .action(async (flags: { dataDir: string }) => {
      const facts = await readDevJson(flags.dataDir)
      if (!facts) throw new UsageError(`no ${flags.dataDir}/dev.json: start \`wifkit dev\` first`)
      process.stdout.write(`${exportLines(facts).join('\n')}\n`)
    })
}
