/**
 * The few Kubernetes shapes the webhook reads and writes (core/v1). Every other field passes
 * through untouched (WL-39), so each shape keeps an index signature for what it does not name.
 */

/** An entry of `container.env`; set by `value` or `valueFrom` (WL-30). */
export interface EnvVar {
  name: string
  value?: string
  valueFrom?: unknown
  [field: string]: unknown
}

/** An entry of `container.volumeMounts`. */
export interface VolumeMount {
  name: string
  mountPath: string
  readOnly?: boolean
  [field: string]: unknown
}

/** A regular or init container. */
export interface Container {
  name: string
  env?: EnvVar[]
  volumeMounts?: VolumeMount[]
  [field: string]: unknown
}

/** A `serviceAccountToken` projection (WL-33). */
export interface ServiceAccountTokenProjection {
  path: string
  expirationSeconds?: number
  audience?: string
}

/** An entry of `spec.volumes`; only projected sources are inspected (WL-36). */
export interface Volume {
  name: string
  projected?: {
    sources?: { serviceAccountToken?: ServiceAccountTokenProjection; [source: string]: unknown }[]
    [field: string]: unknown
  }
  [field: string]: unknown
}

/** Object metadata as the webhook reads it. */
export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  [field: string]: unknown
}

/** A pod as received in an AdmissionRequest. */
export interface Pod {
  apiVersion?: string
  kind?: string
  metadata?: ObjectMeta
  spec?: {
    serviceAccountName?: string
    initContainers?: Container[]
    containers?: Container[]
    volumes?: Volume[]
    [field: string]: unknown
  }
  [field: string]: unknown
}

/** The pod's service account; only its annotations matter (§2). */
export interface ServiceAccount {
  metadata?: ObjectMeta
  [field: string]: unknown
}

/** Token volume layout of AWI v1.6 (default) or v1.5 (WL-11, §3.2). */
export type TokenLayout = 'v1.6' | 'v1.5'

/** The webhook process configuration that mutation depends on (WL-11, WL-32). */
export interface MutationConfig {
  /** Injected as `AZURE_TENANT_ID` when the SA has no `tenant-id` annotation. */
  tenantId: string
  /** The wifkit STS authority, injected verbatim as `AZURE_AUTHORITY_HOST`. */
  authorityHost: string
  /** Audience of the projected token; default `api://AzureADTokenExchange`. */
  audience: string
  tokenLayout: TokenLayout
  /** Opt-in: also inject `AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential` (WL-32). */
  injectTokenCredentials?: boolean
}
