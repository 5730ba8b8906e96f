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
import { signRawRs256, unsignedJwt } from './jwt_forgery.js'
import {
  BAD_SIGNATURE,
  forgedAssertions,
  fullwidth,
  SUBJECT,
  type Forge,
  type Row,
} from './token_assertion_cases.js'

const RESOURCE = 'api://payments'

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
const forge: Forge = {
  claimsOf,
  mint,
  rawSigned,
  trusted: () => issuer.key,
  attacker: () => attacker,
  issuerUrl: () => issuer.url,
  recorderUrl: () => recorder.url,
  nowSeconds: () => h.nowSeconds,
}
const postAssertion = async (assertion: string) =>
  h.post(tenant.id, clientCredentialsForm(client.appId, RESOURCE, assertion))

interface Case {
  name: string
  send: () => Promise<StsResponse>
  want: Row
}

const cases: Case[] = [
  ...forgedAssertions(forge).map(([name, forge, want]) => ({
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
  {
    name: 'tenant with a percent-encoded NUL (STS-8, row 11)',
    send: async () =>
      h.post('contoso.example%00', clientCredentialsForm(client.appId, RESOURCE, await mint())),
    want: { status: 400, error: 'invalid_request', code: 90002 },
  },
  {
    name: '5,000 unknown form fields, past limits.maxFormFields (row 2, issue #9 item 1)',
    send: async () => h.post(tenant.id, 'x=1&'.repeat(5000)),
    want: { status: 400, error: 'invalid_request', code: 9002313 },
  },
]

function fullwidthDigits(text: string): string {
  return text.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

for (const { name, send, want } of cases) {
  test(`#9 item 4: ${name}`, async () => {
    const stored = readStoredState(database())
    const response = await send()
    assertEntraError(response, want)
    assert.equal(response.headers['set-cookie'], undefined, 'no header was injected')
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

test('#9 items 1, 4: a 20 KiB header, past limits.maxHeaderBytes, gets 431 before any route runs', async () => {
  const stored = readStoredState(database())
  const oversized = await h.post(
    tenant.id,
    clientCredentialsForm(client.appId, RESOURCE, await mint()),
    {
      headers: { 'x-padding': 'x'.repeat(20 * 1024) },
    },
  )
  // Node's HTTP parser refuses it with a bare 431: no route, and so no Entra shape, ever runs.
  assert.equal(oversized.status, 431, oversized.text)
  assertStateUnchanged(database(), stored, 'a 20 KiB header')
})

test('#9 item 4: after the corpus the genuine workload still gets a token (STS-4)', async () => {
  await assertTokenSuccess(h, await postAssertion(await mint()), tenant.id)
})
