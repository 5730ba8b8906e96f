import type { Command } from 'commander'
import { printResult } from '../../output.js'
import {
  type Flags,
  type AppView,
  type AppPage,
  collect,
  query,
  findApp,
  appPath,
  describeApp,
  scoped,
} from './shared.js'
import { withAdminClient } from '../../admin_client.js'

/** `wifkit app create/list/show/delete` (IF-52): applications and their roles. */
export function registerAppCommands(program: Command): void {
  const app = program
    .command('app')
    .description('Create, list, show and delete applications (IF-52).')
  scoped(app.command('create <displayName>'))
    .description('Create an application; prints its client id (appId).')
    .option(
      '--identifier-uri <uri>',
      'an identifier URI, e.g. api://payments (repeatable)',
      collect,
      [],
    )
    .option('--role <value>', 'an app role value the application exposes (repeatable)', collect, [])
    .action(
      async (
        displayName: string,
        flags: Flags & { identifierUri: string[]; role: string[] },
        cmd: Command,
      ) =>
        withAdminClient(cmd.opts(), async (client) => {
          const { body } = await client.request<AppView>(
            'POST',
            `/v1.0/applications${query(flags)}`,
            {
              displayName,
              ...(flags.identifierUri.length > 0 && { identifierUris: flags.identifierUri }),
              ...(flags.role.length > 0 && {
                appRoles: flags.role.map((value) => ({ value, displayName: value })),
              }),
            },
          )
          printResult(flags.json ?? false, body, () => describeApp(body))
        }),
    )
  scoped(app.command('list'))
    .description('List applications.')
    .action(async (flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const value: AppView[] = []
        let next: string | undefined = `/v1.0/applications${query(flags)}`
        while (next !== undefined) {
          const page: AppPage = (await client.request<AppPage>('GET', next)).body
          value.push(...page.value)
          const link = page['@odata.nextLink']
          // The server's nextLink is absolute; the client sends paths to the URL it was given.
          next = link === undefined ? undefined : `${new URL(link).pathname}${new URL(link).search}`
        }
        printResult(flags.json ?? false, { value }, () =>
          value.map((a) => `${a.appId}\t${a.displayName}`).join('\n'),
        )
      }),
    )
  scoped(app.command('show <app>'))
    .description('Show an application, by client id or object id.')
    .action(async (ref: string, flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const found = await findApp(client, ref, flags)
        printResult(flags.json ?? false, found, () => describeApp(found))
      }),
    )
  scoped(app.command('delete <app>'))
    .description('Delete an application with its credentials and role assignments.')
    .action(async (ref: string, flags: Flags, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const found = await findApp(client, ref, flags)
        await client.request('DELETE', `${appPath(found)}${query(flags)}`)
        printResult(
          flags.json ?? false,
          { id: found.id, appId: found.appId, deleted: true },
          () => `deleted application ${found.displayName} (${found.appId})`,
        )
      }),
    )
}
