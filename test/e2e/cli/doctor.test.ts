import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { runCli, startDevProcess, type DevProcess } from '../../support/cli.js'

interface Report {
  ok: boolean
  findings: Array<{ check: string; target: string; ok: boolean; detail: string }>
}

let root: string
let devProcess: DevProcess
const cli = (...args: string[]) => runCli([...args, '--data-dir', join(root, 'dev')])

async function doctor(...args: string[]): Promise<{ code: number | null; report: Report }> {
  const result = await cli('doctor', '--json', ...args)
  return { code: result.code, report: JSON.parse(result.stdout) as Report }
}

const failures = (report: Report) => report.findings.filter((f) => !f.ok)

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-doctor-'))
  devProcess = await startDevProcess(join(root, 'dev'))
})

after(async () => {
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

test('IF-56: a healthy dev deployment passes every check, issuer and STS, with exit 0', async () => {
  const { code, report } = await doctor()
  assert.equal(code, 0, JSON.stringify(failures(report)))
  assert.equal(report.ok, true)
  const checksOf = (target: string) =>
    report.findings.filter((f) => f.target === target).map((f) => f.check)
  assert.deepEqual(checksOf('issuer dev'), [
    'https',
    'discovery reachable',
    'discovery issuer',
    'jwks_uri',
    'jwks reachable',
    'signing key published',
    'minted token verifies',
    'clock skew',
  ])
  const sts = report.findings.filter((f) => f.target.startsWith('sts '))
  assert.ok(sts.some((f) => f.check === 'signing keys published' && f.ok))
  const issuerCheck = report.findings.find((f) => f.check === 'discovery issuer')
  assert.equal(issuerCheck?.detail, `equals ${devProcess.dev.issuer}`)
})

test('IF-56: an issuer whose published JWKS lacks its signing key fails, naming the kid', async () => {
  const created = await cli(
    'issuer',
    'create',
    'copycat',
    '--static',
    '--url',
    devProcess.dev.issuer,
    '--json',
  )
  assert.equal(created.code, 0, created.stderr)
  const kid = (JSON.parse(created.stdout) as { keys: Array<{ kid: string }> }).keys[0]?.kid ?? ''
  const { code, report } = await doctor('--issuer', 'copycat')
  assert.equal(code, 1)
  assert.deepEqual(
    failures(report).map((f) => f.check),
    ['signing key published', 'minted token verifies'],
  )
  assert.match(failures(report)[0]?.detail ?? '', new RegExp(`kid ${kid} signs tokens but`))
  const human = await cli('doctor', '--issuer', 'copycat')
  assert.equal(human.code, 1)
  assert.match(human.stdout, /^FAIL {2}issuer copycat +signing key published: /m)
  assert.match(human.stdout, /\d+ checks, 2 failed\n$/)
})

test('IF-56: an unreachable issuer, an unknown issuer and an unreachable STS each fail clearly', async () => {
  const created = await cli('issuer', 'create', 'elsewhere', '--url', 'https://127.0.0.1:9/x')
  assert.equal(created.code, 0, created.stderr)
  const { code, report } = await doctor(
    '--issuer',
    'elsewhere',
    '--issuer',
    'missing',
    '--authority',
    'https://127.0.0.1:9',
  )
  assert.equal(code, 1)
  const failed = failures(report).map((f) => `${f.target}: ${f.check}`)
  assert.deepEqual(failed.slice(0, 2), [
    'issuer missing: exists',
    'issuer elsewhere: discovery reachable',
  ])
  assert.ok(
    failed.slice(2).every((line) => /^sts .+: discovery reachable$/.test(line)),
    failed.join(),
  )
  assert.match(failures(report)[1]?.detail ?? '', /^https:\/\/127\.0\.0\.1:9\/x\/\.well-known/)
})

test('IF-4, IF-56: without a server, doctor says how to point it at one (exit 1)', async () => {
  const result = await runCli(['doctor', '--data-dir', join(root, 'nowhere')], {
    WIFKIT_ADMIN_URL: '',
    WIFKIT_ADMIN_TOKEN: '',
  })
  assert.equal(result.code, 1)
  assert.match(result.stderr, /no server found: pass --admin-url URL --token T/)
})
