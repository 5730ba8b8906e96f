import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  activatesAt,
  keySchedule,
  planRotation,
  scheduledRotationDue,
  type KeySchedule,
  type KeyTimeline,
  type RotationPolicy,
} from '../../../src/keys/rotation.js'

const T0 = 1_767_225_600 // 2026-01-01T00:00:00Z
const HOUR = 3600
const DAY = 86_400
const PRE = DAY
const MAX = DAY
const SKEW = 300
const policy: RotationPolicy = { maxTokenLifetimeSeconds: MAX, skewSeconds: SKEW }

/** A key created at `createdAt` that may sign `pre` seconds later; `more` adds verification. */
function key(
  id: string,
  createdAt: number,
  pre: number,
  more: Partial<KeyTimeline> = {},
): KeyTimeline {
  return {
    id,
    kid: `kid-${id}`,
    createdAt,
    prePublishSeconds: pre,
    requiresVerification: false,
    verifiedAt: null,
    removedAt: null,
    ...more,
  }
}

interface ScheduleIds {
  active: string | undefined
  pending: string[]
  retiring: [id: string, deactivatedAt: number, removableAt: number][]
  expired: string[]
  published: string[]
}

function ids(s: KeySchedule<KeyTimeline>): ScheduleIds {
  return {
    active: s.active?.id,
    pending: s.pending.map((k) => k.id),
    retiring: s.retiring.map((r) => [r.key.id, r.deactivatedAt, r.removableAt]),
    expired: s.expired.map((k) => k.id),
    published: s.published.map((k) => k.id),
  }
}

const none = { pending: [], retiring: [], expired: [] }

// A: the first key. B: a normal rotation ten seconds later; it signs at B_ON (ISS-91), so A stops
// signing then and may leave the JWKS at A_OFF (ISS-92).
const A = key('A', T0, 0)
const B = key('B', T0 + 10, PRE)
const B_ON = T0 + 10 + PRE
const A_OFF = B_ON + MAX + SKEW

// Four generations at once: A and B retiring, C active, D pending.
const A4 = key('A', T0, 0)
const B4 = key('B', T0 + 1, HOUR)
const C4 = key('C', T0 + 1 + HOUR, HOUR)
const D4 = key('D', T0 + 1 + 2 * HOUR, PRE)
const C4_ON = T0 + 1 + 2 * HOUR

// Activation order differs from creation order: P was pending when an emergency replaced A by E,
// so E signs first and P takes over at P_ON; Q is a later normal rotation.
const P = key('P', T0 + 10, PRE)
const E = key('E', T0 + 100, 0)
const P_ON = T0 + 10 + PRE
const Q = key('Q', P_ON + 10, HOUR)
const Q_ON = P_ON + 10 + HOUR
const A_REMOVED = { ...A, removedAt: T0 + 100 }

// A statically published issuer: S waits for `publish --verify` (ISS-84).
const VERIFIED = T0 + 5 * DAY
const S_UNVERIFIED = key('S', T0 + 10, PRE, { requiresVerification: true })
const S_VERIFIED = key('S', T0 + 10, PRE, { requiresVerification: true, verifiedAt: VERIFIED })

