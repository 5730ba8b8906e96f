import assert from 'node:assert/strict'
import { test } from 'node:test'
import { projectedTokens, type ProjectedToken } from '../../../src/kubelet/index.js'
import { UsageError } from '../../../src/errors/index.js'
import {
  CLIENT_ID_ANNOTATION,
  mutatePod,
  SKIP_CONTAINERS_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
  USE_LABEL,
  type MutationConfig,
  type Pod,
  type TokenLayout,
} from '../../../src/webhook/index.js'

const config = (tokenLayout: TokenLayout): MutationConfig => ({
  tenantId: 'tenant-1',
  authorityHost: 'https://login.example.test/',
  audience: 'api://AzureADTokenExchange',
  tokenLayout,
})
const serviceAccount = {
  metadata: {
    name: 'api',
    namespace: 'payments',
    annotations: { [CLIENT_ID_ANNOTATION]: 'client-1' },
  },
}

/** A labelled pod with the named containers, mutated by the webhook's pure rule. */
function mutated(
  layout: TokenLayout,
  containers: string[],
  extra: { annotations?: Record<string, string>; namespace?: string; init?: string[] } = {},
): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-1',
      ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }),
      labels: { [USE_LABEL]: 'true' },
      annotations: extra.annotations ?? {},
    },
    spec: {
      serviceAccountName: 'api',
      initContainers: (extra.init ?? []).map((name) => ({ name })),
      containers: containers.map((name) => ({ name })),
    },
  }
  return mutatePod(pod, serviceAccount, config(layout)).pod
}

const reservedVolume = (pod: Pod) => pod.spec?.volumes?.[0]?.name ?? 'missing'
const V16_FILE = '/var/run/secrets/azure/wi/token/azure-identity-token'
const V15_FILE = '/var/run/secrets/azure/tokens/azure-identity-token'
const token = (volume: string, change: Partial<ProjectedToken> = {}): ProjectedToken => ({
  volume,
  namespace: 'payments',
  serviceAccount: 'api',
  audience: 'api://AzureADTokenExchange',
  expirationSeconds: 3600,
  mode: 0o644,
  files: [V16_FILE],
  ...change,
})

const v16 = mutated('v1.6', ['app'], { namespace: 'payments' })
const v15 = mutated('v1.5', ['app'], { namespace: 'payments' })
const skipped = mutated('v1.6', ['app', 'istio-proxy'], {
  namespace: 'payments',
  annotations: { [SKIP_CONTAINERS_ANNOTATION]: 'istio-proxy' },
})
const allSkipped = mutated('v1.6', ['app'], {
  namespace: 'payments',
  annotations: { [SKIP_CONTAINERS_ANNOTATION]: 'app' },
})
const several = mutated('v1.6', ['app', 'worker'], { namespace: 'payments', init: ['setup'] })
const longLived = mutated('v1.6', ['app'], {
  namespace: 'payments',
  annotations: { [TOKEN_EXPIRATION_ANNOTATION]: '86400' },
})
const noNamespace = mutated('v1.6', ['app'])
const plain: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'app' }] } }
const unmounted: Pod = {
  spec: {
    containers: [{ name: 'app' }],
    volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
  },
}
const custom: Pod = {
  metadata: { namespace: 'ci' },
  spec: {
    containers: [
      {
        name: 'app',
        volumeMounts: [
          { name: 't', mountPath: '/tokens/' },
          { name: 't', mountPath: '/only-vault', subPath: 'vault' },
          { name: 't', mountPath: '/other', subPath: 'elsewhere' },
        ],
      },
    ],
    volumes: [
      {
        name: 't',
        projected: {
          defaultMode: 0o440,
          sources: [
            { configMap: { name: 'ca' } },
            { serviceAccountToken: { path: 'kube' } },
            {
              serviceAccountToken: {
                path: 'vault/token',
                audience: 'vault',
                expirationSeconds: 600,
              },
            },
          ],
        },
      },
    ],
  },
}

const cases: Array<[string, Pod, ProjectedToken[]]> = [
  ['WL-33, WL-35: a v1.6 pod projects its reserved volume', v16, [token(reservedVolume(v16))]],
  [
    'WL-33, §3.2: a v1.5 pod projects azure-identity-token under /tokens',
    v15,
    [token('azure-identity-token', { files: [V15_FILE] })],
  ],
  [
    'WL-39: a skipped container adds nothing, the others still see the token',
    skipped,
    [token(reservedVolume(skipped))],
  ],
  ['a volume that no container mounts is not projected', allSkipped, []],
  [
    'several containers and an init container mounting one path share one file',
    several,
    [token(reservedVolume(several))],
  ],
  [
    '§2: the expiration annotation reaches the TokenRequest',
    longLived,
    [token(reservedVolume(longLived), { expirationSeconds: 86400 })],
  ],
  [
    'a pod without a namespace mints in the default namespace',
    noNamespace,
    [token(reservedVolume(noNamespace), { namespace: 'default' })],
  ],
  ['a pod with no token volume projects nothing', plain, []],
  ['an unmounted projected volume projects nothing', unmounted, []],
  [
    'defaultMode, subPath and the default expiration and service account follow Kubernetes',
    custom,
    [
      {
        volume: 't',
        namespace: 'ci',
        serviceAccount: 'default',
        expirationSeconds: 3600,
        mode: 0o440,
        files: ['/tokens/kube'],
      },
      {
        volume: 't',
        namespace: 'ci',
        serviceAccount: 'default',
        audience: 'vault',
        expirationSeconds: 600,
        mode: 0o440,
        files: ['/only-vault/token', '/tokens/vault/token'],
      },
    ],
  ],
]

for (const [name, pod, want] of cases) {
  test(name, () => assert.deepEqual(projectedTokens(pod), want))
}

const climbing: Array<[string, string, Record<string, string>]> = [
  ['an absolute token path', '/etc/passwd', {}],
  ['a token path with ..', 'a/../../b', {}],
  ['an empty token path', '', {}],
  ['a mountPath with ..', 'token', { mountPath: '/x/../../etc' }],
  ['a subPath with ..', 'token', { subPath: '../..' }],
]

for (const [name, path, mount] of climbing) {
  test(`${name} is refused, so no file lands outside ROOT`, () => {
    const pod: Pod = {
      spec: {
        containers: [{ name: 'app', volumeMounts: [{ name: 't', mountPath: '/x', ...mount }] }],
        volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path } }] } }],
      },
    }
    assert.throws(() => projectedTokens(pod), UsageError)
  })
}
