// What the scale and node rows run against: an external issuer, a small and a large directory on
// SQLite and on PostgreSQL, one node on each, and a second node on the small PostgreSQL schema.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureLocalTls } from '../src/dev/index.js'
import { systemClock } from '../src/util/index.js'
import { ExternalIssuer } from '../test/support/external_issuer.js'
import { AUDIENCE, FORM_HEADERS, kubernetesAssertion, SUBJECT, wifkitForm } from './assertions.js'
import type { Target } from './http_sample.js'
import { createScaleDatabase, type ScaleDatabase } from './scale_database.js'
import type { SeedSize } from './scale_seed.js'
import { ServerProcess } from './server_process.js'
import type { StoreNodeArgs, StoreNodeInfo } from './servers/store_node.js'

const RESOURCE = 'api://bench'
const ENTRY = new URL('./servers/store_node.ts', import.meta.url)

export type Backend = 'sqlite' | 'postgres'
export type Size = 'small' | 'large'

/** Rows the seed adds beside the bench's own: per size, the same on both backends. */
export type ScaleSeeds = Record<Size, SeedSize>

/** One database and the nodes serving it. */
export interface ScaleDeployment {
  backend: Backend
  size: Size
  database: ScaleDatabase
  /** One target per node, each posting the same repeated assertion. */
  nodes: Target[]
}

export interface ScaleSetup {
  deployments: ScaleDeployment[]
  close(): Promise<void>
}

async function post(target: Target): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: FORM_HEADERS,
    body: target.body ?? '',
  })
  if (response.status !== 200) {
    throw new Error(`POST ${target.url}: ${response.status} ${await response.text()}`)
  }
}

/**
 * Creates every database at once (PostgreSQL seeds in its own processes while SQLite seeds in
 * this one), then starts their nodes; a database's nodes one after another, so the first creates
 * the shared key-encryption key and signing keys before a second one opens it.
 */
export async function startScaleSetup(
  backends: readonly Backend[],
  seeds: ScaleSeeds,
  serverCpus: string | undefined,
): Promise<ScaleSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-bench-tls-'))
  const tls = await ensureLocalTls(dir, ['localhost'])
  const issuer = await ExternalIssuer.start(tls, systemClock)
  const client = { issuer: issuer.url, subject: SUBJECT, audience: AUDIENCE, resource: RESOURCE }
  const plans = backends.flatMap((backend) =>
    (['small', 'large'] as const).map((size) => ({ backend, size })),
  )
  const created = await Promise.allSettled(
    plans.map((p) => createScaleDatabase(p.backend, seeds[p.size], client)),
  )
  const databases = created.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []))
  const servers: ServerProcess<StoreNodeInfo>[] = []
  const close = async () => {
    await Promise.allSettled(servers.map((s) => s.close()))
    await Promise.allSettled(databases.map((d) => d.drop()))
    await issuer.stop()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const failure = created.find((c) => c.status === 'rejected')
    if (failure) throw failure.reason
    const assertion = await kubernetesAssertion(issuer)
    const deploy = async (database: ScaleDatabase, i: number): Promise<ScaleDeployment> => {
      const { backend, size } = plans[i]!
      const count = backend === 'postgres' && size === 'small' ? 2 : 1
      const nodes: Target[] = []
      for (let n = 0; n < count; n++) {
        const args: StoreNodeArgs = {
          storage: database.storage,
          kekFile: database.kekFile,
          caPem: tls.caPem,
        }
        const server = await ServerProcess.start<StoreNodeInfo>(ENTRY, args, serverCpus)
        servers.push(server)
        const node: Target = {
          server,
          url: `http://127.0.0.1:${server.info.port}/${database.tenantId}/oauth2/v2.0/token`,
          body: wifkitForm(database.clientId, RESOURCE, assertion),
        }
        await post(node)
        nodes.push(node)
      }
      return { backend, size, database, nodes }
    }
    // Settled first, so that no node is still starting when a failure closes the others.
    const started = await Promise.allSettled(databases.map(deploy))
    const deployments = started.map((d) => {
      if (d.status === 'rejected') throw d.reason
      return d.value
    })
    return { deployments, close }
  } catch (error) {
    await close()
    throw error
  }
}
