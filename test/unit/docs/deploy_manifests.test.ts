import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1'
import { Job, type IJob } from 'kubernetes-models/batch/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1'
import {
  ConfigMap,
  Namespace,
  Secret,
  Service,
  ServiceAccount,
  type IConfigMap,
  type IContainer,
  type IPodSpec,
  type IService,
} from 'kubernetes-models/v1'
import { parse, parseAllDocuments } from 'yaml'
import { validateConfig, type Config } from '../../../src/config/index.js'
import { ensureLocalTls } from '../../../src/dev/index.js'
import { createServer } from '../../../src/index.js'
import { trustingFetch } from '../../support/https.js'

// deploy/kubernetes and docs/deploy.md (issue #7, item 5): the manifests are valid objects, the
// configuration they carry is one wifkit accepts, and the page states what they contain.
const root = new URL('../../../', import.meta.url)
const manifestDir = new URL('deploy/kubernetes/', root)

const models: Record<string, new (o: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
}

interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
  [field: string]: unknown
}
interface Manifest {
  file: string
  object: KubeObject
}

/** Every document of every YAML file, parsed, with the file it came from. */
async function manifests(): Promise<Manifest[]> {
  const files = (await readdir(manifestDir)).filter((f) => f.endsWith('.yaml')).sort()
  const all: Manifest[] = []
  for (const file of files) {
    const docs = parseAllDocuments(await readFile(new URL(file, manifestDir), 'utf8'))
    assert.ok(Array.isArray(docs), `${file} holds YAML documents`)
    for (const doc of docs) {
      assert.deepEqual(doc.errors, [], `${file} parses`)
      all.push({ file, object: doc.toJS() as KubeObject })
    }
  }
  return all
}

/** The one object of `kind`, typed as its model. */
function only<T>(all: Manifest[], kind: string): T {
  const found = all.filter((m) => m.object.kind === kind)
  assert.equal(found.length, 1, `one ${kind}`)
  return (found[0] as Manifest).object as T
}

async function fixture() {
  const all = await manifests()
  const deployment = only<IDeployment>(all, 'Deployment')
  const pod = deployment.spec?.template.spec as IPodSpec
  const container = pod.containers[0] as IContainer
  const configMap = only<IConfigMap>(all, 'ConfigMap')
  const configText = configMap.data?.['wifkit.yaml'] ?? ''
  const config = validateConfig(parse(configText), {}, '/')
  return { all, deployment, pod, container, configMap, configText, config }
}

/** The volume mounted at the folder of `file` in `container`. */
function volumeHolding(pod: IPodSpec, container: IContainer, file: string) {
  const mount = container.volumeMounts?.find((m) => m.mountPath === dirname(file))
  assert.ok(mount, `${container.name} mounts a volume at ${dirname(file)}`)
  const volume = pod.volumes?.find((v) => v.name === mount.name)
  assert.ok(volume, `volume ${mount.name} is declared`)
  return volume
}

function portNumber(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1))
}

test('issue #7 item 5: every manifest in deploy/kubernetes parses and validates as its kind', async () => {
  const all = await manifests()
  for (const { file, object } of all) {
    if (object.kind === 'Kustomization') continue
    const model = models[`${object.apiVersion}/${object.kind}`]
    assert.ok(model, `${file}: a model for ${object.apiVersion} ${object.kind}`)
    new model(object as never).validate()
    if (object.kind !== 'Namespace') assert.equal(object.metadata.namespace, 'wifkit', file)
  }
})

test('kustomization.yaml lists every manifest except the Secret placeholders and the Job', async () => {
  const all = await manifests()
  const kustomization = only<{ resources: string[] }>(all, 'Kustomization')
  const files = [...new Set(all.map((m) => m.file))]
  const outside = ['kustomization.yaml', 'migrate-job.yaml', 'secrets.example.yaml']
  assert.deepEqual(
    [...kustomization.resources].sort(),
    files.filter((f) => !outside.includes(f)),
  )
})

test('IF-22: the ConfigMap holds a valid serve configuration on PostgreSQL without a password', async () => {
  const { config, configText } = await fixture()
  assert.match(config.storage, /^postgres:\/\/[^:@/]+@/)
  assert.doesNotMatch(configText, /password/i)
  assert.ok(config.public.tls && config.admin.tls, 'both listeners speak TLS')
})

test('IF-21/IF-23: ports and probes are those the configuration listens on', async () => {
  const { config, container, all } = await fixture()
  const port = (name: string) => container.ports?.find((p) => p.name === name)?.containerPort
  assert.equal(port('public'), portNumber(config.public.listen))
  assert.equal(port('admin'), portNumber(config.admin.listen))
  assert.match(config.admin.listen, /^0\.0\.0\.0:/, 'the kubelet reaches the admin listener')
  for (const probe of [container.startupProbe, container.livenessProbe]) {
    assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'admin', scheme: 'HTTPS' })
  }
  assert.deepEqual(container.readinessProbe?.httpGet, {
    path: '/readyz',
    port: 'admin',
    scheme: 'HTTPS',
  })
  const services = all
    .filter((m) => m.object.kind === 'Service')
    .map((m) => m.object as unknown as IService)
  const byName = Object.fromEntries(services.map((s) => [s.metadata?.name, s.spec]))
  assert.equal(byName['wifkit-public']?.ports?.[0]?.targetPort, 'public')
  assert.equal(byName['wifkit-admin']?.ports?.[0]?.targetPort, 'admin')
  assert.equal(byName['wifkit-admin']?.type, 'ClusterIP', 'the admin side stays internal')
})

test('issue #7 item 4: readiness gives up after the cache staleness bound, not before', async () => {
  const { config, container } = await fixture()
  const probe = container.readinessProbe
  assert.equal(
    (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3),
    config.cache.maxStalenessSeconds,
  )
})

