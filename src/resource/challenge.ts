import { KeyVaultError } from '../errors/index.js'

/**
 * KV-11…KV-14: exactly `Bearer authorization="<authority>/<tenant>", resource="<resource>"`, one
 * space after the comma and double-quoted values, which is all the SDK's parser accepts.
 */
export function challengeHeader(authority: string, tenantId: string, resource: string): string {
  return `Bearer authorization="${authority.replace(/\/+$/, '')}/${tenantId}", resource="${resource}"`
}

/** Where a vault's tokens come from and what they must name. */
export interface ChallengeTarget {
  authority: string
  tenantId: string
  resource: string
}

/** A 401 `Unauthorized` carrying the challenge (KV-15, KV-16). */
export function unauthorized(
  target: ChallengeTarget,
  message: string,
  detail?: string,
): KeyVaultError {
  return new KeyVaultError(401, 'Unauthorized', message, {
    headers: {
      'www-authenticate': challengeHeader(target.authority, target.tenantId, target.resource),
    },
    ...(detail === undefined ? {} : { detail }),
  })
}

/** KV-15's body for a request without a token. */
export const MISSING_TOKEN = 'AKV10000: Request is missing a Bearer or PoP token.'
