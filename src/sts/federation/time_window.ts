import { EntraError, say } from '../../errors/index.js'

/** The time claims rows 24 and 25 read, in NumericDate seconds. */
export interface AssertionTimes {
  exp: number
  nbf?: number
  iat?: number
}

/** How lenient the time checks are. */
export interface TimeWindowOptions {
  /** Clock skew allowed on both ends (row 24; Entra's own value is unverified). */
  skewSeconds: number
  /** The longest `exp` − (`iat` or `nbf`) accepted (row 25; 25 h after one report on Entra). */
  maxAssertionLifetimeSeconds: number
}

/** The defaults of sts.md §7: 300 s of skew and a 25-hour maximum lifetime. */
export const DEFAULT_TIME_WINDOW: Readonly<TimeWindowOptions> = Object.freeze({
  skewSeconds: 300,
  maxAssertionLifetimeSeconds: 90_000,
})

/**
 * Rows 24 and 25, in that order: `nbf` − skew ≤ now < `exp` + skew, then `exp` − (`iat` or
 * `nbf`) ≤ the maximum lifetime. Without `iat` and `nbf` the lifetime is measured from now, so a
 * token with neither cannot stay valid for longer than the maximum (wifkit choice). The private
 * detail says by how much a bound was missed.
 */
export function checkTimeWindow(
  claims: AssertionTimes,
  nowSeconds: number,
  options: TimeWindowOptions = DEFAULT_TIME_WINDOW,
): void {
  const { exp, nbf, iat } = claims
  const { skewSeconds, maxAssertionLifetimeSeconds } = options
  const outside = (detail: string) =>
    new EntraError(
      'assertionOutsideTimeWindow',
      say.assertionOutsideTimeWindow(nowSeconds, nbf ?? iat, exp),
      { detail },
    )
  if (nbf !== undefined && nowSeconds < nbf - skewSeconds) {
    throw outside(
      `assertion is not valid for another ${nbf - nowSeconds} s (skew ${skewSeconds} s)`,
    )
  }
  if (nowSeconds >= exp + skewSeconds) {
    throw outside(`assertion expired ${nowSeconds - exp} s ago (skew ${skewSeconds} s)`)
  }
  const start = iat ?? nbf ?? nowSeconds
  const lifetimeSeconds = exp - start
  if (lifetimeSeconds > maxAssertionLifetimeSeconds) {
    throw new EntraError(
      'assertionLifetimeTooLong',
      say.assertionLifetimeTooLong(lifetimeSeconds, maxAssertionLifetimeSeconds),
      {
        detail:
          `exp − ${iat !== undefined ? 'iat' : nbf !== undefined ? 'nbf' : 'now'} is ` +
          `${lifetimeSeconds} s, more than ${maxAssertionLifetimeSeconds} s`,
      },
    )
  }
}
