import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { startDevProcess, type DevProcess } from '../support/cli.js'
import { trustingFetch } from '../support/https.js'
import {
  createVaultFor,
  LOCALHOST_PRELOAD,
  mintDemoAssertion,
  type VaultDevFacts,
} from '../support/vault_client.js'

// Issue #6 acceptance: the unmodified SecretClient (no disableChallengeResourceVerification) with
// an @azure/identity credential against our STS runs the whole secret lifecycle on `wifkit dev`.

const CLIENT_SCRIPT = fileURLToPath(new URL('./clients/secret_lifecycle.ts', import.meta.url))
const OFFICER = 'Key Vault Secrets Officer'

/** What the child printed: SDK results with Dates as {$date} and failures as RestError facts. */
type Steps = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

let root: string
let devProcess: DevProcess
let lifecycleVaultUrl: string
let steps: Steps
let startedMs: number
let endedMs: number

const dev = () => devProcess.dev as VaultDevFacts

/** Runs the SecretClient child with the workload's environment variables and nothing else. */
function runClient(mode: string, vaultUrl: string, ...args: string[]): Promise<Steps> {
  const d = dev()
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', LOCALHOST_PRELOAD, CLIENT_SCRIPT, mode, vaultUrl, ...args],
      {
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: d.caFile,
          AZURE_AUTHORITY_HOST: d.authorityHost,
          AZURE_TENANT_ID: d.tenantId,
          AZURE_CLIENT_ID: d.demo.clientId,
          AZURE_FEDERATED_TOKEN_FILE: d.demo.tokenFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Steps)
      } catch {
        reject(new Error(`client printed no result: ${out} ${err}`))
      }
    })
  })
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-secret-client-'))
  devProcess = await startDevProcess(join(root, 'dev'))
  await mintDemoAssertion(dev(), dev().demo.tokenFile)
  const { fetch, close } = await trustingFetch(dev().caFile)
  try {
    ;({ vaultUrl: lifecycleVaultUrl } = await createVaultFor(fetch, dev(), 'lifecycle', OFFICER))
  } finally {
    await close()
  }
  startedMs = Date.now()
  steps = await runClient('lifecycle', lifecycleVaultUrl)
  endedMs = Date.now()
})

