import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CacheCoherence } from '../../../src/store/cache/coherence.js'
import type { ChangeFeed, ChangeSource } from '../../../src/store/index.js'
import { ManualClock } from '../../../src/util/index.js'

/**
 * A ChangeFeed-shaped double: the contract's interface fed by the test. The real feed is tested
 * in test/store/ and test/e2e/; this one lets the coherence rules run without a database.
 */
class ScriptedFeed implements ChangeFeed {
  counter = 1
  down = false
  readonly listeners = new Set<(source: ChangeSource) => void>()
  version(): Promise<number> {
    return this.down
      ? Promise.reject(new Error('connection refused'))
      : Promise.resolve(this.counter)
  }
  subscribe(listener: (source: ChangeSource) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  emit(source: ChangeSource): void {
    for (const listener of this.listeners) listener(source)
  }
}

async function setup(maxEntries = 100) {
  const feed = new ScriptedFeed()
  const clock = new ManualClock(1_000_000)
  const coherence = new CacheCoherence(feed, clock, {
    versionCheckMs: 500,
    maxStalenessSeconds: 60,
    maxEntries,
  })
  await coherence.start()
  let loads = 0
  const read = (key: string, value: unknown = `${key}#${loads}`) =>
    coherence.read(key, () => {
      loads++
      return Promise.resolve(value)
    })
  return { feed, clock, coherence, read, loads: () => loads }
}

test('a second read of a key is answered from the cache', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  assert.equal(await c.read('a'), 'a#0')
  assert.equal(await c.read('a'), 'a#0')
  assert.equal(c.loads(), 1)
})

test('an unknown key is cached too: a negative answer does not reach the database again', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  let misses = 0
  const unknown = () => c.coherence.read('nobody', () => Promise.resolve(void misses++))
  assert.equal(await unknown(), undefined)
  assert.equal(await unknown(), undefined)
  assert.equal(misses, 1)
})

for (const source of ['local', 'remote', 'resync'] as const) {
  test(`a '${source}' change event voids every cached answer (issue #7 item 3)`, async (t) => {
    const c = await setup()
    t.after(() => c.coherence.stop())
    await c.read('a')
    c.feed.emit(source)
    assert.equal(await c.read('a'), 'a#1')
  })
}

test('an event reads the counter at once, so the next periodic check does not flush again', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  c.feed.counter++
  c.feed.emit('local')
  await c.coherence.check()
  await c.read('a')
  await c.coherence.check()
  assert.equal(await c.read('a'), 'a#0')
})

test('a new change counter voids every cached answer; an unchanged one does not', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  await c.read('a')
  await c.coherence.check()
  assert.equal(await c.read('a'), 'a#0')
  c.feed.counter++
  await c.coherence.check()
  assert.equal(await c.read('a'), 'a#1')
})

test('a load that started before a flush answers its caller but is not kept', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  let finish: (value: string) => void = () => {}
  const slow = c.coherence.read('a', () => new Promise<string>((resolve) => (finish = resolve)))
  c.feed.emit('local')
  finish('before the write')
  assert.equal(await slow, 'before the write')
  assert.equal(await c.read('a', 'after the write'), 'after the write')
})

test('concurrent misses of one key share one load', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  const [x, y] = await Promise.all([c.read('a'), c.read('a')])
  assert.equal(x, y)
  assert.equal(c.loads(), 1)
})

test('while the database is away, cached answers serve until the staleness bound, then the load error surfaces (issue #7 item 4)', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  await c.read('a')
  c.feed.down = true
  c.clock.advanceSeconds(59)
  assert.equal(await c.coherence.check(), false)
  assert.equal(await c.read('a'), 'a#0')
  c.clock.advanceSeconds(2)
  await assert.rejects(
    c.coherence.read('a', () => Promise.reject(new Error('connection refused'))),
    /connection refused/,
  )
  c.feed.down = false
  assert.equal(await c.coherence.check(), true)
  assert.equal(await c.read('a'), 'a#0', 'an unchanged counter vouches for the answer again')
})

test('readiness follows the last successful check of the counter', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  assert.equal(c.coherence.confirmed, true)
  c.feed.down = true
  c.clock.advanceSeconds(3)
  await c.coherence.check()
  assert.equal(c.coherence.confirmed, false)
  c.feed.down = false
  await c.coherence.check()
  assert.equal(c.coherence.confirmed, true)
})

test('the cache keeps at most maxEntries answers, dropping the oldest', async (t) => {
  const c = await setup(2)
  t.after(() => c.coherence.stop())
  await c.read('a')
  await c.read('b')
  await c.read('c')
  assert.equal(await c.read('c'), 'c#2')
  assert.equal(await c.read('a'), 'a#3')
})

test('listeners hear every flush, and one that throws does not silence the others', async (t) => {
  const c = await setup()
  t.after(() => c.coherence.stop())
  let heard = 0
  c.coherence.onInvalidate(() => {
    throw new Error('listener bug')
  })
  c.coherence.onInvalidate(() => heard++)
  c.feed.emit('remote')
  await c.coherence.check()
  c.feed.counter++
  await c.coherence.check()
  assert.equal(heard, 2)
})
