// wifkit for the soak (issue #9 item 6), in its own process so that its resident memory in /proc
// is the server's alone: built as `serve` builds it after `init`, with TLS on both listeners
// (vault hosts are told apart by name), vaults served, SQLite in a temporary directory and silent
// logs. The bench creates everything else through the admin API, as an operator would.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { issueBootstrapToken } from '../../src/admin/index.js'
import { validateConfig } from '../../src/config/index.js'
import { ensureLocalTls, freePort } from '../../src/dev/index.js'
import { createServer, DEFAULT_TENANT_SETTING } from '../../src/index.js'
import { systemClock } from '../../src/util/index.js'
import { serveChannel } from './child_channel.js'

/** What the child answers with once listening. */
export interface SoakServerInfo {
  publicUrl: string
  adminUrl: string
  /** The vault resource id; vault NAME is served at `https://NAME.vault.localhost:{port}`. */
  vaultResource: string
  caPem: string
  adminToken: string
  tenantId: string
  issuerUrl: string
}

const dir = await mkdtemp(join(tmpdir(), 'wifkit-soak-'))
const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
const port = await freePort('127.0.0.1')
const files = { cert: tls.certFile, key: tls.keyFile }
const config = validateConfig(
  {
    storage: `sqlite:${join(dir, 'db')}`,
    public: { listen: `127.0.0.1:${port}`, url: `https://localhost:${port}`, tls: files },
    admin: { listen: '127.0.0.1:0', tls: files },
    keys: { kekFile: join(dir, 'kek') },
    vaults: { resource: `https://vault.localhost:${port}` },
    log: { level: 'silent' },
  },
  {},
  dir,
)
const server = await createServer({
  config,
  createKek: true,
  logger: pino({ level: 'silent' }),
  // The STS reaches the issuer's discovery over HTTPS, signed by the dev CA.
  extraCa: tls.caPem,
})
const { issuer } = await server.issuers.create({ name: 'soak' })
const tenant = await server.directory.createTenant({ displayName: 'soak' })
await server.store.settings.set(DEFAULT_TENANT_SETTING, tenant.id, Math.floor(Date.now() / 1000))
const adminToken = await issueBootstrapToken(server.store, systemClock, 'soak bench')
const { adminPort } = await server.listen()
const info: SoakServerInfo = {
  publicUrl: `https://localhost:${port}`,
  adminUrl: `https://localhost:${adminPort}`,
  vaultResource: `https://vault.localhost:${port}`,
  caPem: tls.caPem,
  adminToken,
  tenantId: tenant.id,
  issuerUrl: issuer.url,
}
serveChannel(info, async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})
