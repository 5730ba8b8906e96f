import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1'
import { Deployment } from 'kubernetes-models/apps/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1'
import { Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1'
import { parseAllDocuments } from 'yaml'
import {
  createServingCertificates,
  DEFAULT_WEBHOOK_IMAGE,
  renderManifests,
  resolveWebhookConfig,
  serviceDnsNames,
  webhookManifests,
  type KubeObject,
  type ManifestOptions,
} from '../../../src/webhook/index.js'

const models: Record<string, new (o: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': MutatingWebhookConfiguration,
}

/** The options `deploy/webhook/wifkit-webhook.yaml` was generated with (see docs/webhook.md). */
const example: ManifestOptions = {
  namespace: 'wifkit-system',
  image: DEFAULT_WEBHOOK_IMAGE,
  replicas: 2,
  config: resolveWebhookConfig(
    {
      tenantId: '00000000-0000-0000-0000-000000000000',
      authorityHost: 'https://login.example.com/',
    },
    {},
  ),
  failurePolicy: 'Fail',
  tls: { mode: 'cert-manager' },
}

/** Renders, parses back and validates every object; cert-manager CRDs only by shape. */
function roundTrip(options: ManifestOptions): KubeObject[] {
  const docs = parseAllDocuments(renderManifests(webhookManifests(options)))
  assert.ok(Array.isArray(docs))
  return docs.map((doc) => {
    assert.deepEqual(doc.errors, [])
    const object = doc.toJS() as KubeObject
    const model = models[`${object.apiVersion}/${object.kind}`]
    if (model) new model(object as never).validate()
    else {
      assert.equal(object.apiVersion, 'cert-manager.io/v1', `no model for ${object.kind}`)
      assert.equal(typeof (object.metadata as { name?: unknown }).name, 'string')
      assert.equal(typeof object.spec, 'object')
    }
    return object
  })
}

/** The one object of `kind`, typed as its model (already validated by roundTrip). */
function find<T>(objects: KubeObject[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind)
  assert.equal(found.length, 1, `one ${kind}`)
  return found[0] as T
}
type CertManagerObject = { metadata: { name: string }; spec: Record<string, unknown> }

test('WL-1…WL-8: the MutatingWebhookConfiguration has the registration fields', () => {
  const objects = roundTrip(example)
  const hook = find<MutatingWebhookConfiguration>(objects, 'MutatingWebhookConfiguration')
    .webhooks?.[0]
  assert.deepEqual(hook?.objectSelector, { matchLabels: { 'azure.workload.identity/use': 'true' } })
  assert.deepEqual(hook?.rules, [
    { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
  ])
  assert.equal(hook?.failurePolicy, 'Fail')
  assert.equal(hook?.sideEffects, 'None')
  assert.equal(hook?.matchPolicy, 'Equivalent')
  assert.equal(hook?.reinvocationPolicy, 'IfNeeded')
  assert.deepEqual(hook?.admissionReviewVersions, ['v1', 'v1beta1'])
  assert.deepEqual(hook?.clientConfig.service, {
    name: 'wifkit-webhook',
    namespace: 'wifkit-system',
    path: '/mutate-v1-pod',
    port: 443,
  })
  assert.deepEqual(hook?.namespaceSelector, {
    matchExpressions: [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['wifkit-system'] },
    ],
  })
  assert.equal(hook?.timeoutSeconds, 10)
})

test('WL-6: the Service maps 443 to the container port 9443', () => {
  const objects = roundTrip(example)
  const port = find<Service>(objects, 'Service').spec?.ports?.[0]
  const container = find<Deployment>(objects, 'Deployment').spec?.template.spec?.containers[0]
  assert.equal(port?.port, 443)
  assert.deepEqual(container?.ports, [
    { name: port?.targetPort, containerPort: 9443, protocol: 'TCP' },
  ])
})

test('WL-10: RBAC grants get, list and watch on serviceaccounts and nothing else', () => {
  const objects = roundTrip(example)
  assert.deepEqual(find<ClusterRole>(objects, 'ClusterRole').rules, [
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list', 'watch'] },
  ])
  assert.deepEqual(find<ClusterRoleBinding>(objects, 'ClusterRoleBinding').subjects, [
    { kind: 'ServiceAccount', name: 'wifkit-webhook', namespace: 'wifkit-system' },
  ])
})

test('IF-54: the Deployment runs 2 hardened replicas with probes and resources', () => {
  const spec = find<Deployment>(roundTrip(example), 'Deployment').spec
  const pod = spec?.template.spec
  const container = pod?.containers[0]
  assert.equal(spec?.replicas, 2)
  assert.equal(pod?.securityContext?.runAsNonRoot, true)
  assert.equal(container?.securityContext?.readOnlyRootFilesystem, true)
  assert.equal(container?.securityContext?.allowPrivilegeEscalation, false)
  assert.deepEqual(container?.securityContext?.capabilities, { drop: ['ALL'] })
  assert.equal(container?.livenessProbe?.httpGet?.path, '/healthz')
  assert.equal(container?.readinessProbe?.httpGet?.path, '/readyz')
  assert.ok(container?.resources?.requests && container.resources.limits)
  assert.deepEqual(container?.env, [
    { name: 'AZURE_TENANT_ID', value: '00000000-0000-0000-0000-000000000000' },
    { name: 'AZURE_AUTHORITY_HOST', value: 'https://login.example.com/' },
  ])
})

test('WL-9: with cert-manager, an Issuer and Certificate and the inject-ca-from annotation', () => {
  const objects = roundTrip(example)
  const certificate = find<CertManagerObject>(objects, 'Certificate')
  assert.deepEqual(certificate.spec.dnsNames, serviceDnsNames('wifkit-system'))
  assert.equal(certificate.spec.secretName, 'wifkit-webhook-tls')
  assert.deepEqual(find<CertManagerObject>(objects, 'Issuer').spec, { selfSigned: {} })
  const config = find<MutatingWebhookConfiguration>(objects, 'MutatingWebhookConfiguration')
  assert.deepEqual(config.metadata?.annotations, {
    'cert-manager.io/inject-ca-from': 'wifkit-system/wifkit-webhook',
  })
  assert.equal(objects.filter((o) => o.kind === 'Secret').length, 0)
})

test('WL-9: with a generated CA, caBundle is that CA and the Secret holds a cert it signed', async () => {
  const pki = await createServingCertificates(serviceDnsNames('identity'))
  const options: ManifestOptions = {
    ...example,
    namespace: 'identity',
    failurePolicy: 'Ignore',
    tls: { mode: 'generated', ...pki },
  }
  const objects = roundTrip(options)
  const hook = find<MutatingWebhookConfiguration>(objects, 'MutatingWebhookConfiguration')
    .webhooks?.[0]
  assert.equal(Buffer.from(hook?.clientConfig.caBundle ?? '', 'base64').toString(), pki.caPem)
  assert.equal(hook?.failurePolicy, 'Ignore')
  const data = find<Secret>(objects, 'Secret').data ?? {}
  const cert = new X509Certificate(Buffer.from(data['tls.crt'] ?? '', 'base64'))
  assert.ok(cert.verify(new X509Certificate(pki.caPem).publicKey))
  assert.match(cert.subjectAltName ?? '', /DNS:wifkit-webhook\.identity\.svc/)
  assert.equal(
    objects.some((o) => o.apiVersion === 'cert-manager.io/v1'),
    false,
  )
})

test('deploy/webhook/wifkit-webhook.yaml is what `wifkit webhook manifests` prints', async () => {
  const file = new URL('../../../deploy/webhook/wifkit-webhook.yaml', import.meta.url)
  assert.equal(await readFile(file, 'utf8'), renderManifests(webhookManifests(example)))
})
