// Issue #9 item 4, admission webhook: hostile AdmissionReviews against one real webhook server and
// a Kubernetes API stand-in. Each must get its workload.md §4 answer, ask the API only for the
// pod's own service account, inject nothing it should not, and the webhook must still mutate after.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import pino from 'pino'
import { Agent, request } from 'undici'
import {
  createServingCertificates,
  loadKubeAccess,
  ServiceAccountSource,
  startWebhookServer,
  type WebhookServer,
} from '../../../src/webhook/index.js'
import { startKubeApiStub, type KubeApiStub } from '../webhook/kube_api_stub.js'
import { deepJson } from './wire_checks.js'

const LABEL = 'azure.workload.identity/use'
const CLIENT_ID = '11111111-2222-3333-4444-555555555555'
/** A service account the pod must never reach: its client id in a patch means a traversal won. */
const ADMIN_CLIENT_ID = '99999999-9999-4999-8999-999999999999'
const UID = '7d1e2f3a-0b4c-4d5e-8f60-718293a4b5c6'

let kube: KubeApiStub
let webhook: WebhookServer
let accounts: ServiceAccountSource
let agent: Agent
let dir: string

before(async () => {
  kube = await startKubeApiStub()
  const annotated = (namespace: string, name: string, clientId: string) => ({
    metadata: { name, namespace, annotations: { 'azure.workload.identity/client-id': clientId } },
  })
  kube.accounts.set('payments/api', annotated('payments', 'api', CLIENT_ID))
  kube.accounts.set('kube-system/admin', annotated('kube-system', 'admin', ADMIN_CLIENT_ID))
  dir = await mkdtemp(join(tmpdir(), 'wifkit-corpus-webhook-'))
  const pki = await createServingCertificates(['127.0.0.1'])
  await writeFile(join(dir, 'tls.crt'), pki.certPem)
  await writeFile(join(dir, 'tls.key'), pki.keyPem)
  accounts = new ServiceAccountSource(await loadKubeAccess(kube.kubeconfig, {}))
  webhook = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), minVersion: 'TLSv1.3' },
    reloadIntervalMs: 60_000,
    config: {
      tenantId: 'tenant-corpus',
      authorityHost: 'https://login.example.com/',
      audience: 'api://AzureADTokenExchange',
      tokenLayout: 'v1.6',
    },
    lookup: (namespace, name) => accounts.get(namespace, name),
    logger: pino({ level: 'silent' }),
  })
  agent = new Agent({ connect: { ca: pki.caPem } })
})

after(async () => {
  await agent.close()
  await webhook.close()
  await accounts.close()
  await kube.close()
  await rm(dir, { recursive: true, force: true })
})

interface Review {
  status: number
  text: string
  response?: {
    uid: string
    allowed: boolean
    patch?: string
    status?: { code: number; message: string }
  }
}

async function post(body: string): Promise<Review> {
  const answer = await request(`https://127.0.0.1:${webhook.port}/mutate-v1-pod`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    dispatcher: agent,
  })
  const text = await answer.body.text()
  let parsed: { response?: Review['response'] } = {}
  try {
    parsed = JSON.parse(text) as typeof parsed
  } catch {
    // not JSON: the status assertions fail and show the text
  }
  return {
    status: answer.statusCode,
    text,
    ...(parsed.response ? { response: parsed.response } : {}),
  }
}

/** A labelled pod for `payments/api`, changed by `change`, wrapped in an AdmissionReview. */
function review(
  change: {
    labels?: unknown
    annotations?: unknown
    serviceAccountName?: string
    namespace?: string
    spec?: unknown
  } = {},
): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-1',
      labels: change.labels ?? { [LABEL]: 'true' },
      ...(change.annotations ? { annotations: change.annotations } : {}),
    },
    spec: change.spec ?? {
      serviceAccountName: change.serviceAccountName ?? 'api',
      containers: [{ name: 'app', image: 'app:1' }],
    },
  }
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: UID,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: change.namespace ?? 'payments',
      operation: 'CREATE',
      object: pod,
    },
  })
}

const expiring = (value: string) =>
  review({ annotations: { 'azure.workload.identity/service-account-token-expiration': value } })
const patchText = (r: Review) => Buffer.from(r.response?.patch ?? '', 'base64').toString()

/** `allowed` with no patch, or refused with this status code (WL-23, WL-41…WL-43). */
type Want = { allowed: true } | { allowed: false; code: number; message?: RegExp }
const untouched: Want = { allowed: true }
const refused = (message?: RegExp): Want => ({
  allowed: false,
  code: 400,
  ...(message ? { message } : {}),
})

