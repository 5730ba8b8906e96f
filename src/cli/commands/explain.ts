import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { EntraError, UsageError } from '../../errors/index.js'
import { explainExchange, type Explanation, type Fic } from '../../sts/index.js'
import { withAdminClient, withServerOptions, type ServerOptions } from '../admin_client.js'
import { printResult } from '../output.js'

interface ExplainFlags extends ServerOptions {
  app: string
  token: string
  tenant?: string
  fics?: string
  json?: boolean
}

interface WireFic {
  id?: string
  name: string
  issuer: string
  subject: string
  audiences: string[]
}

/** A JWT given inline, or a file holding one (the projected token file, trimmed as SDKs do). */
async function readToken(value: string): Promise<string> {
  if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(value.trim())) return value.trim()
  try {
    return (await readFile(value, 'utf8')).trim()
  } catch (error) {
    throw new UsageError(`--token: not a JWT and not a readable file: ${(error as Error).message}`)
  }
}

async function credentials(flags: ExplainFlags): Promise<Fic[]> {
  let fics: WireFic[]
  if (flags.fics) {
    const parsed = JSON.parse(await readFile(flags.fics, 'utf8')) as
      WireFic[] | { value: WireFic[] }
    fics = Array.isArray(parsed) ? parsed : parsed.value
  } else {
    const tenant = flags.tenant ? `?tenant=${encodeURIComponent(flags.tenant)}` : ''
    const path = `/v1.0/applications(appId='${encodeURIComponent(flags.app)}')/federatedIdentityCredentials${tenant}`
    fics = await withAdminClient(
      { ...flags, token: undefined },
      async (client) => (await client.request<{ value: WireFic[] }>('GET', path)).body.value,
    )
  }
  return fics.map((f, i) => ({
    id: f.id ?? String(i),
    name: f.name,
    issuer: f.issuer,
    subject: f.subject,
    audiences: f.audiences,
  }))
}

function render(e: Explanation): string {
  const mark = (ok: boolean) => (ok ? 'equal  ' : 'DIFFERS')
  const lines = [
    `token: iss=${e.claims.iss} sub=${e.claims.sub} aud=${e.claims.aud.join(' ')}`,
    `       exp=${new Date(e.claims.exp * 1000).toISOString()}`,
    '',
  ]
  for (const c of e.credentials) {
    lines.push(`credential ${c.name}: ${c.matches ? 'MATCHES' : 'no match'}`)
    for (const [label, v] of [
      ['issuer', c.issuer],
      ['subject', c.subject],
      ['audience', c.audience],
    ] as const) {
      lines.push(
        `  ${label.padEnd(8)} ${mark(v.equal)} configured "${v.configured}" presented "${v.presented}"${v.note ? ` (${v.note})` : ''}`,
      )
    }
  }
  lines.push('')
  lines.push(
    e.outcome.ok
      ? `outcome: the exchange would succeed with credential ${e.outcome.credential} (the signature is checked only by the STS)`
      : `outcome: the STS would answer ${e.outcome.description}${e.outcome.detail ? `\n  why: ${e.outcome.detail}` : ''}`,
  )
  return lines.join('\n')
}

/** `wifkit explain` (IF-53): an offline dry run of the matching half of a token exchange. */
export function registerExplainCommand(program: Command): void {
  withServerOptions(program.command('explain'), { tokenFlag: false })
    .description(
      'Dry-run a token exchange: why each federated credential matches the token or not.',
    )
    .requiredOption('--app <clientId>', 'the client id whose credentials are tried')
    .requiredOption('--token <jwtOrFile>', 'the workload token, or a file holding it')
    .option('--tenant <tenant>', 'tenant id or domain (default: the server default tenant)')
    .option('--fics <file>', 'read credentials from a JSON file instead of a server')
    .option('--json', 'print JSON')
    .action(async (_flags: ExplainFlags, cmd: Command) => {
      const flags = cmd.opts<ExplainFlags>()
      const jwt = await readToken(flags.token)
      let explanation: Explanation
      try {
        explanation = explainExchange(
          jwt,
          await credentials(flags),
          Math.floor(Date.now() / 1000),
          {
            skewSeconds: 300,
            maxAssertionLifetimeSeconds: 90000,
          },
        )
      } catch (error) {
        if (error instanceof EntraError)
          throw new UsageError(`the STS would answer ${error.message}`)
        throw error
      }
      printResult(flags.json ?? false, explanation, () => render(explanation))
      if (!explanation.outcome.ok) process.exitCode = 1
    })
}
