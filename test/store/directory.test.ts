import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { openStore, type ApplicationRecord, type Store } from '../../src/store/index.js'
import { forEachBackend, type TestDatabase } from '../support/store_backends.js'

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

forEachBackend((backend) => {
  let database: TestDatabase
  let store: Store

  before(async () => {
    database = await backend.database()
    store = await openStore(database.storage)
    await store.directory.insertTenant({
      id: tenantId,
      displayName: 'Contoso',
      domains: ['contoso.example'],
      createdAt: 1,
    })
  })

  after(async () => {
    await store?.close()
    await database?.drop()
  })

  test('STS-8: a tenant is found by GUID or domain, case-insensitively', async () => {
    assert.equal((await store.directory.tenant(tenantId.toUpperCase()))?.id, tenantId)
    assert.equal((await store.directory.tenant('Contoso.EXAMPLE'))?.id, tenantId)
    assert.equal(await store.directory.tenant('fabrikam.example'), undefined)
  })

  test('an application reads back exactly as written: booleans, JSON and times', async () => {
    const written = app({
      enabled: false,
      identifierUris: ['api://payments'],
      appRoles: [{ id: randomUUID(), value: 'Pay.Write', displayName: 'Pay' }],
      createdAt: 1_900_000_000,
      arm: {
        subscriptionId: 'sub',
        resourceGroup: 'RG',
        name: 'Id-One',
        location: 'westeurope',
        tags: { team: 'pay' },
      },
    })
    await store.directory.insertApplication(written)
    assert.deepEqual(await store.directory.applicationById(tenantId, written.id), written)
    assert.equal(
      (
        await store.directory.managedIdentityAt(tenantId, {
          subscriptionId: 'SUB',
          resourceGroup: 'rg',
          name: 'id-one',
        })
      )?.id,
      written.id,
    )
    await store.directory.updateApplication({ ...written, enabled: true, identifierUris: [] })
    assert.equal((await store.directory.applicationById(tenantId, written.id))?.enabled, true)
    assert.equal(await store.directory.resource(tenantId, 'api://payments'), undefined)
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
    assert.equal(
      (await store.directory.resource(tenantId, vault.appId.toUpperCase()))?.id,
      vault.id,
    )
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
      store.directory.insertCredential({
        ...fic,
        id: randomUUID(),
        name: 'PROD',
        subject: 'other',
      }),
    )
    await assert.rejects(
      store.directory.insertCredential({ ...fic, id: randomUUID(), name: 'second' }),
    )
    assert.deepEqual(await store.directory.credentials(owner.id), [fic])
    await store.directory.deleteApplication(owner.id)
    assert.deepEqual(await store.directory.credentials(owner.id), [])
  })

  test('applications page by creation time, then id, per kind', async () => {
    const tenant = randomUUID()
    await store.directory.insertTenant({ id: tenant, displayName: 'p', domains: [], createdAt: 1 })
    const apps = [3, 1, 2].map((createdAt) => app({ tenantId: tenant, createdAt }))
    for (const a of apps) await store.directory.insertApplication(a)
    await store.directory.insertApplication(
      app({ tenantId: tenant, kind: 'managedIdentity', createdAt: 0 }),
    )
    const page = await store.directory.applications(tenant, 'application', { skip: 1, top: 5 })
    assert.deepEqual(
      page.map((a) => a.createdAt),
      [2, 3],
    )
  })

  test('role assignments: values sorted bytewise, once per principal, resource and value', async () => {
    const principalId = randomUUID()
    const resourceAppId = randomUUID()
    const assign = (role: string) =>
      store.roleAssignments.insert({
        id: randomUUID(),
        tenantId,
        principalId,
        resourceAppId,
        role,
        createdAt: 5,
      })
    for (const role of ['b.read', 'B.Write', 'a-c', 'ab']) await assign(role)
    await assert.rejects(assign('ab'))
    assert.deepEqual(await store.roleAssignments.roles(principalId, resourceAppId), [
      'B.Write',
      'a-c',
      'ab',
      'b.read',
    ])
    const [first] = await store.roleAssignments.forResource(resourceAppId)
    assert.equal(first?.createdAt, 5)
    await store.roleAssignments.delete(first?.id ?? '')
    assert.equal((await store.roleAssignments.roles(principalId, resourceAppId)).length, 3)
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
      { ...base, at: 300, clientId: 'a', outcome: 'failure', aadsts: 7002138 },
    ])
    assert.deepEqual(
      (await store.signIns.list({ limit: 10 })).map((s) => s.at),
      [300, 200, 100],
    )
    assert.deepEqual(
      (await store.signIns.list({ clientId: 'A', limit: 10 })).map((s) => s.aadsts),
      [7002138, null],
    )
    assert.deepEqual(
      (await store.signIns.list({ outcome: 'failure', sinceSeconds: 250, limit: 10 })).map(
        (s) => s.at,
      ),
      [300],
    )
    assert.deepEqual((await store.signIns.list({ limit: 1 }))[0]?.details, { iss: 'x' })
  })
})
