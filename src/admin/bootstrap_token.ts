import { randomBytes, randomUUID } from 'node:crypto'
import type { Store } from '../store/index.js'
import { epochSeconds, sha256Hex, type Clock } from '../util/index.js'

const PREFIX = 'wkadm_'

/**
 * Creates a bootstrap admin token (interfaces.md §4): shown once to the caller, stored only as
 * its SHA-256, so a copy of the database does not grant admin access.
 */
export async function issueBootstrapToken(
  store: Store,
  clock: Clock,
  description: string,
): Promise<string> {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`
  await store.adminTokens.insert({
    id: randomUUID(),
    tokenHash: sha256Hex(token),
    description,
    createdAt: epochSeconds(clock),
    revokedAt: null,
  })
  return token
}

/**
 * Revokes a bootstrap token (issue #9 item 3): from the next request on it is refused with 401.
 * Only its hash is looked up, as for authentication. False when it was unknown or already revoked.
 */
export async function revokeBootstrapToken(
  store: Store,
  clock: Clock,
  token: string,
): Promise<boolean> {
  if (!token.startsWith(PREFIX)) return false
  return store.adminTokens.revokeByHash(sha256Hex(token), epochSeconds(clock))
}

/**
 * Replaces every live bootstrap token with one new token, in one transaction (issue #9 item 3):
 * for a token that leaked or was lost. Resolves with the new token and how many were revoked.
 */
export async function rotateBootstrapTokens(
  store: Store,
  clock: Clock,
  description: string,
): Promise<{ token: string; revoked: number }> {
  return store.transaction(async (tx) => {
    const revoked = await tx.adminTokens.revokeAll(epochSeconds(clock))
    return { token: await issueBootstrapToken(tx, clock, description), revoked }
  })
}

/**
 * True when `token` is a live bootstrap token. The lookup is by hash, so the comparison never
 * touches the secret itself and takes the same time wherever a wrong token differs.
 */
export async function isBootstrapToken(store: Store, token: string): Promise<boolean> {
  if (!token.startsWith(PREFIX)) return false
  return (await store.adminTokens.findActiveByHash(sha256Hex(token))) !== undefined
}
