/** What a grant extracted from the form: the external JWT and how the success body differs. */
export interface PresentedCredential {
  /** The external JWT: `client_assertion` (grant A) or `subject_token` (grant B). */
  assertion: string | undefined
  /** A client secret (grant A only); wifkit stores none, so it always fails row 13s. */
  secret: string | undefined
  /** RFC 8693 §2.2.1: grant B answers with `issued_token_type`. */
  issuedTokenType: string | undefined
}

/** One grant type of the token endpoint (STYLE.md §2.7): its name, parameters and checks. */
export interface Grant {
  grantType: string
  /** Parameters this grant reads; with the common ones they form the repeat check of row 5. */
  parameters: readonly string[]
  /** Rows 9a–9e: the grant's own parameter checks, throwing `EntraError`. */
  credential(form: URLSearchParams): PresentedCredential
}

/**
 * A parameter's value, treating one sent without a value as omitted (RFC 6749 §3.1), as every
 * row of sts.md §7 reads parameters.
 */
export function parameter(form: URLSearchParams, name: string): string | undefined {
  const value = form.get(name)
  return value === null || value === '' ? undefined : value
}
