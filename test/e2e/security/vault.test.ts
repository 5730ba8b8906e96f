// Issue #9 item 4, vault data plane: forged bearer tokens, hostile names, queries and bodies
// against one real server. Each must get its keyvault.md §9 error, change no stored state, and
// the vault must still serve the genuine secret afterwards.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { SignJWT, type JWK } from 'jose'
import { rsaKey, type IssuerKey } from '../../support/external_issuer.js'
import { assertStateUnchanged, readStoredState, rowsAdded } from '../../support/state_guard.js'
import {
  API_VERSION,
  assertVaultError,
  SECRETS_OFFICER,
  SECRETS_USER,
  VaultHarness,
  type Answer,
  type CallOptions,
} from '../resource/vault_http_harness.js'
import { signRawRs256, unsignedJwt } from './jwt_forgery.js'
import { assertNoInternals, deepJson, firstPublicKey } from './wire_checks.js'

const VAULT = 'corpus'
const V = `api-version=${API_VERSION}`

let h: VaultHarness
let tenantId: string
let officer: string
let reader: string
let backupBlob: string
/** A key of the attacker's own, never published by the STS. */
let attacker: IssuerKey

before(async () => {
  ;[h, attacker] = await Promise.all([VaultHarness.start(), rsaKey()])
  tenantId = await h.createTenant()
  await h.createVault(tenantId, VAULT)
  const [writer, user] = [
    await h.createWorkload(tenantId, 'corpus-writer'),
    await h.createWorkload(tenantId, 'corpus-reader'),
  ]
  await h.assignRole(VAULT, writer, SECRETS_OFFICER)
  await h.assignRole(VAULT, user, SECRETS_USER)
  officer = await h.accessToken(writer)
  reader = await h.accessToken(user)
  const put = await h.vault('PUT', VAULT, `/secrets/hello?${V}`, {
    token: officer,
    body: { value: 'world' },
  })
  assert.equal(put.status, 200, put.text)
  const backup = await h.vault('POST', VAULT, `/secrets/hello/backup?${V}`, { token: officer })
  backupBlob = backup.body.value as string
})

after(async () => {
  await h.close()
})

/** Claims of a vault access token (KV-16), for forgeries to copy. */
const vaultClaims = () => ({
  iss: `${h.publicUrl}/${tenantId}/v2.0`,
  aud: h.resource,
  tid: tenantId,
  ver: '2.0',
  oid: '00000000-0000-4000-8000-000000000001',
  iat: Math.floor(h.clock.nowMs() / 1000),
  exp: Math.floor(h.clock.nowMs() / 1000) + 3600,
})
const stsKey = async () => {
  const jwks = await h.call('GET', `${h.publicUrl}/${tenantId}/discovery/v2.0/keys`)
  return firstPublicKey(jwks.body as { keys: JWK[] })
}
const put = (path: string, body: unknown, options: CallOptions = {}) =>
  h.vault('PUT', VAULT, path, { token: officer, body, ...options })
const get = (path: string, options: CallOptions = {}) =>
  h.vault('GET', VAULT, path, { token: officer, ...options })
const withToken = (token: string) => get(`/secrets/hello/?${V}`, { token })

interface Case {
  name: string
  send: () => Promise<Answer>
  status: number
  code: string
  inner?: string
}
const unauthorized = { status: 401, code: 'Unauthorized' }
const badParameter = { status: 400, code: 'BadParameter' }

