// Forged bearer tokens for the admin API attack corpus (issue #9 item 4): each must get 401
// `InvalidAuthenticationToken` (interfaces.md §4). admin_api.test.ts runs them with the rest.
import { SignJWT, type JWK } from 'jose'
import type { AdminCase, AdminCorpus } from './admin_api_cases.js'
import { signRawRs256, unsignedJwt } from './jwt_forgery.js'
import { firstPublicKey } from './wire_checks.js'

/** Requests whose Authorization is missing, empty, unsigned, forged or ambiguous. */
export function forgedAdminTokens(c: AdminCorpus): AdminCase[] {
  const q = () => `?tenant=${c.tenantId}`
  const adminClaims = () => ({
    iss: `${c.h.publicUrl}/${c.tenantId}/v2.0`,
    aud: 'api://wifkit-admin',
    tid: c.tenantId,
    ver: '2.0',
    azp: c.app.appId,
    roles: ['Application.ReadWrite.All'],
    iat: Math.floor(c.h.clock.nowMs() / 1000),
    exp: Math.floor(c.h.clock.nowMs() / 1000) + 3600,
  })
  const stsKey = async () => {
    const jwks = await c.h.call('GET', `${c.h.publicUrl}/${c.tenantId}/discovery/v2.0/keys`)
    return firstPublicKey(jwks.body as { keys: JWK[] })
  }
  const withToken = (token: string) =>
    c.h.admin('POST', `/v1.0/applications${q()}`, { displayName: 'x' }, { token })

  return [
    {
      name: 'no Authorization header (interfaces.md §4: 401)',
      send: () =>
        c.h.call('POST', `${c.h.adminUrl}/v1.0/applications${q()}`, { body: { displayName: 'x' } }),
      status: 401,
      code: 'InvalidAuthenticationToken',
    },
    {
      name: 'an empty Authorization header',
      send: () =>
        c.h.admin('POST', `/v1.0/applications${q()}`, { displayName: 'x' }, { authorization: '' }),
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
            c.attacker.privateKey,
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
          jwk: { kty: 'RSA', n: c.attacker.jwk.n, e: c.attacker.jwk.e },
        })
        return withToken(signRawRs256(header, JSON.stringify(adminClaims()), c.attacker.privateKey))
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
        c.h.admin(
          'POST',
          `/v1.0/applications${q()}`,
          { displayName: 'x' },
          { authorization: `Bearer x, Bearer ${c.h.adminToken}` },
        ),
      status: 401,
      code: 'InvalidAuthenticationToken',
    },
  ]
}
