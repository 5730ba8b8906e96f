// The vault attack corpus (issue #9 item 4): forged bearer tokens, hostile hosts, names, queries
// and bodies, each with the keyvault.md §9 status and code it must get. vault.test.ts runs the
// table against one server.
import { SignJWT, type JWK } from 'jose'
import type { IssuerKey } from '../../support/external_issuer.js'
import {
  API_VERSION,
  type Answer,
  type CallOptions,
  type VaultHarness,
} from '../resource/vault_http_harness.js'
import { signRawRs256, unsignedJwt } from './jwt_forgery.js'
import { deepJson, firstPublicKey } from './wire_checks.js'

export const VAULT = 'corpus'
const V = `api-version=${API_VERSION}`

/** The server, tokens and backup the cases use; filled in by the test file's `before`. */
export interface VaultCorpus {
  h: VaultHarness
  tenantId: string
  /** An access token with Key Vault Secrets Officer on the vault. */
  officer: string
  /** An access token with Key Vault Secrets User on the vault. */
  reader: string
  /** A genuine backup of `hello` (KV-53). */
  backupBlob: string
  /** A key of the attacker's own, never published by the STS. */
  attacker: IssuerKey
}

export interface VaultCase {
  name: string
  send: () => Promise<Answer>
  status: number
  code: string
  inner?: string
}

/** The vault corpus: each request and the keyvault.md §9 status and code it must get. */
export function vaultCases(c: VaultCorpus): VaultCase[] {
  /** Claims of a vault access token (KV-16), for forgeries to copy. */
  const vaultClaims = () => ({
    iss: `${c.h.publicUrl}/${c.tenantId}/v2.0`,
    aud: c.h.resource,
    tid: c.tenantId,
    ver: '2.0',
    oid: '00000000-0000-4000-8000-000000000001',
    iat: Math.floor(c.h.clock.nowMs() / 1000),
    exp: Math.floor(c.h.clock.nowMs() / 1000) + 3600,
  })
  const stsKey = async () => {
    const jwks = await c.h.call('GET', `${c.h.publicUrl}/${c.tenantId}/discovery/v2.0/keys`)
    return firstPublicKey(jwks.body as { keys: JWK[] })
  }
  const put = (path: string, body: unknown, options: CallOptions = {}) =>
    c.h.vault('PUT', VAULT, path, { token: c.officer, body, ...options })
  const get = (path: string, options: CallOptions = {}) =>
    c.h.vault('GET', VAULT, path, { token: c.officer, ...options })
  const withToken = (token: string) => get(`/secrets/hello/?${V}`, { token })
  const unauthorized = { status: 401, code: 'Unauthorized' }
  const badParameter = { status: 400, code: 'BadParameter' }

  return [
    {
      name: 'a punycode look-alike vault host (KV-5)',
      send: () =>
        c.h.call('GET', `https://xn--crpus-4ve.vault.localhost:${c.h.port}/secrets?${V}`, {
          token: c.officer,
        }),
      status: 404,
      code: 'NotFound',
    },
    {
      name: 'a PUT with a body but no token (KV-10)',
      send: () => c.h.vault('PUT', VAULT, `/secrets/x?${V}`, { body: { value: 'v' } }),
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
      name: "an c.attacker's RS256 key under the STS kid (KV-16)",
      send: async () => {
        const { kid } = await stsKey()
        return withToken(
          signRawRs256(
            JSON.stringify({ alg: 'RS256', kid }),
            JSON.stringify(vaultClaims()),
            c.attacker.privateKey,
          ),
        )
      },
      ...unauthorized,
    },
    {
      name: 'a genuine token with a duplicated aud forged into its payload (KV-16)',
      send: async () => {
        const [header, payload, signature] = c.officer.split('.')
        const claims = Buffer.from(payload ?? '', 'base64url').toString()
        const forged = `{"aud":"api://other",${claims.slice(1)}`
        return withToken(`${header}.${Buffer.from(forged).toString('base64url')}.${signature}`)
      },
      ...unauthorized,
    },
    {
      name: 'the admin bootstrap token as a bearer (KV-16)',
      send: () => withToken(c.h.adminToken),
      ...unauthorized,
    },
    {
      name: 'the PoP scheme (KV-17)',
      send: () => get(`/secrets/hello/?${V}`, { authorization: `PoP ${c.officer}` }),
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
      send: () => c.h.vault('DELETE', VAULT, `/secrets/hello%00?${V}`, { token: c.officer }),
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
      name: 'JSON nested 10,000 deep, past limits.maxJsonDepth (issue #9 item 1)',
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
        c.h.vault('POST', VAULT, `/secrets/restore?${V}`, {
          token: c.officer,
          body: { value: `${c.backupBlob.slice(0, -8)}AAAAAAAA` },
        }),
      ...badParameter,
    },
    {
      name: 'a Secrets User writing (KV-20)',
      send: () => put(`/secrets/hello?${V}`, { value: 'v' }, { token: c.reader }),
      status: 403,
      code: 'Forbidden',
      inner: 'ForbiddenByRbac',
    },
  ]
}