const schedules: readonly (readonly [string, readonly KeyTimeline[], number, ScheduleIds])[] = [
  [
    'ISS-90: a single first key signs from its creation second',
    [A],
    T0,
    { ...none, active: 'A', published: ['A'] },
  ],
  [
    'ISS-91: a key one second before its activation is published but does not sign',
    [key('A', T0, PRE)],
    T0 + PRE - 1,
    { ...none, active: undefined, pending: ['A'], published: ['A'] },
  ],
  [
    'ISS-91: a pending key does not sign one second before createdAt + prePublishSeconds',
    [A, B],
    B_ON - 1,
    { ...none, active: 'A', pending: ['B'], published: ['A', 'B'] },
  ],
  [
    'ISS-91: a pending key signs at exactly createdAt + prePublishSeconds',
    [A, B],
    B_ON,
    { ...none, active: 'B', retiring: [['A', B_ON, A_OFF]], published: ['B', 'A'] },
  ],
  [
    'ISS-92: a retiring key stays published until one second before deactivatedAt + max + 300',
    [A, B],
    A_OFF - 1,
    { ...none, active: 'B', retiring: [['A', B_ON, A_OFF]], published: ['B', 'A'] },
  ],
  [
    'ISS-92: a retiring key is expired and unpublished at exactly deactivatedAt + max + 300',
    [A, B],
    A_OFF,
    { ...none, active: 'B', expired: ['A'], published: ['B'] },
  ],
  [
    'ISS-63: the JWKS lists the active key, then the pending key, then retiring keys newest first',
    [B4, D4, A4, C4],
    C4_ON,
    {
      ...none,
      active: 'C',
      pending: ['D'],
      retiring: [
        ['B', C4_ON, C4_ON + MAX + SKEW],
        ['A', T0 + 1 + HOUR, T0 + 1 + HOUR + MAX + SKEW],
      ],
      published: ['C', 'D', 'B', 'A'],
    },
  ],
  [
    'ISS-92: a removed retiring key is never published, even inside its retirement window',
    [{ ...A, removedAt: B_ON + 5 }, B],
    B_ON + 10,
    { ...none, active: 'B', published: ['B'] },
  ],
  [
    'ISS-94: a key removed by an emergency rotation is never published; the new key signs at once',
    [{ ...A, removedAt: T0 + 50 }, key('E', T0 + 50, 0)],
    T0 + 50,
    { ...none, active: 'E', published: ['E'] },
  ],
  [
    'ISS-94: a key pending before an emergency still signs at its own activation time',
    [A_REMOVED, P, E],
    P_ON,
    { ...none, active: 'P', retiring: [['E', P_ON, P_ON + MAX + SKEW]], published: ['P', 'E'] },
  ],
  [
    'ISS-63, ISS-92: retiring keys are listed newest created first, each retired by its successor',
    [A_REMOVED, P, E, Q],
    Q_ON,
    {
      ...none,
      active: 'Q',
      retiring: [
        ['E', P_ON, P_ON + MAX + SKEW],
        ['P', Q_ON, Q_ON + MAX + SKEW],
      ],
      published: ['Q', 'E', 'P'],
    },
  ],
  [
    'ISS-91: a removed pending key is never published and never signs',
    [A, { ...B, removedAt: T0 + 20 }],
    B_ON + 10,
    { ...none, active: 'A', published: ['A'] },
  ],
  [
    'ISS-84: a static issuer key never signs before verification, however old it is',
    [A, S_UNVERIFIED],
    T0 + 365 * DAY,
    { ...none, active: 'A', pending: ['S'], published: ['A', 'S'] },
  ],
  [
    'ISS-84: a verified static issuer key does not sign one second before verifiedAt + pre',
    [A, S_VERIFIED],
    VERIFIED + PRE - 1,
    { ...none, active: 'A', pending: ['S'], published: ['A', 'S'] },
  ],
  [
    'ISS-84: a verified static issuer key signs at exactly verifiedAt + pre',
    [A, S_VERIFIED],
    VERIFIED + PRE,
    {
      ...none,
      active: 'S',
      retiring: [['A', VERIFIED + PRE, VERIFIED + PRE + MAX + SKEW]],
      published: ['S', 'A'],
    },
  ],
]

for (const [name, keys, now, want] of schedules) {
  test(name, () => {
    assert.deepEqual(ids(keySchedule(keys, now, policy)), want)
    // ISS-96: state derives from timestamps only, so input order cannot change it.
    assert.deepEqual(ids(keySchedule([...keys].reverse(), now, policy)), want)
  })
}

