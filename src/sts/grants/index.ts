import { clientCredentialsGrant } from './client_credentials.js'
import type { Grant } from './grant.js'
import { tokenExchangeGrant } from './token_exchange.js'

/** The enabled grants, by `grant_type` (STYLE.md §2.7); discovery lists the same names. */
export const grants: ReadonlyMap<string, Grant> = new Map(
  [clientCredentialsGrant, tokenExchangeGrant].map((grant) => [grant.grantType, grant]),
)

export { parameter, type Grant, type PresentedCredential } from './grant.js'
