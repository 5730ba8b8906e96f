import type { Command } from 'commander'
import { readDevJson } from '../../dev/index.js'
import type { IssuerDescription } from '../../issuer/index.js'
import {
  AdminApiError,
  withAdminClient,
  withServerOptions,
  type AdminClient,
  type ServerOptions,
} from '../admin_client.js'
import { checkIssuer, checkSts } from '../doctor/checks.js'
import { summary, type Finding } from '../doctor/findings.js'
import { printResult } from '../output.js'
import type { TenantView } from './directory/shared.js'

interface DoctorFlags extends ServerOptions {
  issuer: string[]
  authority?: string
  tenant: string[]
  json?: boolean
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/**
 * Where the STS is: `--authority`, else dev.json's authority when the server is the dev one, else
 * `{public.url}` read off a served issuer (IF-21 puts both under the same public origin).
 */
async function authorityOf(flags: DoctorFlags, issuers: readonly IssuerDescription[]) {
  if (flags.authority) return flags.authority.replace(/\/+$/, '')
  if (!flags.adminUrl && !process.env.WIFKIT_ADMIN_URL) {
    const dev = await readDevJson(flags.dataDir ?? './.wifkit-dev')
    if (dev) return dev.authorityHost
  }
  for (const issuer of issuers) {
    const suffix = `/issuers/${issuer.name}`
    if (issuer.publication === 'served' && issuer.issuer.endsWith(suffix))
      return issuer.issuer.slice(0, -suffix.length)
  }
  return undefined
}

async function tenantsOf(client: AdminClient, flags: DoctorFlags): Promise<string[] | string> {
  if (flags.tenant.length > 0) return flags.tenant
  try {
    const { body } = await client.request<{ value: TenantView[] }>('GET', '/admin/v1/tenants')
    return body.value.map((t) => t.id)
  } catch (error) {
    if (error instanceof AdminApiError)
      return `cannot list tenants (${error.message}); pass --tenant`
    throw error
  }
}

async function diagnose(client: AdminClient, flags: DoctorFlags): Promise<Finding[]> {
  const { body } = await client.request<{ value: IssuerDescription[] }>('GET', '/admin/v1/issuers')
  const wanted = new Set(flags.issuer)
  const issuers = body.value.filter((i) => wanted.size === 0 || wanted.has(i.name))
  const findings: Finding[] = []
  for (const name of wanted) {
    if (!issuers.some((i) => i.name === name))
      findings.push({
        check: 'exists',
        target: `issuer ${name}`,
        ok: false,
        detail: 'no such issuer',
      })
  }
  for (const issuer of issuers) findings.push(...(await checkIssuer(client, issuer)))
  const authority = await authorityOf(flags, body.value)
  const tenants = await tenantsOf(client, flags)
  if (authority === undefined || typeof tenants === 'string') {
    const detail =
      authority === undefined
        ? 'authority unknown; pass --authority https://HOST'
        : (tenants as string)
    findings.push({ check: 'discovery reachable', target: 'sts', ok: false, detail })
    return findings
  }
  for (const tenant of tenants) findings.push(...(await checkSts(client, authority, tenant)))
  return findings
}

function render(findings: readonly Finding[]): string {
  const width = Math.max(...findings.map((f) => f.target.length))
  const lines = findings.map(
    (f) => `${f.ok ? 'ok  ' : 'FAIL'}  ${f.target.padEnd(width)}  ${f.check}: ${f.detail}`,
  )
  return [...lines, summary(findings)].join('\n')
}

/** `wifkit doctor` (IF-56): checks a running deployment end to end; exit 1 when a check fails. */
export function registerDoctorCommand(program: Command): void {
  withServerOptions(program.command('doctor'))
    .description('Check a running deployment end to end: issuers, keys, STS and clock skew.')
    .option(
      '--issuer <name>',
      'check only this issuer (repeatable; default: every issuer)',
      collect,
      [],
    )
    .option('--authority <url>', 'the STS authority (default: dev.json, else read off an issuer)')
    .option(
      '--tenant <id>',
      'check the STS for this tenant (repeatable; default: every tenant)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(async (flags: DoctorFlags) =>
      withAdminClient(flags, async (client) => {
        const findings = await diagnose(client, flags)
        const ok = findings.every((f) => f.ok)
        printResult(flags.json ?? false, { ok, findings }, () => render(findings))
        if (!ok) process.exitCode = 1
      }),
    )
}
