import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { openStore, type ApplicationRecord, type Store } from '../../src/store/index.js'

let dir: string
let store: Store
const tenantId = '8d3c2a4e-5b1f-4c9a-9e2d-0a7b6c5d4e3f'

function app(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    id: randomUUID(),
    tenantId,
    appId: randomUUID(),
    principalId: randomUUID(),
    kind: 'application',
    displayName: 'payments',
    enabled: true,
    identifierUris: [],
    appRoles: [],
    createdAt: 1,
    ...overrides,
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-directory-'))
  store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`)
  await store.directory.insertTenant({
    id: tenantId,
    displayName: 'Contoso',
    domains: ['contoso.example'],
    createdAt: 1,
  })
})

after(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

test('STS-8: a tenant is found by GUID or domain, case-insensitively', async () => {
  assert.equal((await store.directory.tenant(tenantId.toUpperCase()))?.id, tenantId)
  assert.equal((await store.directory.tenant('Contoso.EXAMPLE'))?.id, tenantId)
  assert.equal(await store.directory.tenant('fabrikam.example'), undefined)
})

test('STS-53: a resource is found by an exact identifier URI or by appId in any case', async () => {
  const vault = app({ identifierUris: ['https://vault.example.com'] })
  await store.directory.insertApplication(vault)
  assert.equal(
    (await store.directory.resource(tenantId, 'https://vault.example.com'))?.id,
    vault.id,
  )
  assert.equal(await store.directory.resource(tenantId, 'https://vault.example.com/'), undefined)
  assert.equal(await store.directory.resource(tenantId, 'https://VAULT.example.com'), undefined)
  assert.equal((await store.directory.resource(tenantId, vault.appId.toUpperCase()))?.id, vault.id)
  assert.equal(
    await store.directory.resource('another-tenant', 'https://vault.example.com'),
    undefined,
  )
})

test('STS-61, STS-66: the database itself refuses a duplicate name (any case) or issuer+subject', async () => {
  const owner = app()
  await store.directory.insertApplication(owner)
  const fic = {
    id: randomUUID(),
    applicationId: owner.id,
    name: 'prod',
    issuer: 'https://issuer.example.com',
    subject: 'system:serviceaccount:pay:api',
    audience: 'api://AzureADTokenExchange',
    description: null,
    createdAt: 1,
  }
  await store.directory.insertCredential(fic)
  await assert.rejects(
    store.directory.insertCredential({ ...fic, id: randomUUID(), name: 'PROD', subject: 'other' }),
  )
  await assert.rejects(
    store.directory.insertCredential({ ...fic, id: randomUUID(), name: 'second' }),
  )
  assert.equal((await store.directory.credentials(owner.id)).length, 1)
  await store.directory.deleteApplication(owner.id)
  assert.deepEqual(await store.directory.credentials(owner.id), [])
})

test('STS-140: sign-ins are stored in batches and listed newest first with filters', async () => {
  const base = {
    tenant: tenantId,
    grantType: 'client_credentials',
    traceId: randomUUID(),
    correlationId: randomUUID(),
    details: { iss: 'x' },
  }
  await store.signIns.appendMany([
    { ...base, at: 100, clientId: 'a', outcome: 'success', aadsts: null },
    { ...base, at: 200, clientId: 'b', outcome: 'failure', aadsts: 700213 },
    { ...base, at: 300, clientId: 'a', outcome: 'failure', aadsts: 700211 },
  ])
  assert.deepEqual(
    (await store.signIns.list({ limit: 10 })).map((s) => s.at),
    [300, 200, 100],
  )
  assert.deepEqual(
    (await store.signIns.list({ clientId: 'a', limit: 10 })).map((s) => s.aadsts),
    [700211, null],
  )
  assert.deepEqual(
    (await store.signIns.list({ outcome: 'failure', sinceSeconds: 250, limit: 10 })).map(
      (s) => s.at,
    ),
    [300],
  )
})
