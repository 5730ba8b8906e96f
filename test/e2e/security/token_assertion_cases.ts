// The forged client assertions of the token-endpoint attack corpus (issue #9 item 4), each with
// the sts.md §7 row it must fail at. Built through a Forge so the table stays apart from the
// server it runs against; token_endpoint.test.ts runs it.
import type { AssertionClaims, AssertionSigning, IssuerKey } from '../../support/sts_harness.js'
import { DEFAULT_AUDIENCE, JWKS_PATH } from '../../support/sts_harness.js'
import { duplicateMember, unsignedJwt } from './jwt_forgery.js'

export const SUBJECT = 'system:serviceaccount:payments:api'

/** The answer a case expects: status, OAuth error and AADSTS number. */
export interface Row {
  status: number
  error: string
  code: number
}

export const MALFORMED: Row = { status: 400, error: 'invalid_request', code: 50027 } // row 15
const BAD_SIGNATURE: Row = { status: 401, error: 'invalid_client', code: 700027 } // rows 21, 23
const UNKNOWN_KID: Row = { status: 401, error: 'invalid_client', code: 7000272 } // row 22
const UNKNOWN_ISSUER: Row = { status: 401, error: 'invalid_client', code: 700211 } // row 16
const UNKNOWN_SUBJECT: Row = { status: 401, error: 'invalid_client', code: 700213 } // row 17
const TOO_LONG: Row = { status: 401, error: 'invalid_client', code: 70023 } // row 25
export { BAD_SIGNATURE }

/** What a forgery may use: the trusted issuer's key and claims, the attacker's key, a recorder. */
export interface Forge {
  claimsOf(extra?: Record<string, unknown>): Record<string, unknown>
  mint(claims?: AssertionClaims, signing?: AssertionSigning): Promise<string>
  /** Genuinely signed by the trusted key, with raw JSON text for the payload (and header). */
  rawSigned(payload: string, header?: string): string
  trusted(): IssuerKey
  attacker(): IssuerKey
  issuerUrl(): string
  /** A server no FIC names: `jku`/`x5u` point here. */
  recorderUrl(): string
  nowSeconds(): number
}

export type AssertionCase = [name: string, forge: () => Promise<string>, want: Row]

