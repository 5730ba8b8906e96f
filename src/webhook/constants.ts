/** Names, paths, defaults and bounds of the Azure Workload Identity contract (workload.md). */
import type { TokenLayout } from './types.js'

const PREFIX = 'azure.workload.identity/'

/** Pod label that opts a pod in; the value must be exactly `true` (WL-1, §2). */
export const USE_LABEL = `${PREFIX}use`
export const USE_LABEL_VALUE = 'true'

/** SA annotation that becomes `AZURE_CLIENT_ID`; no default (§2, WL-22). */
export const CLIENT_ID_ANNOTATION = `${PREFIX}client-id`
/** SA annotation that becomes `AZURE_TENANT_ID`; absent means the webhook's tenant (§2). */
export const TENANT_ID_ANNOTATION = `${PREFIX}tenant-id`
/** Pod annotation, then SA annotation: projected token lifetime in seconds (§2, WL-43). */
export const TOKEN_EXPIRATION_ANNOTATION = `${PREFIX}service-account-token-expiration`
/** Pod annotation: `;`-separated container names that get no env and no mount (§2). */
export const SKIP_CONTAINERS_ANNOTATION = `${PREFIX}skip-containers`
/** Pod annotations of the IMDS proxy sidecar: not supported, ignored with a warning (§2, WL-45). */
export const PROXY_ANNOTATIONS = [`${PREFIX}inject-proxy-sidecar`, `${PREFIX}proxy-sidecar-port`]
/** Prefix of AWI v1.6 custom token endpoint annotations (`use-<suffix>`): ignored (§2). */
export const USE_SUFFIX_ANNOTATION_PREFIX = `${PREFIX}use-`

/** Token lifetime default and inclusive bounds; see WL-54 for why nothing below 3600 s. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600
export const MIN_TOKEN_EXPIRATION_SECONDS = 3600
export const MAX_TOKEN_EXPIRATION_SECONDS = 86400

/** Default audience of the projected token (WL-11). */
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
/** SA used when `spec.serviceAccountName` is empty (WL-20). */
export const DEFAULT_SERVICE_ACCOUNT = 'default'

/** Environment variables injected in this order (§3.1). */
export const ENV_CLIENT_ID = 'AZURE_CLIENT_ID'
export const ENV_TENANT_ID = 'AZURE_TENANT_ID'
export const ENV_FEDERATED_TOKEN_FILE = 'AZURE_FEDERATED_TOKEN_FILE'
export const ENV_AUTHORITY_HOST = 'AZURE_AUTHORITY_HOST'
/** Opt-in variable and value of WL-32. */
export const ENV_TOKEN_CREDENTIALS = 'AZURE_TOKEN_CREDENTIALS'
export const TOKEN_CREDENTIALS_VALUE = 'ManagedIdentityCredential'

/** v1.6 volume name: this prefix plus 30 hex chars of SHA-256(podName), 63 chars (§3.2). */
export const RESERVED_VOLUME_PREFIX = 'azure-workload-identity-reserved-'
export const RESERVED_VOLUME_HASH_CHARS = 30
/** Suffix that marks a pod name taken from `generateName` (§3.2). */
export const GENERATE_NAME_SUFFIX = ' (prefix)'

/** Per-layout volume name (v1.5 only; v1.6 derives it), mount path and token path (§3.2). */
export const LAYOUTS: Readonly<
  Record<TokenLayout, { volumeName?: string; mountPath: string; tokenPath: string }>
> = {
  'v1.6': { mountPath: '/var/run/secrets/azure/wi', tokenPath: 'token/azure-identity-token' },
  'v1.5': {
    volumeName: 'azure-identity-token',
    mountPath: '/var/run/secrets/azure/tokens',
    tokenPath: 'azure-identity-token',
  },
}
