// The token endpoint's success body (sts.md §10, CL-30…CL-35) and its AccessToken projection.

/** The raw success body, as {@link getAccessToken} returns it. */
export interface TokenResponse {
  token_type: 'Bearer'
  access_token: string
  /** Seconds until the token expires, counted from when the answer arrived. */
  expires_in: number
  ext_expires_in?: number
  /** Seconds after which a client should renew early (STS-123). */
  refresh_in?: number
  /** Set for a token-exchange grant only (STS-41). */
  issued_token_type?: string
}

/** The `AccessToken` shape of `@azure/core-auth`. */
export interface AccessToken {
  token: string
  expiresOnTimestamp: number
  refreshAfterTimestamp?: number
  tokenType: 'Bearer'
}

function seconds(value: unknown): number | undefined {
  // CL-31: an integer, though a numeric string also works with MSAL.
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined
}

/** Checks a 200 body; returns the reason it is unusable, or the typed response. */
export function parseTokenResponse(body: unknown): TokenResponse | string {
  if (typeof body !== 'object' || body === null) return 'the token response is not a JSON object'
  const b = body as Record<string, unknown>
  if (typeof b.access_token !== 'string' || b.access_token === '') {
    return 'the token response has no access_token'
  }
  const expiresIn = seconds(b.expires_in)
  if (expiresIn === undefined) return 'the token response has no integer expires_in'
  // CL-33: a missing type means Bearer; anything else (pop) cannot be used as a bearer token.
  // Not String(): it throws for an object whose `toString` member is no function (issue #9).
  const type = typeof b.token_type === 'string' ? b.token_type : JSON.stringify(b.token_type)
  if (b.token_type !== undefined && type.toLowerCase() !== 'bearer') {
    return `the token type '${type}' is not Bearer`
  }
  const refreshIn = seconds(b.refresh_in)
  const extExpiresIn = seconds(b.ext_expires_in)
  return {
    token_type: 'Bearer',
    access_token: b.access_token,
    expires_in: expiresIn,
    ...(extExpiresIn === undefined ? {} : { ext_expires_in: extExpiresIn }),
    ...(refreshIn === undefined ? {} : { refresh_in: refreshIn }),
    ...(typeof b.issued_token_type === 'string' ? { issued_token_type: b.issued_token_type } : {}),
  }
}

/** Projects a response received at `receivedAtMs` onto core-auth's `AccessToken` (CL-34). */
export function toAccessToken(response: TokenResponse, receivedAtMs: number): AccessToken {
  return {
    token: response.access_token,
    expiresOnTimestamp: receivedAtMs + response.expires_in * 1000,
    ...(response.refresh_in === undefined
      ? {}
      : { refreshAfterTimestamp: receivedAtMs + response.refresh_in * 1000 }),
    tokenType: 'Bearer',
  }
}
