import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { issueBootstrapToken } from '../src/admin/index.js'
import { validateConfig } from '../src/config/index.js'
import { BENCH_RATE_LIMIT } from './rate_limits.js'
import { BENCH_ISSUER_ALLOW_LIST } from './issuer_allow_list.js'
import { createServer, type WifkitServer } from '../src/index.js'
import type { IssuerRecord } from '../src/store/index.js'
import { systemClock } from '../src/util/index.js'

/** A wifkit server in this process, on plain-HTTP loopback listeners, with one issuer. */
export interface WifkitFixture {
  server: WifkitServer
  issuer: IssuerRecord
  jwksUrl: string
  mintUrl: string
  adminToken: string
  close(): Promise<void>
}

/** The issuer every measurement uses. */
export const ISSUER_NAME = 'bench'

/**
 * Starts wifkit as `serve` would, on SQLite in a fresh temporary directory that `close` removes.
 * Without `tls` the listeners speak plain HTTP, as behind a TLS-terminating proxy, so the HTTP
 * numbers compare routing and handlers rather than two TLS stacks.
 */
export async function startWifkit(): Promise<WifkitFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-bench-'))
  try {
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
    const server = await createServer({ config, createKek: true })
    const { issuer } = await server.issuers.create({ name: ISSUER_NAME })
    const adminToken = await issueBootstrapToken(server.store, systemClock, 'bench')
    const { publicPort, adminPort } = await server.listen()
    return {
      server,
      issuer,
      jwksUrl: `http://127.0.0.1:${publicPort}/issuers/${ISSUER_NAME}/openid/v1/jwks`,
      mintUrl: `http://127.0.0.1:${adminPort}/issuers/${ISSUER_NAME}/api/v1/namespaces/bench/serviceaccounts/bench/token`,
      adminToken,
      async close() {
        try {
          await server.close()
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      },
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}
