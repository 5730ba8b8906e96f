import type { Command } from 'commander'
import { UsageError } from '../../errors/index.js'
import {
  AdminApiError,
  AdminClient,
  withServerOptions,
  type ServerOptions,
} from '../admin_client.js'
import { printResult } from '../output.js'

type Flags = ServerOptions & { json?: boolean; tenant?: string }

interface TenantView {
  id: string
  displayName: string
  domains: string[]
}
interface AppView {
  id: string
  appId: string
  displayName: string
  createdDateTime: string
  identifierUris: string[]
  appRoles: Array<{ id: string; value: string; displayName: string }>
}
type AppPage = { value: AppView[]; '@odata.nextLink'?: string }
interface FicView {
  id: string
  name: string
  issuer: string
  subject: string
  audiences: string[]
  description: string | null
}
interface AssignmentView {
  id: string
  principalId: string
  resourceAppId: string
  role: string
  createdDateTime: string
}

const collect = (value: string, previous: string[]) => [...previous, value]

async function withClient<T>(flags: Flags, work: (client: AdminClient) => Promise<T>): Promise<T> {
  const client = await AdminClient.resolve(flags)
  try {
    return await work(client)
  } finally {
    await client.close()
  }
}

/** `?tenant=T` (and other parameters) for the tenant the command acts on. */
function query(flags: Flags, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
    ...extra,
  })
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** Finds an application by client id, else by object id: users hold either. */
async function findApp(client: AdminClient, ref: string, flags: Flags): Promise<AppView> {
  const get = async (path: string) => (await client.request<AppView>('GET', path)).body
  const id = encodeURIComponent(ref)
  for (const path of [`/v1.0/applications(appId='${id}')`, `/v1.0/applications/${id}`]) {
    try {
      return await get(`${path}${query(flags)}`)
    } catch (error) {
      if (!(error instanceof AdminApiError && error.status === 404)) throw error
    }
  }
  throw new UsageError(`no application with client id or object id '${ref}' in this tenant`)
}

const appPath = (app: AppView) => `/v1.0/applications/${app.id}`

function describeApp(a: AppView): string {
  return [
    `displayName     ${a.displayName}`,
    `appId           ${a.appId}  (the client id)`,
    `objectId        ${a.id}`,
    `identifierUris  ${a.identifierUris.join(', ') || '-'}`,
    `appRoles        ${a.appRoles.map((r) => r.value).join(', ') || '-'}`,
    `created         ${a.createdDateTime}`,
  ].join('\n')
}

function describeFic(f: FicView): string {
  return [
    `name         ${f.name}`,
    `id           ${f.id}`,
    `issuer       ${f.issuer}`,
    `subject      ${f.subject}`,
    `audiences    ${f.audiences.join(', ')}`,
    `description  ${f.description ?? '-'}`,
  ].join('\n')
}

/** Adds the tenant choice and `--json` that every directory subcommand takes. */
function scoped(command: Command): Command {
  return withServerOptions(command)
    .option('--tenant <tenant>', 'tenant GUID or domain (default: the default tenant)')
    .option('--json', 'print JSON')
}

function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('Create and list tenants (IF-35).')
  withServerOptions(tenant.command('create <displayName>'))
    .description('Create a tenant; its GUID and domains work in STS URLs.')
    .option('--domain <domain>', 'a domain name for the tenant (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (displayName: string, flags: Flags & { domain: string[] }, cmd: Command) =>
      withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
        const { body } = await client.request<{ value: TenantView[] }>('GET', '/admin/v1/tenants')
        printResult(flags.json ?? false, body, () =>
          body.value.map((t) => `${t.id}\t${t.displayName}\t${t.domains.join(',')}`).join('\n'),
        )
      }),
    )
}

function registerAppCommands(program: Command): void {
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
        withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
        const found = await findApp(client, ref, flags)
        printResult(flags.json ?? false, found, () => describeApp(found))
      }),
    )
  scoped(app.command('delete <app>'))
    .description('Delete an application with its credentials and role assignments.')
    .action(async (ref: string, flags: Flags, cmd: Command) =>
      withClient(cmd.opts(), async (client) => {
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

function registerFicCommands(program: Command): void {
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
        withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
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

function registerRoleCommands(program: Command): void {
  const role = program
    .command('role')
    .description('Assign app roles of a resource to applications (IF-55).')
  scoped(role.command('assign'))
    .description("Grant an application one of a resource's app roles.")
    .requiredOption('--app <app>', 'the client application: client id or object id')
    .requiredOption('--resource <resource>', 'the resource: identifier URI or appId')
    .requiredOption('--role <value>', 'an app role value the resource defines')
    .action(async (flags: Flags & { app: string; resource: string; role: string }, cmd: Command) =>
      withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
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
      withClient(cmd.opts(), async (client) => {
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

/**
 * `wifkit tenant`, `app`, `fic` and `role` (IF-52, IF-55): thin clients of the directory admin
 * API. The server validates; its message is the command's one-line failure (exit 1).
 */
export function registerDirectoryCommands(program: Command): void {
  registerTenantCommands(program)
  registerAppCommands(program)
  registerFicCommands(program)
  registerRoleCommands(program)
}
