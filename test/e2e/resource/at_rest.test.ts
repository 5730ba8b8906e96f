import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
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

// Issue #6: secret values are sealed at rest (envelope encryption under the KEK), so neither the
// SQLite database nor its write-ahead log holds one in clear, and the audit log records who did
// what to which secret but never the value.

const API = 'api-version=7.5'
const tag = randomBytes(4).toString('hex')
/** Distinctive values, written through the vault's HTTPS API. */
const VALUES = {
  [`plain-${tag}`]: [`wifkit-at-rest-plain-${tag}-correct-horse-battery-staple`],
  [`unicode-${tag}`]: [`wifkit-at-rest-pässwörd-🔑-${tag}-ünïcödé`],
  [`versions-${tag}`]: [
    `wifkit-at-rest-version-one-${tag}-first`,
    `wifkit-at-rest-version-two-${tag}-second`,
  ],
  [`deleted-${tag}`]: [`wifkit-at-rest-deleted-${tag}-still-in-the-database`],
  [`large-${tag}`]: [`wifkit-at-rest-large-${tag}-${randomBytes(6000).toString('base64')}`],
} as const
/** Sent to a vault where the caller may not write: refused, and never stored either. */
const DENIED_VALUE = `wifkit-at-rest-denied-${tag}-not-allowed-here`
/** The value `wifkit dev` seeds as demo/hello (IF-11) is sealed the same way. */
const SEEDED_VALUE = 'Hello from the wifkit dev vault!'
const ALL_VALUES = [...Object.values(VALUES).flat(), DENIED_VALUE, SEEDED_VALUE]

let root: string
let dataDir: string
let devProcess: DevProcess
let principalId: string
let clientId: string
/** Raw bytes of every file of the data dir, read while dev runs and after it stopped. */
const running = new Map<string, Buffer>()
const stopped = new Map<string, Buffer>()

