import type { Store } from '../store.js'
import { isStoreUnavailable } from '../unavailable.js'
import type { CacheCoherence } from './coherence.js'

/**
 * Runs a read, and once more if it failed for want of the database: a pooled connection that the
 * server dropped (restart, pg_terminate_backend) fails the first query that uses it, and the pool
 * opens a fresh one for the next. Reads are idempotent, so the retry cannot do harm.
 */
async function readTwice<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    return read()
  }
}

/**
 * The store with the reads of the hot paths cached: per token exchange the tenant, the client,
 * its federated credentials, the resource and the client's roles on it; the signing keys; the
 * issuers behind discovery and JWKS; per vault request the vault and the caller's roles on it
 * (issue #7, item 3). A profile put about 600 µs of every exchange in these reads. Everything
 * else, writes included, goes straight to `store`, whose change feed flushes the cache after a
 * local write, so this node reads its own writes.
 */
export function withReadCache(store: Store, coherence: CacheCoherence): Store {
  // Methods are bound: a repository may call its own methods through `this`.
  const cached =
    <A extends unknown[], T>(name: string, read: (...args: A) => Promise<T>) =>
    (...args: A): Promise<T> =>
      coherence.read(JSON.stringify([name, ...args]), () => readTwice(() => read(...args)))
  const { directory, roleAssignments, signingKeys, issuers, vaults } = store
  const tenant = cached('tenant', directory.tenant.bind(directory))
  const application = cached('app', directory.applicationByAppId.bind(directory))
  return {
    ...store,
    directory: {
      ...directory,
      // Both look-ups fold case (STS-8, client ids), so one key serves every spelling.
      tenant: (ref) => tenant(ref.toLowerCase()),
      applicationByAppId: (tenantId, appId) => application(tenantId, appId.toLowerCase()),
      credentials: cached('credentials', directory.credentials.bind(directory)),
      resource: cached('resource', directory.resource.bind(directory)),
    },
    roleAssignments: {
      ...roleAssignments,
      roles: cached('roles', roleAssignments.roles.bind(roleAssignments)),
    },
    signingKeys: {
      ...signingKeys,
      forOwner: cached('keys', signingKeys.forOwner.bind(signingKeys)),
    },
    issuers: {
      ...issuers,
      byName: cached('issuer', issuers.byName.bind(issuers)),
      list: cached('issuers', issuers.list.bind(issuers)),
    },
    vaults: {
      ...vaults,
      byName: cached('vault', vaults.byName.bind(vaults)),
      roles: cached('vaultRoles', vaults.roles.bind(vaults)),
    },
  }
}
