// Issue #9 item 4, issuer endpoints: hostile paths against the public documents (issuer.md §7) and
// hostile tokens, names and bodies against the TokenRequest mint API (IF-40), on one real server.
// Each must get its documented error, change no stored state, and both must still serve after.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { assertStateUnchanged, readStoredState } from '../../support/state_guard.js'
import { EXCHANGE_AUDIENCE, VaultHarness, type Answer } from '../resource/vault_http_harness.js'
import { unsignedJwt } from './jwt_forgery.js'
import { assertKubeStatus, assertNoInternals } from './wire_checks.js'

let h: VaultHarness

before(async () => {
  h = await VaultHarness.start()
})

after(async () => {
  await h.close()
})

const discovery = (name: string) => `/issuers/${name}/.well-known/openid-configuration`
const document = (path: string, method = 'GET') => h.call(method, `${h.publicUrl}${path}`)
const mintPath = (ns: string, sa: string, issuer = 'dev') =>
  `/issuers/${issuer}/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`
const tokenRequest = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenRequest',
  spec: { audiences: [EXCHANGE_AUDIENCE], ...spec },
})
const mint = (path: string, body: unknown = tokenRequest(), headers: Record<string, string> = {}) =>
  h.admin('POST', path, body, { headers })

interface DocumentCase {
  name: string
  send: () => Promise<Answer>
  status: number
}

const documentCases: DocumentCase[] = [
  {
    name: 'an issuer name that is a percent-encoded traversal to the admin API',
    send: () => document(discovery('..%2F..%2Fadmin%2Fv1%2Ftenants')),
    status: 404,
  },
  {
    name: 'an issuer name with a percent-encoded NUL',
    send: () => document(discovery('dev%00')),
    status: 404,
  },
  {
    name: 'an issuer name with a Cyrillic е look-alike',
    send: () => document(discovery('d%D0%B5v')),
    status: 404,
  },
  {
    name: 'an issuer name of percent-encoded dots',
    send: () => document('/issuers/%2e%2e/openid/v1/jwks'),
    status: 404,
  },
  {
    name: 'a traversal after the JWKS path',
    send: () => document('/issuers/dev/openid/v1/jwks/..%2F..%2Fjwks'),
    status: 404,
  },
  {
    name: 'a POST to discovery (ISS-72)',
    send: () => document(discovery('dev'), 'POST'),
    status: 405,
  },
]

for (const { name, send, status } of documentCases) {
  test(`#9 item 4, ISS-76: issuer documents refuse ${name}`, async () => {
    const stored = readStoredState(h.databaseFile)
    const answer = await send()
    assert.equal(answer.status, status, answer.text)
    assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.equal(typeof answer.body?.error, 'string', answer.text)
    if (status === 405) assert.equal(answer.headers.get('allow'), 'GET, HEAD')
    assertNoInternals(answer)
    assertStateUnchanged(h.databaseFile, stored, name)
  })
}

interface MintCase {
  name: string
  send: () => Promise<Answer>
  code: number
  reason: string
}
const badRequest = { code: 400, reason: 'BadRequest' }

