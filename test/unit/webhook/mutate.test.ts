import assert from 'node:assert/strict'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { test } from 'node:test'
import fastJsonPatch from 'fast-json-patch'
import {
  diffToJsonPatch,
  mutatePod,
  WebhookError,
  type MutationConfig,
  type Pod,
  type ServiceAccount,
} from '../../../src/webhook/index.js'

const { applyPatch } = fastJsonPatch
const fixtures = new URL('./fixtures/', import.meta.url)
const baseConfig: MutationConfig = {
  tenantId: 'tenant-webhook',
  authorityHost: 'https://login.example.com/',
  audience: 'api://AzureADTokenExchange',
  tokenLayout: 'v1.6',
}

/** The workload.md rules each golden case pins, by fixture name without its number. */
const rulesOf: Record<string, string> = {
  'no-label': 'WL-1, WL-23',
  'label-false': 'WL-1, WL-23',
  'label-not-exactly-true': 'WL-1 §2',
  'label-on-service-account-only': 'WL-1',
  'basic-v1-6': '§3.1, WL-33, WL-34, WL-35',
  'sa-tenant-id-overrides-webhook': '§2 tenant-id',
  'sa-tenant-id-empty-injects-none': '§2 tenant-id, WL-31',
  'no-client-id-annotation': 'WL-22',
  'client-id-empty': 'WL-31',
  'expiration-from-sa': '§2 expiration',
  'expiration-pod-wins-over-sa': '§2 precedence',
  'expiration-lower-bound-inclusive': '§2 bounds',
  'expiration-upper-bound-inclusive': '§2 bounds',
  'skip-containers-trimmed': '§2 skip-containers, WL-39',
  'existing-env-value-kept': 'WL-30',
  'existing-env-value-from-kept': 'WL-30',
  'existing-env-same-value': 'WL-30',
  'env-from-not-inspected': 'WL-30',
  'init-containers-mutated': '§3.1',
  'multiple-containers': '§3.1, WL-35',
  'ephemeral-containers-untouched': '§3.1, WL-39',
  'reserved-volume-replaced-when-different': 'WL-36 v1.6, WL-34',
  'reserved-mount-replaced-when-different': 'WL-36 v1.6',
  'already-mutated-unchanged': 'WL-38',
  'generate-name-volume-hash': '§3.2 podName',
  'layout-v1-5': '§3.2 v1.5',
  'layout-v1-5-token-path-taken-skips-volume': 'WL-36 v1.5',
  'layout-v1-5-existing-mount-kept': 'WL-36 v1.5',
  'token-credentials-opt-in': 'WL-32',
  'proxy-and-use-suffix-annotations-ignored': '§2, WL-45',
  'unrelated-fields-untouched': 'WL-39',
}

function readJson<T>(dir: URL, name: string): T {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T
}

const names = readdirSync(fixtures).sort()

test('at least 25 golden fixtures, each mapped to its rules', () => {
  assert.ok(names.length >= 25, `only ${names.length} fixtures`)
  for (const name of names) assert.ok(rulesOf[name.slice(3)], `no rules listed for ${name}`)
})

for (const name of names) {
  const dir = new URL(`${name}/`, fixtures)
  test(`${rulesOf[name.slice(3)]}: ${name.slice(3).replaceAll('-', ' ')}`, () => {
    const pod = readJson<Pod>(dir, 'pod.json')
    const sa = readJson<ServiceAccount>(dir, 'serviceaccount.json')
    const expected = readJson<Pod>(dir, 'expected.json')
    const override = existsSync(new URL('config.json', dir))
      ? readJson<Partial<MutationConfig>>(dir, 'config.json')
      : {}
    const config = { ...baseConfig, ...override }
    const original = structuredClone(pod)

    const { pod: mutated, decisions } = mutatePod(pod, sa, config)
    assert.deepEqual(pod, original, 'mutatePod must not modify its input')
    assert.ok(decisions.length > 0, 'every outcome is explained')
    const patch = diffToJsonPatch(pod, mutated)
    const patched = applyPatch(structuredClone(pod), structuredClone(patch), true, false)
    assert.deepEqual(patched.newDocument, expected)

    // WL-38: reinvocation on the mutated pod changes nothing.
    const again = mutatePod(expected, sa, config)
    assert.deepEqual(diffToJsonPatch(expected, again.pod), [])
  })
}

