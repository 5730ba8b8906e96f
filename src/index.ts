import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { Agent, type Dispatcher } from 'undici'
import type { Config } from './config/index.js'
import { GraphError } from './errors/index.js'
import {
  configuredThrottles,
  createApp,
  HostDispatch,
  HttpMetrics,
  parseListen,
  registerHealthRoutes,
} from './http/index.js'
import {
  IssuerService,
  registerIssuerAdminRoutes,
  registerIssuerPublicRoutes,
  registerMintRoutes,
} from './issuer/index.js'
import { KeyService, loadKek } from './keys/index.js'
import {
  CacheCoherence,
  isStoreUnavailable,
  openStore,
  withReadCache,
  type AuditEntry,
  type Store,
} from './store/index.js'
import { AdminAuthenticator, throttleAdminTokens } from './admin/index.js'
import {
  adminTenantOf,
  adminTokenVerifier,
  DirectoryService,
  HostedFirstIssuerKeys,
  IssuerKeyCache,
  registerDirectoryAdminRoutes,
  registerManagedIdentityRoutes,
  registerStsRoutes,
  SignInLog,
  ensureStsKey,
  maintainStsKeys,
  STS_KEY_OWNER,
  stsIssuer,
  TokenService,
} from './sts/index.js'
import {
  registerVaultAdminRoutes,
  registerVaultRoutes,
  SecretService,
  VaultAccess,
} from './resource/index.js'
import { BatchWriter, systemClock, type Clock } from './util/index.js'
import { createLogger } from './logger.js'

export interface ServerOptions {
  config: Config
  clock?: Clock
  logger?: Logger
  /** dev and `init` create a missing key-encryption key; `serve` insists on an existing one. */
  createKek?: boolean
  /** Extra CA certificates trusted for outbound fetches (the dev CA, so `--verify` works locally). */
  extraCa?: string
}

/** A composed wifkit server: its stores and services, and its two listeners (IF-21). */
export interface WifkitServer {
  readonly config: Config
  readonly store: Store
  readonly keys: KeyService
  readonly issuers: IssuerService
  readonly tokens: TokenService
  readonly directory: DirectoryService
  readonly signIns: SignInLog
  /** The vault data plane's secret operations (keyvault.md). */
  readonly secrets: SecretService
  readonly publicApp: FastifyInstance
  readonly adminApp: FastifyInstance
  readonly logger: Logger
  /** Binds both listeners; resolves with the bound ports. */
  listen(): Promise<{ publicPort: number; adminPort: number }>
  /** Scheduled rotation and retirement; also run every minute while listening. */
  maintain(): Promise<string[]>
  /** Stops accepting, drains connections and closes the database (IF-14). */
  close(): Promise<void>
}

const MAINTENANCE_INTERVAL_MS = 60_000
/** The tenant the bootstrap admin token acts on without `?tenant=` (interfaces.md §4). */
export const DEFAULT_TENANT_SETTING = 'default_tenant_id'

async function tlsFiles(tls: { cert: string; key: string } | undefined) {
  if (!tls) return undefined
  return { cert: await readFile(tls.cert, 'utf8'), key: await readFile(tls.key, 'utf8') }
}

