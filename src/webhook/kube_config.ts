import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parse } from 'yaml'
import { UsageError } from '../errors/index.js'

/** Where a pod finds its own API credentials (Kubernetes "Accessing the API from a pod"). */
const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'

/** How to reach the Kubernetes API: its URL, the CA to trust and one way to authenticate. */
export interface KubeAccess {
  server: string
  ca?: string
  /** Client certificate and key (PEM), for kubeconfig users that authenticate by certificate. */
  cert?: string
  key?: string
  /** Bearer token, read anew on each call: in-cluster tokens are bound and rotate. */
  token?: () => Promise<string>
}

/**
 * The API access of IF-60: `--kubeconfig`, else `KUBECONFIG` (its first entry), else the
 * in-cluster configuration (`KUBERNETES_SERVICE_HOST`/`_PORT` and the mounted SA token and CA).
 *
 * @throws UsageError when none is available or the kubeconfig lacks what is needed.
 */
export async function loadKubeAccess(
  kubeconfig: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  inClusterDir = IN_CLUSTER_DIR,
): Promise<KubeAccess> {
  const file = kubeconfig ?? env.KUBECONFIG?.split(':').find((f) => f !== '')
  if (file) return fromKubeconfig(resolve(file))
  const host = env.KUBERNETES_SERVICE_HOST
  if (!host) {
    throw new UsageError(
      'no Kubernetes API configuration: pass --kubeconfig, set KUBECONFIG, or run in a pod',
    )
  }
  const authority = host.includes(':') ? `[${host}]` : host
  const tokenFile = `${inClusterDir}/token`
  return {
    server: `https://${authority}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`,
    ca: await readText(`${inClusterDir}/ca.crt`),
    token: () => readText(tokenFile).then((t) => t.trim()),
  }
}

interface Named<T> {
  name?: string
  [key: string]: T | string | undefined
}
type Entry = Record<string, string | undefined>

async function fromKubeconfig(file: string): Promise<KubeAccess> {
  const text = await readText(file)
  let doc: Record<string, unknown> | null
  try {
    doc = parse(text) as Record<string, unknown> | null
  } catch {
    throw new UsageError(`${file} is not a YAML kubeconfig`)
  }
  const pick = (list: string, item: string, name: unknown): Entry => {
    const entries = (doc?.[list] ?? []) as Named<Entry>[]
    const found = entries.find((e) => e.name === name)?.[item]
    if (typeof found !== 'object') {
      throw new UsageError(`${file}: no ${item} named ${JSON.stringify(name)} in ${list}`)
    }
    return found
  }
  const context = pick('contexts', 'context', doc?.['current-context'])
  const cluster = pick('clusters', 'cluster', context.cluster)
  const user = context.user === undefined ? {} : pick('users', 'user', context.user)
  if (!cluster.server) throw new UsageError(`${file}: the current cluster has no server`)
  // Relative paths in a kubeconfig are relative to the file itself (client-go does the same).
  const base = dirname(file)
  const material = async (entry: Entry, name: string) => {
    const data = entry[`${name}-data`]
    if (data) return Buffer.from(data, 'base64').toString('utf8')
    const path = entry[name]
    return path ? readText(resolve(base, path)) : undefined
  }
  const access: KubeAccess = {
    server: cluster.server.replace(/\/+$/, ''),
    ca: await material(cluster, 'certificate-authority'),
    cert: await material(user, 'client-certificate'),
    key: await material(user, 'client-key'),
  }
  const { token, tokenFile } = user
  if (token) access.token = async () => token
  else if (tokenFile) access.token = () => readText(resolve(base, tokenFile)).then((t) => t.trim())
  return access
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`)
  }
}
