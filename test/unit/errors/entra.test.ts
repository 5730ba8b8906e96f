import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  EntraError,
  OAuthError,
  say,
  type AadstsName,
  type OAuthErrorCode,
} from '../../../src/errors/index.js'

type Row = readonly [row: string, code: number, error: OAuthErrorCode, status: number]

// sts.md §7, typed out again so that a change to the table in src fails here (STS-80).
const rows: Record<AadstsName, Row> = {
  methodNotAllowed: ['1', 900561, 'invalid_request', 405],
  requestTooLarge: ['2', 9002313, 'invalid_request', 413],
  tooManyFormFields: ['2', 9002313, 'invalid_request', 400],
  missingGrantType: ['3', 900144, 'invalid_request', 400],
  unsupportedGrantType: ['4', 70003, 'unsupported_grant_type', 400],
  repeatedParameter: ['5', 9002313, 'invalid_request', 400],
  missingClientId: ['6', 900144, 'invalid_request', 400],
  missingScope: ['7', 900144, 'invalid_request', 400],
  scopeWithoutResource: ['8', 70011, 'invalid_scope', 400],
  scopeWithSeveralResources: ['8', 700022, 'invalid_scope', 400],
  scopeWithoutDefault: ['8', 1002012, 'invalid_scope', 400],
  missingClientCredential: ['9a', 7000218, 'invalid_client', 401],
  missingAssertionType: ['9b', 900144, 'invalid_request', 400],
  unsupportedAssertionType: ['9c', 9002313, 'invalid_request', 400],
  assertionWithSecret: ['9c', 9002313, 'invalid_request', 400],
  missingSubjectToken: ['9d', 900144, 'invalid_request', 400],
  unsupportedTokenExchange: ['9e', 9002313, 'invalid_request', 400],
  grantNotSupportedOnTenant: ['10', 9001023, 'invalid_request', 400],
  tenantNotFound: ['11', 90002, 'invalid_request', 400],
  clientNotFound: ['12', 700016, 'unauthorized_client', 400],
  clientDisabled: ['13', 7000112, 'unauthorized_client', 400],
  invalidClientSecret: ['13s', 7000215, 'invalid_client', 401],
  noFics: ['14', 70025, 'invalid_client', 401],
  malformedAssertion: ['15', 50027, 'invalid_request', 400],
  noFicForIssuer: ['16', 700211, 'invalid_client', 401],
  noFicForSubject: ['17', 700213, 'invalid_client', 401],
  subjectCaseOnly: ['17', 7002138, 'invalid_client', 401],
  noFicForAudience: ['18', 700212, 'invalid_client', 401],
  issuerMetadataFailed: ['19', 90061, 'invalid_request', 400],
  issuerKeysUnusable: ['20', 900612, 'invalid_request', 400],
  assertionAlgRejected: ['21', 700027, 'invalid_client', 401],
  assertionHeaderRejected: ['21', 700027, 'invalid_client', 401],
  signingKeyNotFound: ['22', 7000272, 'invalid_client', 401],
  signatureInvalid: ['23', 700027, 'invalid_client', 401],
  assertionOutsideTimeWindow: ['24', 700024, 'invalid_client', 401],
  assertionLifetimeTooLong: ['25', 70023, 'invalid_client', 401],
  resourceNotFound: ['26', 500011, 'invalid_resource', 400],
}