const activations: readonly (readonly [string, KeyTimeline, number])[] = [
  ['ISS-91: a first key activates at its creation', key('A', T0, 0), T0],
  ['ISS-91: a rotated key activates at createdAt + prePublishSeconds', B, B_ON],
  [
    'ISS-84: a static issuer key awaiting verification never activates',
    S_UNVERIFIED,
    Number.POSITIVE_INFINITY,
  ],
  [
    'ISS-84: a verified static issuer key activates at verifiedAt + pre',
    S_VERIFIED,
    VERIFIED + PRE,
  ],
  [
    'ISS-84: a verification older than the key counts from the key creation',
    key('S', T0 + 10, PRE, { requiresVerification: true, verifiedAt: T0 }),
    T0 + 10 + PRE,
  ],
  [
    'ISS-91: verifiedAt is ignored for a key that needs no verification',
    key('A', T0, PRE, { verifiedAt: T0 + 7 * DAY }),
    T0 + PRE,
  ],
]

for (const [name, timeline, want] of activations) {
  test(name, () => assert.equal(activatesAt(timeline), want))
}

/** `count` keys, each signing from its creation one second after the previous: all published. */
function generations(count: number): KeyTimeline[] {
  return Array.from({ length: count }, (_, i) => key(`K${String(i).padStart(3, '0')}`, T0 + i, 0))
}
const at = (keys: readonly KeyTimeline[], now: number) => keySchedule(keys, now, policy)
const only = at([A], T0 + 20)
const withPending = at([A, B], T0 + 20)
const published99 = at(generations(99), T0 + 98)
const published100 = at(generations(100), T0 + 99)
const normal = { emergency: false, prePublishSeconds: PRE }
const emergency = { emergency: true, prePublishSeconds: PRE }

const plans = [
  [
    'ISS-94: a normal rotation gives a key that waits prePublishSeconds and removes nothing',
    only,
    normal,
    { ok: true, prePublishSeconds: PRE, removeIds: [] },
  ],
  [
    'ISS-94: a normal rotation is refused while a key is pending',
    withPending,
    normal,
    { ok: false, reason: 'pending-key-exists' },
  ],
  [
    'ISS-64: a normal rotation with 99 published keys is allowed',
    published99,
    normal,
    { ok: true, prePublishSeconds: PRE, removeIds: [] },
  ],
  [
    'ISS-64: a normal rotation with 100 published keys is refused',
    published100,
    normal,
    { ok: false, reason: 'too-many-keys' },
  ],
  [
    'ISS-94: an emergency rotation signs at once and removes the active key',
    only,
    emergency,
    { ok: true, prePublishSeconds: 0, removeIds: ['A'] },
  ],
  [
    'ISS-94: an emergency rotation proceeds while a key is pending and removes it with the active key',
    withPending,
    emergency,
    { ok: true, prePublishSeconds: 0, removeIds: ['A', 'B'] },
  ],
  [
    'ISS-64: an emergency rotation with 100 published keys removes one, so the count stays 100',
    published100,
    emergency,
    { ok: true, prePublishSeconds: 0, removeIds: ['K099'] },
  ],
  [
    'ISS-94: an emergency rotation without an active key removes the keys still waiting to sign',
    at([S_UNVERIFIED], T0 + DAY),
    emergency,
    { ok: true, prePublishSeconds: 0, removeIds: ['S'] },
  ],
] as const

test('ISS-64: the fixtures publish exactly 99 and 100 keys', () => {
  assert.equal(published99.published.length, 99)
  assert.equal(published100.published.length, 100)
})

for (const [name, schedule, options, want] of plans) {
  test(name, () => assert.deepEqual(planRotation(schedule, options), want))
}

const INTERVAL = 90 * DAY
const rotatedOnce = [A, key('B', T0 + INTERVAL, PRE)]
const due = [
  [
    'ISS-93: rotation is not due one second before the interval has passed',
    [A],
    T0 + INTERVAL - 1,
    INTERVAL,
    false,
  ],
  ['ISS-93: rotation is due once the interval has passed', [A], T0 + INTERVAL, INTERVAL, true],
  ['ISS-93: an interval of 0 disables scheduled rotation', [A], T0 + 3650 * DAY, 0, false],
  [
    'ISS-93: rotation is not due while a key is pending',
    rotatedOnce,
    T0 + INTERVAL + PRE - 1,
    INTERVAL,
    false,
  ],
  [
    'ISS-93: the interval counts from the newest key, not the first one',
    rotatedOnce,
    T0 + 2 * INTERVAL - 1,
    INTERVAL,
    false,
  ],
  [
    'ISS-93: rotation is due one interval after the newest key was created',
    rotatedOnce,
    T0 + 2 * INTERVAL,
    INTERVAL,
    true,
  ],
  [
    'ISS-93: rotation is not due when no key is active',
    [S_UNVERIFIED],
    T0 + 2 * INTERVAL,
    INTERVAL,
    false,
  ],
] as const

