import type { Command } from 'commander'
import { printResult } from '../../output.js'
import { type Flags, type FicView, query, findApp, appPath, describeFic, scoped } from './shared.js'
import { withAdminClient } from '../../admin_client.js'

/** `wifkit fic add/list/remove` (IF-52): federated credentials of an application. */
export function registerFicCommands(program: Command): void {
  const fic = program
    .command('fic')
    .description('Add, list and remove federated identity credentials (IF-52).')
  scoped(fic.command('add'))
    .description('Trust tokens of ISSUER for SUBJECT as the application.')
    .requiredOption('--app <app>', 'the application: client id or object id')
    .requiredOption('--name <name>', 'credential name: 3-120 letters, digits, - and _')
    .requiredOption('--issuer <url>', 'the exact issuer URL (https)')
    .requiredOption('--subject <subject>', 'the exact subject, e.g. system:serviceaccount:NS:SA')
    .option('--audience <audience>', 'the audience (default api://AzureADTokenExchange)')
    .option('--description <text>', 'free text')
    .action(
      async (
        flags: Flags & {
          app: string
          name: string
          issuer: string
          subject: string
          audience?: string
          description?: string
        },
        cmd: Command,
      ) =>
        withAdminClient(cmd.opts(), async (client) => {
          const app = await findApp(client, flags.app, flags)
          const { body } = await client.request<FicView>(
            'POST',
            `${appPath(app)}/federatedIdentityCredentials${query(flags)}`,
            {
              name: flags.name,
              issuer: flags.issuer,
              subject: flags.subject,
              ...(flags.audience !== undefined && { audiences: [flags.audience] }),
              ...(flags.description !== undefined && { description: flags.description }),
            },
          )
          printResult(flags.json ?? false, body, () => describeFic(body))
        }),
    )
  scoped(fic.command('list'))
    .description("List an application's federated identity credentials.")
    .requiredOption('--app <app>', 'the application: client id or object id')
    .action(async (flags: Flags & { app: string }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const app = await findApp(client, flags.app, flags)
        const { body } = await client.request<{ value: FicView[] }>(
          'GET',
          `${appPath(app)}/federatedIdentityCredentials${query(flags)}`,
        )
        printResult(flags.json ?? false, body, () =>
          body.value.length === 0
            ? 'no federated identity credentials'
            : body.value
                .map((f) => `${f.name}\t${f.issuer}\t${f.subject}\t${f.audiences.join(',')}`)
                .join('\n'),
        )
      }),
    )
  scoped(fic.command('remove'))
    .description('Remove a federated identity credential.')
    .requiredOption('--app <app>', 'the application: client id or object id')
    .requiredOption('--name <name>', 'the credential name (any case) or id')
    .action(async (flags: Flags & { app: string; name: string }, cmd: Command) =>
      withAdminClient(cmd.opts(), async (client) => {
        const app = await findApp(client, flags.app, flags)
        await client.request(
          'DELETE',
          `${appPath(app)}/federatedIdentityCredentials/${encodeURIComponent(flags.name)}${query(flags)}`,
        )
        printResult(
          flags.json ?? false,
          { app: app.appId, name: flags.name, deleted: true },
          () => `removed federated identity credential ${flags.name} from ${app.appId}`,
        )
      }),
    )
}
