import { createLocalJWKSet, errors, jwtVerify, type JWK, type JWTPayload } from 'jose'
import type { KeyVaultError } from '../errors/index.js'
import { MISSING_TOKEN, unauthorized, type ChallengeTarget } from './challenge.js'

/** KV-16: Key Vault's tolerance for clock skew. */
const SKEW_SECONDS = 300

/** What a vault needs to check a bearer token (STS-130…STS-133). */
export interface BearerCheck extends ChallengeTarget {
  /** The issuer the vault's tenant signs as: `A/<tid>/v2.0`. */
  issuer: string
  /** The resource id and, when known, the resource application's appId. */
  audiences: readonly string[]
  /** The STS's published keys. */
  keys: readonly JWK[]
  nowMs: number
}

/** The caller a valid token names. */
export interface BearerPrincipal {
  objectId: string
  clientId: string
}

/** The token of an `Authorization` header: only the Bearer scheme, any case (KV-17). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer +(\S+)\s*$/i.exec(header)
  return match?.[1]
}

function failure(check: BearerCheck, error: unknown): KeyVaultError {
  if (error instanceof errors.JWTExpired) return unauthorized(check, 'AKV10022: Token expired.')
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
    return unauthorized(check, 'AKV10022: Token not yet valid.')
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey
  ) {
    return unauthorized(check, 'AKV10032: Invalid token signature.')
  }
  return unauthorized(check, 'AKV10002: Invalid token.', (error as Error).message)
}

function claim(payload: JWTPayload, name: string): string {
  const value = payload[name]
  return typeof value === 'string'
    ? value
    : typeof value === 'undefined'
      ? '(none)'
      : JSON.stringify(value)
}

/**
 * Checks a vault request's bearer token as a resource server must (KV-10, KV-16, KV-17): present,
 * RS256 by an STS key, then audience, issuer and tenant, each failure naming what differed.
 */
export async function verifyBearer(
  header: string | undefined,
  check: BearerCheck,
): Promise<BearerPrincipal> {
  const token = bearerToken(header)
  if (token === undefined) throw unauthorized(check, MISSING_TOKEN)
  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: [...check.keys] }), {
      algorithms: ['RS256'],
      clockTolerance: SKEW_SECONDS,
      currentDate: new Date(check.nowMs),
    }))
  } catch (error) {
    throw failure(check, error)
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!aud.some((a) => typeof a === 'string' && check.audiences.includes(a))) {
    throw unauthorized(
      check,
      `AKV10022: Invalid audience. Expected ${check.resource}, found: ${claim(payload, 'aud')}.`,
    )
  }
  if (payload.iss !== check.issuer) {
    throw unauthorized(
      check,
      `AKV10032: Invalid issuer. Expected ${check.issuer}, found: ${claim(payload, 'iss')}.`,
    )
  }
  if (payload.tid !== check.tenantId) {
    throw unauthorized(
      check,
      `AKV10032: Invalid tenant. Expected ${check.tenantId}, found: ${claim(payload, 'tid')}.`,
    )
  }
  const objectId = payload.oid
  if (typeof objectId !== 'string')
    throw unauthorized(check, 'AKV10002: The token has no oid claim.')
  return { objectId, clientId: claim(payload, 'azp') }
}
