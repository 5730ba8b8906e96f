// One wifkit node on a database the bench prepared (migrated and seeded), for the scale and node
// rows: built as `serve` builds it, plain HTTP on loopback, silent logs. Several nodes may share
// one PostgreSQL schema and key-encryption key, as stateless nodes behind a balancer do.
import pino from 'pino'
import { validateConfig } from '../../src/config/index.js'
import { BENCH_RATE_LIMIT } from '../rate_limits.js'
import { BENCH_ISSUER_ALLOW_LIST } from '../issuer_allow_list.js'
import { createServer } from '../../src/index.js'
import { serveChannel } from './child_channel.js'

/** What the bench passes: the storage, the shared KEK and the external issuer's dev CA. */
export interface StoreNodeArgs {
  storage: string
  kekFile: string
  caPem: string
}

/** What the child answers with once listening. */
export interface StoreNodeInfo {
  port: number
}

const args = JSON.parse(process.argv[2] ?? '{}') as StoreNodeArgs
const config = validateConfig(
  {
    storage: args.storage,
    public: { listen: '127.0.0.1:0', url: 'https://localhost:8443' },
    admin: { listen: '127.0.0.1:0' },
    keys: { kekFile: args.kekFile },
    log: { level: 'silent' },
    rateLimit: BENCH_RATE_LIMIT,
    sts: { issuerAllowList: BENCH_ISSUER_ALLOW_LIST },
  },
  {},
  process.cwd(),
)
const server = await createServer({
  config,
  createKek: true,
  logger: pino({ level: 'silent' }),
  extraCa: args.caPem,
})
const { publicPort } = await server.listen()
const info: StoreNodeInfo = { port: publicPort }
serveChannel(info, () => server.close())
