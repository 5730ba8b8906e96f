// Issue #9 item 4, admin API: forged bearer tokens and hostile bodies, paths and queries against
// one real server. Each must get its Graph-shaped error (interfaces.md §4), change no stored state,
// and the admin API must still serve the bootstrap token afterwards.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { SignJWT, type JWK } from 'jose'
import { rsaKey, type IssuerKey } from '../../support/external_issuer.js'
import { assertStateUnchanged, readStoredState, rowsAdded } from '../../support/state_guard.js'
import { EXCHANGE_AUDIENCE, VaultHarness, type Answer } from '../resource/vault_http_harness.js'
import { signRawRs256, unsignedJwt } from './jwt_forgery.js'
import { assertGraphError, deepJson, firstPublicKey } from './wire_checks.js'

let h: VaultHarness
let tenantId: string
let app: { id: string; appId: string }
let ficPath: string
/** A key of the attacker's own, never published by the STS. */
let attacker: IssuerKey

before(async () => {
  ;[h, attacker] = await Promise.all([VaultHarness.start(), rsaKey()])
  tenantId = await h.createTenant()
  await h.createVault(tenantId, 'corpus')
  const workload = await h.createWorkload(tenantId, 'corpus-api')
  const listed = await h.admin('GET', `/v1.0/applications?tenant=${tenantId}`)
  app = (listed.body.value as { id: string; appId: string }[]).find(
    (a) => a.appId === workload.appId,
  ) as { id: string; appId: string }
  ficPath = `/v1.0/applications/${app.id}/federatedIdentityCredentials`
})

after(async () => {
  await h.close()
})

const q = () => `?tenant=${tenantId}`
/** Claims an admin access token would carry (interfaces.md §4), for forgeries to copy. */
const adminClaims = () => ({
  iss: `${h.publicUrl}/${tenantId}/v2.0`,
  aud: 'api://wifkit-admin',
  tid: tenantId,
  ver: '2.0',
  azp: app.appId,
  roles: ['Application.ReadWrite.All'],
  iat: Math.floor(h.clock.nowMs() / 1000),
  exp: Math.floor(h.clock.nowMs() / 1000) + 3600,
})
const stsKey = async () => {
  const jwks = await h.call('GET', `${h.publicUrl}/${tenantId}/discovery/v2.0/keys`)
  return firstPublicKey(jwks.body as { keys: JWK[] })
}
const withToken = (token: string) =>
  h.admin('POST', `/v1.0/applications${q()}`, { displayName: 'x' }, { token })
const newFic = (fields: Record<string, unknown>) =>
  h.admin('POST', `${ficPath}${q()}`, {
    name: 'corpus-fic',
    issuer: h.issuerUrl,
    subject: 'system:serviceaccount:default:other',
    audiences: [EXCHANGE_AUDIENCE],
    ...fields,
  })

interface Case {
  name: string
  send: () => Promise<Answer>
  status: number
  code: string
}

