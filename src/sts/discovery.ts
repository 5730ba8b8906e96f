/**
 * The tenant discovery document (sts.md §3): every URL on the wifkit authority, the tenant GUID
 * in lower case even when the request named a domain (STS-11…STS-13). Members in Entra's order.
 */
export function tenantDiscoveryDocument(authority: string, tenantId: string): string {
  const base = `${authority.replace(/\/$/, '')}/${tenantId.toLowerCase()}`
  return JSON.stringify({
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    grant_types_supported: [
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
  })
}

/** The STS issuer of a tenant: `A/{tid}/v2.0` (STS-11), also the `iss` of its access tokens. */
export function stsIssuer(authority: string, tenantId: string): string {
  return `${authority.replace(/\/$/, '')}/${tenantId.toLowerCase()}/v2.0`
}
