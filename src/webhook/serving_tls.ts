import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import type { Server } from 'node:tls'
import type { Logger } from 'pino'
import { tlsPolicy } from '../http/index.js'

/** The lowest TLS version the webhook accepts: 1.3 unless `--min-tls 1.2` (WL-9). */
export type MinTls = 'TLSv1.2' | 'TLSv1.3'

/** Where the serving certificate and key live; Kubernetes swaps both through a symlink. */
export interface ServingFiles {
  certFile: string
  keyFile: string
}

/** Reads the PEM pair now; a startup failure here is the operator's to fix. */
export function readServingPair(files: ServingFiles): { cert: string; key: string } {
  return { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') }
}

/**
 * Applies the pair and the minimum version to `server`, then polls both files and applies a new
 * pair whenever one changes, without a restart (WL-9). Polling `stat` follows the symlink swap of
 * a mounted Secret, which `fs.watch` misses. A half-written pair (certificate and key from
 * different keys) is refused by OpenSSL; the old one stays until the next change completes it.
 *
 * @returns a function that stops watching.
 */
export function serveRotatingCertificate(
  server: Server,
  files: ServingFiles,
  minVersion: MinTls,
  logger: Logger,
  intervalMs: number,
): () => void {
  server.setSecureContext(tlsPolicy(readServingPair(files), minVersion))
  const reload = () => {
    try {
      server.setSecureContext(tlsPolicy(readServingPair(files), minVersion))
      logger.info({ certFile: files.certFile }, 'serving certificate reloaded')
    } catch (error) {
      logger.warn(
        { certFile: files.certFile, reason: (error as Error).message },
        'serving certificate not reloaded; keeping the current one',
      )
    }
  }
  const options = { interval: intervalMs, persistent: false }
  watchFile(files.certFile, options, reload)
  watchFile(files.keyFile, options, reload)
  return () => {
    unwatchFile(files.certFile, reload)
    unwatchFile(files.keyFile, reload)
  }
}
