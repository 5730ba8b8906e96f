import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { ADMIN_API_AUDIENCE, type AdminTokenVerifier } from '../admin/index.js'
import type { KeyService, RotationPolicy } from '../keys/index.js'
import type { Store } from '../store/index.js'
import type { Clock } from '../util/index.js'
import { stsIssuer } from './discovery.js'
import { STS_KEY_OWNER } from './token_service.js'

/**
 * Accepts wifkit's own access tokens for the admin API (interfaces.md §4), checked as any
 * resource server checks them (STS-130…STS-133): RS256 by a published STS key, `aud` the admin
 * API, `iss` the issuer of the tenant named by `tid`, `ver` 2.0, within 300 s of skew.
 */
export function adminTokenVerifier(
  store: Store,
  keys: KeyService,
  authority: string,
  policy: () => RotationPolicy,
  clock: Clock,
): AdminTokenVerifier {
  return async (token) => {
    let payload: Record<string, unknown>
    try {
      const jwks: JSONWebKeySet = { keys: await keys.publishedJwks(STS_KEY_OWNER, policy()) }
      ;({ payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
        algorithms: ['RS256'],
        audience: ADMIN_API_AUDIENCE,
        clockTolerance: 300,
        currentDate: new Date(clock.nowMs()),
      }))
    } catch {
      return undefined
    }
    const tid = payload.tid
    if (typeof tid !== 'string' || payload.ver !== '2.0') return undefined
    const tenant = await store.directory.tenant(tid)
    if (!tenant || tenant.id !== tid || payload.iss !== stsIssuer(authority, tid)) return undefined
    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((r) => typeof r === 'string')
      : []
    return { tenantId: tid, clientId: String(payload.azp), roles }
  }
}
