import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { runCli, startDevProcess, type DevProcess } from '../../support/cli.js'

let root: string
let dataDir: string
let devProcess: DevProcess

interface DevWithVault {
  vaultUrl: string
  vaultResource: string
  tenantId: string
  demo: { clientId: string; secretName: string }
}
const dev = () => devProcess.dev as unknown as DevWithVault

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-vault-cli-'))
  dataDir = join(root, 'dev')
  devProcess = await startDevProcess(dataDir)
})

after(async () => {
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

const wifkit = (...args: string[]) => runCli([...args, '--data-dir', dataDir])

async function json<T>(...args: string[]): Promise<T> {
  const result = await wifkit(...args, '--json')
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout) as T
}

interface VaultView {
  name: string
  vaultUri: string
  tenantId: string
  softDelete: boolean
  retentionDays: number
  purgeProtection: boolean
}

test('IF-12: dev.json names the seeded vault, its resource and the demo secret', () => {
  const port = new URL(devProcess.dev.publicUrl).port
  assert.equal(dev().vaultUrl, `https://demo.vault.localhost:${port}`)
  assert.equal(dev().vaultResource, `https://vault.localhost:${port}`)
  assert.equal(dev().demo.secretName, 'hello')
})

test('IF-11: the dev vault demo exists and lets the demo application read secrets', async () => {
  const vault = await json<VaultView>('vault', 'show', 'demo')
  assert.equal(vault.vaultUri, dev().vaultUrl)
  assert.equal(vault.tenantId, dev().tenantId)
  const roles = await json<{ value: Array<{ principalId: string; role: string }> }>(
    'role',
    'list',
    '--vault',
    'demo',
  )
  assert.deepEqual(
    roles.value.map((r) => r.role),
    ['Key Vault Secrets User'],
  )
})

test('IF-55: vault create, show, list and delete through the admin API', async () => {
  const created = await json<VaultView>(
    'vault',
    'create',
    'Payments',
    '--retention-days',
    '30',
    '--purge-protection',
  )
  const port = new URL(devProcess.dev.publicUrl).port
  assert.deepEqual(
    {
      name: created.name,
      vaultUri: created.vaultUri,
      softDelete: created.softDelete,
      retentionDays: created.retentionDays,
      purgeProtection: created.purgeProtection,
    },
    {
      name: 'payments',
      vaultUri: `https://payments.vault.localhost:${port}`,
      softDelete: true,
      retentionDays: 30,
      purgeProtection: true,
    },
  )
  const again = await wifkit(
    'vault',
    'create',
    'payments',
    '--retention-days',
    '30',
    '--purge-protection',
  )
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /softDelete\s+on, 30 days/)

  const changed = await wifkit('vault', 'create', 'payments')
  assert.equal(changed.code, 1)
  assert.match(changed.stderr, /409.*already exists with other settings/)

  const list = await wifkit('vault', 'list')
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stdout, /^demo\thttps:\/\/demo\.vault\.localhost:\d+$/m)
  assert.match(list.stdout, /^payments\thttps:\/\/payments\.vault\.localhost:\d+$/m)

  const protectedDelete = await wifkit('vault', 'delete', 'payments')
  assert.equal(protectedDelete.code, 1)
  assert.match(protectedDelete.stderr, /purge protection/)

  await json('vault', 'create', 'scratch', '--no-soft-delete')
  const deleted = await wifkit('vault', 'delete', 'scratch')
  assert.equal(deleted.code, 0, deleted.stderr)
  const gone = await wifkit('vault', 'show', 'scratch')
  assert.equal(gone.code, 1)
  assert.match(gone.stderr, /404.*no vault named 'scratch'/)
})

test('KV-4: vault create refuses a bad name or retention before or at the server', async () => {
  for (const [args, message] of [
    [['vault', 'create', 'ab'], /400.*3-24 letters/],
    [['vault', 'create', '9lives'], /400.*starting with a letter/],
    [['vault', 'create', 'okname', '--retention-days', '6'], /--retention-days must be 7 to 90/],
  ] as const) {
    const result = await wifkit(...args)
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`)
    assert.match(result.stderr, message)
  }
})

test('IF-55: role assign, list and remove --vault grant and revoke vault roles', async () => {
  await json('vault', 'create', 'team')
  const assigned = await json<{ id: string; principalId: string; role: string }>(
    'role',
    'assign',
    '--vault',
    'team',
    '--app',
    dev().demo.clientId,
    '--role',
    'Key Vault Secrets Officer',
  )
  assert.equal(assigned.role, 'Key Vault Secrets Officer')
  const twice = await json<{ id: string }>(
    'role',
    'assign',
    '--vault',
    'team',
    '--app',
    dev().demo.clientId,
    '--role',
    'Key Vault Secrets Officer',
  )
  assert.equal(twice.id, assigned.id, 'an assignment exists at most once')

  const listed = await wifkit('role', 'list', '--vault', 'team')
  assert.equal(
    listed.stdout.trim(),
    `${assigned.id}\t${assigned.principalId}\tKey Vault Secrets Officer`,
  )

  const unknownRole = await wifkit(
    'role',
    'assign',
    '--vault',
    'team',
    '--app',
    dev().demo.clientId,
    '--role',
    'Secrets.Read',
  )
  assert.equal(unknownRole.code, 1)
  assert.match(unknownRole.stderr, /400.*role/)

  const removed = await wifkit('role', 'remove', assigned.id, '--vault', 'team')
  assert.equal(removed.code, 0, removed.stderr)
  assert.equal(
    (await wifkit('role', 'list', '--vault', 'team')).stdout.trim(),
    'no role assignments',
  )
})

test('IF-55: role assign takes exactly one of --resource and --vault', async () => {
  for (const extra of [[], ['--vault', 'demo', '--resource', 'https://vault.localhost']]) {
    const result = await wifkit(
      'role',
      'assign',
      '--app',
      dev().demo.clientId,
      '--role',
      'Key Vault Secrets User',
      ...extra,
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /give exactly one of --resource and --vault/)
  }
})
