// Issue #9 item 4, token endpoint: crafted assertions and forms against one real server. Each case
// must get its sts.md §7 row exactly (status, error, AADSTS number, Entra body), change no stored
// state, and the server must still issue a token to the genuine workload afterwards.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { ApplicationRecord, TenantRecord } from '../../../src/store/index.js'
import { assertEntraError, assertTokenSuccess } from '../../support/entra_response.js'
import { assertStateUnchanged, readStoredState } from '../../support/state_guard.js'
import {
  clientCredentialsForm,
  DEFAULT_AUDIENCE,
  JWKS_PATH,
  rsaKey,
  StsHarness,
  tokenExchangeForm,
  type AssertionClaims,
  type AssertionSigning,
  type ExternalIssuer,
  type IssuerKey,
  type StsResponse,
} from '../../support/sts_harness.js'
import { duplicateMember, signRawRs256, unsignedJwt } from './jwt_forgery.js'

const SUBJECT = 'system:serviceaccount:payments:api'
const RESOURCE = 'api://payments'
const MALFORMED = { status: 400, error: 'invalid_request', code: 50027 } // row 15
const BAD_SIGNATURE = { status: 401, error: 'invalid_client', code: 700027 } // rows 21, 23
const UNKNOWN_KID = { status: 401, error: 'invalid_client', code: 7000272 } // row 22
const UNKNOWN_ISSUER = { status: 401, error: 'invalid_client', code: 700211 } // row 16
const UNKNOWN_SUBJECT = { status: 401, error: 'invalid_client', code: 700213 } // row 17
const TOO_LONG = { status: 401, error: 'invalid_client', code: 70023 } // row 25

let dir: string
let h: StsHarness
let issuer: ExternalIssuer
/** A server no FIC names: `jku`/`x5u` point here, and it must never be asked for anything. */
let recorder: ExternalIssuer
let attacker: IssuerKey
let tenant: TenantRecord
let client: ApplicationRecord

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-corpus-sts-'))
  h = await StsHarness.start({ storage: `sqlite:${join(dir, 'db')}` })
  ;[issuer, recorder] = await Promise.all([h.startIssuer(), h.startIssuer()])
  attacker = await rsaKey()
  recorder.keys = [attacker]
  tenant = await h.addTenant(['contoso.example'])
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
  client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
})

after(async () => {
  await h.close()
  await rm(dir, { recursive: true, force: true })
})

const database = () => join(dir, 'db')
const claimsOf = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.url,
  sub: SUBJECT,
  aud: DEFAULT_AUDIENCE,
  iat: h.nowSeconds,
  exp: h.nowSeconds + 600,
  ...extra,
})
const mint = (claims: AssertionClaims = {}, signing: AssertionSigning = {}) =>
  issuer.sign({ sub: SUBJECT, aud: DEFAULT_AUDIENCE, ...claims }, signing)
/** Genuinely signed by the trusted key, with the payload written as raw JSON text. */
const rawSigned = (payload: string, header = `{"alg":"RS256","kid":"${issuer.key.kid}"}`) =>
  signRawRs256(header, payload, issuer.key.privateKey)
const postAssertion = async (assertion: string) =>
  h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))

interface Row {
  status: number
  error: string
  code: number
}
interface Case {
  name: string
  send: () => Promise<StsResponse>
  want: Row
  /** Further checks on the answer, e.g. that nothing was fetched. */
  also?: (response: StsResponse) => void
}