after(async () => {
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

/** The run reached `name` without an unexpected failure. */
function step(name: string): Steps {
  assert.ok(name in steps, `step ${name} not reached: ${JSON.stringify(steps.error)}`)
  return steps[name] as Steps
}

/** A Date the SDK built from integer seconds (KV-36), within this run. */
function assertDateNow(value: unknown, what: string): number {
  const ms = (value as { $date?: number } | undefined)?.$date
  assert.equal(typeof ms, 'number', `${what} is a valid Date, got ${JSON.stringify(value)}`)
  assert.ok(ms !== undefined && ms % 1000 === 0, `${what} has whole seconds`)
  assert.ok(
    ms! >= startedMs - 1000 && ms! <= endedMs,
    `${what} ${new Date(ms!).toISOString()} is within the run`,
  )
  return ms!
}

function assertFailure(result: Steps, statusCode: number, code: string, innerCode?: string): void {
  assert.equal(result.failed, true, `expected ${statusCode} ${code}`)
  assert.equal(result.name, 'RestError', result.message)
  assert.equal(result.statusCode, statusCode, result.message)
  assert.equal(result.code, code, result.message)
  if (innerCode) assert.equal(result.innerCode, innerCode)
}

const VERSION = /^[0-9a-f]{32}$/

test('KV-1, KV-2, KV-10…KV-14, IF-11: SecretClient with resource verification on reads demo/hello', async () => {
  const result = await runClient('read', dev().vaultUrl, dev().demo.secretName)
  assert.equal(result.error, undefined, JSON.stringify(result.error))
  assert.equal(result.read.value, 'Hello from the wifkit dev vault!')
  assert.equal(result.read.name, 'hello')
  assert.equal(result.read.properties.vaultUrl, dev().vaultUrl)
  assert.equal(result.read.properties.contentType, 'text/plain')
})

test('KV-20: a Secrets User gets RestError 403 Forbidden/ForbiddenByRbac on setSecret', async () => {
  const result = await runClient('write', dev().vaultUrl)
  assertFailure(result.write, 403, 'Forbidden', 'ForbiddenByRbac')
})

test('R1, KV-34, KV-36, KV-37: setSecret returns the value, a new version and Dates near now', () => {
  const first = step('firstSet')
  const second = step('secondSet')
  assert.equal(first.value, 'alpha value one')
  assert.equal(first.name, 'alpha')
  assert.equal(first.properties.name, 'alpha')
  assert.equal(first.properties.vaultUrl, lifecycleVaultUrl)
  assert.match(first.properties.version, VERSION)
  assert.equal(
    first.properties.id,
    `${lifecycleVaultUrl}/secrets/alpha/${first.properties.version}`,
  )
  assert.equal(first.properties.enabled, true)
  assert.equal(first.properties.contentType, 'text/plain')
  assert.deepEqual(first.properties.tags, { env: 'test' })
  assert.equal(first.properties.recoveryLevel, 'Recoverable+Purgeable')
  assert.equal(first.properties.recoverableDays, 90)
  const created = assertDateNow(first.properties.createdOn, 'createdOn')
  assert.equal(assertDateNow(first.properties.updatedOn, 'updatedOn'), created)
  assert.equal(second.value, 'alpha value two')
  assert.match(second.properties.version, VERSION)
  assert.notEqual(second.properties.version, first.properties.version)
  assertDateNow(second.properties.createdOn, 'createdOn')
})

test('R2, KV-35: getSecret reads the latest version and a named one, each with its value', () => {
  const latest = step('getLatest')
  const named = step('getFirst')
  assert.equal(latest.value, 'alpha value two')
  assert.equal(latest.properties.version, step('secondSet').properties.version)
  assert.equal(named.value, 'alpha value one')
  assert.equal(named.properties.version, step('firstSet').properties.version)
  assert.deepEqual(named.properties.tags, { env: 'test' })
  assertDateNow(named.properties.createdOn, 'createdOn')
})

test('R3, KV-52: updateSecretProperties returns no value, replaces tags, and a disabled get is 403', () => {
  const updated = step('update')
  const first = step('firstSet').properties
  assert.equal(updated.value, undefined)
  assert.equal(updated.version, first.version)
  assert.equal(updated.enabled, false)
  assert.equal(updated.contentType, 'application/json')
  assert.deepEqual(updated.tags, { env: 'prod', owner: 'interop' })
  assert.equal(updated.createdOn.$date, first.createdOn.$date)
  assert.ok(assertDateNow(updated.updatedOn, 'updatedOn') >= first.updatedOn.$date)
  assertFailure(step('getDisabled'), 403, 'Forbidden')
})

test('KV-51: getSecret on an unknown name is RestError 404 SecretNotFound', () => {
  assertFailure(step('getUnknown'), 404, 'SecretNotFound')
})

test('R4, KV-60…KV-62: listPropertiesOfSecrets().byPage({maxPageSize: 2}) follows nextLink across pages', () => {
  assert.deepEqual(step('listPages'), [
    ['alpha', 'Page-1'],
    ['page-2', 'page-3'],
    ['page-4', 'page-5'],
  ])
  const all = step('listAll') as Steps[]
  assert.equal(all.length, 6)
  const alpha = all.find((p) => p.name === 'alpha')
  assert.ok(alpha)
  assert.equal(alpha.id, `${lifecycleVaultUrl}/secrets/alpha`)
  assert.equal(alpha.value, undefined)
  assert.equal(alpha.enabled, true, 'the latest version is enabled')
  for (const item of all) {
    assert.equal(item.vaultUrl, lifecycleVaultUrl)
    assertDateNow(item.createdOn, `${item.name} createdOn`)
  }
})

test('R5, KV-62: listPropertiesOfSecretVersions lists every version oldest first, also one per page', () => {
  const versions = step('versions') as Steps[]
  assert.deepEqual(
    versions.map((v) => v.version),
    [step('firstSet').properties.version, step('secondSet').properties.version],
  )
  assert.deepEqual(
    versions.map((v) => v.enabled),
    [false, true],
  )
  for (const v of versions) {
    assert.equal(v.id, `${lifecycleVaultUrl}/secrets/alpha/${v.version}`)
    assertDateNow(v.createdOn, 'createdOn')
  }
  assert.deepEqual(step('versionPages'), [1, 1])
})

test('R6, KV-70, KV-71: the beginDeleteSecret poller completes with the deleted secret', () => {
  const deleted = step('deleted')
  assert.equal(deleted.name, 'alpha')
  assert.equal(deleted.value, undefined)
  assert.equal(deleted.recoveryId, `${lifecycleVaultUrl}/deletedsecrets/alpha`)
  assert.equal(deleted.properties.version, step('secondSet').properties.version)
  const deletedOn = assertDateNow(deleted.deletedOn, 'deletedOn')
  assert.equal(deleted.scheduledPurgeDate.$date, deletedOn + 90 * 86_400_000)
})

test('KV-72, KV-73, R7, R8: a deleted name is 404 on get, 409 on set, and listed as deleted', () => {
  assertFailure(step('getAfterDelete'), 404, 'SecretNotFound')
  assertFailure(step('setWhileDeleted'), 409, 'Conflict')
  const fetched = step('getDeleted')
  assert.equal(fetched.name, 'alpha')
  assert.equal(fetched.recoveryId, `${lifecycleVaultUrl}/deletedsecrets/alpha`)
  assert.equal(fetched.deletedOn.$date, step('deleted').deletedOn.$date)
  assert.equal(fetched.scheduledPurgeDate.$date, step('deleted').scheduledPurgeDate.$date)
  const listed = step('listDeleted') as Steps[]
  assert.deepEqual(
    listed.map((d) => d.name),
    ['alpha'],
  )
  assert.equal(listed[0]?.recoveryId, fetched.recoveryId)
  assert.ok(!step('listWhileDeleted').includes('alpha'))
})

test('R9, KV-74: beginRecoverDeletedSecret brings back every version unchanged', () => {
  const recovered = step('recovered')
  assert.equal(recovered.name, 'alpha')
  assert.equal(recovered.version, step('secondSet').properties.version)
  assert.equal(recovered.value, undefined)
  assert.equal(step('getRecovered').value, 'alpha value two')
  assert.deepEqual(step('versionsRecovered'), step('versions'))
  assertFailure(step('getDeletedAfterRecover'), 404, 'SecretNotFound')
})

test('R10, KV-38, KV-75: purgeDeletedSecret removes the name for good and frees it', () => {
  assert.equal(step('purge'), null, 'purge resolves with nothing')
  assertFailure(step('getDeletedAfterPurge'), 404, 'SecretNotFound')
  assertFailure(step('getAfterPurge'), 404, 'SecretNotFound')
  const reborn = step('setAfterPurge')
  assert.equal(reborn.value, 'alpha reborn')
  assert.ok(
    ![step('firstSet'), step('secondSet')].some(
      (s) => s.properties.version === reborn.properties.version,
    ),
  )
})

test('R11, R12, KV-53: backupSecret, delete and purge, then restoreSecretBackup restores all versions', () => {
  assert.ok(Number(step('backupBytes')) > 0)
  assertFailure(step('getBeforeRestore'), 404, 'SecretNotFound')
  const first = step('backupFirst').properties
  const second = step('backupSecond').properties
  const restored = step('restored')
  assert.equal(restored.name, 'bkp')
  assert.equal(restored.version, second.version)
  assert.equal(restored.value, undefined)
  assert.equal(step('getRestored').value, 'backup value two')
  assert.equal(step('getRestoredFirst').value, 'backup value one')
  assert.deepEqual(step('getRestoredFirst').properties.tags, { n: '1' })
  const versions = step('versionsRestored') as Steps[]
  assert.deepEqual(
    versions.map((v) => [v.version, v.createdOn.$date]),
    [
      [first.version, first.createdOn.$date],
      [second.version, second.createdOn.$date],
    ],
  )
  assertFailure(step('restoreOverExisting'), 409, 'Conflict')
  assertFailure(step('restoreGarbage'), 400, 'BadParameter')
})
