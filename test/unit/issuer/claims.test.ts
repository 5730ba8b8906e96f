import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KubernetesError } from '../../../src/errors/index.js'
import {
  planServiceAccountToken,
  type MintPolicy,
  type MintRequest,
} from '../../../src/issuer/claims.js'

const NOW = 1_767_225_600
const ISSUER = 'https://wifkit.example.com/issuers/prod'
const FIC_AUDIENCE = 'api://AzureADTokenExchange'
const JTI = '4b0e7c1e-2f55-4c1a-9d0a-6a4f2f8e9b31'
const SA_UID = '9f41b2c4-7d3e-4a5b-8c6d-0e1f2a3b4c5d'
const POD_UID = '5e2b9a7c-1d4f-4e8a-b3c6-7f0a1b2c3d4e'

const policy: MintPolicy = {
  issuer: ISSUER,
  defaultAudiences: [FIC_AUDIENCE],
  maxTokenExpirationSeconds: 86_400,
}
const request: MintRequest = { namespace: 'payments', serviceAccount: 'api' }
const ids = { jti: JTI, serviceAccountUid: SA_UID }

const plan = (change: Partial<MintRequest>, p: Partial<MintPolicy> = {}) =>
  planServiceAccountToken({ ...request, ...change }, { ...policy, ...p }, NOW, ids)

test('ISS-22…ISS-31: a pod-bound one-hour token has exactly these claims, in this order', () => {
  const { claims } = plan({
    audiences: [FIC_AUDIENCE],
    boundObjectRef: { kind: 'Pod', name: 'api-7d9f', uid: POD_UID },
  })
  assert.equal(
    JSON.stringify(claims),
    '{"aud":["api://AzureADTokenExchange"],"exp":1767229200,"iat":1767225600,' +
      '"iss":"https://wifkit.example.com/issuers/prod",' +
      '"jti":"4b0e7c1e-2f55-4c1a-9d0a-6a4f2f8e9b31",' +
      '"kubernetes.io":{"namespace":"payments",' +
      `"pod":{"name":"api-7d9f","uid":"${POD_UID}"},` +
      `"serviceaccount":{"name":"api","uid":"${SA_UID}"}},` +
      '"nbf":1767225600,"sub":"system:serviceaccount:payments:api"}',
  )
  assert.deepEqual(Object.keys(claims), [
    'aud',
    'exp',
    'iat',
    'iss',
    'jti',
    'kubernetes.io',
    'nbf',
    'sub',
  ])
})

interface Granted {
  audiences: string[]
  expirationSeconds: number
  warnings: string[]
  kubernetes: Record<string, unknown>
  sub?: string
}

const sa = { namespace: 'payments', serviceaccount: { name: 'api', uid: SA_UID } }
const granted = (more: Partial<Granted> = {}): Granted => ({
  audiences: [FIC_AUDIENCE],
  expirationSeconds: 3600,
  warnings: [],
  kubernetes: sa,
  ...more,
})
const shortened = (requested: number, max = 86_400) =>
  `requested expirationSeconds ${requested} exceeds the maximum of this issuer; granted ${max}`

