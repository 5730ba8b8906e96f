import type { Command } from 'commander'
import { printResult } from '../../output.js'
import { type Flags, type AssignmentView, query, findApp, scoped } from './shared.js'
import { withAdminClient } from '../../admin_client.js'

/** `wifkit role assign/list/remove` (IF-55): app-role assignments on a resource. */
export function registerRoleCommands(program: Command): void {
  const role = program
    .command('role')
    .description('Assign app roles of a resource to applications (IF-55).')
  scoped(role.command('assign'))
    .description("Grant an application one of a resource's app roles.")
    .requiredOption('--app <app>', 'the client application: client id or object id')
    .requiredOption('--resource <resource>', 'the resource: identifier URI or appId')
    .requiredOption('--role <value>', 'an app role value the resource defines')
    .action(async (flags: Flags & { app: string; resource: string; role: string }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const app = await findApp(client, flags.app, flags)
        const { body } = await client.request<AssignmentView>(
          'POST',
          `/admin/v1/appRoleAssignments${query(flags)}`,
          { clientId: app.appId, resource: flags.resource, role: flags.role },
        )
        printResult(
          flags.json ?? false,
          body,
          () =>
            `assigned ${body.role} on ${flags.resource} to ${app.appId} (assignment ${body.id})`,
        )
      }),
    )
  scoped(role.command('list'))
    .description('List the role assignments on a resource.')
    .requiredOption('--resource <resource>', 'the resource: identifier URI or appId')
    .action(async (flags: Flags & { resource: string }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const { body } = await client.request<{ value: AssignmentView[] }>(
          'GET',
          `/admin/v1/appRoleAssignments${query(flags, { resource: flags.resource })}`,
        )
        printResult(flags.json ?? false, body, () =>
          body.value.length === 0
            ? 'no role assignments'
            : body.value.map((a) => `${a.id}\t${a.principalId}\t${a.role}`).join('\n'),
        )
      }),
    )
  scoped(role.command('remove <id>'))
    .description('Remove a role assignment by its id.')
    .action(async (id: string, flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        await client.request(
          'DELETE',
          `/admin/v1/appRoleAssignments/${encodeURIComponent(id)}${query(flags)}`,
        )
        printResult(
          flags.json ?? false,
          { id, deleted: true },
          () => `removed role assignment ${id}`,
        )
      }),
    )
}
