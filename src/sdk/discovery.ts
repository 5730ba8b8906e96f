// Tenant discovery (workload.md §6 step 3): one GET per credential and tenant, its failures
// reported as "unavailable" (CL-13) so that a credential chain moves on.
import { tokenEndpointOf } from './discovery_document.js'
import { CredentialUnavailableError } from './errors.js'
import { requestSignal, type FetchFunction } from './transport.js'

function unavailable(url: string, problem: string, cause?: unknown): CredentialUnavailableError {
  return new CredentialUnavailableError(
    'discovery_failed',
    `discovery at ${url} failed: ${problem}`,
    {
      cause,
    },
  )
}

/** Fetches `{authority}/v2.0/.well-known/openid-configuration` and returns its token endpoint. */
export async function discoverTokenEndpoint(
  authority: string,
  tenant: string,
  fetch: FetchFunction,
): Promise<string> {
  const url = `${authority}/v2.0/.well-known/openid-configuration`
  let document: unknown
  try {
    // No redirects: the document must come from the authority itself (STYLE.md §2.8).
    const init = { headers: { accept: 'application/json' }, redirect: 'error' as const }
    const response = await fetch(url, { ...init, signal: requestSignal(undefined) })
    const text = await response.text()
    if (response.status !== 200) throw unavailable(url, `HTTP ${response.status}`)
    document = JSON.parse(text)
  } catch (error) {
    if (error instanceof CredentialUnavailableError) throw error
    throw unavailable(url, error instanceof Error ? error.message : String(error), error)
  }
  const result = tokenEndpointOf(document, authority, tenant)
  if ('problem' in result) throw unavailable(url, result.problem)
  return result.tokenEndpoint
}
