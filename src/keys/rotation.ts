/**
 * Key rotation as a pure function of stored timestamps (issuer.md §9). Nothing stores a key's
 * state: it is derived from when the key was created, verified and removed, so a restart can
 * never leave zero or two active keys (ISS-96).
 */

/** The timestamps of one key, in epoch seconds. */
export interface KeyTimeline {
  id: string
  kid: string
  createdAt: number
  /** How long the key must be published before it signs: 0 for a first or emergency key. */
  prePublishSeconds: number
  /** Statically published issuers: the delay counts from a successful `publish --verify`. */
  requiresVerification: boolean
  verifiedAt: number | null
  removedAt: number | null
}

export interface RotationPolicy {
  /** The longest lifetime of a token this key may have signed (ISS-92). */
  maxTokenLifetimeSeconds: number
  /** Clock-skew margin added before a retired key leaves the JWKS: 300 s (ISS-92). */
  skewSeconds: number
}

export interface RetiringKey<K> {
  key: K
  deactivatedAt: number
  removableAt: number
}

/** Which key signs, which are only published, and which may be destroyed, at one instant. */
export interface KeySchedule<K extends KeyTimeline> {
  active: K | undefined
  pending: K[]
  retiring: RetiringKey<K>[]
  /** Past ISS-92's window: no longer published; the private key may be destroyed. */
  expired: K[]
  /** Published keys in JWKS order: active, pending, then retiring newest first (ISS-63). */
  published: K[]
}

/** ISS-64: Entra keeps only the first 100 keys of a JWKS. */
export const MAX_PUBLISHED_KEYS = 100

/** When a key may start signing; `Infinity` while a static issuer's key awaits verification. */
export function activatesAt(key: KeyTimeline): number {
  if (!key.requiresVerification) return key.createdAt + key.prePublishSeconds
  if (key.verifiedAt === null) return Number.POSITIVE_INFINITY
  return Math.max(key.createdAt, key.verifiedAt) + key.prePublishSeconds
}

const newestFirst = (a: KeyTimeline, b: KeyTimeline): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)

/** Derives every key's state at `now` (ISS-90…ISS-92). */
export function keySchedule<K extends KeyTimeline>(
  keys: readonly K[],
  now: number,
  policy: RotationPolicy,
): KeySchedule<K> {
  const live = keys.filter((k) => k.removedAt === null)
  const activated = live
    .filter((k) => activatesAt(k) <= now)
    .sort((a, b) => activatesAt(b) - activatesAt(a) || newestFirst(a, b))
  const active = activated[0]
  const pending = live.filter((k) => activatesAt(k) > now).sort(newestFirst)
  const retiring: RetiringKey<K>[] = []
  const expired: K[] = []
  // activated[i] stopped signing when activated[i - 1], the next newer key, started.
  for (let i = 1; i < activated.length; i++) {
    const key = activated[i] as K
    const deactivatedAt = activatesAt(activated[i - 1] as K)
    const removableAt = deactivatedAt + policy.maxTokenLifetimeSeconds + policy.skewSeconds
    if (now < removableAt) retiring.push({ key, deactivatedAt, removableAt })
    else expired.push(key)
  }
  retiring.sort((a, b) => newestFirst(a.key, b.key))
  const published = [...(active ? [active] : []), ...pending, ...retiring.map((r) => r.key)]
  return { active, pending, retiring, expired, published }
}

/** Why a rotation request is refused. */
export type RotationRefusal = 'pending-key-exists' | 'too-many-keys'

/** What a rotation does: the new key's delay, and the keys it removes at once. */
export type RotationPlan =
  | { ok: true; prePublishSeconds: number; removeIds: string[] }
  | { ok: false; reason: RotationRefusal }

/**
 * Plans a rotation (ISS-94). Normal: the new key waits `prePublishSeconds` and nothing is removed;
 * refused while a key is already pending. Emergency: the new key signs at once, and the active key
 * and any pending key are removed from the JWKS immediately: they were in the same key store as the
 * compromised key, and a pending key left in place would take over signing at its activation.
 */
export function planRotation<K extends KeyTimeline>(
  schedule: KeySchedule<K>,
  options: { emergency: boolean; prePublishSeconds: number },
): RotationPlan {
  if (options.emergency) {
    const removeIds = [...(schedule.active ? [schedule.active] : []), ...schedule.pending].map(
      (k) => k.id,
    )
    return { ok: true, prePublishSeconds: 0, removeIds }
  }
  if (schedule.pending.length > 0) return { ok: false, reason: 'pending-key-exists' }
  if (schedule.published.length >= MAX_PUBLISHED_KEYS) return { ok: false, reason: 'too-many-keys' }
  return { ok: true, prePublishSeconds: options.prePublishSeconds, removeIds: [] }
}

/** Scheduled rotation (ISS-93): due when no key is pending and the newest key is old enough. */
export function scheduledRotationDue(
  schedule: KeySchedule<KeyTimeline>,
  now: number,
  intervalSeconds: number,
): boolean {
  if (intervalSeconds <= 0 || schedule.pending.length > 0 || !schedule.active) return false
  const newest = Math.max(...schedule.published.map((k) => k.createdAt))
  return now >= newest + intervalSeconds
}
