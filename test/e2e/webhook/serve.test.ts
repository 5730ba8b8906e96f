import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { connect } from 'node:tls'
import fastJsonPatch from 'fast-json-patch'
import { Agent, request } from 'undici'
import { createLogger } from '../../../src/logger.js'
import {
  createServingCertificates,
  loadKubeAccess,
  ServiceAccountSource,
  startWebhookServer,
  type Pod,
  type ServiceAccount,
  type WebhookServer,
} from '../../../src/webhook/index.js'
import { startKubeApiStub, type KubeApiStub } from './kube_api_stub.js'

const fixtures = new URL('../../unit/webhook/fixtures/', import.meta.url)
const fixture = async <T>(name: string, file: string): Promise<T> =>
  JSON.parse(await readFile(new URL(`${name}/${file}`, fixtures), 'utf8')) as T
const config = {
  tenantId: 'tenant-webhook',
  authorityHost: 'https://login.example.com/',
  audience: 'api://AzureADTokenExchange',
  tokenLayout: 'v1.6' as const,
}

let kube: KubeApiStub
let webhook: WebhookServer
let accounts: ServiceAccountSource
let agent: Agent
let dir: string
let caPem: string
const logLines: string[] = []
const certFile = () => join(dir, 'tls.crt')
const keyFile = () => join(dir, 'tls.key')

before(async () => {
  kube = await startKubeApiStub()
  kube.accounts.set(
    'payments/api',
    await fixture<ServiceAccount>('05-basic-v1-6', 'serviceaccount.json'),
  )
  dir = await mkdtemp(join(tmpdir(), 'wifkit-webhook-'))
  const pki = await createServingCertificates(['127.0.0.1'])
  caPem = pki.caPem
  await writeFile(certFile(), pki.certPem)
  await writeFile(keyFile(), pki.keyPem)
  accounts = new ServiceAccountSource(await loadKubeAccess(kube.kubeconfig, {}))
  webhook = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: certFile(), keyFile: keyFile(), minVersion: 'TLSv1.3' },
    reloadIntervalMs: 100,
    config,
    lookup: (namespace, name) => accounts.get(namespace, name),
    logger: createLogger('info', { write: (line: string) => void logLines.push(line) }),
  })
  agent = new Agent({ connect: { ca: caPem } })
})

after(async () => {
  await agent.close()
  await webhook.close()
  await accounts.close()
  await kube.close()
  await rm(dir, { recursive: true, force: true })
})

