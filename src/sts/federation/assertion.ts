// Row 15 (shape) and row 21 (header) of sts.md §7 for the presented external JWT. Both run on the
// unverified token: row 15 before FIC matching, row 21 after the FIC matched and the issuer's
// keys were fetched, and before any signature check.
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { EntraError, say } from '../../errors/index.js'
import { duplicateMemberName } from './duplicate_members.js'

/** The protected header of a presented assertion. */
export interface AssertionHeader {
  alg: string
  kid?: string
  [parameter: string]: unknown
}

/** The claims the STS reads, with `aud` always an array (STS-71). */
export interface AssertionClaims {
  iss: string
  sub: string
  aud: string[]
  exp: number
  nbf?: number
  iat?: number
}

/** A decoded, not yet verified assertion. */
export interface ParsedAssertion {
  header: AssertionHeader
  claims: AssertionClaims
}

function malformed(detail: string, cause?: unknown): EntraError {
  return new EntraError('malformedAssertion', say.malformedAssertion(), { detail, cause })
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((e) => typeof e === 'string')

const UTF8 = new TextDecoder()

/** The default bound on an assertion's length (issue #9 item 1); Kubernetes tokens are ~1 KiB. */
export const MAX_ASSERTION_BYTES = 16 * 1024

/**
 * Decodes a compact JWS without verifying it (row 15): at most `maxBytes` long, three segments, a
 * base64url JSON header with a string `alg`, and a payload with string `iss` and `sub`, `aud` as a
 * string or an array of strings, and a numeric `exp`; no member name may repeat in either. jose
 * does the splitting, base64url and JSON decoding. Details name the failed part, never its value:
 * the assertion must not reach a log (STYLE.md §2.18).
 */
export function parseAssertion(jwt: string, maxBytes = MAX_ASSERTION_BYTES): ParsedAssertion {
  // Before any decoding, so an oversized token costs no base64 or JSON work (issue #9 item 1).
  const bytes = Buffer.byteLength(jwt, 'utf8')
  if (bytes > maxBytes) throw malformed(`assertion is ${bytes} bytes, more than ${maxBytes}`)
  let rawHeader: Record<string, unknown>
  let payload: Record<string, unknown>
  try {
    // decodeJwt insists on exactly three segments; decodeProtectedHeader alone would take five.
    payload = decodeJwt(jwt)
    rawHeader = decodeProtectedHeader(jwt)
  } catch (cause) {
    throw malformed(`assertion is not a compact JWS with JSON header and payload`, cause)
  }
  // A repeated member would let two parsers read two different tokens (RFC 7515 §5.2).
  const [headerPart = '', payloadPart = ''] = jwt.split('.')
  for (const [part, segment] of [
    ['header', headerPart],
    ['payload', payloadPart],
  ] as const) {
    const repeated = duplicateMemberName(UTF8.decode(base64url.decode(segment)))
    if (repeated !== undefined)
      throw malformed(`${part}: member ${JSON.stringify(repeated)} repeated`)
  }
  const { alg, kid } = rawHeader
  if (typeof alg !== 'string') throw malformed('header: alg must be a string')
  // Not in row 15's list, but row 22 echoes `kid` and key selection compares it as a string.
  if (kid !== undefined && typeof kid !== 'string') throw malformed('header: kid must be a string')
  const { iss, sub, aud, exp, nbf, iat } = payload
  if (typeof iss !== 'string') throw malformed('payload: iss must be a string')
  if (typeof sub !== 'string') throw malformed('payload: sub must be a string')
  if (typeof aud !== 'string' && !isStringArray(aud)) {
    throw malformed('payload: aud must be a string or an array of strings')
  }
  if (!isNumber(exp)) throw malformed('payload: exp must be a number')
  // Rows 24 and 25 compute with nbf and iat; a present but non-numeric one is malformed, as RFC
  // 7519 §4.1.5/§4.1.6 make them NumericDates (wifkit choice: row 15 is silent on them).
  if (nbf !== undefined && !isNumber(nbf)) throw malformed('payload: nbf must be a number')
  if (iat !== undefined && !isNumber(iat)) throw malformed('payload: iat must be a number')
  const claims: AssertionClaims = { iss, sub, aud: typeof aud === 'string' ? [aud] : [...aud], exp }
  if (nbf !== undefined) claims.nbf = nbf
  if (iat !== undefined) claims.iat = iat
  return { header: { ...rawHeader, alg }, claims }
}

/** The default of `allowedAlgs`: RS256 only, as Entra (row 21); ES256/384/512 only if enabled. */
const DEFAULT_ASSERTION_ALGS: readonly string[] = ['RS256']

// Header parameters that would let the token choose its own verification key: `jku` and `x5u`
// point at URLs the STS would fetch, which §7 forbids (only a matched FIC's issuer is ever
// fetched, STS-90) and which invites SSRF; `jwk` and `x5c` embed a key the attacker chose, the
// classic self-signed-token bypass (e.g. CVE-2018-0114). Keys come only from the issuer's JWKS.
// `crit` names extensions that must be understood (RFC 7515 §4.1.11); wifkit understands none.
const REFUSED_PARAMETERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const

/**
 * Row 21: refuses an assertion header before its signature is checked. `none` means unsigned, and
 * any HMAC alg (`HS*`) would verify with the issuer's public key as the shared secret (algorithm
 * confusion, CVE-2015-9235), so both are refused even if configuration lists them.
 */
export function checkAssertionHeader(
  header: AssertionHeader,
  allowedAlgs: readonly string[] = DEFAULT_ASSERTION_ALGS,
): void {
  const { alg } = header
  if (/^none$/i.test(alg) || /^HS/i.test(alg) || !allowedAlgs.includes(alg)) {
    throw new EntraError('assertionAlgRejected', say.assertionAlgRejected(alg), {
      detail: `alg ${JSON.stringify(alg)} is not one of ${allowedAlgs.join(', ')}`,
    })
  }
  for (const parameter of REFUSED_PARAMETERS) {
    if (Object.hasOwn(header, parameter)) {
      throw new EntraError('assertionHeaderRejected', say.assertionHeaderRejected(parameter), {
        detail: `header carries ${parameter}; keys come only from the issuer's JWKS`,
      })
    }
  }
}