const cases: Case[] = [
  {
    name: 'no Authorization header (interfaces.md §4: 401)',
    send: () =>
      h.call('POST', `${h.adminUrl}/v1.0/applications${q()}`, { body: { displayName: 'x' } }),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'an empty Authorization header',
    send: () =>
      h.admin('POST', `/v1.0/applications${q()}`, { displayName: 'x' }, { authorization: '' }),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'alg none access token with the write role',
    send: () => withToken(unsignedJwt(adminClaims())),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'alg confusion: HS256 keyed with the STS public key PEM',
    send: async () => {
      const { kid, key } = await stsKey()
      const secret = new TextEncoder().encode(
        key.export({ format: 'pem', type: 'spki' }).toString(),
      )
      return withToken(
        await new SignJWT(adminClaims()).setProtectedHeader({ alg: 'HS256', kid }).sign(secret),
      )
    },
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: "an attacker's RS256 key under the STS kid",
    send: async () => {
      const { kid } = await stsKey()
      return withToken(
        signRawRs256(
          JSON.stringify({ alg: 'RS256', kid }),
          JSON.stringify(adminClaims()),
          attacker.privateKey,
        ),
      )
    },
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'an embedded jwk header carrying the attacker key',
    send: async () => {
      const header = JSON.stringify({
        alg: 'RS256',
        jwk: { kty: 'RSA', n: attacker.jwk.n, e: attacker.jwk.e },
      })
      return withToken(signRawRs256(header, JSON.stringify(adminClaims()), attacker.privateKey))
    },
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: "a bootstrap token of SQL metacharacters 'or'1'='1",
    send: () => withToken("'or'1'='1"),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'two bearer tokens in one header, the real one second',
    send: () =>
      h.admin(
        'POST',
        `/v1.0/applications${q()}`,
        { displayName: 'x' },
        { authorization: `Bearer x, Bearer ${h.adminToken}` },
      ),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'a __proto__ member smuggling identifierUris (prototype poisoning, refused as unparseable)',
    send: () =>
      h.admin(
        'POST',
        `/v1.0/applications${q()}`,
        '{"displayName":"x","__proto__":{"identifierUris":["api://evil"]}}',
      ),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'a constructor.prototype member (prototype poisoning, refused as unparseable)',
    send: () =>
      h.admin(
        'POST',
        `/v1.0/applications${q()}`,
        '{"displayName":"x","constructor":{"prototype":{"enabled":false}}}',
      ),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'displayName of the wrong type (IF-30)',
    send: () => h.admin('POST', `/v1.0/applications${q()}`, { displayName: ['x'] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'a body that is not JSON',
    send: () => h.admin('POST', `/v1.0/applications${q()}`, '{"displayName":'),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'JSON sent as text/plain (JSON bodies only)',
    send: () =>
      h.admin('POST', `/v1.0/applications${q()}`, '{"displayName":"x"}', {
        headers: { 'content-type': 'text/plain' },
      }),
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'a 300 KiB body',
    send: () =>
      h.admin('POST', `/v1.0/applications${q()}`, {
        displayName: 'x',
        pad: 'x'.repeat(300 * 1024),
      }),
    status: 413,
    code: 'BadRequest',
  },
  {
    name: 'JSON nested 10,000 deep (limits: tighten after issue #9 limits land)',
    send: () =>
      h.admin('POST', `/v1.0/applications${q()}`, `{"displayName":"x","tags":${deepJson(10_000)}}`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC name with path traversal ../../x (STS-61)',
    send: () => newFic({ name: '../../x' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: "FIC name with SQL metacharacters x'--;DROP TABLE (STS-61)",
    send: () => newFic({ name: "x'--;DROP TABLE federated_credentials" }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC issuer over plain http (STS-62)',
    send: () => newFic({ issuer: 'http://evil.example' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC issuer with an embedded newline (STS-62)',
    send: () => newFic({ issuer: `${h.issuerUrl}\n` }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC audiences mixing a number (STS-64)',
    send: () => newFic({ audiences: [1] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC audiences as a bare string (STS-64)',
    send: () => newFic({ audiences: EXCHANGE_AUDIENCE }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC with two audiences (STS-64)',
    send: () => newFic({ audiences: [EXCHANGE_AUDIENCE, 'api://other'] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC subject of 601 characters (STS-63)',
    send: () => newFic({ subject: 's'.repeat(601) }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC with claimsMatchingExpression (STS-69)',
    send: () => newFic({ claimsMatchingExpression: { value: "claims['sub'] matches '*'" } }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC repeating an existing issuer and subject (STS-66)',
    send: () => newFic({ subject: 'system:serviceaccount:default:corpus-api' }),
    status: 409,
    code: 'Request_MultipleObjectsWithSameKeyValue',
  },
  {
    name: 'PATCH renaming a FIC (IF-33: the name is immutable)',
    send: () => h.admin('PATCH', `${ficPath}/corpus-api-dev${q()}`, { name: 'renamed' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'application id as a percent-encoded traversal ..%2F..%2Fadmin%2Fv1%2Ftenants (IF-31)',
    send: () => h.admin('GET', `/v1.0/applications/..%2F..%2Fadmin%2Fv1%2Ftenants${q()}`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'appId key with SQL metacharacters (IF-31)',
    send: () => h.admin('DELETE', `/v1.0/applications(appId='x''%20or%20''1''=''1')${q()}`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'FIC by a percent-encoded name ..%2Fcorpus-api-dev (IF-33)',
    send: () => h.admin('DELETE', `${ficPath}/..%2Fcorpus-api-dev${q()}`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'vault name with a percent-encoded traversal ..%2Fcorpus (IF-37, KV-4)',
    send: () => h.admin('PUT', `/admin/v1/vaults/..%2Fcorpus${q()}`, {}),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'vault name with a Cyrillic е look-alike (IF-37, KV-4)',
    send: () => h.admin('PUT', `/admin/v1/vaults/corpus-d%D0%B5v${q()}`, {}),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'vault role with SQL metacharacters (IF-37)',
    send: () =>
      h.admin('POST', `/admin/v1/vaults/corpus/roleAssignments${q()}`, {
        clientId: app.appId,
        role: "Key Vault Administrator' OR '1'='1",
      }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'issuer name with path traversal ../../etc (IF-36)',
    send: () =>
      h.admin('POST', '/admin/v1/issuers', {
        name: '../../etc',
        url: `${h.publicUrl}/issuers/etc`,
      }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'tenant domain with SQL metacharacters (IF-35)',
    send: () =>
      h.admin('POST', '/admin/v1/tenants', { displayName: 'x', domains: ["contoso.example'--"] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '?tenant= with SQL metacharacters (interfaces.md §4)',
    send: () =>
      h.admin('POST', `/v1.0/applications?tenant=${encodeURIComponent("' or 1=1--")}`, {
        displayName: 'x',
      }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
]

for (const { name, send, status, code } of cases) {
  test(`#9 item 4: admin API refuses ${name}`, async () => {
    const stored = readStoredState(h.databaseFile)
    assertGraphError(await send(), status, code)
    assertStateUnchanged(h.databaseFile, stored, name)
  })
}

test('#9 item 4, IF-30, IF-32: SQL metacharacters in every stored field are stored verbatim', async () => {
  const hostile = 'x\'); DROP TABLE applications;-- " \\ %_ \u0000?'
  const stored = readStoredState(h.databaseFile)
  const created = await h.admin('POST', `/v1.0/applications${q()}`, {
    displayName: hostile,
    identifierUris: [`api://x'--/${'%27'}`],
  })
  assert.equal(created.status, 201, created.text)
  const fic = await h.admin(
    'POST',
    `/v1.0/applications/${created.body.id}/federatedIdentityCredentials${q()}`,
    {
      name: 'sql-meta',
      issuer: `${h.issuerUrl}/x'--`,
      subject: hostile,
      description: hostile,
    },
  )
  assert.equal(fic.status, 201, fic.text)
  const read = await h.admin(
    'GET',
    `/v1.0/applications/${created.body.id}/federatedIdentityCredentials/sql-meta${q()}`,
  )
  assert.equal(read.body.subject, hostile)
  assert.equal(read.body.description, hostile)
  assert.equal(
    (await h.admin('GET', `/v1.0/applications/${created.body.id}${q()}`)).body.displayName,
    hostile,
  )
  assert.equal(rowsAdded(h.databaseFile, stored, 'applications').length, 1)
  assert.equal(rowsAdded(h.databaseFile, stored, 'federated_credentials').length, 1)
  assert.ok(readStoredState(h.databaseFile).applications, 'the applications table still exists')
})

test('#9 item 4: after the corpus the admin API still serves the bootstrap token (IF-31)', async () => {
  const listed = await h.admin('GET', `/v1.0/applications${q()}`)
  assert.equal(listed.status, 200, listed.text)
  assert.ok((listed.body.value as { appId: string }[]).some((a) => a.appId === app.appId))
})