test('every file the configuration names is mounted from the right volume', async () => {
  const { pod, container, config, configMap } = await fixture()
  const args = container.args ?? []
  assert.deepEqual(args.slice(0, 2), ['serve', '--config'])
  const configFile = args[2] ?? ''
  assert.equal(volumeHolding(pod, container, configFile).configMap?.name, configMap.metadata?.name)
  assert.ok(Object.hasOwn(configMap.data ?? {}, configFile.slice(configFile.lastIndexOf('/') + 1)))
  const tls = { public: config.public.tls, admin: config.admin.tls }
  for (const [listener, files] of Object.entries(tls)) {
    for (const file of [files?.cert ?? '', files?.key ?? '']) {
      const secret = volumeHolding(pod, container, file).secret?.secretName
      assert.equal(secret, `wifkit-${listener}-tls`, file)
    }
  }
  // The KEK reaches serve through the init container's 0600 copy on a memory volume.
  assert.equal(volumeHolding(pod, container, config.keys.kekFile).emptyDir?.medium, 'Memory')
  const copy = pod.initContainers?.[0]
  assert.equal(copy?.command?.at(-1), config.keys.kekFile)
  const source = copy?.command?.at(-2) ?? ''
  assert.equal(volumeHolding(pod, copy as IContainer, source).secret?.secretName, 'wifkit-kek')
})

test('IF-57: the migration Job runs migrate with the same image, configuration and password', async () => {
  const { all, container } = await fixture()
  const job = only<IJob>(all, 'Job').spec?.template.spec?.containers[0]
  assert.equal(job?.image, container.image)
  assert.deepEqual(job?.args, ['migrate', ...(container.args ?? []).slice(1)])
  assert.deepEqual(
    job?.env?.find((e) => e.name === 'PGPASSWORD'),
    container.env?.find((e) => e.name === 'PGPASSWORD'),
  )
})

test('the Deployment is hardened and shuts down gracefully', async () => {
  const { pod, container } = await fixture()
  assert.equal(pod.securityContext?.runAsNonRoot, true)
  assert.equal(pod.automountServiceAccountToken, false)
  assert.equal(pod.enableServiceLinks, false, 'no Service variables with the WIFKIT_ prefix')
  for (const c of [container, ...(pod.initContainers ?? [])]) {
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true, c.name)
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false, c.name)
    assert.deepEqual(c.securityContext?.capabilities, { drop: ['ALL'] }, c.name)
  }
  const sleep = Number(container.lifecycle?.preStop?.exec?.command?.[1])
  assert.ok(sleep > 0 && sleep < (pod.terminationGracePeriodSeconds ?? 30))
  assert.ok(pod.topologySpreadConstraints?.length)
})

test('docs/deploy.md states the replicas, resources and timings the manifests hold', async () => {
  const { all, deployment, pod, container } = await fixture()
  const page = await readFile(new URL('docs/deploy.md', root), 'utf8')
  const section = page.split('## At a glance')[1]?.split('\n## ')[0] ?? ''
  const stated = Object.fromEntries(
    [...section.matchAll(/^\| (.+?) \| (.+?) \|$/gm)]
      .map((m) => [m[1], m[2]])
      .filter(([key]) => key !== 'setting' && key !== '---'),
  )
  const pdb = only<IPodDisruptionBudget>(all, 'PodDisruptionBudget')
  const readiness = container.readinessProbe
  assert.deepEqual(stated, {
    replicas: String(deployment.spec?.replicas),
    'cpu request': container.resources?.requests?.cpu,
    'cpu limit': container.resources?.limits?.cpu,
    'memory request': container.resources?.requests?.memory,
    'memory limit': container.resources?.limits?.memory,
    'PodDisruptionBudget maxUnavailable': String(pdb.spec?.maxUnavailable),
    terminationGracePeriodSeconds: String(pod.terminationGracePeriodSeconds),
    'preStop sleep seconds': container.lifecycle?.preStop?.exec?.command?.[1],
    'readiness periodSeconds × failureThreshold': `${readiness?.periodSeconds} × ${readiness?.failureThreshold}`,
  })
})

test('IF-23: a server built from the ConfigMap answers the probe paths on its admin listener', async () => {
  const { configText, container } = await fixture()
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-deploy-'))
  const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
  // Only what a test machine lacks is replaced: the database, the KEK and the TLS files, and
  // ephemeral ports on loopback.
  const env = {
    WIFKIT_STORAGE: `sqlite:${join(dir, 'wifkit.db')}`,
    WIFKIT_KEYS_KEKFILE: join(dir, 'kek'),
    WIFKIT_PUBLIC_LISTEN: '127.0.0.1:0',
    WIFKIT_ADMIN_LISTEN: '127.0.0.1:0',
    WIFKIT_PUBLIC_TLS_CERT: tls.certFile,
    WIFKIT_PUBLIC_TLS_KEY: tls.keyFile,
    WIFKIT_ADMIN_TLS_CERT: tls.certFile,
    WIFKIT_ADMIN_TLS_KEY: tls.keyFile,
    WIFKIT_LOG_LEVEL: 'silent',
  }
  const config: Config = validateConfig(parse(configText), env, dir)
  const server = await createServer({ config, createKek: true })
  const client = await trustingFetch(tls.caFile)
  try {
    const { adminPort } = await server.listen()
    const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe]
    for (const probe of probes) {
      const path = probe?.httpGet?.path ?? ''
      const response = await client.fetch(`https://localhost:${adminPort}${path}`)
      assert.equal(response.status, 200, `${path}: ${await response.text()}`)
    }
  } finally {
    await client.close()
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
})
