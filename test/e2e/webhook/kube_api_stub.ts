import { createServer, type Server } from 'node:https'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServingCertificates, type ServiceAccount } from '../../../src/webhook/index.js'

const SA_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/?]+)$/

/** A loopback HTTPS stand-in for the Kubernetes API, serving ServiceAccounts by name. */
export interface KubeApiStub {
  /** `namespace/name` → object; add entries at any time. */
  accounts: Map<string, ServiceAccount>
  /** Paths requested so far, to see cache hits and misses. */
  requests: string[]
  /** A kubeconfig (token auth, CA by data) pointing at this stub. */
  kubeconfig: string
  token: string
  close(): Promise<void>
}

/** Starts the stub on 127.0.0.1 with its own CA; it answers 401 without the right bearer token. */
export async function startKubeApiStub(): Promise<KubeApiStub> {
  const pki = await createServingCertificates(['127.0.0.1', 'localhost'])
  const token = 'kube-api-token-must-never-be-logged'
  const accounts = new Map<string, ServiceAccount>()
  const requests: string[] = []
  const server: Server = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    requests.push(req.url ?? '')
    const status = (code: number, reason: string) => {
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code }))
    }
    if (req.headers.authorization !== `Bearer ${token}`) return status(401, 'Unauthorized')
    const match = SA_PATH.exec(req.url ?? '')
    const account = match ? accounts.get(`${match[1]}/${match[2]}`) : undefined
    if (req.method !== 'GET' || !account) return status(404, 'NotFound')
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(account))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-kubeconfig-'))
  const kubeconfig = join(dir, 'config')
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: stub',
      'clusters:',
      '  - name: stub',
      '    cluster:',
      `      server: https://127.0.0.1:${port}`,
      `      certificate-authority-data: ${Buffer.from(pki.caPem).toString('base64')}`,
      'users:',
      '  - name: webhook',
      `    user: {token: ${token}}`,
      'contexts:',
      '  - name: stub',
      '    context: {cluster: stub, user: webhook}',
      '',
    ].join('\n'),
  )
  return {
    accounts,
    requests,
    kubeconfig,
    token,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