async function post(body: string, path = '/mutate-v1-pod') {
  const response = await request(`https://127.0.0.1:${webhook.port}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    dispatcher: agent,
  })
  assert.equal(response.statusCode, 200)
  return (await response.body.json()) as {
    apiVersion: string
    kind: string
    response: Record<string, unknown> & { uid: string; allowed: boolean }
  }
}

/** An AdmissionReview as the API server sends it for a pod. */
function reviewOf(pod: Pod, extra: Record<string, unknown> = {}, apiVersion = 'v1') {
  return JSON.stringify({
    apiVersion: `admission.k8s.io/${apiVersion}`,
    kind: 'AdmissionReview',
    request: {
      uid: 'c5b9e2a4-7f0d-4c1e-9d1a-2b3c4d5e6f70',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'payments',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
      ...extra,
    },
  })
}

function patched(pod: Pod, response: Record<string, unknown>): Pod {
  assert.equal(response.patchType, 'JSONPatch')
  const ops = JSON.parse(Buffer.from(String(response.patch), 'base64').toString('utf8'))
  return fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument
}

test('WL-40, WL-6: a labelled pod is patched into the expected pod, with the same uid', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  const review = await post(reviewOf(pod))
  assert.equal(review.apiVersion, 'admission.k8s.io/v1')
  assert.equal(review.kind, 'AdmissionReview')
  assert.equal(review.response.uid, 'c5b9e2a4-7f0d-4c1e-9d1a-2b3c4d5e6f70')
  assert.equal(review.response.allowed, true)
  assert.deepEqual(patched(pod, review.response), await fixture('05-basic-v1-6', 'expected.json'))
})

test('IF-60: /mutate answers like /mutate-v1-pod', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  assert.deepEqual(await post(reviewOf(pod), '/mutate'), await post(reviewOf(pod)))
})

test('WL-5: a v1beta1 review is answered in v1beta1', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  const review = await post(reviewOf(pod, {}, 'v1beta1'))
  assert.equal(review.apiVersion, 'admission.k8s.io/v1beta1')
  assert.deepEqual(patched(pod, review.response), await fixture('05-basic-v1-6', 'expected.json'))
})

test('WL-20: the namespace comes from the request when the pod has none', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  const expected = await fixture<Pod>('05-basic-v1-6', 'expected.json')
  delete pod.metadata?.namespace
  delete expected.metadata?.namespace
  assert.deepEqual(patched(pod, (await post(reviewOf(pod))).response), expected)
})

const noPatch = [
  ['WL-23: a pod without the label', '01-no-label', {}],
  ['WL-39: an UPDATE', '05-basic-v1-6', { operation: 'UPDATE' }],
  ['WL-38: an already mutated pod', '24-already-mutated-unchanged', {}],
] as const
for (const [name, dir, extra] of noPatch) {
  test(`${name} is allowed with no patch`, async () => {
    const review = await post(reviewOf(await fixture<Pod>(dir, 'pod.json'), extra))
    assert.deepEqual(review.response, {
      uid: 'c5b9e2a4-7f0d-4c1e-9d1a-2b3c4d5e6f70',
      allowed: true,
    })
  })
}

test('WL-45, WL-22: a missing client-id is allowed with a warning', async () => {
  kube.accounts.set('payments/bare', { metadata: { name: 'bare', namespace: 'payments' } })
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  const review = await post(reviewOf({ ...pod, spec: { ...pod.spec, serviceAccountName: 'bare' } }))
  assert.equal(review.response.allowed, true)
  assert.deepEqual(review.response.warnings, [
    'service account payments/bare has no azure.workload.identity/client-id annotation',
  ])
})

const denied = [
  ['WL-41: a body that is not JSON', '{"apiVersion":', '', /not a JSON AdmissionReview/],
  [
    'WL-41: a review without a request',
    JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
    '',
    /with a request/,
  ],
] as const
for (const [name, body, uid, message] of denied) {
  test(`${name} is refused with 400`, async () => {
    const review = await post(body)
    assert.equal(review.apiVersion, 'admission.k8s.io/v1')
    assert.equal(review.response.uid, uid)
    assert.equal(review.response.allowed, false)
    const status = review.response.status as { code: number; message: string }
    assert.equal(status.code, 400)
    assert.match(status.message, message)
    assert.equal(review.response.patch, undefined)
  })
}

test('WL-42: an unreadable service account is refused naming namespace/sa', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  const ghost = { ...pod, spec: { ...pod.spec, serviceAccountName: 'ghost' } }
  const review = await post(reviewOf(ghost))
  assert.equal(review.response.allowed, false)
  assert.deepEqual(review.response.status, {
    code: 400,
    message: 'service account payments/ghost could not be read: not found',
  })
})

test('WL-21: a service account created after a miss is found at once', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  const late = { ...pod, spec: { ...pod.spec, serviceAccountName: 'late' } }
  assert.equal((await post(reviewOf(late))).response.allowed, false)
  kube.accounts.set('payments/late', { metadata: { name: 'late', namespace: 'payments' } })
  assert.equal((await post(reviewOf(late))).response.allowed, true)
  const reads = kube.requests.filter((p) => p.endsWith('/serviceaccounts/late')).length
  await post(reviewOf(late))
  assert.equal(kube.requests.filter((p) => p.endsWith('/serviceaccounts/late')).length, reads)
})

test('WL-43: a bad expiration annotation is refused with the value and the range', async () => {
  const pod = await fixture<Pod>('05-basic-v1-6', 'pod.json')
  pod.metadata = {
    ...pod.metadata,
    annotations: { 'azure.workload.identity/service-account-token-expiration': '60' },
  }
  const review = await post(reviewOf(pod))
  const status = review.response.status as { code: number; message: string }
  assert.equal(review.response.allowed, false)
  assert.equal(status.code, 400)
  assert.match(status.message, /"60".*3600 to 86400/)
})

test('WL-11, IF-60: health, readiness and admission metrics on the same listener', async () => {
  const get = async (path: string) => {
    const response = await request(`https://127.0.0.1:${webhook.port}${path}`, {
      dispatcher: agent,
    })
    return { status: response.statusCode, text: await response.body.text() }
  }
  assert.equal((await get('/healthz')).status, 200)
  assert.equal((await get('/readyz')).status, 200)
  const metrics = await get('/metrics')
  assert.match(metrics.text, /wifkit_webhook_admissions_total\{result="injected"\} [1-9]/)
  assert.match(metrics.text, /wifkit_webhook_admissions_total\{result="skipped"\} [1-9]/)
  assert.match(metrics.text, /wifkit_webhook_admissions_total\{result="denied"\} [1-9]/)
})

test('STYLE §2.18: admissions are logged with the pod and no token', () => {
  const log = logLines.join('')
  assert.match(log, /"pod":"payments\/web-1".*"result":"injected"/)
  assert.ok(!log.includes(kube.token), 'the API token reached the log')
})

function handshake(options: { maxVersion?: 'TLSv1.2' } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: webhook.port, rejectUnauthorized: false, ...options },
      () => {
        resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '')
        socket.end()
      },
    )
    socket.on('error', reject)
  })
}

test('WL-9: TLS 1.2 is refused by default', async () => {
  await assert.rejects(handshake({ maxVersion: 'TLSv1.2' }))
})

test('WL-9: a new serving certificate is used without a restart', async () => {
  const next = await createServingCertificates(['127.0.0.1'])
  const want = new X509Certificate(next.certPem).fingerprint256
  await writeFile(keyFile(), next.keyPem)
  await writeFile(certFile(), next.certPem)
  const deadline = Date.now() + 20_000
  // The key and the certificate land one after the other, and a handshake may fail in between.
  while ((await handshake().catch(() => undefined)) !== want) {
    assert.ok(Date.now() < deadline, 'the new certificate was never served')
    await delay(100)
  }
})