const assertionCases: [string, () => Promise<string>, Row][] = [
  ['alg none with an empty signature (row 21)', async () => unsignedJwt(claimsOf()), BAD_SIGNATURE],
  ['alg nOnE in mixed case (row 21)', async () => unsignedJwt(claimsOf(), 'nOnE'), BAD_SIGNATURE],
  [
    'alg confusion: HS256 keyed with the issuer RSA public key PEM (row 21)',
    () => {
      const pem = issuer.key.publicKey.export({ format: 'pem', type: 'spki' }).toString()
      return mint({}, { alg: 'HS256', secret: new TextEncoder().encode(pem) })
    },
    BAD_SIGNATURE,
  ],
  [
    'alg confusion: HS256 keyed with the JWK modulus (row 21)',
    () => mint({}, { alg: 'HS256', secret: new TextEncoder().encode(issuer.key.jwk.n ?? '') }),
    BAD_SIGNATURE,
  ],
  [
    'embedded jwk header carrying the attacker key (row 21)',
    () => mint({}, { key: attacker, kid: null, header: { jwk: { kty: 'RSA', ...pub(attacker) } } }),
    BAD_SIGNATURE,
  ],
  [
    'jku header pointing at a server no FIC names (row 21)',
    () => mint({}, { key: attacker, header: { jku: `${recorder.url}${JWKS_PATH}` } }),
    BAD_SIGNATURE,
  ],
  [
    'x5u header pointing at a server no FIC names (row 21)',
    () => mint({}, { key: attacker, header: { x5u: `${recorder.url}/cert.pem` } }),
    BAD_SIGNATURE,
  ],
  [
    'x5c header with a self-made chain and the trusted kid (row 21)',
    () => mint({}, { key: attacker, kid: issuer.key.kid, header: { x5c: ['MIIBfake'] } }),
    BAD_SIGNATURE,
  ],
  [
    'crit header naming an extension nobody understands, genuinely signed (row 21, RFC 7515 §4.1.11)',
    async () =>
      rawSigned(
        JSON.stringify(claimsOf()),
        JSON.stringify({ alg: 'RS256', kid: issuer.key.kid, crit: ['x-evil'], 'x-evil': 1 }),
      ),
    BAD_SIGNATURE,
  ],
  [
    'kid with path traversal ../../x (row 22)',
    () => mint({}, { key: attacker, kid: '../../x' }),
    UNKNOWN_KID,
  ],
  [
    "kid with SQL metacharacters ' or 1=1-- (row 22)",
    () => mint({}, { key: attacker, kid: "' or 1=1--" }),
    UNKNOWN_KID,
  ],
  [
    'kid with CR LF header injection (row 22)',
    () => mint({}, { key: attacker, kid: 'k\r\nSet-Cookie: pwned=1' }),
    UNKNOWN_KID,
  ],
  ['kid that is a number, not a string (row 15)', () => mint({}, { kid: 7 as never }), MALFORMED],
  [
    'duplicate sub: the first names another account, the last the trusted one (row 15)',
    async () => rawSigned(duplicateMember(claimsOf(), 'sub', 'system:serviceaccount:kube:admin')),
    MALFORMED,
  ],
  [
    'duplicate iss in raw JSON, the first a foreign issuer (row 15)',
    async () => rawSigned(duplicateMember(claimsOf(), 'iss', recorder.url)),
    MALFORMED,
  ],
  [
    'duplicate alg in the raw header: none first, RS256 last (row 15)',
    async () =>
      rawSigned(
        JSON.stringify(claimsOf()),
        `{"alg":"none","alg":"RS256","kid":"${issuer.key.kid}"}`,
      ),
    MALFORMED,
  ],
  [
    'exp = 1e309, which JSON.parse turns into Infinity (row 15)',
    async () => rawSigned(JSON.stringify(claimsOf()).replace(/"exp":\d+/, '"exp":1e309')),
    MALFORMED,
  ],
  [
    'exp beyond 2^53 (row 25: the lifetime is far too long)',
    async () =>
      rawSigned(JSON.stringify(claimsOf()).replace(/"exp":\d+/, '"exp":90071992547409930')),
    TOO_LONG,
  ],
  ['exp negative (row 24)', () => mint({ exp: -1, iat: -601 }), expiredRow()],
  [
    'exp as a numeric string (row 15)',
    () => mint({ exp: String(h.nowSeconds + 600) as never }),
    MALFORMED,
  ],
  ['nbf as a string (row 15)', () => mint({ nbf: 'now' as never }), MALFORMED],
  ['sub as a number (row 15)', () => mint({ sub: 42 as never }), MALFORMED],
  [
    'iss as null (row 15)',
    async () => rawSigned(JSON.stringify(claimsOf({ iss: null }))),
    MALFORMED,
  ],
  [
    'aud array mixing a number and the audience (row 15)',
    () => mint({ aud: [1, DEFAULT_AUDIENCE] as never }),
    MALFORMED,
  ],
  ['aud as an object (row 15)', () => mint({ aud: { 0: DEFAULT_AUDIENCE } as never }), MALFORMED],
  [
    'sub with a Cyrillic а look-alike (row 17, STS-70)',
    () => mint({ sub: SUBJECT.replace('a', '\u0430') }),
    UNKNOWN_SUBJECT,
  ],
  [
    'sub in fullwidth letters (row 17, STS-70)',
    () => mint({ sub: fullwidth(SUBJECT) }),
    UNKNOWN_SUBJECT,
  ],
  [
    'sub with a zero-width joiner (row 17, STS-70)',
    () => mint({ sub: SUBJECT.replace(':api', ':a\u200dpi') }),
    UNKNOWN_SUBJECT,
  ],
  [
    'sub with a trailing space (row 17, STS-70)',
    () => mint({ sub: `${SUBJECT} ` }),
    UNKNOWN_SUBJECT,
  ],
  [
    'iss with a trailing dot on the host (row 16, STS-70)',
    () => mint({ iss: issuer.url.replace('localhost', 'localhost.') }),
    UNKNOWN_ISSUER,
  ],
  [
    'iss with a Cyrillic о look-alike in the host (row 16, STS-70)',
    () => mint({ iss: issuer.url.replace('localhost', 'l\u043ecalhost') }),
    UNKNOWN_ISSUER,
  ],
  [
    'iss with a percent-encoded host (row 16, STS-70)',
    () => mint({ iss: issuer.url.replace('localhost', '%6cocalhost') }),
    UNKNOWN_ISSUER,
  ],
  [
    'only two segments (row 15)',
    async () => (await mint()).split('.').slice(0, 2).join('.'),
    MALFORMED,
  ],
  [
    'header JSON with a __proto__ member setting alg (row 15)',
    async () => rawSigned(JSON.stringify(claimsOf()), '{"__proto__":{"alg":"RS256"}}'),
    MALFORMED,
  ],
]

