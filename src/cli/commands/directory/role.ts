import type { Command } from 'commander'
import { UsageError } from '../../../errors/index.js'
import { withAdminClient } from '../../admin_client.js'
import { printResult } from '../../output.js'
import { type Flags, type AssignmentView, query, findApp, scoped } from './shared.js'

/** A vault role assignment (IF-37): the principal is the token's `oid`. */
interface VaultAssignmentView {
  id: string
  principalId: string
  role: string
  createdDateTime: string
}

type Target = { resource?: string; vault?: string }

/** Exactly one of `--resource` (app roles) and `--vault` (vault roles). */
function target(flags: Target): { resource: string } | { vault: string } {
  if ((flags.resource === undefined) === (flags.vault === undefined)) {
    throw new UsageError('give exactly one of --resource and --vault')
  }
  return flags.vault === undefined ? { resource: flags.resource as string } : { vault: flags.vault }
}

const vaultRoles = (vault: string, flags: Flags, id?: string) =>
  `/admin/v1/vaults/${encodeURIComponent(vault)}/roleAssignments` +
  `${id === undefined ? '' : `/${encodeURIComponent(id)}`}${query(flags)}`

const targeted = (command: Command) =>
  scoped(command)
    .option('--resource <resource>', 'a resource application: identifier URI or appId')
    .option(
      '--vault <name>',
      'a vault: its roles are Key Vault Secrets User/Officer, Administrator',
    )

/**
 * `wifkit role assign/list/remove` (IF-55): app-role assignments on a resource application, or
 * role assignments on a vault (IF-37).
 */
export function registerRoleCommands(program: Command): void {
  const role = program
    .command('role')
    .description("Assign a resource's app roles or a vault's roles to applications (IF-55).")
  targeted(role.command('assign'))
    .description("Grant an application one of a resource's app roles, or a role on a vault.")
    .requiredOption('--app <app>', 'the client application: client id or object id')
    .requiredOption('--role <value>', 'an app role value of the resource, or a vault role name')
    .action(async (flags: Flags & Target & { app: string; role: string }, cmd: Command) => {
      const on = target(flags)
      await withAdminClient(cmd.opts(), async (client) => {
        const app = await findApp(client, flags.app, flags)
        if ('vault' in on) {
          const { body } = await client.request<VaultAssignmentView>(
            'POST',
            vaultRoles(on.vault, flags),
            { clientId: app.appId, role: flags.role },
          )
          printResult(
            flags.json ?? false,
            body,
            () =>
              `assigned ${body.role} on vault ${on.vault} to ${app.appId} (assignment ${body.id})`,
          )
          return
        }
        const { body } = await client.request<AssignmentView>(
          'POST',
          `/admin/v1/appRoleAssignments${query(flags)}`,
          { clientId: app.appId, resource: on.resource, role: flags.role },
        )
        printResult(
          flags.json ?? false,
          body,
          () => `assigned ${body.role} on ${on.resource} to ${app.appId} (assignment ${body.id})`,
        )
      })
    })
  targeted(role.command('list'))
    .description('List the role assignments on a resource or a vault.')
    .action(async (flags: Flags & Target, cmd: Command) => {
      const on = target(flags)
      await withAdminClient(cmd.opts(), async (client) => {
        const path =
          'vault' in on
            ? vaultRoles(on.vault, flags)
            : `/admin/v1/appRoleAssignments${query(flags, { resource: on.resource })}`
        const { body } = await client.request<{
          value: Array<{ id: string; principalId: string; role: string }>
        }>('GET', path)
        printResult(flags.json ?? false, body, () =>
          body.value.length === 0
            ? 'no role assignments'
            : body.value.map((a) => `${a.id}\t${a.principalId}\t${a.role}`).join('\n'),
        )
      })
    })
  scoped(role.command('remove <id>'))
    .description('Remove a role assignment by its id (with --vault for a vault role).')
    .option('--vault <name>', 'the vault the assignment is on')
    .action(async (id: string, flags: Flags & { vault?: string }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        await client.request(
          'DELETE',
          flags.vault === undefined
            ? `/admin/v1/appRoleAssignments/${encodeURIComponent(id)}${query(flags)}`
            : vaultRoles(flags.vault, flags, id),
        )
        printResult(
          flags.json ?? false,
          { id, deleted: true },
          () => `removed role assignment ${id}`,
        )
      }),
    )
}
