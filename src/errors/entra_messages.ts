// Entra's wording, one function per failure of sts.md §7. Each echoes only what the caller
// presented (iss, sub, aud, kid, alg, client_id, tenant, scope, parameter names) and never a
// configured FIC value, a secret or the assertion (STS-83). `hint` is a public sentence that
// discloses nothing beyond the presented value, e.g. from `publicHint` in sts/federation.
import type { AadstsName } from './entra.js'

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const CHECK_FIC =
  "Check the federated identity credential's subject, audience and issuer against the presented assertion."
const WRONG_TENANT =
  'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.'

const missing = (parameter: string) =>
  `The request body must contain the following parameter: '${parameter}'.`
const malformed = (why: string) => `Invalid request. Request is malformed or invalid: ${why}`
const noRecord = (what: string, hint: string | undefined) =>
  `No matching federated identity record found for presented assertion ${what}.${hint === undefined ? '' : ` ${hint}`} ${CHECK_FIC}`
const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')

/**
 * ISO 8601 UTC with 7 fractional digits, as Entra prints times in AADSTS700024
 * (`2026-03-01T07:41:07.0000000Z`). A time no `Date` can hold is printed as the raw number.
 */
function entraTime(seconds: number): string {
  const ms = Math.floor(seconds * 1000)
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(seconds)
  return new Date(ms).toISOString().replace(/Z$/, '0000Z')
}

/** Public descriptions for `EntraError`, keyed like its table (without the `AADSTS<n>: `). */
export const say = {
  methodNotAllowed: (method: string) =>
    `The endpoint only accepts POST requests. Received method: ${method}.`,
  requestTooLarge: (limitBytes: number) =>
    malformed(`the request body is larger than ${limitBytes} bytes.`),
  tooManyFormFields: (maxFields: number) =>
    malformed(`the request body has more than ${maxFields} parameters.`),
  missingGrantType: () => missing('grant_type'),
  unsupportedGrantType: (grantType: string) =>
    `The app requested an unsupported grant type '${grantType}'.`,
  repeatedParameter: (parameter: string) => malformed(`parameter '${parameter}' is repeated.`),
  missingClientId: () => missing('client_id'),
  missingScope: () => missing('scope'),
  scopeWithoutResource: (scope: string) =>
    `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' names no resource.`,
  scopeWithSeveralResources: (scope: string) =>
    `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope '${scope}' is not valid.`,
  scopeWithoutDefault: (value: string) =>
    `The provided value for scope ${value} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  missingClientCredential: () =>
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  missingAssertionType: () => missing('client_assertion_type'),
  unsupportedAssertionType: (assertionType: string) =>
    malformed(`client_assertion_type '${assertionType}' is not supported; use '${JWT_BEARER}'.`),
  assertionWithSecret: () =>
    malformed("'client_assertion' and 'client_secret' must not be sent together."),
  missingSubjectToken: (parameter: 'subject_token' | 'subject_token_type') => missing(parameter),
  unsupportedTokenExchange: (parameter: string, value?: string) =>
    malformed(
      value === undefined
        ? `parameter '${parameter}' is not supported with the token exchange grant.`
        : `${parameter} '${value}' is not supported with the token exchange grant.`,
    ),
  grantNotSupportedOnTenant: () =>
    'The grant type is not supported over the /common, /organizations or /consumers endpoints. Please use the tenant-specific endpoint.',
  tenantNotFound: (tenant: string) =>
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  clientNotFound: (clientId: string, tenant: string) =>
    `Application with identifier '${clientId}' was not found in the directory '${tenant}'. ${WRONG_TENANT} You may have sent your authentication request to the wrong tenant.`,
  clientDisabled: (clientId: string) => `Application '${clientId}' is disabled.`,
  invalidClientSecret: (clientId: string) =>
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  noFics: (clientId: string) =>
    `The client '${clientId}' has no configured federated identity credentials.`,
  malformedAssertion: () => 'JWT token is invalid or malformed.',
  noFicForIssuer: (iss: string, hint?: string) => noRecord(`issuer '${iss}'`, hint),
  noFicForSubject: (sub: string, hint?: string) => noRecord(`subject '${sub}'`, hint),
  subjectCaseOnly: (sub: string) =>
    noRecord(
      `subject '${sub}'`,
      'A federated identity credential matches this subject only when case is ignored; the comparison is case-sensitive.',
    ),
  noFicForAudience: (aud: readonly string[], hint?: string) =>
    noRecord(`audience ${quoted(aud)}`, hint),
  issuerMetadataFailed: (iss: string, hint?: string) =>
    `Request to External OIDC endpoint failed for issuer '${iss}'.${hint === undefined ? '' : ` ${hint}`}`,
  issuerKeysUnusable: (iss: string) =>
    `Failed to parse the signing keys published by issuer '${iss}'.`,
  assertionAlgRejected: (alg: string) =>
    `Client assertion failed signature validation: the algorithm '${alg}' is not accepted.`,
  assertionHeaderRejected: (parameter: string) =>
    `Client assertion failed signature validation: the header parameter '${parameter}' is not accepted.`,
  signingKeyNotFound: (kid: string, iss: string) =>
    `The key '${kid}' was not found in the metadata of the issuer '${iss}'.`,
  signatureInvalid: () => 'Client assertion failed signature validation.',
  assertionOutsideTimeWindow: (
    nowSeconds: number,
    validFromSeconds: number | undefined,
    expSeconds: number,
  ) =>
    `Client assertion is not within its valid time range. Current time: ${entraTime(nowSeconds)}, ${
      validFromSeconds === undefined ? '' : `assertion valid from ${entraTime(validFromSeconds)}, `
    }expiry time of assertion ${entraTime(expSeconds)}.`,
  assertionLifetimeTooLong: (lifetimeSeconds: number, maxSeconds: number) =>
    `Client assertion lifetime of ${lifetimeSeconds} seconds exceeds the maximum of ${maxSeconds} seconds.`,
  resourceNotFound: (resource: string, tenant: string) =>
    `The resource principal named ${resource} was not found in the tenant named ${tenant}. ${WRONG_TENANT} You might have sent your authentication request to the wrong tenant.`,
} as const satisfies Record<AadstsName, (...args: never[]) => string>
