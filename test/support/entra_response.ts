// Exact wire checks for token-endpoint answers: the Entra error body of sts.md §9 and the success
// body of §10, with the headers both share (STS-116, STS-120).
import assert from 'node:assert/strict'
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { StsHarness, StsResponse } from './sts_harness.js'

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/
/** STS-110 and STS-113: the members an error body may have (STYLE.md §2.5: nothing else). */
const ERROR_MEMBERS = new Set([
  'error',
  'error_description',
  'error_codes',
  'timestamp',
  'trace_id',
  'correlation_id',
  'error_uri',
])

/** The Entra error body (sts.md §9). */
export interface EntraErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  error_uri?: string
}

export interface ExpectedEntraError {
  status: number
  error: string
  code: number
  /** Values the description must not contain (STS-83): the assertion, configured FIC values. */
  hidden?: readonly (string | undefined)[]
  /** The server clock when the request was answered, to check `timestamp` exactly. */
  nowMs?: number
  /** The STS authority, to check `error_uri` when present (STS-113). */
  authority?: string
}

/** `YYYY-MM-DD HH:MM:SSZ` (STS-112). */
export function entraTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`
}

/** STS-116 / STS-120: JSON and never cached, with the trace id as `x-ms-request-id`. */
export function assertNoStoreHeaders(response: StsResponse): void {
  const { headers } = response
  assert.equal(headers['content-type'], 'application/json; charset=utf-8', response.text)
  assert.equal(headers['cache-control'], 'no-store, no-cache')
  assert.equal(headers.pragma, 'no-cache')
  assert.equal(headers.expires, '-1')
  assert.match(headers['x-ms-request-id'] ?? '', GUID)
}

/**
 * Asserts one §7 failure exactly: status, `error`, `error_codes`, the description's frame
 * (STS-111), timestamp and ids (STS-112), headers (STS-116) and that nothing in `hidden` leaked
 * into the description (STS-83). Returns the body for row-specific checks.
 */
export function assertEntraError(response: StsResponse, expected: ExpectedEntraError) {
  const body = response.body as unknown as EntraErrorBody
  const context = `${response.status} ${response.text}`
  assert.equal(response.status, expected.status, context)
  assert.equal(body.error, expected.error, context)
  assert.deepEqual(body.error_codes, [expected.code], context)
  for (const member of Object.keys(body)) assert.ok(ERROR_MEMBERS.has(member), member)
  assertNoStoreHeaders(response)
  assert.match(body.timestamp, TIMESTAMP)
  if (expected.nowMs !== undefined) assert.equal(body.timestamp, entraTimestamp(expected.nowMs))
  assert.match(body.trace_id, GUID)
  assert.equal(body.trace_id, response.headers['x-ms-request-id'])
  assert.match(body.correlation_id, GUID)
  const description = body.error_description
  assert.ok(description.startsWith(`AADSTS${expected.code}: `), description)
  const tail = ` Trace ID: ${body.trace_id} Correlation ID: ${body.correlation_id} Timestamp: ${body.timestamp}`
  assert.ok(description.endsWith(tail), description)
  assert.doesNotMatch(description, / {2}/, 'single spaces (STS-111)')
  if (body.error_uri !== undefined && expected.authority !== undefined) {
    assert.equal(body.error_uri, `${expected.authority}/error?code=${expected.code}`)
  }
  for (const secret of expected.hidden ?? []) {
    if (secret === undefined || secret === '') continue
    assert.ok(!description.includes(secret), `description leaks ${secret}: ${description}`)
  }
  return body
}

/**
 * The values a description must not echo (STS-83): the assertion itself, and each configured FIC
 * value that the caller did not present (a configured value contained in a presented one is, in
 * effect, presented).
 */
export function confidential(
  assertion: string | undefined,
  configured: readonly string[],
  presented: readonly string[] = [],
): string[] {
  const notPresented = configured.filter((value) => !presented.some((p) => p.includes(value)))
  return assertion === undefined ? notPresented : [assertion, ...notPresented]
}

/**
 * Asserts a §10 success: headers (STS-120), exactly the members of STS-121 (plus
 * `issued_token_type` for grant B, STS-41) with integer lifetimes, and an access token that
 * verifies against the tenant's published keys (STS-130). Returns the token's payload.
 */
export async function assertTokenSuccess(
  harness: StsHarness,
  response: StsResponse,
  tenantId: string,
  options: { lifetimeSeconds?: number; issuedTokenType?: string } = {},
): Promise<JWTPayload> {
  assert.equal(response.status, 200, response.text)
  assertNoStoreHeaders(response)
  const { body } = response
  const members = ['token_type', 'expires_in', 'ext_expires_in', 'access_token']
  if (options.issuedTokenType !== undefined) members.push('issued_token_type')
  assert.deepEqual(Object.keys(body), members)
  assert.equal(body.token_type, 'Bearer')
  const lifetime = options.lifetimeSeconds ?? 3600
  assert.ok(Number.isInteger(body.expires_in), 'expires_in is an integer')
  assert.equal(body.expires_in, lifetime)
  assert.equal(body.ext_expires_in, lifetime)
  if (options.issuedTokenType !== undefined) {
    assert.equal(body.issued_token_type, options.issuedTokenType)
  }
  const keys = await harness.get(`${harness.authority}/${tenantId}/discovery/v2.0/keys`)
  const { payload } = await jwtVerify(
    String(body.access_token),
    createLocalJWKSet(keys.body as never),
    {
      issuer: `${harness.authority}/${tenantId}/v2.0`,
      algorithms: ['RS256'],
      currentDate: new Date(harness.clock.nowMs()),
    },
  )
  assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), lifetime)
  return payload
}
