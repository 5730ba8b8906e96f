import type { Command } from 'commander'
import { issueBootstrapToken, rotateBootstrapTokens } from '../../admin/index.js'
import { loadConfig } from '../../config/index.js'
import { createServer, DEFAULT_TENANT_SETTING } from '../../index.js'
import { openStore, type Store } from '../../store/index.js'
import { systemClock } from '../../util/index.js'
import { notice, printResult, untilSignal } from '../output.js'

const INITIALISED = 'initialised_at'

interface InitFlags {
  config: string
  issuer: string
  json?: boolean
  rotateAdminToken?: boolean
}

/** `init --rotate-admin-token` (issue #9 item 3): for a bootstrap token that leaked or was lost. */
async function rotateAdminToken(store: Store, initialised: boolean, flags: InitFlags) {
  if (!initialised) {
    notice(
      `the database is not initialised: run \`wifkit init --config ${flags.config}\` without --rotate-admin-token`,
    )
    process.exitCode = 1
    return
  }
  const { token, revoked } = await rotateBootstrapTokens(store, systemClock, 'wifkit init --rotate')
  printResult(flags.json ?? false, { adminToken: token, revoked }, () =>
    [
      `revoked ${revoked} bootstrap admin token(s); they are refused from now on`,
      'new bootstrap admin token (shown once, store it now):',
      token,
    ].join('\n'),
  )
}

/** `wifkit serve` (IF-20…IF-24): the production server on its two listeners. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the production server (public and admin listeners).')
    .requiredOption(
      '--config <file>',
      'YAML or JSON configuration (WIFKIT_* variables override it)',
    )
    .action(async (flags: { config: string }) => {
      const config = await loadConfig(flags.config)
      const server = await createServer({ config })
      if ((await server.store.settings.get(INITIALISED)) === undefined) {
        await server.close()
        notice(
          `the database is not initialised: run \`wifkit init --config ${flags.config}\` first`,
        )
        process.exitCode = 1
        return
      }
      const ports = await server.listen()
      server.logger.info({ ...ports, publicUrl: config.public.url }, 'wifkit serve is ready')
      const signal = await untilSignal()
      server.logger.info({ signal }, 'shutting down')
      await server.close()
    })

  program
    .command('init')
    .description('First-time setup for serve: KEK, database, first issuer, bootstrap admin token.')
    .requiredOption('--config <file>', 'the configuration serve will use')
    .option('--issuer <name>', 'name of the first issuer', 'default')
    .option('--json', 'print {"adminToken","tenantId","issuer"} as JSON')
    .option(
      '--rotate-admin-token',
      'on an initialised database: revoke every bootstrap admin token and print a new one',
    )
    .action(async (flags: InitFlags) => {
      const config = await loadConfig(flags.config)
      const server = await createServer({ config, createKek: true })
      try {
        // Init Jobs started together (one per replica) must initialise once; the others wait,
        // then find the database initialised (issue #7).
        await server.store.exclusively(
          'init',
          async () => {
            const initialised = (await server.store.settings.get(INITIALISED)) !== undefined
            if (flags.rotateAdminToken) {
              await rotateAdminToken(server.store, initialised, flags)
              return
            }
            if (initialised) {
              printResult(
                flags.json ?? false,
                { initialised: true },
                () => 'already initialised; nothing changed',
              )
              return
            }
            const { issuer } = await server.issuers.create({ name: flags.issuer })
            const tenant = await server.directory.createTenant({ displayName: 'default' })
            const now = Math.floor(Date.now() / 1000)
            await server.store.settings.set(DEFAULT_TENANT_SETTING, tenant.id, now)
            const adminToken = await issueBootstrapToken(server.store, systemClock, 'wifkit init')
            await server.store.settings.set(
              INITIALISED,
              new Date().toISOString(),
              Math.floor(Date.now() / 1000),
            )
            printResult(
              flags.json ?? false,
              { adminToken, tenantId: tenant.id, issuer: issuer.url },
              () =>
                [
                  `initialised; issuer ${issuer.name} is ${issuer.url}; default tenant ${tenant.id}`,
                  'bootstrap admin token (shown once, store it now):',
                  adminToken,
                ].join('\n'),
            )
          },
          { wait: true },
        )
      } finally {
        await server.close()
      }
    })

  program
    .command('migrate')
    .description('Apply storage migrations (IF-57).')
    .requiredOption('--config <file>', 'the configuration naming the storage')
    .option('--json', 'print the applied migrations as JSON')
    .action(async (flags: { config: string; json?: boolean }) => {
      const config = await loadConfig(flags.config)
      const store = await openStore(config.storage)
      await store.close()
      printResult(flags.json ?? false, { applied: store.migrationsApplied }, () =>
        store.migrationsApplied.length === 0
          ? 'the schema is up to date'
          : `applied: ${store.migrationsApplied.join(', ')}`,
      )
    })
}
