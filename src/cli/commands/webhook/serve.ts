import type { Command } from 'commander'
import { UsageError } from '../../../errors/index.js'
import { parseListen } from '../../../http/index.js'
import { createLogger } from '../../../logger.js'
import {
  loadKubeAccess,
  ServiceAccountSource,
  startWebhookServer,
  type MinTls,
} from '../../../webhook/index.js'
import { untilSignal } from '../../output.js'
import { mutationConfigFrom, withSettingsFlags, type SettingsFlags } from './settings.js'

interface ServeFlags extends SettingsFlags {
  listen: string
  tlsCert: string
  tlsKey: string
  minTls: string
  kubeconfig?: string
  certReloadInterval: string
}

/** Startup failures the operator fixes: a missing or bad PEM file, a taken address. */
const USER_FAULTS = ['ENOENT', 'EACCES', 'EISDIR', 'EADDRINUSE', 'EADDRNOTAVAIL']
const MIN_TLS: Record<string, MinTls> = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' }

/** `wifkit webhook serve` (IF-60, WL-9, WL-11): the AdmissionReview server over HTTPS. */
export function registerServeCommand(webhook: Command): void {
  withSettingsFlags(
    webhook
      .command('serve')
      .description('Serve AdmissionReview over HTTPS at /mutate and /mutate-v1-pod (IF-60).'),
  )
    .requiredOption('--listen <host:port>', 'address to listen on, e.g. 0.0.0.0:9443')
    .requiredOption('--tls-cert <file>', 'serving certificate (PEM); reloaded when it changes')
    .requiredOption('--tls-key <file>', 'serving key (PEM); reloaded when it changes')
    .option('--min-tls <version>', 'lowest TLS version accepted: 1.3 or 1.2', '1.3')
    .option('--kubeconfig <file>', 'kubeconfig for the API (else KUBECONFIG, else in-cluster)')
    .option('--cert-reload-interval <ms>', 'how often the certificate files are checked', '5000')
    .action(async (flags: ServeFlags) => {
      const config = await mutationConfigFrom(flags)
      const minVersion = MIN_TLS[flags.minTls]
      if (!minVersion) throw new UsageError(`--min-tls must be 1.3 or 1.2 (got ${flags.minTls})`)
      const reloadIntervalMs = Number(flags.certReloadInterval)
      if (!Number.isInteger(reloadIntervalMs) || reloadIntervalMs < 100) {
        throw new UsageError('--cert-reload-interval must be an integer of at least 100 (ms)')
      }
      const { host, port } = parseListen(flags.listen)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--listen must be HOST:PORT (got ${flags.listen})`)
      }
      const accounts = new ServiceAccountSource(await loadKubeAccess(flags.kubeconfig, process.env))
      const logger = createLogger(process.env.WIFKIT_LOG_LEVEL ?? 'info')
      const tls = { certFile: flags.tlsCert, keyFile: flags.tlsKey, minVersion }
      const server = await startWebhookServer({
        host,
        port,
        tls,
        reloadIntervalMs,
        config,
        lookup: (namespace, name) => accounts.get(namespace, name),
        logger,
      }).catch(async (error: NodeJS.ErrnoException) => {
        await accounts.close()
        const code = error.code ?? ''
        if (USER_FAULTS.includes(code) || code.startsWith('ERR_OSSL')) {
          throw new UsageError(`cannot start the webhook: ${error.message}`)
        }
        throw error
      })
      logger.info({ host, port: server.port, minTls: minVersion, ...config }, 'webhook ready')
      const signal = await untilSignal()
      logger.info({ signal }, 'shutting down')
      await server.close()
      await accounts.close()
    })
}
