/** What an issued access token says about whom and what (sts.md §11). */
export interface AccessTokenSubject {
  issuer: string
  tenantId: string
  /** The resource id exactly as the scope named it (STS-52, wifkit choice for `aud`). */
  audience: string
  clientId: string
  principalId: string
  roles: readonly string[]
  /** `"2"` for an assertion, `"1"` for a secret. */
  azpacr: '1' | '2'
  capableOfCae: boolean
}

/** The payload of a v2 app-only access token; no `scp`, no user claims, no `jti` (sts.md §11). */
export function accessTokenClaims(
  subject: AccessTokenSubject,
  nowSeconds: number,
  lifetimeSeconds: number,
  uti: string,
): Record<string, unknown> {
  return {
    aud: subject.audience,
    iss: subject.issuer,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetimeSeconds,
    azp: subject.clientId,
    azpacr: subject.azpacr,
    idtyp: 'app',
    oid: subject.principalId,
    ...(subject.roles.length > 0 ? { roles: [...subject.roles] } : {}),
    sub: subject.principalId,
    tid: subject.tenantId,
    uti,
    ver: '2.0',
    ...(subject.capableOfCae ? { xms_cc: ['cp1'] } : {}),
  }
}

/**
 * The success body (sts.md §10): `expires_in` and `ext_expires_in` are integers; `refresh_in` is
 * half the lifetime when it is at least two hours (STS-123); grant B adds `issued_token_type`.
 */
export function tokenResponse(
  accessToken: string,
  lifetimeSeconds: number,
  issuedTokenType: string | undefined,
): Record<string, unknown> {
  return {
    token_type: 'Bearer',
    expires_in: lifetimeSeconds,
    ext_expires_in: lifetimeSeconds,
    ...(lifetimeSeconds >= 7200 ? { refresh_in: Math.floor(lifetimeSeconds / 2) } : {}),
    access_token: accessToken,
    ...(issuedTokenType ? { issued_token_type: issuedTokenType } : {}),
  }
}

/** Whether the CAE `claims` parameter asks for `xms_cc: cp1` (STS-55, STS-56); never throws. */
export function asksForCae(claims: string | undefined): boolean {
  if (claims === undefined) return false
  try {
    const parsed = JSON.parse(claims) as { access_token?: { xms_cc?: { values?: unknown } } }
    const values = parsed.access_token?.xms_cc?.values
    return Array.isArray(values) && values.includes('cp1')
  } catch {
    return false
  }
}
