import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  afterVersionCheck,
  initialCoherence,
  invalidated,
  isConfirmedRecently,
  isUsable,
  mayStore,
  type CoherenceState,
} from '../../../src/store/cache/freshness.js'

const state = (confirmedAtMs: number, generation = 3, version = 7): CoherenceState => ({
  generation,
  version,
  confirmedAtMs,
})
const bound = 60_000

const usable: [string, number, CoherenceState, number, boolean][] = [
  ['an entry read a moment ago is usable (issue #7 item 3)', 10_000, state(9_000), 10_500, true],
  [
    'an old entry is usable while the cache was confirmed recently',
    0,
    state(50_000),
    100_000,
    true,
  ],
  ['an entry exactly at the bound is still usable', 0, state(0), bound, true],
  ['past the bound with no confirmation it is not (item 4)', 0, state(0), bound + 1, false],
  ['its own read counts as a confirmation of itself', 50_000, state(0), 100_000, true],
  ['an entry before any check counts from its own read', 0, initialCoherence, bound + 1, false],
]
for (const [name, loadedAtMs, s, nowMs, want] of usable) {
  test(name, () => assert.equal(isUsable({ loadedAtMs }, s, nowMs, bound), want))
}

const checks: [string, CoherenceState, number, number, CoherenceState][] = [
  [
    'an unchanged counter confirms as of the start of the check',
    state(1_000),
    7,
    5_000,
    state(5_000),
  ],
  ['a changed counter voids the cache and confirms', state(1_000), 8, 5_000, state(5_000, 4, 8)],
  [
    'the first check voids whatever was loaded before it',
    initialCoherence,
    7,
    5_000,
    { generation: 1, version: 7, confirmedAtMs: 5_000 },
  ],
  ['a slow check never moves the confirmation backwards', state(9_000), 7, 5_000, state(9_000)],
]
for (const [name, before, version, startedAtMs, want] of checks) {
  test(name, () => assert.deepEqual(afterVersionCheck(before, version, startedAtMs), want))
}

test('a change event voids the cache and keeps the confirmation', () =>
  assert.deepEqual(invalidated(state(1_000)), state(1_000, 4)))

const stores: [string, number, CoherenceState, boolean][] = [
  ['a load that saw no flush may fill the cache', 3, state(0, 3), true],
  ['a load that started before a flush may not (generation rule)', 3, state(0, 4), false],
]
for (const [name, generation, s, want] of stores) {
  test(name, () => assert.equal(mayStore(generation, s), want))
}

const ready: [string, number, boolean][] = [
  ['ready right after a check', 10_000, true],
  ['ready with one missed check and a slow one', 10_000 + 2_000, true],
  ['not ready once checks failed for longer (IF-23)', 10_000 + 2_001, false],
]
for (const [name, nowMs, want] of ready) {
  test(name, () => assert.equal(isConfirmedRecently(state(10_000), nowMs, 500), want))
}

test('not ready before the first check', () =>
  assert.equal(isConfirmedRecently(initialCoherence, 0, 500), false))