function expiredRow(): Row {
  return { status: 401, error: 'invalid_client', code: 700024 }
}

function pub(key: IssuerKey) {
  return { n: key.jwk.n, e: key.jwk.e }
}

function fullwidth(text: string): string {
  return text.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

const cases: Case[] = [
  ...assertionCases.map(([name, forge, want]) => ({
    name: `client assertion: ${name}`,
    send: async () => postAssertion(await forge()),
    want,
  })),
  {
    name: 'token exchange: alg none subject_token (STS-40, row 21)',
    send: async () =>
      h.post(tenant.id, tokenExchangeForm(client.appId, RESOURCE, unsignedJwt(claimsOf()))),
    want: BAD_SIGNATURE,
  },
  {
    name: 'form sent as application/json is treated as empty (STS-31, row 3)',
    send: async () =>
      h.post(
        tenant.id,
        JSON.stringify(clientCredentialsForm(client.appId, RESOURCE, await mint())),
        {
          contentType: 'application/json',
        },
      ),
    want: { status: 400, error: 'invalid_request', code: 900144 },
  },
  {
    name: 'client_assertion repeated with a forged first copy (STS-33, row 5)',
    send: async () => {
      const form = new URLSearchParams(clientCredentialsForm(client.appId, RESOURCE, await mint()))
      form.append('client_assertion', unsignedJwt(claimsOf()))
      return h.post(tenant.id, form)
    },
    want: { status: 400, error: 'invalid_request', code: 9002313 },
  },
  {
    name: 'a body over 64 KiB gets 413 (STS-35, row 2)',
    send: async () =>
      h.post(tenant.id, {
        ...clientCredentialsForm(client.appId, RESOURCE, await mint()),
        pad: 'x'.repeat(70_000),
      }),
    want: { status: 413, error: 'invalid_request', code: 9002313 },
  },
  {
    name: 'client_id with SQL metacharacters (row 12)',
    send: async () =>
      h.post(tenant.id, clientCredentialsForm("' OR '1'='1' --", RESOURCE, await mint())),
    want: { status: 400, error: 'unauthorized_client', code: 700016 },
  },
  {
    name: 'client_id in fullwidth digits that look like the real GUID (row 12)',
    send: async () =>
      h.post(
        tenant.id,
        clientCredentialsForm(fullwidthDigits(client.appId), RESOURCE, await mint()),
      ),
    want: { status: 400, error: 'unauthorized_client', code: 700016 },
  },
  {
    name: "tenant with SQL metacharacters ' or 1=1-- (STS-8, row 11)",
    send: async () =>
      h.post("x' or 1=1--", clientCredentialsForm(client.appId, RESOURCE, await mint())),
    want: { status: 400, error: 'invalid_request', code: 90002 },
  },
  {
    name: 'tenant as a percent-encoded traversal ..%2Fadmin (STS-8, row 11)',
    send: async () =>
      h.post('..%2Fadmin', clientCredentialsForm(client.appId, RESOURCE, await mint())),
    want: { status: 400, error: 'invalid_request', code: 90002 },
  },
  {
    name: 'tenant domain in fullwidth letters (STS-8, row 11)',
    send: async () =>
      h.post(
        fullwidth('contoso.example'),
        clientCredentialsForm(client.appId, RESOURCE, await mint()),
      ),
    want: { status: 400, error: 'invalid_request', code: 90002 },
  },
  {
    name: 'scope with path traversal api://payments/../admin/.default (STS-53, row 26)',
    send: async () =>
      h.post(tenant.id, clientCredentialsForm(client.appId, `${RESOURCE}/../admin`, await mint())),
    want: { status: 400, error: 'invalid_resource', code: 500011 },
  },
]

function fullwidthDigits(text: string): string {
  return text.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

for (const { name, send, want, also } of cases) {
  test(`#9 item 4: ${name}`, async () => {
    const stored = readStoredState(database())
    const response = await send()
    assertEntraError(response, want)
    assert.equal(response.headers['set-cookie'], undefined, 'no header was injected')
    also?.(response)
    assertStateUnchanged(database(), stored, name)
  })
}

test('#9 item 4: no URL a forged header named was fetched (STS-90)', () => {
  assert.equal(recorder.totalHits, 0)
  assert.deepEqual(
    [...issuer.hits.keys()].filter((path) => path !== JWKS_PATH && !path.includes('openid')),
    [],
    'the trusted issuer saw only its discovery and JWKS paths',
  )
})

test('#9 item 4: after the corpus the genuine workload still gets a token (STS-4)', async () => {
  await assertTokenSuccess(h, await postAssertion(await mint()), tenant.id)
})