/** Wires configuration, storage, keys and routes into a server (STYLE.md §3, composition root). */
export async function createServer(options: ServerOptions): Promise<WifkitServer> {
  const { config } = options
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? createLogger(config.log.level)
  const kek = await loadKek(config.keys.kekFile, options.createKek ?? false)
  const store = await openStore(config.storage)
  // The hot paths (exchange, keys, issuer documents, vault access) read through a cache that the
  // store's change feed keeps coherent; admin routes read and write the store itself (issue #7).
  // Staleness is elapsed time, not a date: a monotonic clock, so neither a wall-clock step nor a
  // test's manual clock voids or prolongs cached answers.
  const coherence = new CacheCoherence(
    store.changes,
    { nowMs: () => performance.now() },
    config.cache,
  )
  await coherence.start()
  const reads = withReadCache(store, coherence)
  const keys = new KeyService(reads, kek, clock)
  coherence.onInvalidate(() => keys.forgetAll())
  const issuers = new IssuerService(reads, keys, clock, {
    algorithm: config.keys.algorithm,
    prePublishSeconds: config.keys.prePublishSeconds,
    rotationIntervalDays: config.keys.rotationIntervalDays,
    maxTokenExpirationSeconds: config.issuers.maxTokenExpirationSeconds,
    defaultAudiences: config.issuers.defaultAudiences,
    publicUrl: config.public.url,
  })
  const outbound: Dispatcher | undefined = options.extraCa
    ? new Agent({ connect: { ca: [...rootCertificates, options.extraCa] } })
    : undefined
  const metrics = new HttpMetrics()
  const issuerFetches = metrics.counter(
    'wifkit_issuer_metadata_total',
    'External issuer discovery and JWKS lookups, by document and outcome.',
    ['kind', 'outcome'],
  )
  // External issuers get their own pool: it screens the addresses it connects to (STS-101),
  // which the publication check of our own issuers, run by an operator, must not.
  const issuerKeys = new IssuerKeyCache({
    clock,
    maxConcurrentFetches: config.limits.maxConcurrentIssuerFetches,
    totalTimeoutMs: config.sts.issuerFetchTimeoutSeconds * 1000,
    issuerAllowList: config.sts.issuerAllowList,
    ...(options.extraCa ? { extraCa: options.extraCa } : {}),
    onEvent: (event) => issuerFetches.inc({ kind: event.kind, outcome: event.outcome }),
  })
  const signIns = new SignInLog(store, logger)
  const vaultAudit = new BatchWriter<AuditEntry>({
    name: 'vault audit log',
    write: (batch) => store.audit.appendMany(batch),
    logger,
  })
  const tokens = new TokenService(
    reads,
    keys,
    new HostedFirstIssuerKeys((issuer) => issuers.publishedKeysOf(issuer), issuerKeys),
    clock,
    {
      authority: config.public.url,
      tokenLifetimeSeconds: config.sts.tokenLifetimeSeconds,
      assertionSkewSeconds: config.sts.assertionSkewSeconds,
      maxAssertionLifetimeSeconds: config.sts.maxAssertionLifetimeSeconds,
      allowedAlgorithms: ['RS256'],
      maxAssertionBytes: config.limits.maxAssertionBytes,
    },
    signIns,
  )
  // Nodes starting together on a new database would each see no STS key and add one; the
  // waiting lock makes the first create it and the others find it (issue #7).
  await store.exclusively('sts-first-key', () => ensureStsKey(keys), { wait: true })
  const minted = metrics.counter('wifkit_tokens_minted_total', 'Tokens minted, by issuer.', [
    'issuer',
  ])
  const now = () => new Date(clock.nowMs())
  const vaultResource = config.vaults.resource
  const hosts = vaultResource ? new HostDispatch() : undefined
  const { limits } = config
  const publicApp = createApp({
    listener: 'public',
    logger,
    limits,
    isUnavailable: isStoreUnavailable,
    tls: await tlsFiles(config.public.tls),
    metrics,
    now,
    ...(hosts ? { hosts } : {}),
  })
  const adminApp = createApp({
    listener: 'admin',
    logger,
    limits,
    bodyLimit: limits.adminBodyBytes,
    isUnavailable: isStoreUnavailable,
    tls: await tlsFiles(config.admin.tls),
    metrics,
    now,
  })

  const ready = async (): Promise<string | undefined> => {
    await store.ping()
    if (!coherence.confirmed) return 'cannot confirm that cached reads are current'
    for (const issuer of await issuers.list()) await issuers.documents(issuer)
    return undefined
  }
  const throttles = configuredThrottles(config.rateLimit)
  throttleAdminTokens(adminApp, throttles.adminToken)
  registerHealthRoutes(publicApp, ready)
  registerHealthRoutes(adminApp, ready, metrics)
  registerIssuerPublicRoutes(publicApp, issuers)
  const adminAuth = new AdminAuthenticator(
    store,
    adminTokenVerifier(store, keys, config.public.url, () => tokens.policy, clock),
  )
  adminApp.decorateRequest('adminPrincipal', null)
  registerMintRoutes(adminApp, adminAuth, issuers, (issuer) => minted.inc({ issuer }))
  registerIssuerAdminRoutes(adminApp, adminAuth, store, issuers, outbound, clock)
  const directory = new DirectoryService(store, clock, {
    maxCredentialsPerIdentity: config.sts.maxCredentialsPerIdentity,
    allowHttpLoopback: false,
  })
  const defaultTenant = async () => {
    const tenant = await store.settings.get(DEFAULT_TENANT_SETTING)
    if (tenant === undefined) {
      throw GraphError.badRequest(
        'no default tenant: pass ?tenant= or create one with POST /admin/v1/tenants',
      )
    }
    return tenant
  }
  registerDirectoryAdminRoutes(adminApp, adminAuth, store, directory, defaultTenant, () =>
    signIns.flush(),
  )
  registerManagedIdentityRoutes(adminApp, adminAuth, directory, defaultTenant)
  registerStsRoutes(publicApp, {
    store: reads,
    keys,
    tokens,
    authority: config.public.url,
    revealMatchDetails: config.sts.revealMatchDetails,
    limits,
    throttles,
  })

  const secrets = new SecretService(store, kek, clock)
  const vaultApp = vaultResource
    ? createApp({
        listener: 'vault',
        protocol: 'keyvault',
        logger,
        isUnavailable: isStoreUnavailable,
        metrics,
        now,
        limits,
        bodyLimit: limits.vaultBodyBytes,
      })
    : undefined
  if (vaultResource && vaultApp && hosts) {
    const access = new VaultAccess({
      store: reads,
      clock,
      authority: config.public.url,
      resource: vaultResource,
      stsKeys: () => keys.publishedJwks(STS_KEY_OWNER, tokens.policy),
      issuerFor: (tenantId) => stsIssuer(config.public.url, tenantId),
    })
    registerVaultRoutes(vaultApp, { access, secrets, audit: vaultAudit, clock })
    await vaultApp.ready()
    hosts.add((host) => access.isVaultHost(host), vaultApp.routing)
    const vaultHost = new URL(vaultResource).host
    registerVaultAdminRoutes(adminApp, adminAuth, {
      store,
      clock,
      tenantOf: adminTenantOf(directory, defaultTenant),
      ensureResource: async (tenantId) => {
        if (await store.directory.resource(tenantId, vaultResource)) return
        await directory.createApplication(tenantId, {
          displayName: 'wifkit vault',
          identifierUris: [vaultResource],
        })
      },
      principalOf: async (tenantId, clientId) =>
        (await directory.application(tenantId, { appId: clientId })).principalId,
      vaultUrl: (name) => `https://${name}.${vaultHost}`,
      defaultRetentionDays: config.vaults.defaultRetentionDays,
    })
  }

  let timer: NodeJS.Timeout | undefined
  let purgeTimer: NodeJS.Timeout | undefined
  // One node at a time rotates and retires keys (issue #7); the others skip the tick. Rotation
  // stays transactional, so even two overlapping runs could not add two pending keys.
  const maintain = async () => {
    const run = await store.exclusively('key-maintenance', async () => [
      ...(await issuers.maintain()),
      ...(await maintainStsKeys(keys, tokens.policy, clock, {
        rotationIntervalDays: config.keys.rotationIntervalDays,
        prePublishSeconds: config.keys.prePublishSeconds,
      })),
    ])
    if (!run.ran) {
      logger.debug('key maintenance skipped: another node is running it')
      return []
    }
    for (const event of run.value) logger.info({ event }, 'key maintenance')
    return run.value
  }
  return {
    config,
    store,
    keys,
    issuers,
    tokens,
    directory,
    signIns,
    secrets,
    publicApp,
    adminApp,
    logger,
    async listen() {
      await ready()
      const pub = parseListen(config.public.listen)
      const adm = parseListen(config.admin.listen)
      await publicApp.listen({ host: pub.host, port: pub.port })
      await adminApp.listen({ host: adm.host, port: adm.port })
      timer = setInterval(() => {
        maintain().catch((error: unknown) => logger.error({ err: error }, 'key maintenance failed'))
      }, MAINTENANCE_INTERVAL_MS)
      timer.unref()
      if (vaultApp) {
        purgeTimer = setInterval(() => {
          store
            .exclusively('secret-purge', () => secrets.purgeDue())
            .then((run) => {
              if (!run.ran) logger.debug('secret purge skipped: another node is running it')
              else if (run.value > 0) {
                logger.info({ purged: run.value }, 'purged soft-deleted secrets past retention')
              }
            })
            .catch((error: unknown) => logger.error({ err: error }, 'secret purge failed'))
        }, config.vaults.purgeIntervalSeconds * 1000)
        purgeTimer.unref()
      }
      const port = (app: FastifyInstance) => {
        const address = app.server.address()
        return typeof address === 'object' && address ? address.port : 0
      }
      return { publicPort: port(publicApp), adminPort: port(adminApp) }
    },
    maintain,
    async close() {
      if (timer) clearInterval(timer)
      if (purgeTimer) clearInterval(purgeTimer)
      await Promise.all([publicApp.close(), adminApp.close(), vaultApp?.close()])
      await Promise.all([signIns.flush(), vaultAudit.flush()])
      await issuerKeys.close()
      await outbound?.close()
      coherence.stop()
      await store.close()
    },
  }
}

export type { Config } from './config/index.js'
