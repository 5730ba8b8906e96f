/**
 * The rules that decide whether a cached read may be answered without the database (issue #7,
 * items 3 and 4). Pure: the coherence shell feeds in times, versions and generations.
 */

/** What the cache knows about how current it is. */
export interface CoherenceState {
  /** Bumped by every invalidation; a load started under an older generation is never stored. */
  readonly generation: number
  /** The deployment-wide change counter last read, or undefined before the first check. */
  readonly version: number | undefined
  /** When (epoch ms) the cache as a whole was last known current: the start of a version check. */
  readonly confirmedAtMs: number
}

/** One cached answer; `loadedAtMs` is when its database read started. */
export interface CachedEntry {
  readonly loadedAtMs: number
}

/** The state before anything has been checked: nothing is confirmed. */
export const initialCoherence: CoherenceState = {
  generation: 0,
  version: undefined,
  confirmedAtMs: Number.NEGATIVE_INFINITY,
}

/** The state after a change event ('local', 'remote', 'resync'): everything cached is void. */
export function invalidated(state: CoherenceState): CoherenceState {
  return { ...state, generation: state.generation + 1 }
}

/**
 * The state after a version check that started at `startedAtMs` read `version`. An unchanged
 * version confirms the whole cache as of the start of the check (a write committed while the
 * query ran is caught by the next one); a changed version voids it. The first check only learns
 * the counter, yet still voids, since nothing says entries loaded before it were current.
 */
export function afterVersionCheck(
  state: CoherenceState,
  version: number,
  startedAtMs: number,
): CoherenceState {
  const generation = state.version === version ? state.generation : state.generation + 1
  return { generation, version, confirmedAtMs: Math.max(state.confirmedAtMs, startedAtMs) }
}

/**
 * A cached entry answers only while it is younger than the staleness bound, counted from the
 * later of its own read and the last confirmation. Past the bound, the database must be asked,
 * and if it cannot answer the caller gets the outage error: the bound is how long a credential
 * deleted during an outage may keep working (ADR 0010).
 */
export function isUsable(
  entry: CachedEntry,
  state: CoherenceState,
  nowMs: number,
  maxStalenessMs: number,
): boolean {
  return nowMs - Math.max(entry.loadedAtMs, state.confirmedAtMs) <= maxStalenessMs
}

/** A load may fill the cache only if no invalidation happened since it started. */
export function mayStore(loadGeneration: number, state: CoherenceState): boolean {
  return loadGeneration === state.generation
}

/**
 * Ready means the change counter was read recently: within two check intervals plus a second's
 * slack for a slow query on a busy host. Longer, and the node may be serving data it cannot
 * confirm, so a load balancer should prefer another node (IF-23).
 */
export function isConfirmedRecently(
  state: CoherenceState,
  nowMs: number,
  versionCheckMs: number,
): boolean {
  return nowMs - state.confirmedAtMs <= 2 * versionCheckMs + 1000
}
