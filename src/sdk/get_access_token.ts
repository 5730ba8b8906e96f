// IF-72: the raw token response for code that does not use the Azure SDK.
import { resolveIdentity, type IdentityOptions } from './options.js'
import { StsClient } from './sts_client.js'
import type { TokenResponse } from './token_response.js'
import { transportOf, type TransportOptions } from './transport.js'

/** What to ask for, plus the credential options (each defaulting to its AZURE_* variable). */
export interface GetAccessTokenOptions extends IdentityOptions, TransportOptions {
  /** One scope, e.g. `https://vault.example.com/.default`, or several (sent space-separated). */
  scope: string | readonly string[]
  /** Sent as the `claims` form field (sts.md §5.5). */
  claims?: string
  abortSignal?: AbortSignal
}

/**
 * Performs discovery and one token request, with the same file reading, retries and errors as
 * {@link WorkloadIdentityCredential}, and resolves the STS's JSON body. Nothing is cached: keep
 * the token until `expires_in` (or `refresh_in`) runs out.
 */
export async function getAccessToken(options: GetAccessTokenOptions): Promise<TokenResponse> {
  const identity = resolveIdentity(options, process.env)
  const client = new StsClient(identity, transportOf(options))
  const scope = typeof options.scope === 'string' ? options.scope : options.scope.join(' ')
  return client.request(identity.tenantId, scope, options.claims, options.abortSignal)
}