const accepted: readonly (readonly [string, Partial<MintRequest>, Partial<MintPolicy>, Granted])[] =
  [
    ['ISS-40: absent audiences give the default audiences', {}, {}, granted()],
    ['ISS-40: empty audiences give the default audiences', { audiences: [] }, {}, granted()],
    [
      'ISS-40: configured default audiences are used, duplicates removed',
      { audiences: [] },
      { defaultAudiences: ['api://one', 'api://two', 'api://one'] },
      granted({ audiences: ['api://one', 'api://two'] }),
    ],
    [
      'ISS-22: one audience is still an array',
      { audiences: ['api://one'] },
      {},
      granted({ audiences: ['api://one'] }),
    ],
    [
      'ISS-22: audiences keep the requested order with duplicates removed',
      { audiences: ['api://b', 'api://a', 'api://b', 'api://c', 'api://a'] },
      {},
      granted({ audiences: ['api://b', 'api://a', 'api://c'] }),
    ],
    ['ISS-41: absent expirationSeconds gives 3600', {}, {}, granted()],
    [
      'ISS-41: 600 seconds, the minimum, is granted as asked',
      { expirationSeconds: 600 },
      {},
      granted({ expirationSeconds: 600 }),
    ],
    [
      'ISS-42: exactly the configured maximum is granted without a warning',
      { expirationSeconds: 86_400 },
      {},
      granted({ expirationSeconds: 86_400 }),
    ],
    [
      'ISS-42: one second above the maximum is shortened with a warning naming both values',
      { expirationSeconds: 86_401 },
      {},
      granted({ expirationSeconds: 86_400, warnings: [shortened(86_401)] }),
    ],
    [
      'ISS-41, ISS-42: exactly 2^32 seconds is accepted and shortened to the maximum',
      { expirationSeconds: 2 ** 32 },
      {},
      granted({ expirationSeconds: 86_400, warnings: [shortened(4_294_967_296)] }),
    ],
    [
      'ISS-42: a configured maximum of 7200 shortens a one-day request to 7200',
      { expirationSeconds: 86_400 },
      { maxTokenExpirationSeconds: 7200 },
      granted({ expirationSeconds: 7200, warnings: [shortened(86_400, 7200)] }),
    ],
    [
      'ISS-43: a pod-bound request for 3607 seconds gets 3607 seconds, not a year',
      { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'api-7d9f' } },
      {},
      granted({
        expirationSeconds: 3607,
        kubernetes: {
          namespace: 'payments',
          pod: { name: 'api-7d9f' },
          serviceaccount: sa.serviceaccount,
        },
      }),
    ],
    [
      'ISS-45: a Pod binding with a uid fills kubernetes.io.pod with name and uid',
      { boundObjectRef: { kind: 'Pod', name: 'api-7d9f', uid: POD_UID } },
      {},
      granted({
        kubernetes: {
          namespace: 'payments',
          pod: { name: 'api-7d9f', uid: POD_UID },
          serviceaccount: sa.serviceaccount,
        },
      }),
    ],
    [
      'ISS-45: a Secret binding without a uid fills kubernetes.io.secret with the name only',
      { boundObjectRef: { kind: 'Secret', name: 'api-token' } },
      {},
      granted({
        kubernetes: {
          namespace: 'payments',
          secret: { name: 'api-token' },
          serviceaccount: sa.serviceaccount,
        },
      }),
    ],
    [
      'ISS-45: a Node binding fills kubernetes.io.node, before serviceaccount',
      { boundObjectRef: { kind: 'Node', name: 'node-3', uid: 'a1c0' } },
      {},
      granted({
        kubernetes: {
          namespace: 'payments',
          node: { name: 'node-3', uid: 'a1c0' },
          serviceaccount: sa.serviceaccount,
        },
      }),
    ],
    [
      'ISS-45: an empty binding uid is omitted',
      { boundObjectRef: { kind: 'Pod', name: 'api-7d9f', uid: '' } },
      {},
      granted({
        kubernetes: {
          namespace: 'payments',
          pod: { name: 'api-7d9f' },
          serviceaccount: sa.serviceaccount,
        },
      }),
    ],
    [
      'ISS-32: a 63-character namespace is a DNS-1123 label',
      { namespace: 'n'.repeat(63) },
      {},
      granted({
        kubernetes: { ...sa, namespace: 'n'.repeat(63) },
        sub: `system:serviceaccount:${'n'.repeat(63)}:api`,
      }),
    ],
    [
      'ISS-32: a service account name with dots is a DNS-1123 subdomain',
      { serviceAccount: 'api.v2-blue' },
      {},
      granted({
        kubernetes: { namespace: 'payments', serviceaccount: { name: 'api.v2-blue', uid: SA_UID } },
        sub: 'system:serviceaccount:payments:api.v2-blue',
      }),
    ],
    [
      'ISS-32: a 253-character service account name is a DNS-1123 subdomain',
      { serviceAccount: 's'.repeat(253) },
      {},
      granted({
        kubernetes: {
          namespace: 'payments',
          serviceaccount: { name: 's'.repeat(253), uid: SA_UID },
        },
        sub: `system:serviceaccount:payments:${'s'.repeat(253)}`,
      }),
    ],
  ]

for (const [name, change, policyChange, want] of accepted) {
  test(name, () => {
    const result = plan(change, policyChange)
    const { claims } = result
    assert.deepEqual(result.audiences, want.audiences)
    assert.deepEqual(claims.aud, want.audiences)
    assert.ok(Array.isArray(claims.aud))
    assert.equal(result.expirationSeconds, want.expirationSeconds)
    assert.equal(claims.iat, NOW)
    assert.equal(claims.nbf, NOW)
    assert.equal(claims.exp, NOW + want.expirationSeconds)
    assert.deepEqual(result.warnings, want.warnings)
    assert.equal(claims.iss, ISSUER)
    assert.equal(claims.jti, JTI)
    assert.equal(claims.sub, want.sub ?? 'system:serviceaccount:payments:api')
    assert.deepEqual(claims['kubernetes.io'], want.kubernetes)
    // §3.3: members in alphabetical order; never `warnafter` (ISS-43).
    assert.deepEqual(Object.keys(claims['kubernetes.io']), Object.keys(want.kubernetes))
    assert.deepEqual(Object.keys(claims['kubernetes.io']), Object.keys(want.kubernetes).sort())
  })
}

