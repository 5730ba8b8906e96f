import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Agent, request } from 'undici'
import { createServingCertificates } from '../../../src/webhook/index.js'
import { WIFKIT_BIN } from '../../support/cli.js'
import { startKubeApiStub } from './kube_api_stub.js'

const fixtures = new URL('../../unit/webhook/fixtures/05-basic-v1-6/', import.meta.url)

test('IF-60: the built `wifkit webhook serve` answers a review over TLS 1.3', async (t) => {
  const kube = await startKubeApiStub()
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-serve-cli-'))
  const pki = await createServingCertificates(['127.0.0.1'])
  await writeFile(join(dir, 'tls.crt'), pki.certPem)
  await writeFile(join(dir, 'tls.key'), pki.keyPem)
  const sa = JSON.parse(await readFile(new URL('serviceaccount.json', fixtures), 'utf8'))
  kube.accounts.set('payments/api', sa)
  const args = ['webhook', 'serve', '--listen', '127.0.0.1:0', '--kubeconfig', kube.kubeconfig]
  args.push('--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'))
  const child = spawn(process.execPath, [WIFKIT_BIN, ...args], {
    env: { ...process.env, AZURE_TENANT_ID: 'tenant-webhook', AZURE_AUTHORITY_HOST: 'https://a/' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const agent = new Agent({ connect: { ca: pki.caPem } })
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
    await agent.close()
    await kube.close()
    await rm(dir, { recursive: true, force: true })
  })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const ready = /"port":(\d+)[^\n]*"msg":"webhook ready"/.exec(output)
      if (ready) resolve(Number(ready[1]))
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`wifkit exited ${code}: ${output}`)))
  })

  const pod = JSON.parse(await readFile(new URL('pod.json', fixtures), 'utf8'))
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'payments',
      operation: 'CREATE',
      object: pod,
    },
  }
  const response = await request(`https://127.0.0.1:${port}/mutate`, {
    method: 'POST',
    body: JSON.stringify(review),
    headers: { 'content-type': 'application/json' },
    dispatcher: agent,
  })
  const body = (await response.body.json()) as { response: Record<string, unknown> }
  assert.equal(body.response.uid, 'uid-1')
  assert.equal(body.response.allowed, true)
  assert.equal(body.response.patchType, 'JSONPatch')
  assert.ok(!output.includes(kube.token), 'the API token reached the log')
})
