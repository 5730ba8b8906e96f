import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { KeyVaultError } from '../errors/index.js'
import type { AuditEntry } from '../store/index.js'
import type { Clock } from '../util/index.js'
import { checkApiVersion, queryValue } from './api_version.js'
import {
  deletedSecretBundle,
  deletedSecretItem,
  secretBundle,
  secretItem,
  type RenderTarget,
} from './bundles.js'
import { isVersionId, secretNameKey } from './names.js'
import { decodeSkipToken, nextLink, page, parseMaxResults } from './paging.js'
import type { SecretAction } from './roles.js'
import { parseSecretChanges, parseSetSecret } from './secret_body.js'
import type { SecretService, SecretView } from './secret_service.js'
import type { VaultAccess, VaultCaller } from './vault_access.js'

declare module 'fastify' {
  interface FastifyRequest {
    vaultCaller: VaultCaller | null
  }
}

/** What a route handler sees once every check of KV-21 has passed. */
interface RouteContext {
  caller: VaultCaller
  target: RenderTarget
  name: string
  version: string | undefined
  apiVersion: string
  query: Record<string, unknown>
  body: unknown
}

type Params = { name?: string; version?: string }

interface VaultRoute {
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE'
  url: string
  action: SecretAction
  /** Checks the body's syntax before the role check (KV-21); returns the parsed form. */
  body?: (raw: unknown) => unknown
  handle: (ctx: RouteContext, reply: FastifyReply) => Promise<unknown>
}

export interface VaultRoutesDeps {
  access: VaultAccess
  secrets: SecretService
  /** Batched off the hot path (issue #7): a read never waits on the audit write. */
  audit: { record(entry: AuditEntry): void }
  clock: Clock
}

const SECRET_NAME_KEY = /^[0-9a-z-]{1,127}$/

/** R4, R5 and R7 share paging (keyvault.md §7). */
function listPage<T>(
  ctx: RouteContext,
  path: string,
  rows: readonly T[],
  limit: number,
  render: (row: T) => unknown,
  cursorOf: (row: T) => string,
) {
  const maxResults = queryValue(ctx.query, 'maxresults')
  return page(rows, limit, render, (last) =>
    nextLink(ctx.target.origin, path, ctx.apiVersion, cursorOf(last), maxResults),
  )
}

const pageArgs = (ctx: RouteContext, valid: (key: string) => boolean) => ({
  limit: parseMaxResults(queryValue(ctx.query, 'maxresults')),
  after: decodeSkipToken(queryValue(ctx.query, '$skiptoken'), valid),
})

const bundle = (ctx: RouteContext, view: SecretView) =>
  secretBundle(ctx.target, view.secret, view.version, view.value)

/** keyvault.md §6, R1–R12. */
function vaultRoutes(secrets: SecretService): VaultRoute[] {
  const get = async (ctx: RouteContext) =>
    bundle(ctx, await secrets.get(ctx.caller.vault, ctx.name, ctx.version))
  const update = async (ctx: RouteContext) =>
    bundle(
      ctx,
      await secrets.update(
        ctx.caller.vault,
        ctx.name,
        ctx.version,
        ctx.body as ReturnType<typeof parseSecretChanges>,
      ),
    )
  const listSecrets = (deleted: boolean) => async (ctx: RouteContext) => {
    const { limit, after } = pageArgs(ctx, (key) => SECRET_NAME_KEY.test(key))
    const rows = await secrets.list(ctx.caller.vault, deleted, after, limit + 1)
    return listPage(
      ctx,
      deleted ? '/deletedsecrets' : '/secrets',
      rows,
      limit,
      (v) =>
        deleted
          ? deletedSecretItem(ctx.target, v.secret, v.version)
          : secretItem(ctx.target, v.secret, v.version, false),
      (v) => v.secret.name.toLowerCase(),
    )
  }
  return [
    {
      method: 'PUT',
      url: '/secrets/:name',
      action: 'set',
      body: parseSetSecret,
      handle: async (ctx) =>
        bundle(
          ctx,
          await secrets.set(
            ctx.caller.vault,
            ctx.name,
            ctx.body as ReturnType<typeof parseSetSecret>,
          ),
        ),
    },
    { method: 'GET', url: '/secrets/:name', action: 'get', handle: get },
    { method: 'GET', url: '/secrets/:name/', action: 'get', handle: get },
    { method: 'GET', url: '/secrets/:name/:version', action: 'get', handle: get },
    {
      method: 'PATCH',
      url: '/secrets/:name',
      action: 'update',
      body: parseSecretChanges,
      handle: update,
    },
    {
      method: 'PATCH',
      url: '/secrets/:name/',
      action: 'update',
      body: parseSecretChanges,
      handle: update,
    },
    {
      method: 'PATCH',
      url: '/secrets/:name/:version',
      action: 'update',
      body: parseSecretChanges,
      handle: update,
    },
    { method: 'GET', url: '/secrets', action: 'readMetadata', handle: listSecrets(false) },
    {
      method: 'GET',
      url: '/secrets/:name/versions',
      action: 'readMetadata',
      handle: async (ctx) => {
        const { limit, after } = pageArgs(ctx, isVersionId)
        const { secret, versions } = await secrets.versions(
          ctx.caller.vault,
          ctx.name,
          after,
          limit + 1,
        )
        return listPage(
          ctx,
          `/secrets/${secret.name}/versions`,
          versions,
          limit,
          (v) => secretItem(ctx.target, secret, v, true),
          (v) => v.version,
        )
      },
    },
    {
      method: 'DELETE',
      url: '/secrets/:name',
      action: 'delete',
      handle: async (ctx) => {
        const view = await secrets.delete(ctx.caller.vault, ctx.name)
        return ctx.caller.vault.softDelete
          ? deletedSecretBundle(ctx.target, view.secret, view.version)
          : secretBundle(ctx.target, view.secret, view.version)
      },
    },
    { method: 'GET', url: '/deletedsecrets', action: 'readMetadata', handle: listSecrets(true) },
    {
      method: 'GET',
      url: '/deletedsecrets/:name',
      action: 'readMetadata',
      handle: async (ctx) => {
        const view = await secrets.getDeleted(ctx.caller.vault, ctx.name)
        return deletedSecretBundle(ctx.target, view.secret, view.version)
      },
    },
    {
      method: 'POST',
      url: '/deletedsecrets/:name/recover',
      action: 'recover',
      handle: async (ctx) => bundle(ctx, await secrets.recover(ctx.caller.vault, ctx.name)),
    },
    {
      method: 'DELETE',
      url: '/deletedsecrets/:name',
      action: 'purge',
      handle: async (ctx, reply) => {
        await secrets.purge(ctx.caller.vault, ctx.name)
        return reply.status(204).send()
      },
    },
    {
      method: 'POST',
      url: '/secrets/:name/backup',
      action: 'backup',
      handle: async (ctx) => ({ value: await secrets.backup(ctx.caller.vault, ctx.name) }),
    },
    {
      method: 'POST',
      url: '/secrets/restore',
      action: 'restore',
      body: (raw) => {
        if (typeof raw !== 'object' || raw === null || !('value' in raw)) {
          throw KeyVaultError.badParameter('The request body must have a member "value".')
        }
        return raw.value
      },
      handle: async (ctx) => bundle(ctx, await secrets.restore(ctx.caller.vault, ctx.body)),
    },
  ]
}

