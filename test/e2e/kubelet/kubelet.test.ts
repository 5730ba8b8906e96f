import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import * as jose from 'jose'
import { stringify } from 'yaml'
import { AdminClient } from '../../../src/cli/admin_client.js'
import { requestToken } from '../../../src/cli/commands/token.js'
import {
  projectedTokens,
  runTokenProjector,
  type Mint,
  type ProjectionWrite,
} from '../../../src/kubelet/index.js'
import {
  CLIENT_ID_ANNOTATION,
  mutatePod,
  TOKEN_EXPIRATION_ANNOTATION,
  USE_LABEL,
  type Pod,
} from '../../../src/webhook/index.js'
import { runCli, startDevProcess, WIFKIT_BIN, type DevProcess } from '../../support/cli.js'

const TOKEN_FILE = '/var/run/secrets/azure/wi/token/azure-identity-token'
const JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/

let root: string
let devProcess: DevProcess

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-kubelet-'))
  devProcess = await startDevProcess(join(root, 'dev'))
})

after(async () => {
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

/** A demo pod, mutated by the webhook's pure rule as the admission webhook would. */
function demoPod(annotations: Record<string, string> = {}): Pod {
  const { namespace, serviceAccount } = devProcess.dev.demo
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'demo', namespace, labels: { [USE_LABEL]: 'true' }, annotations },
    spec: { serviceAccountName: serviceAccount, containers: [{ name: 'app', image: 'app:1' }] },
  }
  const annotated = { [CLIENT_ID_ANNOTATION]: 'demo-client' }
  const sa = { metadata: { name: serviceAccount, namespace, annotations: annotated } }
  return mutatePod(pod, sa, {
    tenantId: 'tenant',
    authorityHost: devProcess.dev.publicUrl,
    audience: devProcess.dev.demo.audience,
    tokenLayout: 'v1.6',
  }).pod
}

test('WL-33, WL-50, WL-57: kubelet --once writes the projected token of a mutated pod', async () => {
  const podFile = join(root, 'pod.yaml')
  await writeFile(podFile, stringify(demoPod({ [TOKEN_EXPIRATION_ANNOTATION]: '7200' })))
  const podRoot = join(root, 'once')
  const args = ['kubelet', '--pod', podFile, '--root', podRoot, '--once', '--json']
  const result = await runCli([...args, '--data-dir', join(root, 'dev')])
  assert.equal(result.code, 0, result.stderr)
  const file = join(podRoot, TOKEN_FILE)
  const { writes } = JSON.parse(result.stdout) as { writes: ProjectionWrite[] }
  assert.deepEqual(
    writes.map((w) => w.files),
    [[file]],
  )

  const token = await readFile(file, 'utf8')
  assert.match(token, JWS, 'one compact JWS and no trailing newline')
  const claims = jose.decodeJwt(token)
  const { namespace, serviceAccount, audience } = devProcess.dev.demo
  assert.equal(claims.iss, devProcess.dev.issuer)
  assert.equal(claims.sub, `system:serviceaccount:${namespace}:${serviceAccount}`)
  assert.deepEqual(claims.aud, [audience])
  assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 7200)
  assert.equal(Date.parse(writes[0]?.expirationTimestamp ?? ''), (claims.exp ?? 0) * 1000)
  assert.equal((await stat(file)).mode & 0o777, 0o644)
})

test('IF-4: kubelet on a pod without a token volume exits 1 and writes nothing', async () => {
  const podFile = join(root, 'plain.json')
  await writeFile(podFile, JSON.stringify({ kind: 'Pod', spec: { containers: [{ name: 'a' }] } }))
  const podRoot = join(root, 'plain')
  const result = await runCli(['kubelet', '--pod', podFile, '--root', podRoot, '--once'])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /mounts no projected serviceAccountToken volume/)
  await assert.rejects(stat(podRoot), { code: 'ENOENT' })
})

test('IF-14: kubelet without --once keeps running until SIGTERM, then exits 0', async () => {
  const podFile = join(root, 'watch.json')
  await writeFile(podFile, JSON.stringify(demoPod()))
  const podRoot = join(root, 'cli-watch')
  const args = ['kubelet', '--pod', podFile, '--root', podRoot, '--data-dir', join(root, 'dev')]
  const child = spawn(process.execPath, [WIFKIT_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  for (let i = 0; !stderr.includes('wrote'); i++) {
    assert.ok(i < 300 && child.exitCode === null, stderr)
    await delay(50)
  }
  assert.match(await readFile(join(podRoot, TOKEN_FILE), 'utf8'), JWS)
  child.kill('SIGTERM')
  assert.equal(await exited, 0)
})

test('WL-51, WL-52, IF-42: the projector replaces the file atomically and keeps it on failure', async () => {
  const podRoot = join(root, 'watch')
  const file = join(podRoot, TOKEN_FILE)
  const { adminUrl, adminToken, caFile } = devProcess.dev
  const ca = await readFile(caFile, 'utf8')
  const live = new AdminClient(adminUrl, adminToken, ca)
  const dead = new AdminClient('https://127.0.0.1:9', adminToken, ca)
  // The server's answers in order: up, down twice, up again.
  const clients = [live, dead, dead, live]
  let call = 0
  const mint: Mint = async ({ namespace, serviceAccount, audience, expirationSeconds }) => {
    const client = clients[call++] ?? live
    const spec = { expirationSeconds, audiences: [audience] }
    const answer = await requestToken(client, { issuer: 'dev', namespace, serviceAccount, spec })
    return { ...answer.status, expirationSeconds: answer.spec.expirationSeconds }
  }

  const stop = new AbortController()
  const seen: Array<{ waitMs: number; token: string; inode: number }> = []
  const failures: number[] = []
  try {
    await runTokenProjector(projectedTokens(demoPod()), {
      root: podRoot,
      mint,
      signal: stop.signal,
      onWrite: (write) => assert.deepEqual(write.files, [file]),
      onFailure: (_volume, _error, retryInMs) => failures.push(retryInMs),
      // Each wait is where a reader could look: record what it would read, then go on at once.
      sleep: async (waitMs) => {
        const token = await readFile(file, 'utf8')
        seen.push({ waitMs, token, inode: (await stat(file)).ino })
        if (seen.length === clients.length) stop.abort()
      },
    })
  } finally {
    await Promise.all([live.close(), dead.close()])
  }

  assert.deepEqual(failures, [1000, 2000])
  assert.deepEqual(seen.map((s) => s.waitMs).slice(1, 3), [1000, 2000])
  for (const s of seen) assert.match(s.token, JWS)
  const [first, down1, down2, again] = seen
  assert.ok(first && down1 && down2 && again)
  assert.ok(first.waitMs > 0 && first.waitMs <= 0.8 * 3600 * 1000, 'waits for 80 % of an hour')
  for (const down of [down1, down2]) {
    assert.equal(down.token, first.token, 'a failed refresh leaves the old token in place')
    assert.equal(down.inode, first.inode, 'and does not touch the file')
  }
  assert.notEqual(again.token, first.token, 'the refresh wrote a new token')
  assert.notEqual(again.inode, first.inode, 'by renaming a new file over the old one')
})
