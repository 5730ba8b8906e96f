import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FetchSlots } from '../../../src/sts/federation/fetch_slots.js'

/** A task the test finishes by hand. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

test('#9 item 1: no more than `size` tasks run at once; the rest start in arrival order', async () => {
  const slots = new FetchSlots(2)
  const gates = Array.from({ length: 5 }, gate)
  const started: number[] = []
  let running = 0
  let most = 0
  const runs = gates.map((g, i) =>
    slots.run(async () => {
      started.push(i)
      running += 1
      most = Math.max(most, running)
      await g.opened
      running -= 1
      return i
    }),
  )
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(started, [0, 1])
  for (const g of gates) {
    g.open()
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4])
  assert.deepEqual(started, [0, 1, 2, 3, 4])
  assert.equal(most, 2)
})

test('#9 item 1: a failing task frees its slot', async () => {
  const slots = new FetchSlots(1)
  await assert.rejects(
    slots.run(() => Promise.reject(new RangeError('boom'))),
    RangeError,
  )
  assert.equal(await slots.run(async () => 'next'), 'next')
})

test('#9 item 1: a size below 1 is a TypeError', () => {
  assert.throws(() => new FetchSlots(0), TypeError)
})
