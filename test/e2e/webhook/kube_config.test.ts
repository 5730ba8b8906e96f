import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { UsageError } from '../../../src/errors/index.js'
import { loadKubeAccess } from '../../../src/webhook/index.js'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-kube-'))
  await writeFile(join(dir, 'ca.crt'), 'CA PEM')
  await writeFile(join(dir, 'client.crt'), 'CLIENT CERT PEM')
  await writeFile(join(dir, 'client.key'), 'CLIENT KEY PEM')
  await writeFile(join(dir, 'token'), 'token-1\n')
})
after(() => rm(dir, { recursive: true, force: true }))

test('IF-60: a kubeconfig with client-cert auth and paths relative to the file', async () => {
  const file = join(dir, 'kubeconfig')
  await writeFile(
    file,
    [
      'current-context: kind',
      'clusters: [{name: kind, cluster: {server: "https://10.0.0.1:6443/", certificate-authority: ca.crt}}]',
      'users: [{name: admin, user: {client-certificate: client.crt, client-key: client.key}}]',
      'contexts: [{name: other, context: {cluster: none}}, {name: kind, context: {cluster: kind, user: admin}}]',
    ].join('\n'),
  )
  const access = await loadKubeAccess(file, { KUBERNETES_SERVICE_HOST: 'ignored' })
  assert.equal(access.server, 'https://10.0.0.1:6443')
  assert.equal(access.ca, 'CA PEM')
  assert.equal(access.cert, 'CLIENT CERT PEM')
  assert.equal(access.key, 'CLIENT KEY PEM')
  assert.equal(access.token, undefined)
})

test('IF-60: KUBECONFIG is used when no flag is given', async () => {
  const file = join(dir, 'from-env')
  await writeFile(
    file,
    'current-context: c\nclusters: [{name: k, cluster: {server: "https://k"}}]\n' +
      'users: [{name: u, user: {tokenFile: token}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n',
  )
  const access = await loadKubeAccess(undefined, { KUBECONFIG: `${file}:/elsewhere` })
  assert.equal(access.server, 'https://k')
  assert.equal(await access.token?.(), 'token-1')
})

test('IF-60: in a pod, the service host and the mounted token, read anew each time', async () => {
  const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }
  const access = await loadKubeAccess(undefined, env, dir)
  assert.equal(access.server, 'https://[fd00::1]:6443')
  assert.equal(access.ca, 'CA PEM')
  assert.equal(await access.token?.(), 'token-1')
  await writeFile(join(dir, 'token'), 'token-2')
  assert.equal(await access.token?.(), 'token-2')
})

const unusable = [
  ['no configuration at all', undefined, /pass --kubeconfig, set KUBECONFIG, or run in a pod/],
  ['a missing kubeconfig', join(tmpdir(), 'no-such-kubeconfig'), /cannot read .*ENOENT/],
] as const
for (const [name, file, message] of unusable) {
  test(`IF-3: ${name} is a user error`, async () => {
    await assert.rejects(loadKubeAccess(file, {}), (error: unknown) => {
      assert.ok(error instanceof UsageError)
      assert.match(error.message, message)
      return true
    })
  })
}

test('IF-3: a kubeconfig whose current context is missing names it', async () => {
  const file = join(dir, 'broken')
  await writeFile(file, 'current-context: gone\ncontexts: []\n')
  await assert.rejects(loadKubeAccess(file, {}), /no context named "gone" in contexts/)
})