export function forgedAssertions(f: Forge): AssertionCase[] {
  return [
    [
      'alg none with an empty signature (row 21)',
      async () => unsignedJwt(f.claimsOf()),
      BAD_SIGNATURE,
    ],
    [
      'alg nOnE in mixed case (row 21)',
      async () => unsignedJwt(f.claimsOf(), 'nOnE'),
      BAD_SIGNATURE,
    ],
    [
      'alg confusion: HS256 keyed with the issuer RSA public key PEM (row 21)',
      () => {
        const pem = f.trusted().publicKey.export({ format: 'pem', type: 'spki' }).toString()
        return f.mint({}, { alg: 'HS256', secret: new TextEncoder().encode(pem) })
      },
      BAD_SIGNATURE,
    ],
    [
      'alg confusion: HS256 keyed with the JWK modulus (row 21)',
      () => f.mint({}, { alg: 'HS256', secret: new TextEncoder().encode(f.trusted().jwk.n ?? '') }),
      BAD_SIGNATURE,
    ],
    [
      'embedded jwk header carrying the f.attacker() key (row 21)',
      () =>
        f.mint(
          {},
          { key: f.attacker(), kid: null, header: { jwk: { kty: 'RSA', ...pub(f.attacker()) } } },
        ),
      BAD_SIGNATURE,
    ],
    [
      'jku header pointing at a server no FIC names (row 21)',
      () => f.mint({}, { key: f.attacker(), header: { jku: `${f.recorderUrl()}${JWKS_PATH}` } }),
      BAD_SIGNATURE,
    ],
    [
      'x5u header pointing at a server no FIC names (row 21)',
      () => f.mint({}, { key: f.attacker(), header: { x5u: `${f.recorderUrl()}/cert.pem` } }),
      BAD_SIGNATURE,
    ],
    [
      'x5c header with a self-made chain and the trusted kid (row 21)',
      () => f.mint({}, { key: f.attacker(), kid: f.trusted().kid, header: { x5c: ['MIIBfake'] } }),
      BAD_SIGNATURE,
    ],
    [
      'crit header naming an extension nobody understands, genuinely signed (row 21, RFC 7515 §4.1.11)',
      async () =>
        f.rawSigned(
          JSON.stringify(f.claimsOf()),
          JSON.stringify({ alg: 'RS256', kid: f.trusted().kid, crit: ['x-evil'], 'x-evil': 1 }),
        ),
      BAD_SIGNATURE,
    ],
    [
      'kid with path traversal ../../x (row 22)',
      () => f.mint({}, { key: f.attacker(), kid: '../../x' }),
      UNKNOWN_KID,
    ],
    [
      "kid with SQL metacharacters ' or 1=1-- (row 22)",
      () => f.mint({}, { key: f.attacker(), kid: "' or 1=1--" }),
      UNKNOWN_KID,
    ],
    [
      'kid with CR LF header injection (row 22)',
      () => f.mint({}, { key: f.attacker(), kid: 'k\r\nSet-Cookie: pwned=1' }),
      UNKNOWN_KID,
    ],
    [
      'kid that is a number, not a string (row 15)',
      () => f.mint({}, { kid: 7 as never }),
      MALFORMED,
    ],
    [
      'duplicate sub: the first names another account, the last the trusted one (row 15)',
      async () =>
        f.rawSigned(duplicateMember(f.claimsOf(), 'sub', 'system:serviceaccount:kube:admin')),
      MALFORMED,
    ],
    [
      'duplicate iss in raw JSON, the first a foreign issuer (row 15)',
      async () => f.rawSigned(duplicateMember(f.claimsOf(), 'iss', f.recorderUrl())),
      MALFORMED,
    ],
    [
      'duplicate alg in the raw header: none first, RS256 last (row 15)',
      async () =>
        f.rawSigned(
          JSON.stringify(f.claimsOf()),
          `{"alg":"none","alg":"RS256","kid":"${f.trusted().kid}"}`,
        ),
      MALFORMED,
    ],
    [
      'exp = 1e309, which JSON.parse turns into Infinity (row 15)',
      async () => f.rawSigned(JSON.stringify(f.claimsOf()).replace(/"exp":\d+/, '"exp":1e309')),
      MALFORMED,
    ],
    [
      'exp beyond 2^53 (row 25: the lifetime is far too long)',
      async () =>
        f.rawSigned(JSON.stringify(f.claimsOf()).replace(/"exp":\d+/, '"exp":90071992547409930')),
      TOO_LONG,
    ],
    ['exp negative (row 24)', () => f.mint({ exp: -1, iat: -601 }), expiredRow()],
    [
      'exp as a numeric string (row 15)',
      () => f.mint({ exp: String(f.nowSeconds() + 600) as never }),
      MALFORMED,
    ],
    ['nbf as a string (row 15)', () => f.mint({ nbf: 'now' as never }), MALFORMED],
    ['sub as a number (row 15)', () => f.mint({ sub: 42 as never }), MALFORMED],
    [
      'iss as null (row 15)',
      async () => f.rawSigned(JSON.stringify(f.claimsOf({ iss: null }))),
      MALFORMED,
    ],
    [
      'aud array mixing a number and the audience (row 15)',
      () => f.mint({ aud: [1, DEFAULT_AUDIENCE] as never }),
      MALFORMED,
    ],
    [
      'aud as an object (row 15)',
      () => f.mint({ aud: { 0: DEFAULT_AUDIENCE } as never }),
      MALFORMED,
    ],
    [
      'sub with a Cyrillic а look-alike (row 17, STS-70)',
      () => f.mint({ sub: SUBJECT.replace('a', '\u0430') }),
      UNKNOWN_SUBJECT,
    ],
    [
      'sub in fullwidth letters (row 17, STS-70)',
      () => f.mint({ sub: fullwidth(SUBJECT) }),
      UNKNOWN_SUBJECT,
    ],
    [
      'sub with a zero-width joiner (row 17, STS-70)',
      () => f.mint({ sub: SUBJECT.replace(':api', ':a\u200dpi') }),
      UNKNOWN_SUBJECT,
    ],
    [
      'sub with a trailing space (row 17, STS-70)',
      () => f.mint({ sub: `${SUBJECT} ` }),
      UNKNOWN_SUBJECT,
    ],
    [
      'iss with a trailing dot on the host (row 16, STS-70)',
      () => f.mint({ iss: f.issuerUrl().replace('localhost', 'localhost.') }),
      UNKNOWN_ISSUER,
    ],
    [
      'iss with a Cyrillic о look-alike in the host (row 16, STS-70)',
      () => f.mint({ iss: f.issuerUrl().replace('localhost', 'l\u043ecalhost') }),
      UNKNOWN_ISSUER,
    ],
    [
      'iss with a percent-encoded host (row 16, STS-70)',
      () => f.mint({ iss: f.issuerUrl().replace('localhost', '%6cocalhost') }),
      UNKNOWN_ISSUER,
    ],
    [
      'only two segments (row 15)',
      async () => (await f.mint()).split('.').slice(0, 2).join('.'),
      MALFORMED,
    ],
    [
      'header JSON with a __proto__ member setting alg (row 15)',
      async () => f.rawSigned(JSON.stringify(f.claimsOf()), '{"__proto__":{"alg":"RS256"}}'),
      MALFORMED,
    ],
  ]
}

function expiredRow(): Row {
  return { status: 401, error: 'invalid_client', code: 700024 }
}

function pub(key: IssuerKey) {
  return { n: key.jwk.n, e: key.jwk.e }
}

export function fullwidth(text: string): string {
  return text.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}