const cases: [string, () => string, Want][] = [
  ['a body that is not JSON (WL-41)', () => '{"apiVersion":', refused()],
  [
    'a label hidden behind __proto__ (WL-1, WL-23)',
    () =>
      review().replace(
        `"labels":{"${LABEL}":"true"}`,
        `"labels":{"__proto__":{"${LABEL}":"true"}}`,
      ),
    untouched,
  ],
  [
    'a label value "True" (WL-1: exactly true)',
    () => review({ labels: { [LABEL]: 'True' } }),
    untouched,
  ],
  [
    'a label value in fullwidth ｔｒｕｅ (WL-1)',
    () => review({ labels: { [LABEL]: '\uff54\uff52\uff55\uff45' } }),
    untouched,
  ],
  [
    'a label value "true " with a trailing space (WL-1)',
    () => review({ labels: { [LABEL]: 'true ' } }),
    untouched,
  ],
  [
    'a label key with a Cyrillic е look-alike (WL-1)',
    () => review({ labels: { 'azur\u0435.workload.identity/use': 'true' } }),
    untouched,
  ],
  [
    'a label value of the wrong type, boolean true (WL-1)',
    () => review({ labels: { [LABEL]: true } }),
    untouched,
  ],
  [
    'a service account name that traverses to kube-system/admin (WL-42)',
    () => review({ serviceAccountName: '../../kube-system/serviceaccounts/admin' }),
    refused(/payments\//),
  ],
  [
    'a service account name with a percent-encoded traversal (WL-42)',
    () => review({ serviceAccountName: '..%2F..%2Fkube-system%2Fserviceaccounts%2Fadmin' }),
    refused(/payments\//),
  ],
  [
    'a service account name with a query string (WL-42)',
    () => review({ serviceAccountName: 'admin?namespace=kube-system' }),
    refused(/payments\//),
  ],
  [
    'a request namespace that traverses to kube-system (WL-42)',
    () => review({ namespace: 'payments/../kube-system', serviceAccountName: 'admin' }),
    refused(),
  ],
  ['an expiration of 1e309 (WL-43)', () => expiring('1e309'), refused(/3600 to 86400/)],
  ['an expiration in hex 0x1000 (WL-43)', () => expiring('0x1000'), refused(/3600 to 86400/)],
  ['an expiration of 3600.5 (WL-43)', () => expiring('3600.5'), refused(/3600 to 86400/)],
  [
    'an expiration with a letter O for zero, 36OO (WL-43)',
    () => expiring('36OO'),
    refused(/3600 to 86400/),
  ],
  [
    'an expiration with fullwidth digits (WL-43)',
    () => expiring('\uff13\uff16\uff10\uff10'),
    refused(/3600 to 86400/),
  ],
  [
    'containers that are a string, not a list (WL-41)',
    () => review({ spec: { serviceAccountName: 'api', containers: 'app' } }),
    refused(),
  ],
  [
    'a pod nested 10,000 arrays deep (WL-41; limits: tighten after issue #9 limits land)',
    () => review().replace('"object":{', `"object":${deepJson(10_000)},"x":{`),
    refused(),
  ],
]

for (const [name, body, want] of cases) {
  test(`#9 item 4: the webhook answers ${name}`, async () => {
    const seen = kube.requests.length
    const stored = JSON.stringify([...kube.accounts])
    const answer = await post(body())
    assert.equal(answer.status, 200, answer.text)
    assert.equal(answer.response?.allowed, want.allowed, answer.text)
    assert.equal(answer.response?.patch, undefined, `no patch: ${patchText(answer)}`)
    if (!want.allowed) {
      assert.equal(answer.response?.status?.code, want.code, answer.text)
      if (want.message) assert.match(answer.response?.status?.message ?? '', want.message)
    }
    assert.ok(!answer.text.includes(ADMIN_CLIENT_ID), 'the admin client id never leaks')
    // Every read names one namespace and one account as single path segments, never kube-system.
    for (const path of kube.requests.slice(seen)) {
      assert.match(path, /^\/api\/v1\/namespaces\/[^/?#]+\/serviceaccounts\/[^/?#]+$/)
      assert.ok(!path.startsWith('/api/v1/namespaces/kube-system/'), path)
    }
    assert.equal(JSON.stringify([...kube.accounts]), stored)
  })
}

test('#9 item 4: a body over the 3 MiB review limit gets 413 and the webhook keeps serving', async () => {
  const answer = await post(review().replace('"web-1"', `"${'x'.repeat(3 * 1024 * 1024 + 1)}"`))
  assert.equal(answer.status, 413, answer.text)
})

test('#9 item 4: after the corpus the webhook still mutates a labelled pod (WL-40)', async () => {
  const answer = await post(review())
  assert.equal(answer.response?.allowed, true, answer.text)
  assert.match(patchText(answer), new RegExp(CLIENT_ID))
})
