import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import pino from 'pino'
import { BatchWriter } from '../../../src/util/index.js'

/** A logger whose lines are kept, parsed, for assertions. */
function capturedLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { logger: pino(sink), lines }
}

test('issue #7: a full queue drops new entries, counts them in a warning, and keeps the rest', async () => {
  const { logger, lines } = capturedLogger()
  const written: number[][] = []
  const writer = new BatchWriter<number>({
    name: 'test log',
    write: async (batch) => void written.push(batch),
    logger,
    maxPending: 3,
    flushAtEntries: 100,
  })
  for (let i = 1; i <= 5; i++) writer.record(i)
  await writer.flush()
  assert.deepEqual(written, [[1, 2, 3]])
  assert.ok(lines.some((l) => l.dropped === 2 && l.msg === 'test log: queue full, entries dropped'))
})

test('issue #7: a failed write keeps its entries ahead of later ones, within the cap', async () => {
  const { logger, lines } = capturedLogger()
  const written: number[][] = []
  let failNext = true
  const writer = new BatchWriter<number>({
    name: 'test log',
    write: async (batch) => {
      if (failNext) {
        failNext = false
        throw new Error('database away')
      }
      written.push(batch)
    },
    logger,
    maxPending: 3,
    flushAtEntries: 100,
  })
  writer.record(1)
  writer.record(2)
  await writer.flush()
  writer.record(3)
  writer.record(4)
  await writer.flush()
  assert.deepEqual(written, [[1, 2, 3]], 'the retried entries first; the cap drops the newest')
  assert.ok(lines.some((l) => l.msg === 'test log write failed; retrying' && l.entries === 2))
})

test('issue #7: reaching flushAtEntries starts a write without waiting for the timer', async () => {
  const written: number[][] = []
  const writer = new BatchWriter<number>({
    name: 'test log',
    write: async (batch) => void written.push(batch),
    logger: pino({ level: 'silent' }),
    flushAtEntries: 2,
    flushEveryMs: 60_000,
  })
  writer.record(1)
  writer.record(2)
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(written, [[1, 2]])
})
