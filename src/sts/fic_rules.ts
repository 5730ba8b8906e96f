// Write-time rules for federated identity credentials (STS-60…STS-69, IF-32, IF-33). Values are
// stored verbatim: nothing is trimmed, lower-cased or normalised, because matching is exact
// (STS-70) and a silently fixed value would match tokens the operator never described.
import { GraphError } from '../errors/index.js'

/** The audience a credential gets when a create omits `audiences` (STS-64). */
export const DEFAULT_FIC_AUDIENCE = 'api://AzureADTokenExchange'

/** A credential's writable fields after validation. */
export interface FicFields {
  name: string
  issuer: string
  subject: string
  /** Exactly one element (STS-64). */
  audiences: string[]
  description: string | null
}

/** What the uniqueness rules read of an identity's other credentials. */
export interface ExistingFic {
  name: string
  issuer: string
  subject: string
}

/** Deployment settings the rules depend on. */
export interface FicRuleOptions {
  /** STS-67: 20, as in Entra, unless the deployment raises it. */
  maxPerIdentity: number
  /** STS-62: dev mode accepts `http://` issuers on a loopback host. */
  allowHttpLoopback: boolean
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/
const MAX_LENGTH = 600
const WHITESPACE = /\s/

const invalid = (field: string, problem: string) => GraphError.badRequest(`${field}: ${problem}`)
const conflict = (field: string, problem: string) =>
  new GraphError(409, 'Request_MultipleObjectsWithSameKeyValue', `${field}: ${problem}`)

function asObject(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw GraphError.badRequest('the request body must be a JSON object')
  }
  return input as Record<string, unknown>
}

function text(field: string, value: unknown, maxLength: number): string {
  if (value === undefined || value === null) throw invalid(field, 'is required')
  if (typeof value !== 'string') throw invalid(field, 'must be a string')
  if (value.length === 0) throw invalid(field, 'must not be empty')
  if (value.length > maxLength) {
    throw invalid(field, `must be at most ${maxLength} characters (got ${value.length})`)
  }
  return value
}

function checkName(value: unknown): string {
  if (value === undefined || value === null) throw invalid('name', 'is required')
  if (typeof value !== 'string') throw invalid('name', 'must be a string')
  if (!NAME.test(value)) {
    throw invalid(
      'name',
      "must be 3 to 120 characters: letters, digits, '-' and '_', starting with a letter or digit",
    )
  }
  return value
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)

function checkIssuer(value: unknown, allowHttpLoopback: boolean): string {
  const issuer = text('issuer', value, MAX_LENGTH)
  if (WHITESPACE.test(issuer)) throw invalid('issuer', 'must not contain whitespace')
  const url = URL.canParse(issuer) ? new URL(issuer) : undefined
  const https = url?.protocol === 'https:' && /^https:\/\//i.test(issuer)
  const devHttp =
    allowHttpLoopback &&
    url?.protocol === 'http:' &&
    /^http:\/\//i.test(issuer) &&
    isLoopback(url.hostname)
  if (!url || !(https || devHttp)) {
    throw invalid(
      'issuer',
      allowHttpLoopback
        ? 'must be an absolute https URL (or http on a loopback host)'
        : 'must be an absolute https URL',
    )
  }
  // Discovery is found by appending `/.well-known/openid-configuration` (STS-90, ISS-5), and an
  // OIDC issuer has no query or fragment (OpenID Connect Discovery 1.0 §3).
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(issuer)) {
    throw invalid('issuer', 'must not have a query or fragment')
  }
  return issuer
}

function checkAudiences(value: unknown): string[] {
  if (!Array.isArray(value) || value.length !== 1) {
    throw invalid('audiences', 'must be an array with exactly one audience')
  }
  return [text('audiences', value[0], MAX_LENGTH)]
}

function checkDescription(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw invalid('description', 'must be a string')
  if (value.length > MAX_LENGTH) {
    throw invalid('description', `must be at most ${MAX_LENGTH} characters (got ${value.length})`)
  }
  return value
}

// STS-69: flexible FICs (an Entra preview) are refused. A null, as a client echoing a GET sends
// it back, asks for nothing and passes.
function refuseFlexible(body: Record<string, unknown>): void {
  const expression = body.claimsMatchingExpression
  if (expression !== undefined && expression !== null) {
    throw invalid('claimsMatchingExpression', 'flexible federated credentials are not supported')
  }
}

function refuseDuplicateIssuerSubject(fields: FicFields, others: readonly ExistingFic[]): void {
  const twin = others.find((f) => f.issuer === fields.issuer && f.subject === fields.subject)
  if (twin) {
    throw conflict(
      'subject',
      `federated identity credential '${twin.name}' already has this issuer and subject`,
    )
  }
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * Validates a create (IF-32) against the identity's `existing` credentials and returns the
 * fields to store. Throws a 400 naming the field, a 409 for a name already taken (compared
 * case-insensitively) or a repeated issuer and subject, and a 400 past `maxPerIdentity`. The
 * conflicts are checked before the cap, so re-running a setup reports "already exists".
 */
export function validateNewFic(
  input: unknown,
  existing: readonly ExistingFic[],
  options: FicRuleOptions,
): FicFields {
  const body = asObject(input)
  refuseFlexible(body)
  const fields: FicFields = {
    name: checkName(body.name),
    issuer: checkIssuer(body.issuer, options.allowHttpLoopback),
    subject: text('subject', body.subject, MAX_LENGTH),
    audiences:
      body.audiences === undefined ? [DEFAULT_FIC_AUDIENCE] : checkAudiences(body.audiences),
    description: checkDescription(body.description),
  }
  const namesake = existing.find((f) => sameName(f.name, fields.name))
  if (namesake) {
    throw conflict(
      'name',
      `a federated identity credential named '${namesake.name}' already exists`,
    )
  }
  refuseDuplicateIssuerSubject(fields, existing)
  if (existing.length >= options.maxPerIdentity) {
    throw GraphError.badRequest(
      `federatedIdentityCredentials: at most ${options.maxPerIdentity} federated identity ` +
        'credentials are allowed per application or managed identity',
    )
  }
  return fields
}

/**
 * Validates a PATCH (IF-33) of `current` and returns the merged fields. `name` is immutable
 * (STS-61); absent members keep their value and a null `description` clears it. `existing` may
 * include `current` itself; it is skipped by name.
 */
export function validateFicPatch(
  current: Readonly<FicFields>,
  patch: unknown,
  existing: readonly ExistingFic[],
  options: Pick<FicRuleOptions, 'allowHttpLoopback'>,
): FicFields {
  const body = asObject(patch)
  refuseFlexible(body)
  if (body.name !== undefined && body.name !== current.name) {
    throw invalid('name', 'cannot be changed after creation')
  }
  const fields: FicFields = {
    name: current.name,
    issuer:
      body.issuer === undefined
        ? current.issuer
        : checkIssuer(body.issuer, options.allowHttpLoopback),
    subject:
      body.subject === undefined ? current.subject : text('subject', body.subject, MAX_LENGTH),
    audiences:
      body.audiences === undefined ? [...current.audiences] : checkAudiences(body.audiences),
    description:
      body.description === undefined ? current.description : checkDescription(body.description),
  }
  const others = existing.filter((f) => !sameName(f.name, current.name))
  refuseDuplicateIssuerSubject(fields, others)
  return fields
}
