// The `claims` form field (sts.md §5.5, CL-52): the CAE capability `cp1` when the caller enables
// CAE, merged with a resource's claims challenge when there is one.

const CP1 = { xms_cc: { values: ['cp1'] } }

// Its own copy of util's isObject: the SDK loads nothing outside src/sdk (IF-70).
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The `claims` value to send, or undefined for none. A challenge that is not a JSON object is sent
 * as given: the STS accepts any value (STS-55), and rewriting it would lose what the resource asked.
 */
export function requestClaims(
  enableCae: boolean,
  challenge: string | undefined,
): string | undefined {
  if (!enableCae) return challenge
  if (challenge === undefined) return JSON.stringify({ access_token: CP1 })
  let parsed: unknown
  try {
    parsed = JSON.parse(challenge)
  } catch {
    return challenge
  }
  if (!isObject(parsed)) return challenge
  const accessToken = isObject(parsed.access_token) ? parsed.access_token : {}
  return JSON.stringify({ ...parsed, access_token: { ...accessToken, ...CP1 } })
}
