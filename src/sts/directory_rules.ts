// Write-time rules for tenants and applications (IF-30, IF-31, IF-35, sts.md §1). Pure: values
// in, values or a GraphError out. Identifier URIs are stored verbatim because a scope names its
// resource by exact string (STS-53); domains are lower-cased because tenant lookup folds case
// (STS-8).
import { randomUUID } from 'node:crypto'
import { GraphError } from '../errors/index.js'
import type { AppRole } from '../store/index.js'

/** The validated fields of a tenant create. */
export interface TenantFields {
  displayName: string
  domains: string[]
}

/** An application's writable fields after validation. */
export interface ApplicationFields {
  displayName: string
  identifierUris: string[]
  appRoles: AppRole[]
  enabled: boolean
}

const MAX_DISPLAY_NAME = 256
const MAX_URI = 600
const ROLE_VALUE = /^[A-Za-z0-9._-]{1,120}$/
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/
// MSAL and Entra give these tenant names a meaning of their own; a domain must not shadow them.
const RESERVED_TENANTS = new Set(['common', 'organizations', 'consumers'])

const invalid = (field: string, problem: string) => GraphError.badRequest(`${field}: ${problem}`)

/** The body as an object, or a 400. */
export function asObject(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw GraphError.badRequest('the request body must be a JSON object')
  }
  return input as Record<string, unknown>
}

// Graph clients add `@odata.type` and similar annotations; anything else unknown is refused
// rather than silently dropped, so a caller never believes a setting took effect.
function refuseUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  const extra = Object.keys(body).find((k) => !known.includes(k) && !k.startsWith('@odata.'))
  if (extra !== undefined) throw invalid(extra, 'is not a supported property')
}

function displayName(field: string, value: unknown): string {
  if (value === undefined || value === null) throw invalid(field, 'is required')
  if (typeof value !== 'string') throw invalid(field, 'must be a string')
  if (value.trim().length === 0) throw invalid(field, 'must not be empty')
  if (value.length > MAX_DISPLAY_NAME) {
    throw invalid(field, `must be at most ${MAX_DISPLAY_NAME} characters (got ${value.length})`)
  }
  return value
}

function stringArray(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(field, 'must be an array of strings')
  }
  return value as string[]
}

function checkDomain(domain: string): string {
  const name = domain.toLowerCase()
  const labels = name.split('.')
  if (name.length > 253 || !labels.every((l) => DNS_LABEL.test(l))) {
    throw invalid('domains', `'${domain}' is not a DNS name`)
  }
  if (GUID.test(name) || RESERVED_TENANTS.has(name)) {
    throw invalid('domains', `'${domain}' is reserved: tenant URLs already give it a meaning`)
  }
  return name
}

/** Validates a tenant create (IF-35). Domains come back lower-cased and without repeats. */
export function validateNewTenant(input: {
  displayName: unknown
  domains?: unknown
}): TenantFields {
  const domains =
    input.domains === undefined ? [] : stringArray('domains', input.domains).map(checkDomain)
  const repeated = domains.find((d, i) => domains.indexOf(d) !== i)
  if (repeated !== undefined) throw invalid('domains', `'${repeated}' is listed twice`)
  return { displayName: displayName('displayName', input.displayName), domains }
}

function checkIdentifierUris(value: unknown): string[] {
  const uris = stringArray('identifierUris', value)
  for (const uri of uris) {
    if (uri.length === 0 || uri.length > MAX_URI || /\s/.test(uri)) {
      throw invalid('identifierUris', `'${uri}' must be 1 to ${MAX_URI} characters without spaces`)
    }
    if (!SCHEME.test(uri) || !URL.canParse(uri)) {
      throw invalid('identifierUris', `'${uri}' is not an absolute URI`)
    }
  }
  const repeated = uris.find((u, i) => uris.indexOf(u) !== i)
  if (repeated !== undefined) throw invalid('identifierUris', `'${repeated}' is listed twice`)
  return uris
}

type RoleInput = Omit<AppRole, 'id'> & { id: string | undefined }

function checkAppRole(value: unknown, index: number): RoleInput {
  const field = `appRoles[${index}]`
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, 'must be an object with value and displayName')
  }
  const role = value as Record<string, unknown>
  if (typeof role.value !== 'string' || !ROLE_VALUE.test(role.value)) {
    throw invalid(`${field}.value`, "must be 1 to 120 letters, digits, '.', '_' or '-'")
  }
  if (role.id !== undefined && (typeof role.id !== 'string' || !GUID.test(role.id))) {
    throw invalid(`${field}.id`, 'must be a GUID')
  }
  return {
    id: typeof role.id === 'string' ? role.id.toLowerCase() : undefined,
    value: role.value,
    displayName:
      role.displayName === undefined
        ? role.value
        : displayName(`${field}.displayName`, role.displayName),
  }
}

// A role sent without an id keeps the id of the current role with the same value, so a client
// that sends only values (the CLI) does not churn role ids on every PATCH.
function checkAppRoles(value: unknown, current: readonly AppRole[]): AppRole[] {
  if (!Array.isArray(value)) throw invalid('appRoles', 'must be an array')
  const roles = value.map(checkAppRole).map((r) => ({
    ...r,
    id: r.id ?? current.find((c) => c.value === r.value)?.id ?? randomUUID(),
  }))
  const sameValue = roles.find((r, i) => roles.findIndex((o) => o.value === r.value) !== i)
  if (sameValue) throw invalid('appRoles', `value '${sameValue.value}' is listed twice`)
  const sameId = roles.find((r, i) => roles.findIndex((o) => o.id === r.id) !== i)
  if (sameId) throw invalid('appRoles', `id '${sameId.id}' is listed twice`)
  return roles
}

/** Validates an application create (IF-30); tenant-wide uniqueness is the caller's to check. */
export function validateNewApplication(input: unknown): ApplicationFields {
  const body = asObject(input)
  refuseUnknown(body, ['displayName', 'identifierUris', 'appRoles'])
  return {
    displayName: displayName('displayName', body.displayName),
    identifierUris:
      body.identifierUris === undefined ? [] : checkIdentifierUris(body.identifierUris),
    appRoles: body.appRoles === undefined ? [] : checkAppRoles(body.appRoles, []),
    enabled: true,
  }
}

/** Validates a PATCH (IF-31): absent members keep their value. */
export function validateApplicationPatch(
  current: Readonly<ApplicationFields>,
  patch: unknown,
): ApplicationFields {
  const body = asObject(patch)
  refuseUnknown(body, ['displayName', 'identifierUris', 'appRoles', 'enabled'])
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
    throw invalid('enabled', 'must be true or false')
  }
  return {
    displayName:
      body.displayName === undefined
        ? current.displayName
        : displayName('displayName', body.displayName),
    identifierUris:
      body.identifierUris === undefined
        ? [...current.identifierUris]
        : checkIdentifierUris(body.identifierUris),
    appRoles:
      body.appRoles === undefined
        ? [...current.appRoles]
        : checkAppRoles(body.appRoles, current.appRoles),
    enabled: body.enabled === undefined ? current.enabled : body.enabled,
  }
}
