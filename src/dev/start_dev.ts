import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import pino from 'pino'
import { issueBootstrapToken, isBootstrapToken } from '../admin/index.js'
import { validateConfig } from '../config/index.js'
import { UsageError } from '../errors/index.js'
import { createServer, type WifkitServer } from '../index.js'
import { createLogger } from '../logger.js'
import { systemClock, writeFileAtomic } from '../util/index.js'
import { devJsonPath, freePort, readDevJson, type DevJson } from './dev_state.js'
import { ensureLocalTls } from './local_ca.js'
import { DEV_DEMO, seedDevDirectory } from './seed_directory.js'
import { DEV_VAULT, seedDevVault } from './seed_vault.js'

export interface DevOptions {
  dataDir: string
  host: string
  /** 0: reuse the port of the previous start, else any free port. */
  port: number
  reset: boolean
}

const DEV_ISSUER = 'dev'

async function choosePort(options: DevOptions, dataDir: string, bindHost: string): Promise<number> {
  if (options.port !== 0) return options.port
  const previous = await readDevJson(dataDir)
  if (previous) return Number(new URL(previous.publicUrl).port)
  return freePort(bindHost)
}

/**
 * Starts the all-in-one local environment (IF-10…IF-12): creates or reuses DIR with its CA, KEK
 * and database, seeds the `dev` issuer, and writes dev.json atomically once every listener is
 * accepting. Restarts reuse everything in DIR.
 */
export async function startDev(
  options: DevOptions,
): Promise<{ server: WifkitServer; dev: DevJson }> {
  const dataDir = resolve(options.dataDir)
  if (options.reset) await rm(dataDir, { recursive: true, force: true })
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const bindHost = options.host === 'localhost' ? 'localhost' : '0.0.0.0'
  const port = await choosePort(
    options,
    dataDir,
    options.host === 'localhost' ? '127.0.0.1' : bindHost,
  )
  const tls = await ensureLocalTls(dataDir, [options.host])
  const publicUrl = `https://${options.host}:${port}`
  const vaultResource = `https://vault.localhost:${port}`
  const config = validateConfig(
    {
      storage: `sqlite:${join(dataDir, 'wifkit.db')}`,
      public: {
        listen: `${bindHost}:${port}`,
        url: publicUrl,
        tls: { cert: tls.certFile, key: tls.keyFile },
      },
      admin: { listen: `${bindHost}:0`, tls: { cert: tls.certFile, key: tls.keyFile } },
      keys: { kekFile: join(dataDir, 'kek') },
      // STS-83: in dev the caller and the operator are one person, so errors say what differed.
      // STS-101: the dev host may be loopback or private; its issuers are allow-listed by name.
      sts: { revealMatchDetails: true, issuerAllowList: [options.host] },
      vaults: { resource: vaultResource },
    },
    process.env,
    dataDir,
  )
  const logger = createLogger(
    config.log.level,
    pino.destination({ dest: join(dataDir, 'dev.log'), sync: false }),
  )
  const server = await createServer({ config, logger, createKek: true, extraCa: tls.caPem })
  try {
    const dev = await seedAndListen(server, dataDir, publicUrl, tls.caFile)
    return { server, dev }
  } catch (error) {
    await server.close()
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${port} is in use; pass --port N (or --port 0 after wifkit dev --reset)`,
      )
    }
    throw error
  }
}

async function seedAndListen(
  server: WifkitServer,
  dataDir: string,
  publicUrl: string,
  caFile: string,
): Promise<DevJson> {
  const issuerUrl = `${publicUrl}/issuers/${DEV_ISSUER}`
  const existing = await server.issuers.find(DEV_ISSUER)
  if (!existing) await server.issuers.create({ name: DEV_ISSUER, url: issuerUrl })
  else if (existing.url !== issuerUrl) {
    server.logger.warn({ from: existing.url, to: issuerUrl }, 'dev issuer moved to the new port')
    await server.issuers.changeUrl(existing, issuerUrl)
  }
  const vaultResource = server.config.vaults.resource ?? ''
  const directory = await seedDevDirectory(server.store, systemClock, issuerUrl, vaultResource)
  await seedDevVault(server, systemClock, directory.tenantId, directory.demoClientId)
  const previous = await readDevJson(dataDir)
  const adminToken =
    previous && (await isBootstrapToken(server.store, previous.adminToken))
      ? previous.adminToken
      : await issueBootstrapToken(server.store, systemClock, 'wifkit dev')
  const { adminPort } = await server.listen()
  const adminUrl = `${new URL(publicUrl).protocol}//${new URL(publicUrl).hostname}:${adminPort}`
  const dev: DevJson = {
    issuer: issuerUrl,
    issuerName: DEV_ISSUER,
    publicUrl,
    authorityHost: publicUrl,
    tenantId: directory.tenantId,
    vaultResource: directory.vaultResource,
    vaultUrl: `https://${DEV_VAULT.name}.${new URL(vaultResource).host}`,
    adminUrl,
    adminToken,
    caFile,
    dataDir,
    mintUrl: `${adminUrl}/issuers/${DEV_ISSUER}/api/v1/namespaces/${DEV_DEMO.namespace}/serviceaccounts/${DEV_DEMO.serviceAccount}/token`,
    demo: {
      clientId: directory.demoClientId,
      namespace: DEV_DEMO.namespace,
      serviceAccount: DEV_DEMO.serviceAccount,
      audience: DEV_DEMO.audience,
      tokenFile: join(dataDir, 'demo.token'),
      secretName: DEV_VAULT.secretName,
    },
    pid: process.pid,
  }
  await writeFileAtomic(devJsonPath(dataDir), `${JSON.stringify(dev, null, 2)}\n`, 0o600)
  return dev
}
