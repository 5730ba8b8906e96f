import type { Command } from 'commander'
import { UsageError } from '../../../errors/index.js'
import { withAdminClient } from '../../admin_client.js'
import { printResult } from '../../output.js'
import { type Flags, query, scoped } from './shared.js'

/** The admin API's view of a vault (IF-37). */
export interface VaultView {
  name: string
  tenantId: string
  vaultUri: string
  softDelete: boolean
  retentionDays: number
  purgeProtection: boolean
  createdDateTime: string
}

const vaultPath = (name: string, flags: Flags) =>
  `/admin/v1/vaults/${encodeURIComponent(name)}${query(flags)}`

function describeVault(v: VaultView): string {
  return [
    `name             ${v.name}`,
    `vaultUri         ${v.vaultUri}`,
    `tenant           ${v.tenantId}`,
    `softDelete       ${v.softDelete ? `on, ${v.retentionDays} days` : 'off'}`,
    `purgeProtection  ${v.purgeProtection ? 'on' : 'off'}`,
    `created          ${v.createdDateTime}`,
  ].join('\n')
}

function retention(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const days = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!(days >= 7 && days <= 90)) throw new UsageError('--retention-days must be 7 to 90')
  return days
}

type CreateFlags = Flags & { softDelete: boolean; retentionDays?: string; purgeProtection?: true }

/** `wifkit vault create/show/list/delete` (IF-55): thin clients of the vault admin API (IF-37). */
export function registerVaultCommands(program: Command): void {
  const vault = program
    .command('vault')
    .description('Create, show, list and delete Key-Vault-compatible vaults (IF-37, IF-55).')
  scoped(vault.command('create <name>'))
    .description('Create a vault, served at https://NAME.vault.DOMAIN.')
    .option('--no-soft-delete', 'delete secrets at once instead of keeping them recoverable')
    .option('--retention-days <days>', 'how long deleted secrets stay recoverable, 7-90')
    .option('--purge-protection', 'refuse purges: deleted secrets live out their retention')
    .action(async (name: string, flags: CreateFlags, cmd: Command) => {
      const days = retention(flags.retentionDays)
      await withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<VaultView>('PUT', vaultPath(name, flags), {
          softDelete: flags.softDelete,
          ...(days === undefined ? {} : { retentionDays: days }),
          ...(flags.purgeProtection ? { purgeProtection: true } : {}),
        })
        printResult(flags.json ?? false, body, () => describeVault(body))
      })
    })
  scoped(vault.command('show <name>'))
    .description('Show a vault and its settings.')
    .action(async (name: string, flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<VaultView>('GET', vaultPath(name, flags))
        printResult(flags.json ?? false, body, () => describeVault(body))
      }),
    )
  scoped(vault.command('list'))
    .description("List the tenant's vaults.")
    .action(async (flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<{ value: VaultView[] }>(
          'GET',
          `/admin/v1/vaults${query(flags)}`,
        )
        printResult(flags.json ?? false, body, () =>
          body.value.length === 0
            ? 'no vaults'
            : body.value.map((v) => `${v.name}\t${v.vaultUri}`).join('\n'),
        )
      }),
    )
  scoped(vault.command('delete <name>'))
    .description('Delete a vault with its role assignments and every secret, for good.')
    .action(async (name: string, flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        await client.request('DELETE', vaultPath(name, flags))
        printResult(flags.json ?? false, { name, deleted: true }, () => `deleted vault ${name}`)
      }),
    )
}
