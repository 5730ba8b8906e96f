// wifkit as `serve` builds it, in its own process for the exchange rows: plain HTTP on loopback
// (as behind a TLS-terminating proxy), SQLite in a temporary directory, silent logs, and a
// directory with one tenant, one resource and a federated client per external issuer.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { validateConfig } from '../../src/config/index.js'
import { BENCH_RATE_LIMIT } from '../rate_limits.js'
import { BENCH_ISSUER_ALLOW_LIST } from '../issuer_allow_list.js'
import { createServer } from '../../src/index.js'
import type { ApplicationRecord } from '../../src/store/index.js'
import { benchApplication } from '../bench_application.js'
import { serveChannel } from './child_channel.js'

/** What the bench passes: the dev CA the external issuers use, and who to federate with. */
export interface WifkitArgs {
  caPem: string
  /** Issuer URLs by name; each gets its own client application with one FIC. */
  issuers: Record<string, string>
  subject: string
  audience: string
  resource: string
}

/** What the child answers with once listening. */
export interface WifkitInfo {
  port: number
  tenantId: string
  /** Client ids (appId) by issuer name. */
  clients: Record<string, string>
}

const args = JSON.parse(process.argv[2] ?? '{}') as WifkitArgs
const dir = await mkdtemp(join(tmpdir(), 'wifkit-bench-'))
const config = validateConfig(
  {
    storage: `sqlite:${join(dir, 'db')}`,
    public: { listen: '127.0.0.1:0', url: 'https://localhost:8443' },
    admin: { listen: '127.0.0.1:0' },
    keys: { kekFile: join(dir, 'kek') },
    log: { level: 'silent' },
    rateLimit: BENCH_RATE_LIMIT,
    sts: { issuerAllowList: BENCH_ISSUER_ALLOW_LIST },
  },
  {},
  dir,
)
const server = await createServer({
  config,
  createKek: true,
  logger: pino({ level: 'silent' }),
  extraCa: args.caPem,
})
const now = Math.floor(Date.now() / 1000)
const tenantId = randomUUID()
const { directory } = server.store
await directory.insertTenant({ id: tenantId, displayName: 'bench', domains: [], createdAt: now })

async function addApp(fields: Partial<ApplicationRecord>): Promise<ApplicationRecord> {
  const app = benchApplication(tenantId, now, fields)
  await directory.insertApplication(app)
  return app
}

await addApp({ identifierUris: [args.resource] })
const clients: Record<string, string> = {}
for (const [name, issuer] of Object.entries(args.issuers)) {
  const client = await addApp({ displayName: `bench ${name}` })
  await directory.insertCredential({
    id: randomUUID(),
    applicationId: client.id,
    name: `bench-${name}`,
    issuer,
    subject: args.subject,
    audience: args.audience,
    description: null,
    createdAt: now,
  })
  clients[name] = client.appId
}
const { publicPort } = await server.listen()
const info: WifkitInfo = { port: publicPort, tenantId, clients }
serveChannel(info, async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})