async function snapshot(into: Map<string, Buffer>): Promise<void> {
  for (const entry of await readdir(dataDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    try {
      into.set(path.slice(dataDir.length + 1), await readFile(path))
    } catch (error) {
      // The -wal and -shm files may vanish between readdir and readFile (a checkpoint).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-at-rest-'))
  dataDir = join(root, 'dev')
  devProcess = await startDevProcess(dataDir)
  const dev = devProcess.dev as VaultDevFacts
  clientId = dev.demo.clientId
  const https = await trustingFetch(dev.caFile)
  const vault = await vaultFetch(dev.caFile)
  try {
    const token = await demoAccessToken(https.fetch, dev, await mintDemoAssertion(dev))
    const created = await createVaultFor(https.fetch, dev, 'atrest', 'Key Vault Secrets Officer')
    principalId = created.principalId
    const call = async (method: string, url: string, body?: unknown) => {
      const response = await vault.fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
    }
    for (const [name, values] of Object.entries(VALUES)) {
      for (const value of values) {
        const set = await call('PUT', `${created.vaultUrl}/secrets/${name}?${API}`, { value })
        assert.equal(set.status, 200, JSON.stringify(set.body))
        assert.equal(set.body.value, value)
      }
      const got = await call('GET', `${created.vaultUrl}/secrets/${name}/?${API}`)
      assert.equal(got.status, 200)
      assert.equal(got.body.value, values.at(-1))
    }
    const deleted = await call('DELETE', `${created.vaultUrl}/secrets/deleted-${tag}?${API}`)
    assert.equal(deleted.status, 200)
    const denied = await call('PUT', `${dev.vaultUrl}/secrets/denied-${tag}?${API}`, {
      value: DENIED_VALUE,
    })
    assert.equal(denied.status, 403, 'KV-20: the demo app only reads vault demo')
  } finally {
    await https.close()
    await vault.close()
  }
  await snapshot(running)
  assert.equal(await devProcess.stop('SIGTERM'), 0, devProcess.output())
  await snapshot(stopped)
})

after(async () => {
  await devProcess.stop('SIGKILL')
  await rm(root, { recursive: true, force: true })
})

/**
 * Every way a value could sit in a file: UTF-8, UTF-16, hex, and base64 / base64url at each of the
 * three alignments a value can have inside a longer encoded run.
 */
function encodings(value: string): { form: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(value, 'utf8')
  const forms = [
    { form: 'utf8', bytes: utf8 },
    { form: 'utf16le', bytes: Buffer.from(value, 'utf16le') },
    { form: 'hex', bytes: Buffer.from(utf8.toString('hex'), 'latin1') },
  ]
  for (const shift of [0, 1, 2]) {
    const aligned = utf8.subarray(shift, shift + Math.floor((utf8.length - shift) / 3) * 3)
    for (const encoding of ['base64', 'base64url'] as const) {
      forms.push({
        form: `${encoding}+${shift}`,
        bytes: Buffer.from(aligned.toString(encoding), 'latin1'),
      })
    }
  }
  return forms
}

function assertNoValueIn(files: Map<string, Buffer>, only?: (file: string) => boolean): void {
  let scanned = 0
  for (const [file, bytes] of files) {
    if (only && !only(file)) continue
    scanned += 1
    for (const value of ALL_VALUES) {
      for (const { form, bytes: needle } of encodings(value)) {
        assert.equal(
          bytes.includes(needle),
          false,
          `${file} holds ${value.slice(0, 40)}… as ${form}`,
        )
      }
    }
  }
  assert.ok(scanned > 0, 'some file was scanned')
}

const isDatabase = (file: string) => /^wifkit\.db(-wal|-shm)?$/.test(file)

test('KV (issue #6): the database file contains no secret value in clear', () => {
  assert.ok(running.has('wifkit.db'))
  assert.ok(running.has('wifkit.db-wal'), 'a running dev keeps a write-ahead log (WAL mode)')
  assert.ok(stopped.has('wifkit.db'))
  // Controls: the same bytes do hold what is stored in clear, the secret names (KV-33), so the
  // scan reads the right files, the write-ahead log included.
  const database = Buffer.concat([...running].filter(([f]) => isDatabase(f)).map(([, b]) => b))
  for (const name of Object.keys(VALUES)) {
    assert.ok(database.includes(Buffer.from(name)), `the running database holds the name ${name}`)
    assert.ok(stopped.get('wifkit.db')?.includes(Buffer.from(name)), `wifkit.db holds ${name}`)
  }
  assertNoValueIn(running, isDatabase)
  assertNoValueIn(stopped, isDatabase)
})

test('KV-80, STYLE 18: no other file of the data dir, the dev log included, holds a value', () => {
  assert.ok(stopped.has('dev.log'))
  // Control: the refused PUT, whose body held DENIED_VALUE, is logged at warn.
  assert.match(String(stopped.get('dev.log')), /"route":"\/secrets\/:name","status":403/)
  assertNoValueIn(running)
  assertNoValueIn(stopped)
})

interface AuditRow {
  at: number
  actor: string
  action: string
  target: string
  outcome: string
}

test('KV (issue #6): the audit log has secret.set and secret.get with oid and outcome, no value', () => {
  const db = new BetterSqlite3(join(dataDir, 'wifkit.db'), { readonly: true, fileMustExist: true })
  let rows: AuditRow[]
  try {
    rows = db
      .prepare(
        "SELECT at, actor, action, target, outcome FROM audit_log WHERE action LIKE 'secret.%' ORDER BY id",
      )
      .all() as AuditRow[]
  } finally {
    db.close()
  }
  const actor = `oid=${principalId} appid=${clientId}`
  const expected: [string, string, string][] = []
  for (const [name, values] of Object.entries(VALUES)) {
    for (let i = 0; i < values.length; i += 1)
      expected.push(['secret.set', `atrest/${name}`, '200'])
    expected.push(['secret.get', `atrest/${name}`, '200'])
  }
  expected.push(['secret.delete', `atrest/deleted-${tag}`, '200'])
  expected.push(['secret.set', `demo/denied-${tag}`, '403'])
  assert.deepEqual(
    rows.map((r) => [r.action, r.target, r.outcome]),
    expected,
  )
  const nowSeconds = Date.now() / 1000
  for (const row of rows) {
    assert.equal(row.actor, actor)
    assert.ok(row.at > nowSeconds - 120 && row.at <= nowSeconds, `at ${row.at} is recent`)
    const text = JSON.stringify(row)
    for (const value of ALL_VALUES) assert.ok(!text.includes(value.slice(0, 24)), text)
  }
})