const METHODS = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'] as const

/**
 * Bodies arrive as text and are parsed as JSON, whatever the content type says (KV-32), only by a
 * route that takes one: an unknown route or method answers 404 or 405 whatever its body (KV-21).
 */
function installBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, String(body))
  })
}

/** Empty means none. */
function parseJsonBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    throw KeyVaultError.badParameter('The request body is not valid JSON.')
  }
}

function caller(request: FastifyRequest): VaultCaller {
  if (!request.vaultCaller) throw new KeyVaultError(500, 'InternalServerError', 'Internal error.')
  return request.vaultCaller
}

/**
 * The vault data plane: an app of its own, answering only vault hosts (KV-1). Every request is
 * authenticated in `onRequest`, before its body is read or its route is known (KV-10, KV-21);
 * each route then checks api-version and names, the body, the role, and only then the secret.
 */
export function registerVaultRoutes(app: FastifyInstance, deps: VaultRoutesDeps): void {
  installBodyParser(app)
  app.decorateRequest('vaultCaller', null)
  app.addHook('onRequest', async (request) => {
    request.vaultCaller = await deps.access.authenticate(
      request.headers.host,
      request.headers.authorization,
    )
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('cache-control', 'no-cache').header('x-ms-request-id', request.id)
    done(null, payload)
  })
  const routes = vaultRoutes(deps.secrets)
  const allowed = new Map<string, string[]>()
  for (const route of routes) {
    allowed.set(route.url, [...(allowed.get(route.url) ?? []), route.method])
    registerRoute(app, deps, route)
  }
  for (const [url, methods] of allowed) {
    const others = METHODS.filter((m) => !methods.includes(m))
    if (others.length === 0) continue
    app.route({
      method: others,
      url,
      handler: async (request) => {
        const path = request.url.split('?')[0] ?? ''
        throw new KeyVaultError(
          405,
          'BadParameter',
          `${request.method} is not allowed on ${path}.`,
          {
            headers: { allow: methods.join(', ') },
          },
        )
      },
    })
  }
}

function registerRoute(app: FastifyInstance, deps: VaultRoutesDeps, route: VaultRoute): void {
  app.route<{ Params: Params }>({
    method: route.method,
    url: route.url,
    preParsing: async (request) => {
      checkApiVersion(request.query as Record<string, unknown>)
      if (request.params.name !== undefined) secretNameKey(request.params.name)
    },
    preValidation: async (request) => {
      if (route.body) request.body = route.body(parseJsonBody(request.body))
    },
    preHandler: async (request) => deps.access.authorize(caller(request), route.action),
    onResponse: async (request, reply) => {
      const who = request.vaultCaller
      if (!who) return
      deps.audit.record({
        at: Math.floor(deps.clock.nowMs() / 1000),
        actor: `oid=${who.principal.objectId} appid=${who.principal.clientId}`,
        action: `secret.${route.action}`,
        target: `${who.vault.name}/${request.params.name ?? ''}`,
        outcome: String(reply.statusCode),
      })
    },
    handler: async (request, reply) => {
      const who = caller(request)
      const query = request.query as Record<string, unknown>
      return route.handle(
        {
          caller: who,
          target: { origin: `https://${request.headers.host ?? ''}`, vault: who.vault },
          name: request.params.name ?? '',
          version: request.params.version,
          apiVersion: checkApiVersion(query),
          query,
          body: request.body,
        },
        reply,
      )
    },
  })
}
