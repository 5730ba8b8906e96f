import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

/** The facts `wifkit dev` publishes in DIR/dev.json once it is ready (IF-12). */
export interface DevJson {
  issuer: string
  issuerName: string
  publicUrl: string
  /** `AZURE_AUTHORITY_HOST`: the STS authority (IF-13). */
  authorityHost: string
  tenantId: string
  /** The resource the demo exchange asks for: `scope={vaultResource}/.default`. */
  vaultResource: string
  /** The seeded vault `demo` (IF-12). */
  vaultUrl: string
  adminUrl: string
  adminToken: string
  caFile: string
  dataDir: string
  mintUrl: string
  demo: {
    clientId: string
    namespace: string
    serviceAccount: string
    audience: string
    /** Where `wifkit token mint --watch` keeps the demo workload's token. */
    tokenFile: string
    /** The secret the demo workload may read from `vaultUrl`. */
    secretName: string
  }
  pid: number
}

/** The path of dev.json inside a data dir. */
export function devJsonPath(dataDir: string): string {
  return join(dataDir, 'dev.json')
}

/** Reads a data dir's dev.json, or undefined when there is none (never started, or reset). */
export async function readDevJson(dataDir: string): Promise<DevJson | undefined> {
  try {
    return JSON.parse(await readFile(devJsonPath(dataDir), 'utf8')) as DevJson
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** A port that was free a moment ago, for `--port 0` on a first start. */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const LOCALHOST_PRELOAD = new URL('../localhost/resolve_localhost.js', import.meta.url).href

/** The `export` lines a workload shell needs to reach this dev environment. */
export function exportLines(dev: DevJson): string[] {
  return [
    `export NODE_EXTRA_CA_CERTS=${dev.caFile}`,
    `export WIFKIT_ADMIN_URL=${dev.adminUrl}`,
    `export WIFKIT_ADMIN_TOKEN=${dev.adminToken}`,
    `export WIFKIT_ISSUER=${dev.issuer}`,
    `export AZURE_AUTHORITY_HOST=${dev.authorityHost}`,
    `export AZURE_TENANT_ID=${dev.tenantId}`,
    `export AZURE_CLIENT_ID=${dev.demo.clientId}`,
    `export AZURE_FEDERATED_TOKEN_FILE=${dev.demo.tokenFile}`,
    `export VAULT_URL=${dev.vaultUrl}`,
    // IF-16: *.vault.localhost resolves to loopback in every Node process of this shell.
    `export NODE_OPTIONS="--import ${LOCALHOST_PRELOAD}"`,
  ]
}