const mintCases: MintCase[] = [
  {
    name: 'an empty bearer token',
    send: () => h.admin('POST', mintPath('default', 'api'), tokenRequest(), { token: '' }),
    code: 401,
    reason: 'Unauthorized',
  },
  {
    name: 'no Authorization header',
    send: () =>
      h.call('POST', `${h.adminUrl}${mintPath('default', 'api')}`, { body: tokenRequest() }),
    code: 401,
    reason: 'Unauthorized',
  },
  {
    name: 'an alg none bearer token',
    send: () =>
      h.admin('POST', mintPath('default', 'api'), tokenRequest(), {
        token: unsignedJwt({ aud: 'api://wifkit-admin', roles: ['Application.ReadWrite.All'] }),
      }),
    code: 401,
    reason: 'Unauthorized',
  },
  {
    name: 'a namespace that is a percent-encoded traversal (ISS-32)',
    send: () => mint(mintPath('..%2Fkube-system', 'api')),
    ...badRequest,
  },
  {
    name: 'a namespace with SQL metacharacters (ISS-32)',
    send: () => mint(mintPath("x'%20or%20'1'%3D'1", 'api')),
    ...badRequest,
  },
  {
    name: 'an upper-case namespace (ISS-32: DNS-1123 label)',
    send: () => mint(mintPath('Default', 'api')),
    ...badRequest,
  },
  {
    name: 'a service account with a Cyrillic а look-alike (ISS-32)',
    send: () => mint(mintPath('default', '%D0%B0pi')),
    ...badRequest,
  },
  {
    name: 'a service account with a percent-encoded colon, forging sub (ISS-29, ISS-32)',
    send: () => mint(mintPath('default', 'api%3Aadmin')),
    ...badRequest,
  },
  {
    name: 'a service account of 254 characters (ISS-32)',
    send: () => mint(mintPath('default', 'a'.repeat(254))),
    ...badRequest,
  },
  {
    name: 'expirationSeconds = 1e309 (ISS-41)',
    send: () =>
      mint(
        mintPath('default', 'api'),
        `{"spec":{"audiences":["${EXCHANGE_AUDIENCE}"],"expirationSeconds":1e309}}`,
      ),
    ...badRequest,
  },
  {
    name: 'expirationSeconds as a string (ISS-41)',
    send: () => mint(mintPath('default', 'api'), tokenRequest({ expirationSeconds: '3600' })),
    ...badRequest,
  },
  {
    name: 'expirationSeconds 3600.5 (ISS-41)',
    send: () => mint(mintPath('default', 'api'), tokenRequest({ expirationSeconds: 3600.5 })),
    ...badRequest,
  },
  {
    name: 'expirationSeconds 599 (ISS-41: at least 10 minutes)',
    send: () => mint(mintPath('default', 'api'), tokenRequest({ expirationSeconds: 599 })),
    ...badRequest,
  },
  {
    name: 'expirationSeconds above 2^32 (ISS-41)',
    send: () => mint(mintPath('default', 'api'), tokenRequest({ expirationSeconds: 2 ** 32 + 1 })),
    ...badRequest,
  },
  {
    name: 'audiences mixing a number (IF-40)',
    send: () =>
      mint(mintPath('default', 'api'), tokenRequest({ audiences: [EXCHANGE_AUDIENCE, 7] })),
    ...badRequest,
  },
  {
    name: 'a wrong apiVersion (IF-40)',
    send: () => mint(mintPath('default', 'api'), { ...tokenRequest(), apiVersion: 'v1' }),
    ...badRequest,
  },
  {
    name: 'a __proto__ member (prototype poisoning)',
    send: () =>
      mint(
        mintPath('default', 'api'),
        `{"spec":{"audiences":["${EXCHANGE_AUDIENCE}"]},"__proto__":{"kind":"TokenRequest"}}`,
      ),
    ...badRequest,
  },
  {
    name: 'a TokenRequest sent as text/plain',
    send: () =>
      mint(mintPath('default', 'api'), JSON.stringify(tokenRequest()), {
        'content-type': 'text/plain',
      }),
    code: 415,
    reason: 'UnsupportedMediaType',
  },
  {
    name: 'a 300 KiB body',
    send: () => mint(mintPath('default', 'api'), tokenRequest({ padding: 'x'.repeat(300 * 1024) })),
    code: 413,
    reason: 'RequestEntityTooLarge',
  },
  {
    name: 'an unknown issuer',
    send: () => mint(mintPath('default', 'api', 'ghost')),
    code: 404,
    reason: 'NotFound',
  },
  {
    name: 'an issuer name that is a percent-encoded traversal',
    send: () => mint(mintPath('default', 'api', '..%2Fdev')),
    code: 404,
    reason: 'NotFound',
  },
]

for (const { name, send, code, reason } of mintCases) {
  test(`#9 item 4, IF-40: the mint API refuses ${name}`, async () => {
    const stored = readStoredState(h.databaseFile)
    const answer = await send()
    assertKubeStatus(answer, code, reason)
    assert.equal(answer.body.status, 'Failure')
    assertStateUnchanged(h.databaseFile, stored, name)
  })
}

test('#9 item 4: after the corpus the issuer still publishes and mints (ISS-72, IF-40)', async () => {
  assert.equal((await document(discovery('dev'))).status, 200)
  const minted = await mint(mintPath('default', 'api'))
  assert.equal(minted.status, 201, minted.text)
  assert.equal(minted.body.status.token.split('.').length, 3)
})
