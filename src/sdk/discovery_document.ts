// Checks a tenant discovery document the way msal-node does (CL-11, CL-12, CL-14), so that what
// works with wifkit's SDK also works with Microsoft's.

/** The four members MSAL tests with a has-own-property check (CL-11). */
const REQUIRED = ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri'] as const

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port
}

/**
 * The token endpoint of a discovery document fetched for `authority` and `tenant`, or the reason
 * the document is unusable. `{tenant}` and `{tenantid}` placeholders are filled in (CL-14); the
 * endpoint is otherwise taken as given, whatever its host or path.
 */
export function tokenEndpointOf(
  document: unknown,
  authority: string,
  tenant: string,
): { tokenEndpoint: string } | { problem: string } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { problem: 'the discovery document is not a JSON object' }
  }
  const doc = document as Record<string, unknown>
  const missing = REQUIRED.filter((m) => !Object.hasOwn(doc, m) || typeof doc[m] !== 'string')
  if (missing.length > 0) return { problem: `the discovery document lacks ${missing.join(', ')}` }
  // CL-12: the issuer's scheme, host and port equal the authority's; its path may differ.
  let issuer: URL
  try {
    issuer = new URL(doc.issuer as string)
  } catch {
    return { problem: `the discovery issuer '${String(doc.issuer)}' is not a URL` }
  }
  if (!sameOrigin(issuer, new URL(authority))) {
    return { problem: `the discovery issuer '${issuer.href}' is not on the authority's host` }
  }
  const tokenEndpoint = (doc.token_endpoint as string).replace(/\{tenant(id)?\}/g, tenant)
  return { tokenEndpoint }
}