for (const [name, keys, now, interval, want] of due) {
  test(name, () => assert.equal(scheduledRotationDue(at(keys, now), now, interval), want))
}

interface Scenario {
  policy: RotationPolicy
  prePublishSeconds: number
  intervalSeconds: number
  days: number
  /** Hours (since T0) at which an operator asks for a normal rotation. */
  manualAt: readonly number[]
  /** Hours (since T0) at which an operator asks for an emergency rotation. */
  emergencyAt: readonly number[]
  /** New keys wait for `publish --verify`, which succeeds this long after their creation. */
  verifyAfterSeconds: number | null
}

const scenarios: readonly (readonly [string, Scenario])[] = [
  [
    'ISS-90, ISS-93: two years of scheduled 90-day rotations always have exactly one active key',
    {
      policy,
      prePublishSeconds: PRE,
      intervalSeconds: INTERVAL,
      days: 730,
      manualAt: [],
      emergencyAt: [],
      verifyAfterSeconds: null,
    },
  ],
  [
    'ISS-90, ISS-94: manual and emergency rotations between scheduled ones keep one active key',
    {
      policy,
      prePublishSeconds: PRE,
      intervalSeconds: 30 * DAY,
      days: 365,
      manualAt: [24 * 10, 24 * 10 + 5, 24 * 45 + 3, 24 * 200],
      emergencyAt: [24 * 10 + 12, 24 * 100, 24 * 200 + 1],
      verifyAfterSeconds: null,
    },
  ],
  [
    'ISS-90, ISS-84: a static issuer whose keys are verified three days late keeps one active key',
    {
      policy,
      prePublishSeconds: PRE,
      intervalSeconds: 20 * DAY,
      days: 365,
      manualAt: [24 * 7],
      emergencyAt: [24 * 150],
      verifyAfterSeconds: 3 * DAY,
    },
  ],
  [
    'ISS-90, ISS-92: rotating every two days under a three-day token lifetime keeps one active key',
    {
      policy: { maxTokenLifetimeSeconds: 3 * DAY, skewSeconds: SKEW },
      prePublishSeconds: HOUR,
      intervalSeconds: 2 * DAY,
      days: 120,
      manualAt: [5, 30, 31],
      emergencyAt: [24 * 60 + 7],
      verifyAfterSeconds: null,
    },
  ],
]

/**
 * Runs a key service by hand, hour by hour, and checks at every sample: one active key that heads
 * the JWKS (ISS-90, ISS-63), every live key in exactly one state, a key signing only after being
 * published for its pre-publication time (ISS-91, ISS-84), every key that signed still published
 * until its last token has expired (ISS-92, ISS-95), and the same result for any key order (ISS-96).
 */
