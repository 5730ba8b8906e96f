import { DEFAULT_AUDIENCE, ENV_AUTHORITY_HOST, ENV_TENANT_ID } from './constants.js'
import type { KubeObject, ManifestOptions } from './manifests.js'

/** The container port behind Service port 443 (WL-6). */
const CONTAINER_PORT = 9443
const CERT_DIR = '/etc/wifkit/tls'

interface WorkloadOptions extends ManifestOptions {
  name: string
  tlsSecret: string
  labels: () => Record<string, string>
}

/**
 * The Service (443 → 9443, WL-6), the Deployment running `wifkit webhook serve` hardened as the
 * restricted Pod Security Standard asks, and a PodDisruptionBudget: with `failurePolicy: Fail`
 * (WL-3) a drained node must not take every replica at once.
 */
export function deploymentManifests(options: WorkloadOptions): KubeObject[] {
  const { name, namespace, labels } = options
  const selector = { 'app.kubernetes.io/name': name }
  const probe = (path: string) => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    periodSeconds: 10,
    timeoutSeconds: 3,
  })
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: labels() },
      spec: {
        selector,
        ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: labels() },
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: labels() },
          spec: {
            serviceAccountName: name,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'webhook',
                image: options.image,
                args: serveArgs(options),
                env: [
                  { name: ENV_TENANT_ID, value: options.config.tenantId },
                  { name: ENV_AUTHORITY_HOST, value: options.config.authorityHost },
                ],
                ports: [{ name: 'https', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
                livenessProbe: probe('/healthz'),
                readinessProbe: probe('/readyz'),
                resources: {
                  requests: { cpu: '50m', memory: '64Mi' },
                  limits: { cpu: '500m', memory: '256Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tls', mountPath: CERT_DIR, readOnly: true }],
              },
            ],
            volumes: [{ name: 'tls', secret: { secretName: options.tlsSecret } }],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace, labels: labels() },
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    },
  ]
}

/** Tenant and authority travel as env (as AWI's webhook takes them); the rest as flags. */
function serveArgs(options: WorkloadOptions): string[] {
  const args = ['webhook', 'serve', '--listen', `0.0.0.0:${CONTAINER_PORT}`]
  args.push('--tls-cert', `${CERT_DIR}/tls.crt`, '--tls-key', `${CERT_DIR}/tls.key`)
  if (options.config.audience !== DEFAULT_AUDIENCE) args.push('--audience', options.config.audience)
  if (options.config.tokenLayout !== 'v1.6') args.push('--layout', options.config.tokenLayout)
  if (options.config.injectTokenCredentials) args.push('--inject-token-credentials')
  return args
}