const labelled = readJson<Pod>(new URL('05-basic-v1-6/', fixtures), 'pod.json')
const sa = readJson<ServiceAccount>(new URL('05-basic-v1-6/', fixtures), 'serviceaccount.json')
const expirationAnnotation = 'azure.workload.identity/service-account-token-expiration'
const withPodExpiration = (value: string): Pod => ({
  ...labelled,
  metadata: { ...labelled.metadata, annotations: { [expirationAnnotation]: value } },
})
const withSaExpiration = (value: string): ServiceAccount => ({
  ...sa,
  metadata: { ...sa.metadata, annotations: { [expirationAnnotation]: value } },
})

const rejected = [
  ['WL-43: a pod expiration below 3600 is rejected', withPodExpiration('3599'), sa, '"3599"'],
  ['WL-43: a pod expiration above 86400 is rejected', withPodExpiration('86401'), sa, '"86401"'],
  ['WL-43: a non-integer expiration is rejected', withPodExpiration('3600.5'), sa, '"3600.5"'],
  ['WL-43: a word as expiration is rejected', withPodExpiration('1h'), sa, '"1h"'],
  ['WL-43: an empty expiration is rejected', withPodExpiration(''), sa, '""'],
  ['WL-43: a bad SA expiration is rejected', labelled, withSaExpiration('60'), '"60"'],
] as const

for (const [name, pod, account, shown] of rejected) {
  test(name, () => {
    assert.throws(
      () => mutatePod(pod, account, baseConfig),
      (err: unknown) => {
        assert.ok(err instanceof WebhookError)
        assert.equal(err.code, 'invalid_token_expiration')
        assert.equal(err.status, 400)
        assert.match(err.message, new RegExp(`${shown}.*3600 to 86400`))
        return true
      },
    )
  })
}

test('§2 precedence: a valid pod expiration hides an invalid SA one', () => {
  const { pod } = mutatePod(withPodExpiration('7200'), withSaExpiration('60'), baseConfig)
  const volume = pod.spec?.volumes?.at(-1)
  assert.equal(volume?.projected?.sources?.[0]?.serviceAccountToken?.expirationSeconds, 7200)
})

test('WL-22, WL-45: a missing client-id is a warning naming the SA, not an error', () => {
  const { warnings } = mutatePod(
    labelled,
    { metadata: { name: 'api', namespace: 'pay' } },
    baseConfig,
  )
  assert.deepEqual(warnings, [
    'service account pay/api has no azure.workload.identity/client-id annotation',
  ])
})

test('WL-45: a kept env var with another value is a warning', () => {
  const pod = structuredClone(labelled)
  const app = pod.spec?.containers?.[0]
  assert.ok(app)
  app.env = [{ name: 'AZURE_TENANT_ID', value: 'mine' }]
  const { warnings } = mutatePod(pod, sa, baseConfig)
  assert.deepEqual(warnings, ['container app keeps its own AZURE_TENANT_ID'])
})

test('§3.2: the v1.6 volume name is 63 characters', () => {
  const { pod } = mutatePod(labelled, sa, baseConfig)
  assert.equal(pod.spec?.volumes?.at(-1)?.name.length, 63)
})

test('WL-1, WL-23: a pod without the label is explained and left alone', () => {
  const pod = { ...labelled, metadata: { name: 'web-1' } }
  const result = mutatePod(pod, sa, baseConfig)
  assert.deepEqual(result.decisions, ['skipped: pod has no azure.workload.identity/use label'])
  assert.deepEqual(diffToJsonPatch(pod, result.pod), [])
})
