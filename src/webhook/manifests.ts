import { stringify } from 'yaml'
import { USE_LABEL, USE_LABEL_VALUE } from './constants.js'
import { deploymentManifests } from './manifest_deployment.js'
import type { MutationConfig } from './types.js'

/** The name of every object the webhook installs (Deployment, Service, RBAC, TLS Secret). */
export const WEBHOOK_NAME = 'wifkit-webhook'
/** Where the webhook runs unless `--namespace` says otherwise. */
export const DEFAULT_WEBHOOK_NAMESPACE = 'wifkit-system'
/** The image the Deployment runs unless `--image` says otherwise; its entrypoint is `wifkit`. */
export const DEFAULT_WEBHOOK_IMAGE = 'ghcr.io/wifkit/wifkit:0.1.0'
const TLS_SECRET = `${WEBHOOK_NAME}-tls`

/** How the API server learns to trust the webhook: cert-manager, or a CA generated beforehand. */
export type ManifestTls =
  { mode: 'cert-manager' } | { mode: 'generated'; caPem: string; certPem: string; keyPem: string }

/** Inputs of `wifkit webhook manifests` (IF-54). */
export interface ManifestOptions {
  namespace: string
  image: string
  replicas: number
  config: MutationConfig
  failurePolicy: 'Fail' | 'Ignore'
  tls: ManifestTls
}

/** A Kubernetes object as plain JSON. */
export type KubeObject = { apiVersion: string; kind: string } & Record<string, unknown>

/** The DNS names the API server uses to reach the webhook Service; the certificate's SANs. */
export function serviceDnsNames(namespace: string): string[] {
  return [`${WEBHOOK_NAME}.${namespace}.svc`, `${WEBHOOK_NAME}.${namespace}.svc.cluster.local`]
}

/**
 * Every object needed to run the webhook, in apply order: namespace, identity and RBAC (WL-10),
 * TLS, workload, then the MutatingWebhookConfiguration last (WL-1…WL-8), so the API server
 * starts calling the webhook only once the rest has been created.
 */
export function webhookManifests(options: ManifestOptions): KubeObject[] {
  const { namespace } = options
  const metadata = { name: WEBHOOK_NAME, namespace, labels: labels() }
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: WEBHOOK_NAME, labels: labels() },
      // WL-10: read service accounts cluster-wide, nothing else.
      rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: WEBHOOK_NAME, labels: labels() },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: WEBHOOK_NAME },
      subjects: [{ kind: 'ServiceAccount', name: WEBHOOK_NAME, namespace }],
    },
    ...tlsObjects(options.tls, namespace, metadata),
    ...deploymentManifests({ ...options, name: WEBHOOK_NAME, tlsSecret: TLS_SECRET, labels }),
    mutatingWebhook(options),
  ]
}

/** YAML documents separated by `---`, as `kubectl apply -f` reads them. */
export function renderManifests(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, singleQuote: true })).join('---\n')
}

function labels(): Record<string, string> {
  return { 'app.kubernetes.io/name': WEBHOOK_NAME, 'app.kubernetes.io/part-of': 'wifkit' }
}

function tlsObjects(tls: ManifestTls, namespace: string, metadata: object): KubeObject[] {
  if (tls.mode === 'generated') {
    const base64 = (pem: string) => Buffer.from(pem).toString('base64')
    return [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { ...metadata, name: TLS_SECRET },
        type: 'kubernetes.io/tls',
        data: {
          'tls.crt': base64(tls.certPem),
          'tls.key': base64(tls.keyPem),
          'ca.crt': base64(tls.caPem),
        },
      },
    ]
  }
  // A self-signed Issuer is enough: cert-manager injects the certificate's own CA into the
  // webhook (inject-ca-from) and renews it; the webhook reloads the files without a restart.
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { ...metadata, name: `${WEBHOOK_NAME}-selfsigned` },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata,
      spec: {
        secretName: TLS_SECRET,
        dnsNames: serviceDnsNames(namespace),
        issuerRef: { kind: 'Issuer', name: `${WEBHOOK_NAME}-selfsigned` },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      },
    },
  ]
}

function mutatingWebhook(options: ManifestOptions): KubeObject {
  const { namespace, tls } = options
  const service = { name: WEBHOOK_NAME, namespace, path: '/mutate-v1-pod', port: 443 } // WL-6
  const annotations =
    tls.mode === 'cert-manager'
      ? { 'cert-manager.io/inject-ca-from': `${namespace}/${WEBHOOK_NAME}` }
      : undefined
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: WEBHOOK_NAME, labels: labels(), ...(annotations ? { annotations } : {}) },
    webhooks: [
      {
        name: 'pods.webhook.wifkit.io',
        admissionReviewVersions: ['v1', 'v1beta1'], // WL-5
        clientConfig:
          tls.mode === 'generated'
            ? { service, caBundle: Buffer.from(tls.caPem).toString('base64') }
            : { service },
        // WL-3: with Fail, labelled pods wait for the webhook instead of starting without identity.
        failurePolicy: options.failurePolicy,
        sideEffects: 'None', // WL-4
        matchPolicy: 'Equivalent',
        reinvocationPolicy: 'IfNeeded',
        timeoutSeconds: 10, // WL-8
        objectSelector: { matchLabels: { [USE_LABEL]: USE_LABEL_VALUE } }, // WL-1
        // WL-7: never gate the webhook's own pods, so that with Fail it can always restart.
        namespaceSelector: {
          matchExpressions: [
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [namespace] },
          ],
        },
        rules: [
          { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
        ], // WL-2
      },
    ],
  }
}
