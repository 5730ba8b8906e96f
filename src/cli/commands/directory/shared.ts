import type { Command } from 'commander'
import { UsageError } from '../../../errors/index.js'
import {
  AdminApiError,
  type AdminClient,
  withServerOptions,
  type ServerOptions,
} from '../../admin_client.js'

export type Flags = ServerOptions & { json?: boolean; tenant?: string }

export interface TenantView {
  id: string
  displayName: string
  domains: string[]
}
export interface AppView {
  id: string
  appId: string
  displayName: string
  createdDateTime: string
  identifierUris: string[]
  appRoles: Array<{ id: string; value: string; displayName: string }>
}
export type AppPage = { value: AppView[]; '@odata.nextLink'?: string }
export interface FicView {
  id: string
  name: string
  issuer: string
  subject: string
  audiences: string[]
  description: string | null
}
export interface AssignmentView {
  id: string
  principalId: string
  resourceAppId: string
  role: string
  createdDateTime: string
}

export const collect = (value: string, previous: string[]) => [...previous, value]

/** `?tenant=T` (and other parameters) for the tenant the command acts on. */
export function query(flags: Flags, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
    ...extra,
  })
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** Finds an application by client id, else by object id: users hold either. */
export async function findApp(client: AdminClient, ref: string, flags: Flags): Promise<AppView> {
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

export const appPath = (app: AppView) => `/v1.0/applications/${app.id}`

export function describeApp(a: AppView): string {
  return [
    `displayName     ${a.displayName}`,
    `appId           ${a.appId}  (the client id)`,
    `objectId        ${a.id}`,
    `identifierUris  ${a.identifierUris.join(', ') || '-'}`,
    `appRoles        ${a.appRoles.map((r) => r.value).join(', ') || '-'}`,
    `created         ${a.createdDateTime}`,
  ].join('\n')
}

export function describeFic(f: FicView): string {
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
export function scoped(command: Command): Command {
  return withServerOptions(command)
    .option('--tenant <tenant>', 'tenant GUID or domain (default: the default tenant)')
    .option('--json', 'print JSON')
}