const cases: Case[] = [
  {
    name: 'a punycode look-alike vault host (KV-5)',
    send: () =>
      h.call('GET', `https://xn--crpus-4ve.vault.localhost:${h.port}/secrets?${V}`, {
        token: officer,
      }),
    status: 404,
    code: 'NotFound',
  },
  {
    name: 'a PUT with a body but no token (KV-10)',
    send: () => h.vault('PUT', VAULT, `/secrets/x?${V}`, { body: { value: 'v' } }),
    ...unauthorized,
  },
  {
    name: 'an alg none token (KV-16)',
    send: () => withToken(unsignedJwt(vaultClaims())),
    ...unauthorized,
  },
  {
    name: 'alg confusion: HS256 keyed with the STS public key PEM (KV-16)',
    send: async () => {
      const { kid, key } = await stsKey()
      const secret = new TextEncoder().encode(
        key.export({ format: 'pem', type: 'spki' }).toString(),
      )
      return withToken(
        await new SignJWT(vaultClaims()).setProtectedHeader({ alg: 'HS256', kid }).sign(secret),
      )
    },
    ...unauthorized,
  },
  {
    name: "an attacker's RS256 key under the STS kid (KV-16)",
    send: async () => {
      const { kid } = await stsKey()
      return withToken(
        signRawRs256(
          JSON.stringify({ alg: 'RS256', kid }),
          JSON.stringify(vaultClaims()),
          attacker.privateKey,
        ),
      )
    },
    ...unauthorized,
  },
  {
    name: 'a genuine token with a duplicated aud forged into its payload (KV-16)',
    send: async () => {
      const [header, payload, signature] = officer.split('.')
      const claims = Buffer.from(payload ?? '', 'base64url').toString()
      const forged = `{"aud":"api://other",${claims.slice(1)}`
      return withToken(`${header}.${Buffer.from(forged).toString('base64url')}.${signature}`)
    },
    ...unauthorized,
  },
  {
    name: 'the admin bootstrap token as a bearer (KV-16)',
    send: () => withToken(h.adminToken),
    ...unauthorized,
  },
  {
    name: 'the PoP scheme (KV-17)',
    send: () => get(`/secrets/hello/?${V}`, { authorization: `PoP ${officer}` }),
    ...unauthorized,
  },
  { name: 'no api-version (KV-31)', send: () => get('/secrets/hello/'), ...badParameter },
  {
    name: 'a double-encoded api%252Dversion name (KV-30, KV-31)',
    send: () => get('/secrets/hello/?api%252Dversion=7.5'),
    ...badParameter,
  },
  {
    name: 'api-version with a percent-encoded NUL (KV-31)',
    send: () => get('/secrets/hello/?api-version=7.5%00'),
    ...badParameter,
  },
  {
    name: 'api-version repeated, a traversal first (KV-31)',
    send: () => get('/secrets/hello/?api-version=..%2F7.5&api-version=7.5'),
    ...badParameter,
  },
  {
    name: 'api-version in bracket syntax api-version[]=7.5 (KV-31)',
    send: () => get('/secrets/hello/?api-version[]=7.5'),
    ...badParameter,
  },
  {
    name: 'a secret name with a percent-encoded traversal (KV-33)',
    send: () => put(`/secrets/..%2F..%2Fdeletedsecrets%2Fhello?${V}`, { value: 'v' }),
    ...badParameter,
  },
  {
    name: 'a secret name with SQL metacharacters (KV-33)',
    send: () => put(`/secrets/x'%20OR%20'1'%3D'1?${V}`, { value: 'v' }),
    ...badParameter,
  },
  {
    name: 'a secret name with a Cyrillic е look-alike (KV-33)',
    send: () => put(`/secrets/h%D0%B5llo?${V}`, { value: 'v' }),
    ...badParameter,
  },
  {
    name: 'a secret name of 128 characters (KV-33)',
    send: () => put(`/secrets/${'a'.repeat(128)}?${V}`, { value: 'v' }),
    ...badParameter,
  },
  {
    name: 'a secret name with a percent-encoded NUL (KV-33)',
    send: () => h.vault('DELETE', VAULT, `/secrets/hello%00?${V}`, { token: officer }),
    ...badParameter,
  },
  {
    name: 'a value smuggled through __proto__ (KV-32: value missing)',
    send: () => put(`/secrets/hello?${V}`, '{"__proto__":{"value":"polluted"}}'),
    ...badParameter,
  },
  {
    name: 'tags with a __proto__ object (KV-40)',
    send: () => put(`/secrets/hello?${V}`, '{"value":"v","tags":{"__proto__":{"env":"prod"}}}'),
    ...badParameter,
  },
  {
    name: 'tags with a number value (KV-40)',
    send: () => put(`/secrets/hello?${V}`, { value: 'v', tags: { env: 1 } }),
    ...badParameter,
  },
  {
    name: 'a value over 25 KiB (KV-40)',
    send: () => put(`/secrets/hello?${V}`, { value: 'x'.repeat(26 * 1024) }),
    ...badParameter,
  },
  {
    name: 'a body that is not JSON (KV-32)',
    send: () => put(`/secrets/hello?${V}`, '{"value":'),
    ...badParameter,
  },
  {
    name: 'a form-encoded body (KV-32)',
    send: () =>
      put(`/secrets/hello?${V}`, 'value=v', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ...badParameter,
  },
  {
    name: 'attributes.exp as a string (KV-36)',
    send: () => put(`/secrets/hello?${V}`, { value: 'v', attributes: { exp: 'tomorrow' } }),
    ...badParameter,
  },
  {
    name: 'attributes.exp = 1e309 (KV-36)',
    send: () => put(`/secrets/hello?${V}`, '{"value":"v","attributes":{"exp":1e309}}'),
    ...badParameter,
  },
  {
    name: 'attributes.enabled as the string "false" (§6 R1)',
    send: () => put(`/secrets/hello?${V}`, { value: 'v', attributes: { enabled: 'false' } }),
    ...badParameter,
  },
  {
    name: 'JSON nested 10,000 deep (limits: tighten after issue #9 limits land)',
    send: () => put(`/secrets/hello?${V}`, `{"value":"v","tags":${deepJson(10_000)}}`),
    ...badParameter,
  },
  {
    name: 'maxresults = 1e309 (KV-60)',
    send: () => get(`/secrets?${V}&maxresults=1e309`),
    ...badParameter,
  },
  {
    name: 'maxresults in hex 0x10 (KV-60)',
    send: () => get(`/secrets?${V}&maxresults=0x10`),
    ...badParameter,
  },
  {
    name: 'maxresults negative (KV-60)',
    send: () => get(`/secrets?${V}&maxresults=-1`),
    ...badParameter,
  },
  {
    name: 'a $skiptoken with SQL metacharacters (KV-63)',
    send: () => get(`/secrets?${V}&$skiptoken=${encodeURIComponent("' OR 1=1--")}`),
    ...badParameter,
  },
  {
    name: 'a forged restore blob (KV-53)',
    send: () =>
      h.vault('POST', VAULT, `/secrets/restore?${V}`, {
        token: officer,
        body: { value: `${backupBlob.slice(0, -8)}AAAAAAAA` },
      }),
    ...badParameter,
  },
  {
    name: 'a Secrets User writing (KV-20)',
    send: () => put(`/secrets/hello?${V}`, { value: 'v' }, { token: reader }),
    status: 403,
    code: 'Forbidden',
    inner: 'ForbiddenByRbac',
  },
]

for (const { name, send, status, code, inner } of cases) {
  test(`#9 item 4: vault refuses ${name}`, async () => {
    const stored = readStoredState(h.databaseFile)
    const answer = await send()
    assertVaultError(answer, status, code, undefined, inner)
    if (status === 401) assert.equal(answer.headers.get('www-authenticate'), h.challenge(tenantId))
    assertNoInternals(answer)
    assert.ok(!answer.text.includes('world'), 'no secret value in an error')
    assertStateUnchanged(h.databaseFile, stored, name)
  })
}

test('#9 item 4, KV-33: SQL metacharacters in every stored secret field are stored verbatim', async () => {
  const hostile = '\'); DROP TABLE secret_versions;-- " \\ %_ \u0000'
  const stored = readStoredState(h.databaseFile)
  const body = { value: hostile, contentType: hostile, tags: { [hostile]: hostile } }
  const written = await put(`/secrets/sql-meta?${V}`, body)
  assert.equal(written.status, 200, written.text)
  const read = await get(`/secrets/sql-meta/?${V}`)
  assert.equal(read.body.value, hostile)
  assert.equal(read.body.contentType, hostile)
  assert.deepEqual(read.body.tags, { [hostile]: hostile })
  assert.equal(rowsAdded(h.databaseFile, stored, 'secret_versions').length, 1)
  assert.equal(rowsAdded(h.databaseFile, stored, 'secrets').length, 1)
})

test('#9 item 4: after the corpus the vault still serves the genuine secret (KV R2)', async () => {
  const read = await get(`/secrets/hello/?${V}`)
  assert.equal(read.status, 200, read.text)
  assert.equal(read.body.value, 'world')
})
