import type { Command } from 'commander'
import { withAdminClient, withServerOptions } from '../../admin_client.js'
import { printResult } from '../../output.js'
import { type Flags, type TenantView, collect } from './shared.js'

/** `wifkit tenant create/list` (IF-35): tenants, for the bootstrap token only. */
export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('Create and list tenants (IF-35).')
  withServerOptions(tenant.command('create <displayName>'))
    .description('Create a tenant; its GUID and domains work in STS URLs.')
    .option('--domain <domain>', 'a domain name for the tenant (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (displayName: string, flags: Flags & { domain: string[] }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<TenantView>('POST', '/admin/v1/tenants', {
          displayName,
          ...(flags.domain.length > 0 && { domains: flags.domain }),
        })
        printResult(flags.json ?? false, body, () => `${body.id}\t${body.displayName}`)
      }),
    )
  withServerOptions(tenant.command('list'))
    .description('List tenants.')
    .option('--json', 'print JSON')
    .action(async (flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<{ value: TenantView[] }>('GET', '/admin/v1/tenants')
        printResult(flags.json ?? false, body, () =>
          body.value.map((t) => `${t.id}\t${t.displayName}\t${t.domains.join(',')}`).join('\n'),
        )
      }),
    )
}
