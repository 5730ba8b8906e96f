import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { startDevProcess, type DevProcess } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'
import {
  createVaultFor,
  demoAccessToken,
  mintDemoAssertion,
  vaultFetch,
  type VaultDevFacts,
} from '../../support/vault_client.js'

// Issue #6: every write is one transaction on a database with synchronous=FULL, so a write the
// vault acknowledged (200) survives `kill -9`, and a crash leaves no half-written version.

const API = 'api-version=7.5'
const WRITES = 200
const CONCURRENCY = 8
const NAMES = 16
/** The dev process is killed once this many writes were acknowledged: mid-burst. */
const KILL_AFTER_ACKS = 80

interface Write {
  name: string
  value: string
  version?: string
}

let root: string
let dataDir: string
let devProcess: DevProcess
let vaultUrl: string
let token: string
let firstPort: string
const attempted: Write[] = []
const acknowledged: Write[] = []
let failedAfterKill = 0
let reader: { fetch: typeof fetch; close: () => Promise<void> }

const nameOf = (i: number) => `durable-${String(i % NAMES).padStart(2, '0')}`

/** WRITES PUTs over HTTPS, CONCURRENCY at a time; SIGKILL once KILL_AFTER_ACKS are acknowledged. */
async function burst(send: typeof fetch): Promise<void> {
  let next = 0
  let killed: Promise<unknown> | undefined
  const worker = async () => {
    while (next < WRITES && !killed) {
      const i = next++
      const write: Write = { name: nameOf(i), value: `v${i}-${randomBytes(12).toString('hex')}` }
      attempted.push(write)
      try {
        const response = await send(`${vaultUrl}/secrets/${write.name}?${API}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ value: write.value }),
        })
        const body = (await response.json()) as { id: string; value: string }
        assert.equal(response.status, 200, JSON.stringify(body))
        assert.equal(body.value, write.value)
        write.version = body.id.split('/').pop()
        acknowledged.push(write)
        if (acknowledged.length === KILL_AFTER_ACKS) killed = devProcess.stop('SIGKILL')
      } catch (error) {
        if (!killed) throw error
        failedAfterKill += 1
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  assert.ok(killed, `dev was killed after ${KILL_AFTER_ACKS} acknowledged writes`)
  await killed
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-durability-'))
  dataDir = join(root, 'dev')
  devProcess = await startDevProcess(dataDir)
  const dev = devProcess.dev as VaultDevFacts
  firstPort = new URL(dev.publicUrl).port
  const https = await trustingFetch(dev.caFile)
  try {
    token = await demoAccessToken(https.fetch, dev, await mintDemoAssertion(dev))
    ;({ vaultUrl } = await createVaultFor(https.fetch, dev, 'durable', 'Key Vault Secrets Officer'))
  } finally {
    await https.close()
  }
  const vault = await vaultFetch(dev.caFile)
  try {
    await burst(vault.fetch)
  } finally {
    await vault.close()
  }
  assert.equal(devProcess.child.signalCode, 'SIGKILL')
  devProcess = await startDevProcess(dataDir)
  reader = await vaultFetch(devProcess.dev.caFile)
})

after(async () => {
  await reader?.close()
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

/** GETs one vault path with the token from before the crash (the STS keys persist). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function get(path: string): Promise<{ status: number; body: any }> {
  const response = await reader.fetch(`${vaultUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  return { status: response.status, body: await response.json() }
}

test('KV (issue #6): the burst was cut short by kill -9, and dev restarted on the same port', (t) => {
  t.diagnostic(
    `${attempted.length} writes sent, ${acknowledged.length} acknowledged, ` +
      `${failedAfterKill} cut off by the kill`,
  )
  assert.ok(acknowledged.length >= KILL_AFTER_ACKS)
  assert.ok(acknowledged.length < WRITES, 'the kill came before the burst ended')
  assert.equal(new URL(devProcess.dev.publicUrl).port, firstPort)
  const { vaultResource } = devProcess.dev as VaultDevFacts
  assert.equal(`https://durable.${new URL(vaultResource).host}`, vaultUrl)
})

test('KV (issue #6): every acknowledged write survives kill -9 with its exact value and version', async () => {
  for (const write of acknowledged) {
    const { status, body } = await get(`/secrets/${write.name}/${write.version}?${API}`)
    assert.equal(status, 200, `${write.name}/${write.version}: ${JSON.stringify(body)}`)
    assert.equal(body.value, write.value)
    assert.equal(body.id, `${vaultUrl}/secrets/${write.name}/${write.version}`)
  }
})

test('KV (issue #6): after the crash every listed version is readable and holds a value that was sent', async (t) => {
  let unacknowledged = 0
  const sent = new Map<string, Set<string>>()
  for (const w of attempted) sent.set(w.name, (sent.get(w.name) ?? new Set()).add(w.value))
  for (const [name, values] of sent) {
    const listed: string[] = []
    let link: string | null = `/secrets/${name}/versions?${API}`
    while (link) {
      const { status, body } = await get(link.replace(vaultUrl, ''))
      assert.equal(status, 200, JSON.stringify(body))
      listed.push(...(body.value as { id: string }[]).map((item) => item.id.split('/').pop()!))
      link = body.nextLink as string | null
    }
    const acked = acknowledged.filter((w) => w.name === name).map((w) => w.version)
    for (const version of acked) assert.ok(listed.includes(version!), `${name}/${version} listed`)
    assert.ok(listed.length <= values.size, `${name}: no version beyond the writes sent`)
    assert.equal(new Set(listed).size, listed.length, `${name}: versions are distinct`)
    unacknowledged += listed.length - acked.length
    for (const version of listed) {
      const { status, body } = await get(`/secrets/${name}/${version}?${API}`)
      assert.equal(status, 200, `${name}/${version}: ${JSON.stringify(body)}`)
      assert.ok(values.has(body.value), `${name}/${version} holds a value that was sent`)
    }
    const latest = await get(`/secrets/${name}/?${API}`)
    assert.equal(latest.status, 200)
    assert.equal(latest.body.id, `${vaultUrl}/secrets/${name}/${listed.at(-1)}`)
  }
  t.diagnostic(`${unacknowledged} committed but unacknowledged writes, all readable`)
})

test('KV (issue #6): the database passes SQLite integrity_check after the crash', () => {
  const db = new BetterSqlite3(join(dataDir, 'wifkit.db'), { readonly: true, fileMustExist: true })
  try {
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }])
  } finally {
    db.close()
  }
})
