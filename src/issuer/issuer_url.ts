/** Problems and warnings found in an issuer URL. */
export interface IssuerUrlReport {
  problems: string[]
  warnings: string[]
}

/**
 * Checks an issuer URL against ISS-1 (https, absolute, no userinfo, query or fragment, at most 600
 * characters, no surrounding whitespace) and ISS-3 (lower-case host, no explicit :443). The string
 * itself is never rewritten (ISS-2): callers store exactly what was given.
 */
export function checkIssuerUrl(value: string): IssuerUrlReport {
  const problems: string[] = []
  const warnings: string[] = []
  if (value !== value.trim()) problems.push('must not have leading or trailing whitespace')
  // The WHATWG parser repairs `https:host`, `https:///host` and `https://@host` silently; the
  // issuer is an identity compared byte for byte (ISS-2), so the written form itself must be clean.
  if (!/^https:\/\/[^/@?#\\]/i.test(value) && /^https:/i.test(value)) {
    problems.push('must start with https:// followed by the host')
  }
  if (/[\s\x00-\x1f\x7f]/.test(value.trim()))
    problems.push('must not contain whitespace or control characters')
  if (value.length > 600) problems.push(`must be at most 600 characters (got ${value.length})`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return { problems: [...problems, `must be an absolute URL (got "${value}")`], warnings }
  }
  if (url.protocol !== 'https:') problems.push(`must use https (got ${url.protocol.slice(0, -1)})`)
  if (url.username || url.password) problems.push('must not contain user information')
  if (url.search || value.includes('?')) problems.push('must not contain a query')
  if (url.hash || value.includes('#')) problems.push('must not contain a fragment')
  const authority = value.slice(value.indexOf('//') + 2).split('/')[0] ?? ''
  if (authority !== authority.toLowerCase()) warnings.push('the host should be lower-case (ISS-3)')
  if (authority.endsWith(':443'))
    warnings.push('the host should not carry an explicit :443 (ISS-3)')
  return { problems, warnings }
}

/** The issuer with one trailing '/' removed: the base of the well-known paths (ISS-5, ISS-52). */
export function issuerBase(issuer: string): string {
  return issuer.endsWith('/') ? issuer.slice(0, -1) : issuer
}

/** `{issuer}/.well-known/openid-configuration` per ISS-5. */
export function discoveryUrl(issuer: string): string {
  return `${issuerBase(issuer)}/.well-known/openid-configuration`
}

/** The JWKS location: the configured override verbatim, else derived (ISS-52). */
export function jwksUrl(issuer: string, override: string | null): string {
  return override ?? `${issuerBase(issuer)}/openid/v1/jwks`
}
