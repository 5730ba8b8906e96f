// Which client, tenant, token file and authority a credential uses (WL-60, workload.md §6 steps
// 1–2): explicit options first, then the four AZURE_* variables the webhook injects.
import { CredentialUnavailableError } from './errors.js'

/** The identity settings shared by the credential and {@link getAccessToken}. */
export interface IdentityOptions {
  /** The application or managed-identity client id. Default: `AZURE_CLIENT_ID`. */
  clientId?: string
  /** The tenant GUID or domain. Default: `AZURE_TENANT_ID`. */
  tenantId?: string
  /** The federated token file (workload.md §5). Default: `AZURE_FEDERATED_TOKEN_FILE`. */
  tokenFilePath?: string
  /** The STS authority host, https. Default: `AZURE_AUTHORITY_HOST`, else Microsoft's login host. */
  authorityHost?: string
  /** Tenants besides `tenantId` that `getToken(…, { tenantId })` may name; `'*'` allows any (CL-5). */
  additionallyAllowedTenants?: readonly string[]
}

/** Identity settings after defaults: every member is known. */
export interface ResolvedIdentity {
  clientId: string
  tenantId: string
  tokenFilePath: string
  /** Normalised: https, no trailing `/`, path prefix kept. */
  authorityHost: string
  additionallyAllowedTenants: readonly string[]
}

/** Microsoft's public-cloud host, @azure/identity's default; wifkit users set their own (WL-60). */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com/'

function required(
  value: string | undefined,
  variable: string,
  reason: 'missing_client_id' | 'missing_tenant_id' | 'missing_token_file',
): string {
  if (value !== undefined && value !== '') return value
  throw new CredentialUnavailableError(
    reason,
    `WorkloadIdentityCredential is unavailable: ${variable} is not set and no option replaces it`,
  )
}

function authorityHost(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new CredentialUnavailableError(
      'invalid_authority_host',
      `authority host '${value}' is not a URL`,
    )
  }
  // CL-1: Microsoft's clients refuse http authorities with no opt-out; so do we (STS-7).
  if (url.protocol !== 'https:') {
    throw new CredentialUnavailableError(
      'invalid_authority_host',
      `authority host '${value}' must use the 'https' protocol`,
    )
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** Applies the defaults of WL-60; throws {@link CredentialUnavailableError} naming what is missing. */
export function resolveIdentity(
  options: IdentityOptions,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedIdentity {
  return {
    clientId: required(
      options.clientId ?? env.AZURE_CLIENT_ID,
      'AZURE_CLIENT_ID',
      'missing_client_id',
    ),
    tenantId: required(
      options.tenantId ?? env.AZURE_TENANT_ID,
      'AZURE_TENANT_ID',
      'missing_tenant_id',
    ),
    tokenFilePath: required(
      options.tokenFilePath ?? env.AZURE_FEDERATED_TOKEN_FILE,
      'AZURE_FEDERATED_TOKEN_FILE',
      'missing_token_file',
    ),
    authorityHost: authorityHost(
      options.authorityHost || env.AZURE_AUTHORITY_HOST || DEFAULT_AUTHORITY_HOST,
    ),
    additionallyAllowedTenants: options.additionallyAllowedTenants ?? [],
  }
}

/** workload.md §6 step 2: host + tenant with one `/` between them. */
export function authorityFor(identity: ResolvedIdentity, tenant: string): string {
  return `${identity.authorityHost}/${tenant}`
}

/** The tenant a request goes to: the credential's, or an allowed other one (CL-5). */
export function tenantFor(identity: ResolvedIdentity, requested: string | undefined): string {
  if (requested === undefined || requested === '' || requested === identity.tenantId) {
    return identity.tenantId
  }
  const allowed = identity.additionallyAllowedTenants
  if (allowed.includes('*') || allowed.includes(requested)) return requested
  throw new CredentialUnavailableError(
    'tenant_not_allowed',
    `tenant '${requested}' is not the credential's tenant and is not in additionallyAllowedTenants`,
  )
}
