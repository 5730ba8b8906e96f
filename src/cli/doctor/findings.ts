/** One line of the doctor's report (IF-56): what was checked, on what, and what was seen. */
export interface Finding {
  check: string
  target: string
  ok: boolean
  detail: string
}

/**
 * Beyond this the workload's token looks issued in the future or already old to a verifier:
 * Entra and wifkit's STS allow about 5 minutes of skew, so a minute is a warning sign worth a
 * failing check before tokens start failing intermittently.
 */
export const MAX_CLOCK_SKEW_SECONDS = 60

/**
 * ISS-1/ISS-3 and what Entra does with a federated credential's issuer: the discovery document's
 * `issuer` must be byte-for-byte the configured issuer, and `jwks_uri` must be an https URL.
 */
export function judgeDiscovery(
  target: string,
  expectedIssuer: string,
  document: unknown,
): Finding[] {
  const doc = (typeof document === 'object' && document !== null ? document : {}) as Record<
    string,
    unknown
  >
  const issuer = doc.issuer
  const jwksUri = doc.jwks_uri
  return [
    {
      check: 'discovery issuer',
      target,
      ok: issuer === expectedIssuer,
      detail:
        issuer === expectedIssuer
          ? `equals ${expectedIssuer}`
          : `is ${JSON.stringify(issuer)}, configured ${JSON.stringify(expectedIssuer)}; federated credentials and verifiers compare them exactly`,
    },
    {
      check: 'jwks_uri',
      target,
      ok: typeof jwksUri === 'string' && jwksUri.startsWith('https://'),
      detail:
        typeof jwksUri === 'string'
          ? jwksUri.startsWith('https://')
            ? jwksUri
            : `${jwksUri} is not https; Entra and MSAL refuse it`
          : 'missing from the discovery document',
    },
  ]
}

/** The kids of a JWKS document, or undefined when it is not one. */
export function jwksKids(document: unknown): string[] | undefined {
  const keys = (document as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) return undefined
  return keys.map((k) => (k as { kid?: unknown }).kid).filter((k) => typeof k === 'string')
}

/**
 * Clock skew between this machine and the server, from a token's `iat` (whole seconds, taken by
 * the server while answering) against the middle of the request as seen here.
 */
export function judgeSkew(
  target: string,
  serverIat: number,
  sentAtMs: number,
  receivedAtMs: number,
): Finding {
  const localSeconds = (sentAtMs + receivedAtMs) / 2000
  // iat is truncated to the second, so up to a second of difference is resolution, not skew.
  const skew = Math.round(serverIat + 0.5 - localSeconds)
  const ok = Math.abs(skew) <= MAX_CLOCK_SKEW_SECONDS
  return {
    check: 'clock skew',
    target,
    ok,
    detail: ok
      ? `${skew} s (within ±${MAX_CLOCK_SKEW_SECONDS} s)`
      : `${skew} s: the server's clock is ${skew > 0 ? 'ahead of' : 'behind'} this machine's by more than ${MAX_CLOCK_SKEW_SECONDS} s; run NTP on both`,
  }
}

/** The STS issuer of a tenant (STS-11): `{authority}/{tenant}/v2.0`. */
export function stsIssuerOf(authority: string, tenantId: string): string {
  return `${authority.replace(/\/+$/, '')}/${tenantId}/v2.0`
}

/** The one-line summary that ends the human report. */
export function summary(findings: readonly Finding[]): string {
  const failed = findings.filter((f) => !f.ok).length
  return `${findings.length} checks, ${failed} failed`
}
