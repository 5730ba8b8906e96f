import { join } from 'node:path'
import type { Command } from 'commander'
import { UsageError } from '../../errors/index.js'
import type { IssuerDescription } from '../../issuer/index.js'
import { writeFileAtomic } from '../../util/index.js'
import { withAdminClient, withServerOptions, type ServerOptions } from '../admin_client.js'
import { notice, printResult } from '../output.js'

type Flags = ServerOptions & { json?: boolean }

function describe(d: IssuerDescription): string {
  const when = (s: number) => new Date(s * 1000).toISOString()
  return [
    `issuer     ${d.issuer}`,
    `discovery  ${d.discoveryUrl}`,
    `jwks_uri   ${d.jwksUri}`,
    `published  ${d.publication}`,
    'keys:',
    ...d.keys.map((k) => {
      const extra =
        k.activatesAt !== undefined
          ? ` activates ${k.activatesAt === null ? 'after publish --verify' : when(k.activatesAt)}`
          : k.removableAt !== undefined
            ? ` removed after ${when(k.removableAt)}`
            : ''
      return `  ${k.state.padEnd(8)} ${k.kid} ${k.alg}${extra}`
    }),
    '',
    'Paste this exact string as the issuer of federated credentials:',
    d.issuer,
  ].join('\n')
}

/** `wifkit issuer create/list/show/rotate/publish` (IF-50), clients of the admin API. */
export function registerIssuerCommands(program: Command): void {
  const issuer = program
    .command('issuer')
    .description('Create, inspect, rotate and publish OIDC issuers.')
  const path = (name: string) => `/admin/v1/issuers/${encodeURIComponent(name)}`

  withServerOptions(issuer.command('create <name>'))
    .description('Create an issuer; its first key signs at once.')
    .option('--url <url>', 'the issuer URL (default: {public.url}/issuers/NAME)')
    .option('--jwks-uri <url>', 'where the JWKS is hosted, if not beside the issuer')
    .option(
      '--static',
      'documents are copied to static hosting; rotation waits for publish --verify',
    )
    .option('--algorithm <alg>', 'RS256 (default; the only one Entra accepts) or ES256')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        flags: Flags & { url?: string; jwksUri?: string; static?: boolean; algorithm?: string },
        cmd: Command,
      ) =>
        withAdminClient(cmd.opts(), async (client) => {
          const { body } = await client.request<IssuerDescription & { warnings: string[] }>(
            'POST',
            '/admin/v1/issuers',
            {
              name,
              ...(flags.url && { url: flags.url }),
              ...(flags.jwksUri && { jwksUri: flags.jwksUri }),
              ...(flags.static && { publication: 'static' }),
              ...(flags.algorithm && { algorithm: flags.algorithm }),
            },
          )
          for (const warning of body.warnings) notice(`warning: ${warning}`)
          printResult(flags.json ?? false, body, () => describe(body))
        }),
    )

  withServerOptions(issuer.command('list'))
    .description('List issuers.')
    .option('--json', 'print JSON')
    .action(async (flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<{ value: IssuerDescription[] }>(
          'GET',
          '/admin/v1/issuers',
        )
        printResult(flags.json ?? false, body, () =>
          body.value.map((d) => `${d.name}\t${d.issuer}`).join('\n'),
        )
      }),
    )

  withServerOptions(issuer.command('show <name>'))
    .description('Show an issuer: its exact URL, documents and keys with their states.')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<IssuerDescription>('GET', path(name))
        printResult(flags.json ?? false, body, () => describe(body))
      }),
    )

  withServerOptions(issuer.command('rotate <name>'))
    .description('Add a pending key; it signs after the publish delay (ISS-91).')
    .option(
      '--emergency',
      'sign with a new key now; drop the current and any pending key from the JWKS',
    )
    .option('--json', 'print JSON')
    .action(async (name: string, flags: Flags & { emergency?: boolean }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        if (flags.emergency) {
          notice(
            'warning: tokens signed by the removed key now fail until their holders get new ones',
          )
        }
        const { body } = await client.request<IssuerDescription>('POST', `${path(name)}/rotate`, {
          emergency: flags.emergency ?? false,
        })
        printResult(flags.json ?? false, body, () => describe(body))
      }),
    )

  withServerOptions(issuer.command('publish <name>'))
    .description(
      'Write the documents for static hosting (--out), or check a hosted copy (--verify).',
    )
    .option('--out <dir>', 'write DIR/.well-known/openid-configuration and DIR/openid/v1/jwks')
    .option(
      '--verify [url]',
      'fetch the hosted issuer (default: its URL) and report every difference',
    )
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        flags: Flags & { out?: string; verify?: string | boolean },
        cmd: Command,
      ) =>
        withAdminClient(cmd.opts(), async (client) => {
          if (flags.out === undefined && flags.verify === undefined) {
            throw new UsageError('issuer publish needs --out DIR or --verify [URL]')
          }
          if (flags.out !== undefined) {
            const { body } = await client.request<{ discovery: string; jwks: string }>(
              'GET',
              `${path(name)}/documents`,
            )
            await writeFileAtomic(
              join(flags.out, '.well-known', 'openid-configuration'),
              body.discovery,
              0o644,
            )
            await writeFileAtomic(join(flags.out, 'openid', 'v1', 'jwks'), body.jwks, 0o644)
            if (!flags.json)
              notice(
                `wrote ${flags.out}/.well-known/openid-configuration and ${flags.out}/openid/v1/jwks`,
              )
          }
          if (flags.verify !== undefined) {
            const url = typeof flags.verify === 'string' ? flags.verify : undefined
            const { body } = await client.request<{
              ok: boolean
              findings: Array<{ check: string; ok: boolean; detail: string }>
            }>('POST', `${path(name)}/verify`, url ? { url } : {})
            printResult(flags.json ?? false, body, () =>
              body.findings
                .map((f) => `${f.ok ? 'ok  ' : 'FAIL'} ${f.check}: ${f.detail}`)
                .join('\n'),
            )
            if (!body.ok) process.exitCode = 1
          }
        }),
    )
}
