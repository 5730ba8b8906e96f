import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import fastJsonPatch from 'fast-json-patch'
import { parse, stringify } from 'yaml'
import { runCli } from '../../support/cli.js'

const fixture = (name: string, file: string) =>
  fileURLToPath(new URL(`../../unit/webhook/fixtures/${name}/${file}`, import.meta.url))
const settings = ['--tenant-id', 'tenant-webhook', '--authority-host', 'https://login.example.com/']
const basic = ['--pod', fixture('05-basic-v1-6', 'pod.json')]
const withSa = [...basic, '--service-account', fixture('05-basic-v1-6', 'serviceaccount.json')]
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-mutate-'))
})
after(() => rm(dir, { recursive: true, force: true }))

test('IF-59: a JSON pod prints the mutated pod as YAML, decisions on stderr', async () => {
  const result = await runCli(['webhook', 'mutate', ...withSa, ...settings])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(parse(result.stdout), await readJson(fixture('05-basic-v1-6', 'expected.json')))
  const lines = result.stderr.trimEnd().split('\n')
  assert.ok(lines.includes('container app: injected AZURE_CLIENT_ID'), result.stderr)
  assert.ok(lines.includes('token expiration 3600s (from default)'), result.stderr)
})

test('IF-59: YAML input, --json prints the pod as plain JSON', async () => {
  const pod = join(dir, 'pod.yaml')
  const sa = join(dir, 'sa.yaml')
  await writeFile(pod, stringify(await readJson(fixture('05-basic-v1-6', 'pod.json'))))
  await writeFile(sa, stringify(await readJson(fixture('05-basic-v1-6', 'serviceaccount.json'))))
  const result = await runCli([
    'webhook',
    'mutate',
    '--pod',
    pod,
    '--service-account',
    sa,
    '--json',
    ...settings,
  ])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(
    JSON.parse(result.stdout),
    await readJson(fixture('05-basic-v1-6', 'expected.json')),
  )
})

test('IF-59: --patch --json prints the JSON Patch that yields the expected pod', async () => {
  const result = await runCli(['webhook', 'mutate', ...withSa, '--patch', '--json', ...settings])
  assert.equal(result.code, 0, result.stderr)
  const pod = await readJson(fixture('05-basic-v1-6', 'pod.json'))
  const ops = JSON.parse(result.stdout) as fastJsonPatch.Operation[]
  const { newDocument } = fastJsonPatch.applyPatch(pod, ops, true, false)
  assert.deepEqual(newDocument, await readJson(fixture('05-basic-v1-6', 'expected.json')))
})

test('IF-59, WL-23: an unlabelled pod gets an empty patch and says why', async () => {
  const pod = ['--pod', fixture('01-no-label', 'pod.json')]
  const result = await runCli(['webhook', 'mutate', ...pod, '--patch', '--json', ...settings])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(JSON.parse(result.stdout), [])
  assert.equal(result.stderr, 'skipped: pod has no azure.workload.identity/use label\n')
})

test('IF-59, WL-22: without --service-account, client id is absent with a warning', async () => {
  const result = await runCli(['webhook', 'mutate', ...basic, '--patch', ...settings])
  assert.equal(result.code, 0, result.stderr)
  assert.match(
    result.stderr,
    /^not injected: AZURE_CLIENT_ID \(no azure\.workload\.identity\/client-id annotation\)$/m,
  )
  assert.match(
    result.stderr,
    /^warning: service account payments\/api has no .*client-id annotation$/m,
  )
})

test('IF-60: the settings come from AZURE_TENANT_ID and AZURE_AUTHORITY_HOST', async () => {
  const env = {
    AZURE_TENANT_ID: 'tenant-webhook',
    AZURE_AUTHORITY_HOST: 'https://login.example.com/',
  }
  const result = await runCli(['webhook', 'mutate', ...withSa, '--json'], env)
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(
    JSON.parse(result.stdout),
    await readJson(fixture('05-basic-v1-6', 'expected.json')),
  )
})

const failures = [
  [
    'WL-11: no tenant id',
    [...withSa, '--authority-host', 'https://login.example.com/'],
    /no tenant id/,
  ],
  [
    'WL-11: an http authority',
    [...withSa, '--tenant-id', 't', '--authority-host', 'http://x/'],
    /https URL/,
  ],
  [
    'IF-3: a missing pod file',
    ['--pod', join(tmpdir(), 'no-such-pod.yaml'), ...settings],
    /cannot read .*ENOENT/,
  ],
  [
    'IF-3: a ServiceAccount given as the pod',
    ['--pod', fixture('05-basic-v1-6', 'serviceaccount.json'), ...settings],
    /holds a ServiceAccount, not a Pod/,
  ],
  [
    'IF-3: an unknown layout',
    [...withSa, ...settings, '--layout', 'v2'],
    /--layout must be v1\.6 or v1\.5/,
  ],
] as const
for (const [name, args, message] of failures) {
  test(`${name} exits 1 with one line`, async () => {
    const result = await runCli(['webhook', 'mutate', ...args], {
      AZURE_TENANT_ID: '',
      AZURE_AUTHORITY_HOST: '',
    })
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, message)
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr)
  })
}

test('WL-43: a bad expiration annotation exits 1 naming the value and range', async () => {
  const pod = join(dir, 'bad.json')
  const base = (await readJson(fixture('05-basic-v1-6', 'pod.json'))) as { metadata: object }
  const annotations = { 'azure.workload.identity/service-account-token-expiration': '1h' }
  await writeFile(pod, JSON.stringify({ ...base, metadata: { ...base.metadata, annotations } }))
  const result = await runCli(['webhook', 'mutate', '--pod', pod, ...settings])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /"1h".*3600 to 86400/)
})

test('WL-11: webhook serve refuses to start without a tenant id', async () => {
  const args = ['webhook', 'serve', '--listen', '127.0.0.1:0', '--tls-cert', 'c', '--tls-key', 'k']
  const result = await runCli(args, { AZURE_TENANT_ID: '', AZURE_AUTHORITY_HOST: 'https://a/' })
  assert.equal(result.code, 1)
  assert.match(result.stderr, /no tenant id: pass --tenant-id or set AZURE_TENANT_ID/)
})
