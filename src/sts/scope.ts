import { EntraError, say } from '../errors/index.js'

// MSAL Go appends these OIDC scopes to every request; they never name a resource (STS-50).
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'offline_access'])
const DEFAULT_SUFFIX = '/.default'

/**
 * The resource id a client-credentials `scope` names (STS-50…STS-52): split on spaces, drop the
 * OIDC scopes, require exactly one distinct value ending in `/.default`, and strip only that
 * suffix, so `https://db.example.com//.default` keeps its own slash (`https://db.example.com/`).
 * The checks run in the order of STS-51: none left (70011), several (700022), no `/.default`
 * (1002012). Whether the resource exists is row 26, decided by the caller.
 */
export function resourceFromScope(scope: string): string {
  const values = new Set(scope.split(' ').filter((v) => v !== '' && !OIDC_SCOPES.has(v)))
  const [value, ...others] = values
  if (value === undefined)
    throw new EntraError('scopeWithoutResource', say.scopeWithoutResource(scope))
  if (others.length > 0) {
    throw new EntraError('scopeWithSeveralResources', say.scopeWithSeveralResources(scope), {
      detail: `scope names ${values.size} resources: ${[...values].join(', ')}`,
    })
  }
  if (!value.endsWith(DEFAULT_SUFFIX)) {
    throw new EntraError('scopeWithoutDefault', say.scopeWithoutDefault(value))
  }
  const resource = value.slice(0, -DEFAULT_SUFFIX.length)
  // wifkit choice: a bare `/.default` names no resource, so it fails like an empty scope rather
  // than reaching row 26 with an empty resource id.
  if (resource === '') {
    throw new EntraError('scopeWithoutResource', say.scopeWithoutResource(scope))
  }
  return resource
}