function simulate(s: Scenario): { rotations: number; emergencies: number; maxPublished: number } {
  let keys: KeyTimeline[] = [key('G000', T0, 0)]
  const lastSigned = new Map<string, number>()
  const emergencyRemoved = new Set<string>()
  let rotations = 0
  let emergencies = 0
  let maxPublished = 0
  const add = (now: number, pre: number, verify: boolean) => {
    const id = `G${String(keys.length).padStart(3, '0')}`
    keys.push(key(id, now, pre, { requiresVerification: verify }))
  }
  for (let hour = 0; hour <= s.days * 24; hour++) {
    const now = T0 + hour * HOUR
    if (s.verifyAfterSeconds !== null) {
      const due = (k: KeyTimeline) =>
        k.verifiedAt === null && now >= k.createdAt + s.verifyAfterSeconds!
      keys = keys.map((k) => (k.requiresVerification && due(k) ? { ...k, verifiedAt: now } : k))
    }
    const schedule = keySchedule(keys, now, s.policy)
    const where = `at hour ${hour}`
    const active = schedule.active
    assert.ok(active, `no active key ${where}`)
    assert.equal(schedule.published[0], active, where)
    assert.ok(now - active.createdAt >= active.prePublishSeconds, `signs too early ${where}`)
    if (active.requiresVerification) {
      assert.ok(
        active.verifiedAt !== null && now >= active.verifiedAt + active.prePublishSeconds,
        where,
      )
    }
    const live = keys.filter((k) => k.removedAt === null).map((k) => k.id)
    const states = [
      active.id,
      ...schedule.pending.map((k) => k.id),
      ...schedule.retiring.map((r) => r.key.id),
      ...schedule.expired.map((k) => k.id),
    ]
    assert.deepEqual([...states].sort(), [...live].sort(), `states partition live keys ${where}`)
    const published = new Set(schedule.published.map((k) => k.id))
    assert.equal(published.size, schedule.published.length, `duplicate in JWKS ${where}`)
    for (const [id, signedAt] of lastSigned) {
      if (emergencyRemoved.has(id)) continue
      const tokensValid = now < signedAt + s.policy.maxTokenLifetimeSeconds + s.policy.skewSeconds
      if (tokensValid) assert.ok(published.has(id), `${id} unpublished too early ${where}`)
    }
    assert.deepEqual(
      ids(keySchedule([...keys].reverse(), now, s.policy)),
      ids(schedule),
      `order-dependent ${where}`,
    )
    lastSigned.set(active.id, now)
    maxPublished = Math.max(maxPublished, schedule.published.length)

    // The key service's reaction to this instant: destroy expired keys, then rotate if asked.
    const expired = new Set(schedule.expired.map((k) => k.id))
    keys = keys.map((k) => (expired.has(k.id) ? { ...k, removedAt: now } : k))
    const verify = s.verifyAfterSeconds !== null
    if (s.emergencyAt.includes(hour)) {
      const plan = planRotation(schedule, {
        emergency: true,
        prePublishSeconds: s.prePublishSeconds,
      })
      const compromised = [active.id, ...schedule.pending.map((k) => k.id)]
      assert.deepEqual(plan, { ok: true, prePublishSeconds: 0, removeIds: compromised })
      const removed = new Set(plan.removeIds)
      keys = keys.map((k) => (removed.has(k.id) ? { ...k, removedAt: now } : k))
      plan.removeIds.forEach((id) => emergencyRemoved.add(id))
      add(now, 0, false) // the key service never makes an emergency key wait for verification
      emergencies++
      continue
    }
    const manual = s.manualAt.includes(hour)
    if (manual || scheduledRotationDue(schedule, now, s.intervalSeconds)) {
      const plan = planRotation(schedule, {
        emergency: false,
        prePublishSeconds: s.prePublishSeconds,
      })
      if (schedule.pending.length > 0) {
        assert.deepEqual(plan, { ok: false, reason: 'pending-key-exists' }, where)
        continue
      }
      assert.deepEqual(plan, { ok: true, prePublishSeconds: s.prePublishSeconds, removeIds: [] })
      add(now, s.prePublishSeconds, verify)
      rotations++
    }
  }
  return { rotations, emergencies, maxPublished }
}

/** Counted by hand from each scenario's calendar; they prove the rotations really happened. */
const expectedRuns = [
  { rotations: 8, emergencies: 0, maxPublished: 2 },
  { rotations: 13, emergencies: 3, maxPublished: 2 },
  { rotations: 18, emergencies: 1, maxPublished: 2 },
  { rotations: 61, emergencies: 1, maxPublished: 4 },
]

scenarios.forEach(([name, scenario], i) => {
  test(name, () => assert.deepEqual(simulate(scenario), expectedRuns[i]))
})
