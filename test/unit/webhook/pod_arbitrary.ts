// Generators of Kubernetes-shaped pods, service accounts and webhook settings for the property
// tests (issue #9 item 5). Values are drawn from small pools so that generated pods collide with
// what the webhook injects: user-set AZURE_* variables, mounts and volumes already named as the
// reserved ones, projected tokens on the same path, skip-containers lists naming real containers.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import {
  CLIENT_ID_ANNOTATION,
  LAYOUTS,
  PROXY_ANNOTATIONS,
  RESERVED_VOLUME_PREFIX,
  SKIP_CONTAINERS_ANNOTATION,
  TENANT_ID_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
  USE_LABEL,
  USE_SUFFIX_ANNOTATION_PREFIX,
  type MutationConfig,
  type Pod,
  type ServiceAccount,
} from '../../../src/webhook/index.js'

const POD_NAMES = ['web-1', 'api-7d9f', '']
/** workload.md §3.2, restated: the reserved volume name of a pod named `podName`. */
const reservedName = (podName: string) =>
  RESERVED_VOLUME_PREFIX + createHash('sha256').update(podName).digest('hex').slice(0, 30)

const CONTAINER_NAMES = ['app', 'sidecar', 'init', 'istio-proxy']
const VOLUME_NAMES = [
  'azure-identity-token',
  'config',
  ...POD_NAMES.map(reservedName),
  reservedName('web- (prefix)'),
]
const ENV_NAMES = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'AZURE_TOKEN_CREDENTIALS',
  'PATH',
]
const text = fc.oneof(fc.constantFrom('', 'x', 'client-1', 'tenant-1'), fc.string({ maxLength: 6 }))
const mountPath = fc.constantFrom(
  LAYOUTS['v1.6'].mountPath,
  LAYOUTS['v1.5'].mountPath,
  '/etc/config',
)
const tokenPath = fc.constantFrom(LAYOUTS['v1.6'].tokenPath, LAYOUTS['v1.5'].tokenPath, 'token')

const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[]) =>
  fc.record(model, { requiredKeys: required, noNullPrototype: true })

const envVar = record(
  {
    name: fc.oneof(fc.constantFrom(...ENV_NAMES), text),
    value: text,
    valueFrom: fc.constant({ secretKeyRef: { name: 'ids', key: 'client' } }),
  },
  ['name'],
)

const volumeMount = record(
  {
    name: fc.constantFrom(...VOLUME_NAMES),
    mountPath,
    readOnly: fc.boolean(),
    subPath: fc.constant('token'),
  },
  ['name', 'mountPath'],
)

const container = record(
  {
    name: fc.oneof(fc.constantFrom(...CONTAINER_NAMES), text),
    image: fc.constant('example/app:1'),
    env: fc.array(envVar, { maxLength: 4 }),
    volumeMounts: fc.array(volumeMount, { maxLength: 2 }),
    envFrom: fc.constant([{ configMapRef: { name: 'settings' } }]),
  },
  ['name'],
)

const projectedToken = record(
  {
    path: tokenPath,
    expirationSeconds: fc.constantFrom(3600, 7200),
    audience: fc.constantFrom('api://AzureADTokenExchange', 'vault'),
  },
  ['path'],
)
const volume = fc.oneof(
  record({ name: fc.constantFrom(...VOLUME_NAMES), emptyDir: fc.constant({}) }, ['name']),
  record(
    {
      name: fc.constantFrom(...VOLUME_NAMES),
      projected: record(
        {
          sources: fc.array(
            fc.oneof(
              record({ serviceAccountToken: projectedToken }, ['serviceAccountToken']),
              fc.constant({ configMap: { name: 'ca' } }),
            ),
            { maxLength: 2 },
          ),
          defaultMode: fc.constant(420),
        },
        [],
      ),
    },
    ['name', 'projected'],
  ),
)

const expiration = fc.constantFrom('3600', '86400', '7200', '3599', '86401', '1h', '', ' 3600')
const skipList = fc
  .array(fc.constantFrom(...CONTAINER_NAMES, ' ', ''), { maxLength: 3 })
  .map((names) => names.join(';'))

const podAnnotations = record(
  {
    [TOKEN_EXPIRATION_ANNOTATION]: expiration,
    [SKIP_CONTAINERS_ANNOTATION]: skipList,
    [PROXY_ANNOTATIONS[0] as string]: fc.constant('true'),
    [`${USE_SUFFIX_ANNOTATION_PREFIX}custom`]: fc.constant('true'),
    'example.com/team': text,
  },
  [],
) as fc.Arbitrary<Record<string, string>>

/** A labelled or unlabelled pod, shaped as the API server admits them. */
export const podArbitrary: fc.Arbitrary<Pod> = record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: record(
      {
        name: fc.constantFrom(...POD_NAMES),
        generateName: fc.constant('web-'),
        namespace: fc.constantFrom('payments', 'default'),
        labels: record(
          { [USE_LABEL]: fc.constantFrom('true', 'true', 'false', 'True', ''), app: text },
          [],
        ) as fc.Arbitrary<Record<string, string>>,
        annotations: podAnnotations,
      },
      [],
    ),
    spec: record(
      {
        serviceAccountName: fc.constantFrom('api', 'default', ''),
        initContainers: fc.array(container, { maxLength: 2 }),
        containers: fc.array(container, { minLength: 1, maxLength: 3 }),
        ephemeralContainers: fc.array(container, { maxLength: 1 }),
        volumes: fc.array(volume, { maxLength: 3 }),
        nodeSelector: fc.constant({ 'kubernetes.io/os': 'linux' }),
      },
      ['containers'],
    ),
  },
  ['metadata', 'spec'],
)

/** A service account with any mix of the annotations the webhook reads (§2). */
export const serviceAccountArbitrary: fc.Arbitrary<ServiceAccount> = record(
  {
    metadata: record(
      {
        name: fc.constant('api'),
        namespace: fc.constant('payments'),
        annotations: record(
          {
            [CLIENT_ID_ANNOTATION]: text,
            [TENANT_ID_ANNOTATION]: text,
            [TOKEN_EXPIRATION_ANNOTATION]: expiration,
          },
          [],
        ) as fc.Arbitrary<Record<string, string>>,
      },
      [],
    ),
  },
  [],
)

/** Webhook settings of either token layout, with and without the WL-32 opt-in. */
export const mutationConfigArbitrary: fc.Arbitrary<MutationConfig> = record(
  {
    tenantId: fc.constantFrom('tenant-webhook', ''),
    authorityHost: fc.constantFrom('https://login.example.com/', ''),
    audience: fc.constantFrom('api://AzureADTokenExchange', 'vault'),
    tokenLayout: fc.constantFrom('v1.6' as const, 'v1.5' as const),
    injectTokenCredentials: fc.boolean(),
  },
  ['tenantId', 'authorityHost', 'audience', 'tokenLayout'],
)
