import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { loadKek } from '../../../src/keys/index.js'
import { createFileAtomic } from '../../../src/util/index.js'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-kek-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('IF-58: ten processes creating the KEK at once all end up with the same key', async () => {
  const file = join(dir, 'race', 'kek')
  const keys = await Promise.all(Array.from({ length: 10 }, () => loadKek(file, true)))
  const stored = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')
  for (const key of keys) assert.ok(key.equals(stored))
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  assert.deepEqual(await readdir(join(dir, 'race')), ['kek'], 'no temp file is left behind')
})

test('IF-58: an existing KEK is used as is, and a missing one is refused without createIfMissing', async () => {
  const file = join(dir, 'existing')
  await writeFile(file, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 })
  assert.ok((await loadKek(file, true)).equals(Buffer.alloc(32, 7)))
  await assert.rejects(loadKek(join(dir, 'absent'), false), /run `wifkit init --config FILE`/)
})

test('createFileAtomic creates once and never replaces an existing file', async () => {
  const file = join(dir, 'once')
  assert.equal(await createFileAtomic(file, 'first'), true)
  assert.equal(await createFileAtomic(file, 'second'), false)
  assert.equal(await readFile(file, 'utf8'), 'first')
})
