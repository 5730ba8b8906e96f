import { EntraError, say } from '../errors/index.js'
import { grants, parameter, type Grant, type PresentedCredential } from './grants/index.js'
import { resourceFromScope } from './scope.js'

/** The parameters every grant shares; with the grant's own, the known set of row 5. */
const COMMON_PARAMETERS = ['grant_type', 'client_id', 'scope', 'claims'] as const
/** Tenants that name no directory: grants need a tenant-specific endpoint (row 10). */
const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers'])

/** A token request that passed rows 3–10: everything decided without the directory. */
export interface ParsedTokenRequest {
  grant: Grant
  clientId: string
  resource: string
  credential: PresentedCredential
  claims: string | undefined
}

/**
 * Rows 3–10 of sts.md §7, in order, as a pure function of the tenant path segment and the form.
 * Unknown parameters (the x-client-* telemetry, `client_info`, …) are ignored (STS-32).
 */
export function parseTokenRequest(tenant: string, form: URLSearchParams): ParsedTokenRequest {
  const grantType = parameter(form, 'grant_type')
  if (grantType === undefined) throw new EntraError('missingGrantType', say.missingGrantType())
  const grant = grants.get(grantType)
  if (!grant) throw new EntraError('unsupportedGrantType', say.unsupportedGrantType(grantType))
  for (const name of [...COMMON_PARAMETERS, ...grant.parameters]) {
    if (form.getAll(name).length > 1) {
      throw new EntraError('repeatedParameter', say.repeatedParameter(name))
    }
  }
  const clientId = parameter(form, 'client_id')
  if (clientId === undefined) throw new EntraError('missingClientId', say.missingClientId())
  const scope = parameter(form, 'scope')
  if (scope === undefined) throw new EntraError('missingScope', say.missingScope())
  const resource = resourceFromScope(scope)
  const credential = grant.credential(form)
  if (MULTI_TENANT_ALIASES.has(tenant.toLowerCase())) {
    throw new EntraError('grantNotSupportedOnTenant', say.grantNotSupportedOnTenant())
  }
  return { grant, clientId, resource, credential, claims: form.get('claims') ?? undefined }
}
