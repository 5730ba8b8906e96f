import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { runCli, startDevProcess, type DevProcess } from '../../support/cli.js'
import { trustingFetch } from '../../support/https.js'

interface DevWithSts {
  authorityHost: string
  tenantId: string
  vaultResource: string
}

let root: string
let devProcess: DevProcess
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>
const dev = () => devProcess.dev as DevProcess['dev'] & DevWithSts

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-admin-tokens-'))
  devProcess = await startDevProcess(join(root, 'dev'))
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(devProcess.dev.caFile))
})

after(async () => {
  await closeFetch()
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

async function admin(method: string, path: string, token: string, body?: unknown) {
  const response = await httpsFetch(`${dev().adminUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  }
}

/** An app federated with the dev issuer for `system:serviceaccount:ops:<sa>`. */
async function federatedApp(sa: string): Promise<{ appId: string; id: string; ficId: string }> {
  const created = await admin('POST', '/v1.0/applications', dev().adminToken, { displayName: sa })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const fic = await admin(
    'POST',
    `/v1.0/applications/${String(created.body.id)}/federatedIdentityCredentials`,
    dev().adminToken,
    {
      name: `${sa}-fic`,
      issuer: dev().issuer,
      subject: `system:serviceaccount:ops:${sa}`,
      audiences: ['api://AzureADTokenExchange'],
    },
  )
  assert.equal(fic.status, 201, JSON.stringify(fic.body))
  return {
    appId: String(created.body.appId),
    id: String(created.body.id),
    ficId: String(fic.body.id),
  }
}

async function exchange(appId: string, sa: string, resource: string) {
  const minted = await runCli([
    'token',
    'mint',
    '--issuer',
    'dev',
    '--namespace',
    'ops',
    '--service-account',
    sa,
    '--data-dir',
    join(root, 'dev'),
  ])
  assert.equal(minted.code, 0, minted.stderr)
  const response = await httpsFetch(`${dev().authorityHost}/${dev().tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams({
      client_id: appId,
      scope: `${resource}/.default`,
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: minted.stdout.trim(),
    }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

test('interfaces.md §4: an STS access token with Application.ReadWrite.All may use the admin API on its tenant', async () => {
  const ops = await federatedApp('operator')
  const assigned = await admin('POST', '/admin/v1/appRoleAssignments', dev().adminToken, {
    clientId: ops.appId,
    resource: 'api://wifkit-admin',
    role: 'Application.ReadWrite.All',
  })
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
  const token = await exchange(ops.appId, 'operator', 'api://wifkit-admin')
  assert.equal(token.status, 200, JSON.stringify(token.body))
  const accessToken = String(token.body.access_token)
  const listed = await admin('GET', '/v1.0/applications', accessToken)
  assert.equal(listed.status, 200)
  assert.ok((listed.body.value as Array<{ appId: string }>).some((a) => a.appId === ops.appId))
  const created = await admin('POST', '/v1.0/applications', accessToken, {
    displayName: 'made-by-token',
  })
  assert.equal(created.status, 201)
  const tenants = await admin('GET', '/admin/v1/tenants', accessToken)
  assert.equal(tenants.status, 403, 'IF-35: tenants are for the bootstrap token only')
  const minted = await admin(
    'POST',
    '/issuers/dev/api/v1/namespaces/a/serviceaccounts/b/token',
    accessToken,
    { spec: {} },
  )
  assert.equal(minted.status, 201, 'the mint API accepts the same tokens')
})

test('interfaces.md §4: a valid access token lacking the role gets 403; a token for another resource 401', async () => {
  const reader = await federatedApp('reader')
  const noRole = await exchange(reader.appId, 'reader', 'api://wifkit-admin')
  assert.equal(noRole.status, 200)
  const denied = await admin('GET', '/v1.0/applications', String(noRole.body.access_token))
  assert.equal(denied.status, 403)
  assert.equal((denied.body.error as { code: string }).code, 'Authorization_RequestDenied')
  const forVault = await exchange(reader.appId, 'reader', dev().vaultResource)
  assert.equal(forVault.status, 200)
  const wrongAudience = await admin('GET', '/v1.0/applications', String(forVault.body.access_token))
  assert.equal(wrongAudience.status, 401)
})

test('STS-68, IF-38: a deleted credential stops matching at once, and the sign-in log shows both requests', async () => {
  const gone = await federatedApp('short-lived')
  assert.equal((await exchange(gone.appId, 'short-lived', dev().vaultResource)).status, 200)
  const removed = await admin(
    'DELETE',
    `/v1.0/applications/${gone.id}/federatedIdentityCredentials/${gone.ficId}`,
    dev().adminToken,
  )
  assert.equal(removed.status, 204)
  const refused = await exchange(gone.appId, 'short-lived', dev().vaultResource)
  assert.equal(refused.status, 401)
  assert.deepEqual(refused.body.error_codes, [70025])
  const log = await admin('GET', `/admin/v1/signins?app=${gone.appId}`, dev().adminToken)
  assert.equal(log.status, 200)
  const entries = log.body.value as Array<{
    result: string
    aadsts: number | null
    traceId: string
  }>
  assert.deepEqual(
    entries.map((e) => [e.result, e.aadsts]),
    [
      ['failure', 70025],
      ['success', null],
    ],
  )
  assert.equal(entries[0]?.traceId, refused.body.trace_id)
  assert.ok(!JSON.stringify(log.body).includes('eyJ'), 'STS-140: no assertion or token in the log')
})

test('IF-53: wifkit explain against the running server: exit 0 on a match, 1 naming the AADSTS code', async () => {
  const dataDir = join(root, 'dev')
  const clientId = (devProcess.dev as unknown as { demo: { clientId: string } }).demo.clientId
  const mint = (sa: string) =>
    runCli([
      'token',
      'mint',
      '--issuer',
      'dev',
      '--namespace',
      'default',
      '--service-account',
      sa,
      '--data-dir',
      dataDir,
    ])
  const good = await runCli([
    'explain',
    '--app',
    clientId,
    '--token',
    (await mint('demo')).stdout.trim(),
    '--data-dir',
    dataDir,
  ])
  assert.equal(good.code, 0, good.stderr)
  assert.match(good.stdout, /credential demo-dev: MATCHES/)
  const bad = await runCli([
    'explain',
    '--app',
    clientId,
    '--token',
    (await mint('demox')).stdout.trim(),
    '--data-dir',
    dataDir,
    '--json',
  ])
  assert.equal(bad.code, 1)
  const explanation = JSON.parse(bad.stdout) as { outcome: { aadsts: number } }
  assert.equal(explanation.outcome.aadsts, 700213)
})