test('§3.3: an unknown service account uid is omitted from kubernetes.io.serviceaccount', () => {
  const { claims } = planServiceAccountToken(request, policy, NOW, {
    jti: JTI,
    serviceAccountUid: undefined,
  })
  assert.deepEqual(claims['kubernetes.io'], {
    namespace: 'payments',
    serviceaccount: { name: 'api' },
  })
})

const LABEL =
  "a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
const SUBDOMAIN =
  "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"

const refused: readonly (readonly [string, Partial<MintRequest>, string, string])[] = [
  [
    'ISS-32: an upper-case namespace is refused',
    { namespace: 'Payments' },
    'metadata.namespace',
    LABEL,
  ],
  [
    'ISS-32: a 64-character namespace is refused',
    { namespace: 'n'.repeat(64) },
    'metadata.namespace',
    'must be no more than 63 characters (got 64)',
  ],
  [
    'ISS-32: a namespace with a leading dash is refused',
    { namespace: '-payments' },
    'metadata.namespace',
    LABEL,
  ],
  [
    'ISS-32: a namespace with a trailing dash is refused',
    { namespace: 'payments-' },
    'metadata.namespace',
    LABEL,
  ],
  [
    'ISS-32: a namespace with a dot is refused',
    { namespace: 'pay.ments' },
    'metadata.namespace',
    LABEL,
  ],
  [
    'ISS-32: an empty namespace is refused',
    { namespace: '' },
    'metadata.namespace',
    'must not be empty',
  ],
  [
    'ISS-32: an upper-case service account name is refused',
    { serviceAccount: 'API' },
    'metadata.name',
    SUBDOMAIN,
  ],
  [
    'ISS-32: a 254-character service account name is refused',
    { serviceAccount: 's'.repeat(254) },
    'metadata.name',
    'must be no more than 253 characters (got 254)',
  ],
  [
    'ISS-32: a service account name with an underscore is refused',
    { serviceAccount: 'api_v2' },
    'metadata.name',
    SUBDOMAIN,
  ],
  [
    'ISS-32: a service account name with an empty label is refused',
    { serviceAccount: 'api..v2' },
    'metadata.name',
    SUBDOMAIN,
  ],
  [
    'ISS-32: a service account name ending in a dot is refused',
    { serviceAccount: 'api.' },
    'metadata.name',
    SUBDOMAIN,
  ],
  [
    'ISS-41: 599 seconds is refused as shorter than ten minutes',
    { expirationSeconds: 599 },
    'spec.expirationSeconds',
    'may not specify a duration less than 10 minutes (got 599)',
  ],
  [
    'ISS-41: a negative expiration is refused as shorter than ten minutes',
    { expirationSeconds: -3600 },
    'spec.expirationSeconds',
    'may not specify a duration less than 10 minutes (got -3600)',
  ],
  [
    'ISS-41: 2^32 + 1 seconds is refused as longer than 2^32',
    { expirationSeconds: 2 ** 32 + 1 },
    'spec.expirationSeconds',
    'may not specify a duration larger than 2^32 seconds (got 4294967297)',
  ],
  [
    'ISS-41: a fractional expiration is refused',
    { expirationSeconds: 3600.5 },
    'spec.expirationSeconds',
    'must be an integer',
  ],
  [
    'ISS-41: a NaN expiration is refused',
    { expirationSeconds: Number.NaN },
    'spec.expirationSeconds',
    'must be an integer',
  ],
  [
    'ISS-40: an empty audience string is refused by its index',
    { audiences: ['api://one', ''] },
    'spec.audiences[1]',
    'must not be empty',
  ],
  [
    'ISS-45: a ConfigMap binding is refused',
    { boundObjectRef: { kind: 'ConfigMap', name: 'settings' } },
    'spec.boundObjectRef.kind',
    'must be Pod, Secret or Node (got "ConfigMap")',
  ],
  [
    'ISS-45: a lower-case pod binding is refused: kinds are case-sensitive',
    { boundObjectRef: { kind: 'pod', name: 'api-7d9f' } },
    'spec.boundObjectRef.kind',
    'must be Pod, Secret or Node (got "pod")',
  ],
  [
    'ISS-45: a binding without a name is refused',
    { boundObjectRef: { kind: 'Pod', name: '' } },
    'spec.boundObjectRef.name',
    'must not be empty',
  ],
]

for (const [name, change, field, message] of refused) {
  test(name, () => {
    assert.throws(
      () => plan(change),
      (error: unknown) => {
        assert.ok(error instanceof KubernetesError)
        assert.equal(error.status, 400)
        assert.equal(error.reason, 'BadRequest')
        assert.deepEqual(error.causes, [{ field, message }])
        assert.equal(error.message, `${field}: ${message}`)
        return true
      },
    )
  })
}