test('STS-80: every row of §7 from 1 to 26 has at least one named error', () => {
  const covered = new Set(Object.values(rows).map(([row]) => row))
  const all = ['1', '2', '3', '4', '5', '6', '7', '8', '9a', '9b', '9c', '9d', '9e', '10', '11']
  all.push('12', '13', '13s', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24')
  all.push('25', '26')
  assert.deepEqual([...covered].sort(), all.sort())
})

for (const [name, [row, code, error, status]] of Object.entries(rows) as [AadstsName, Row][]) {
  test(`STS-80 row ${row}: ${name} answers ${status} ${error} with AADSTS${code}`, () => {
    const e = new EntraError(name, 'Some text.')
    assert.ok(e instanceof OAuthError)
    assert.equal(e.status, status)
    assert.equal(e.error, error)
    assert.equal(e.aadsts, code)
    assert.equal(e.message, `AADSTS${code}: Some text.`)
  })
}

test('STS-114: invalid_client is always 401 and every other §7 error 400, 405 or 413', () => {
  for (const [, , error, status] of Object.values(rows)) {
    if (error === 'invalid_client') assert.equal(status, 401)
    else assert.ok([400, 405, 413].includes(status))
  }
})

const NOW = new Date('2026-03-01T07:41:07.512Z')
const TRACE = '93eb6af6-43b5-4b16-ad6e-63cf2a050b00'
const CORRELATION = '6f1d2c3b-8577-46b9-b330-a72e2e114665'
const SUB = 'system:serviceaccount:payments:web'
const context = { requestId: 'req-1', now: NOW, traceId: TRACE, correlationId: CORRELATION }
const subjectError = () =>
  new EntraError('noFicForSubject', say.noFicForSubject(SUB), {
    detail: 'configured subject "system:serviceaccount:payments:api"',
  })

test('STS-110…STS-112: the body is exactly the example of sts.md §9, members in order', () => {
  assert.equal(
    JSON.stringify(subjectError().render(context)),
    JSON.stringify({
      error: 'invalid_client',
      error_description:
        `AADSTS700213: No matching federated identity record found for presented assertion subject '${SUB}'. ` +
        "Check the federated identity credential's subject, audience and issuer against the presented assertion. " +
        `Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: 2026-03-01 07:41:07Z`,
      error_codes: [700213],
      timestamp: '2026-03-01 07:41:07Z',
      trace_id: TRACE,
      correlation_id: CORRELATION,
    }),
  )
})

test('STS-111: the description ends with single-spaced trace, correlation and timestamp', () => {
  const body = subjectError().render(context) as { error_description: string }
  assert.match(
    body.error_description,
    /^AADSTS700213: \S.* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  )
  assert.doesNotMatch(body.error_description, / {2}/)
})

test('STS-112: without trace and correlation ids both fall back to the request id', () => {
  const body = subjectError().render({ requestId: 'req-7', now: NOW }) as Record<string, unknown>
  assert.equal(body.trace_id, 'req-7')
  assert.equal(body.correlation_id, 'req-7')
  assert.match(String(body.error_description), / Trace ID: req-7 Correlation ID: req-7 /)
  assert.equal('error_uri' in body, false)
})

test('STS-113: error_uri is the authority plus /error?code=<n>, never a Microsoft URL', () => {
  for (const base of ['https://login.example.com/sts', 'https://login.example.com/sts/']) {
    const body = subjectError().render({ ...context, errorUriBase: base }) as Record<
      string,
      unknown
    >
    assert.equal(body.error_uri, 'https://login.example.com/sts/error?code=700213')
    assert.deepEqual(Object.keys(body).at(-1), 'error_uri')
  }
})

test('STS-83: the private detail stays off the wire unless dev mode exposes it', () => {
  const quiet = JSON.stringify(subjectError().render(context))
  assert.doesNotMatch(quiet, /payments:api/)
  const dev = subjectError().render({ ...context, exposeDetail: true }) as Record<string, string>
  assert.match(
    dev.error_description ?? '',
    /assertion\. Detail: configured subject "system:serviceaccount:payments:api" Trace ID: /,
  )
})

test('STS-116/STS-120: errors carry no-store headers and no retry-after', () => {
  assert.deepEqual(subjectError().headers(), {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    expires: '-1',
  })
})

test('STS-115: overload is 429 temporarily_unavailable with Retry-After and no error_codes', () => {
  const e = OAuthError.temporarilyUnavailable(7)
  assert.equal(e.status, 429)
  assert.equal(e.headers()['retry-after'], '7')
  assert.equal(e.headers()['cache-control'], 'no-store, no-cache')
  const body = e.render({ ...context, errorUriBase: 'https://login.example.com' }) as object
  assert.deepEqual(Object.keys(body), [
    'error',
    'error_description',
    'timestamp',
    'trace_id',
    'correlation_id',
  ])
})

test('STS-115: an internal fault is 500 server_error with a fixed text and no cause', () => {
  const e = OAuthError.serverError({ cause: new Error('database password rejected') })
  const body = e.render(context) as Record<string, unknown>
  assert.equal(e.status, 500)
  assert.equal(body.error, 'server_error')
  assert.equal('error_codes' in body, false)
  assert.match(String(body.error_description), /^An internal error occurred\. Trace ID: /)
  assert.doesNotMatch(JSON.stringify(body), /password/)
})

const TENANT = '8d3c2a4e-5b1f-4c9a-9e2d-0a7b6c5d4e3f'
const CLIENT = '0f6e2b1a-7c3d-4e5f-8a9b-1c2d3e4f5a6b'
const CHECK =
  "Check the federated identity credential's subject, audience and issuer against the presented assertion."

const wording: readonly (readonly [string, string, string])[] = [
  [
    'row 16 names the presented issuer',
    say.noFicForIssuer('https://oidc.example.test/'),
    `No matching federated identity record found for presented assertion issuer 'https://oidc.example.test/'. ${CHECK}`,
  ],
  [
    'row 16 adds a public hint before the advice',
    say.noFicForIssuer(
      'https://x.test/',
      'A credential matches this issuer only without its trailing slash.',
    ),
    "No matching federated identity record found for presented assertion issuer 'https://x.test/'. " +
      `A credential matches this issuer only without its trailing slash. ${CHECK}`,
  ],
  [
    'row 17 (700213) names the presented subject',
    say.noFicForSubject(SUB),
    `No matching federated identity record found for presented assertion subject '${SUB}'. ${CHECK}`,
  ],
  [
    'row 17 (7002138) says only a case-insensitive comparison matched',
    say.subjectCaseOnly('System:ServiceAccount:Pay:API'),
    "No matching federated identity record found for presented assertion subject 'System:ServiceAccount:Pay:API'. " +
      'A federated identity credential matches this subject only when case is ignored; the comparison is case-sensitive. ' +
      CHECK,
  ],
  [
    'row 18 names every presented audience',
    say.noFicForAudience(['api://one', 'api://two']),
    `No matching federated identity record found for presented assertion audience 'api://one', 'api://two'. ${CHECK}`,
  ],
  [
    'row 24 gives now, valid-from and expiry in ISO 8601 with 7 fractional digits',
    say.assertionOutsideTimeWindow(1_772_350_867.5, 1_772_347_267, 1_772_350_567),
    'Client assertion is not within its valid time range. Current time: 2026-03-01T07:41:07.5000000Z, ' +
      'assertion valid from 2026-03-01T06:41:07.0000000Z, expiry time of assertion 2026-03-01T07:36:07.0000000Z.',
  ],
  [
    'row 24 leaves out valid-from when the assertion has neither nbf nor iat',
    say.assertionOutsideTimeWindow(1_772_350_867, undefined, 1_772_350_567),
    'Client assertion is not within its valid time range. Current time: 2026-03-01T07:41:07.0000000Z, ' +
      'expiry time of assertion 2026-03-01T07:36:07.0000000Z.',
  ],
  [
    'row 24 prints an expiry no date can hold as the number',
    say.assertionOutsideTimeWindow(1_772_350_867, undefined, 1e300),
    'Client assertion is not within its valid time range. Current time: 2026-03-01T07:41:07.0000000Z, ' +
      'expiry time of assertion 1e+300.',
  ],
  [
    'row 26 names the resource and the tenant',
    say.resourceNotFound('https://vault.example.com', TENANT),
    `The resource principal named https://vault.example.com was not found in the tenant named ${TENANT}. ` +
      'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
      'You might have sent your authentication request to the wrong tenant.',
  ],
  [
    'row 12 names the client id and the tenant',
    say.clientNotFound(CLIENT, TENANT),
    `Application with identifier '${CLIENT}' was not found in the directory '${TENANT}'. ` +
      'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
      'You may have sent your authentication request to the wrong tenant.',
  ],
  [
    'row 11 names the tenant',
    say.tenantNotFound('contoso.example'),
    "Tenant 'contoso.example' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
  ],
  [
    'row 3 names the missing parameter as Entra does',
    say.missingGrantType(),
    "The request body must contain the following parameter: 'grant_type'.",
  ],
  [
    'row 22 names the presented kid and issuer',
    say.signingKeyNotFound('k1', 'https://oidc.example.test'),
    "The key 'k1' was not found in the metadata of the issuer 'https://oidc.example.test'.",
  ],
]

for (const [name, got, want] of wording) {
  test(`STS-83 wording: ${name}`, () => assert.equal(got, want))
}
