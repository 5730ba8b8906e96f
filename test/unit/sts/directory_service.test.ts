import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { GraphError } from '../../../src/errors/index.js'
import { openStore, type Store } from '../../../src/store/index.js'
import { DirectoryService } from '../../../src/sts/directory_service.js'
import { ManualClock } from '../../../src/util/index.js'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const START = Date.parse('2026-01-01T00:00:00Z')

let dir: string
let store: Store
let clock: ManualClock
let directory: DirectoryService
let tenantId: string
let otherTenantId: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-directory-'))
  store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`)
  clock = new ManualClock(START)
  directory = new DirectoryService(store, clock, {
    maxCredentialsPerIdentity: 20,
    allowHttpLoopback: false,
  })
  tenantId = (await directory.createTenant({ displayName: 'Contoso', domains: ['Contoso.Test'] }))
    .id
  otherTenantId = (await directory.createTenant({ displayName: 'Fabrikam' })).id
})

after(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

/** Asserts a GraphError with this status and code whose message starts with `field:`. */
async function rejectsWith(
  work: Promise<unknown>,
  status: number,
  code: string,
  field: string,
): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof GraphError, `expected a GraphError, got ${String(error)}`)
    assert.equal(error.status, status, error.message)
    assert.equal(error.code, code, error.message)
    assert.ok(error.message.startsWith(`${field}:`), `'${error.message}' names ${field}`)
    return true
  })
}
const badRequest = (work: Promise<unknown>, field: string) =>
  rejectsWith(work, 400, 'Request_BadRequest', field)
const conflict = (work: Promise<unknown>, field: string) =>
  rejectsWith(work, 409, 'Request_MultipleObjectsWithSameKeyValue', field)
const notFound = (work: Promise<unknown>) =>
  assert.rejects(work, (e: unknown) => e instanceof GraphError && e.status === 404)

const fic = (overrides: Record<string, unknown> = {}) => ({
  name: 'payments-api-prod',
  issuer: 'https://wifkit.example.com/issuers/prod',
  subject: 'system:serviceaccount:payments:api',
  audiences: ['api://AzureADTokenExchange'],
  description: 'payments/api in prod',
  ...overrides,
})

function auditActions(): string[] {
  const db = new BetterSqlite3(join(dir, 'db.sqlite'), { readonly: true })
  try {
    const rows = db.prepare('select action from audit_log order by rowid').all() as Array<{
      action: string
    }>
    return rows.map((r) => r.action)
  } finally {
    db.close()
  }
}

test('IF-35: a tenant gets a lower-case GUID and lower-cased domains usable for lookup', async () => {
  const tenant = await directory.tenant('CONTOSO.test')
  assert.equal(tenant.id, tenantId)
  assert.match(tenant.id, GUID)
  assert.deepEqual(tenant.domains, ['contoso.test'])
  assert.equal(tenant.createdAt, START / 1000)
  assert.equal((await directory.tenant(tenantId.toUpperCase())).id, tenantId)
  assert.deepEqual(
    (await directory.tenants()).map((t) => t.displayName),
    ['Contoso', 'Fabrikam'],
  )
  await notFound(directory.tenant('nowhere.test'))
})

const badTenants: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
  ['a tenant without displayName is refused', { domains: [] }, 'displayName'],
  ['a blank displayName is refused', { displayName: '  ' }, 'displayName'],
  ['a domain with a space is refused', { displayName: 'x', domains: ['a b.test'] }, 'domains'],
  [
    'a domain label ending in a hyphen is refused',
    { displayName: 'x', domains: ['a-.t'] },
    'domains',
  ],
  ['domains must be an array of strings', { displayName: 'x', domains: 'a.test' }, 'domains'],
  [
    'the reserved tenant name common is refused',
    { displayName: 'x', domains: ['common'] },
    'domains',
  ],
  [
    'a GUID-shaped domain is refused',
    { displayName: 'x', domains: ['8d3c2a4e-5b1f-4c9a-9e2d-0a7b6c5d4e3f'] },
    'domains',
  ],
  ['a domain listed twice is refused', { displayName: 'x', domains: ['a.t', 'A.t'] }, 'domains'],
]
for (const [name, body, field] of badTenants) {
  test(`IF-35: ${name}`, () =>
    badRequest(directory.createTenant(body as { displayName: unknown }), field))
}

test('IF-35: a domain already naming a tenant is a 409', () =>
  conflict(directory.createTenant({ displayName: 'Again', domains: ['contoso.TEST'] }), 'domains'))

test('IF-30: an application gets distinct random id, appId and principalId', async () => {
  const app = await directory.createApplication(tenantId, {
    displayName: 'payments',
    identifierUris: ['api://payments'],
    appRoles: [{ value: 'Secrets.Read', displayName: 'Read secrets' }],
  })
  assert.match(app.id, GUID)
  assert.match(app.appId, GUID)
  assert.match(app.principalId, GUID)
  assert.equal(new Set([app.id, app.appId, app.principalId]).size, 3)
  assert.equal(app.kind, 'application')
  assert.equal(app.enabled, true)
  assert.deepEqual(app.identifierUris, ['api://payments'])
  assert.equal(app.appRoles[0]?.value, 'Secrets.Read')
  assert.match(app.appRoles[0]?.id ?? '', GUID)
  assert.deepEqual(await directory.application(tenantId, { id: app.id.toUpperCase() }), app)
  assert.deepEqual(await directory.application(tenantId, { appId: app.appId.toUpperCase() }), app)
  await notFound(directory.application(otherTenantId, { id: app.id }))
  await notFound(directory.application(tenantId, { id: app.id, kind: 'managedIdentity' }))
})

const badApplications: ReadonlyArray<readonly [string, unknown, string]> = [
  ['displayName is required', {}, 'displayName'],
  ['displayName must be a string', { displayName: 7 }, 'displayName'],
  ['displayName is at most 256 characters', { displayName: 'x'.repeat(257) }, 'displayName'],
  [
    'identifierUris must be an array',
    { displayName: 'a', identifierUris: 'api://a' },
    'identifierUris',
  ],
  [
    'an identifier URI must be absolute',
    { displayName: 'a', identifierUris: ['payments'] },
    'identifierUris',
  ],
  [
    'an identifier URI listed twice is refused',
    { displayName: 'a', identifierUris: ['api://x', 'api://x'] },
    'identifierUris',
  ],
  ['appRoles must be an array', { displayName: 'a', appRoles: {} }, 'appRoles'],
  [
    'an app role value with a space is refused',
    { displayName: 'a', appRoles: [{ value: 'Read All', displayName: 'r' }] },
    'appRoles[0].value',
  ],
  [
    'an app role id must be a GUID',
    { displayName: 'a', appRoles: [{ value: 'r', id: 'one' }] },
    'appRoles[0].id',
  ],
  [
    'an app role value listed twice is refused',
    { displayName: 'a', appRoles: [{ value: 'r' }, { value: 'r' }] },
    'appRoles',
  ],
  ['an unknown property is refused', { displayName: 'a', signInAudience: 'x' }, 'signInAudience'],
]
for (const [name, body, field] of badApplications) {
  test(`IF-30: ${name}`, () => badRequest(directory.createApplication(tenantId, body), field))
}

test('IF-30: a body that is not an object is a 400', () =>
  assert.rejects(directory.createApplication(tenantId, []), { status: 400 }))

test('IF-30: an identifier URI is unique in its tenant, not across tenants', async () => {
  await directory.createApplication(tenantId, { displayName: 'a', identifierUris: ['api://uniq'] })
  await conflict(
    directory.createApplication(tenantId, { displayName: 'b', identifierUris: ['api://uniq'] }),
    'identifierUris',
  )
  const elsewhere = await directory.createApplication(otherTenantId, {
    displayName: 'c',
    identifierUris: ['api://uniq'],
  })
  assert.deepEqual(elsewhere.identifierUris, ['api://uniq'])
})

test('IF-31: applications page by skip and top, per kind', async () => {
  const t = await directory.createTenant({ displayName: 'Paging' })
  for (let i = 0; i < 5; i++) {
    clock.advanceSeconds(1)
    await directory.createApplication(t.id, { displayName: `app-${i}` })
  }
  await directory.createApplication(t.id, { displayName: 'mi' }, 'managedIdentity')
  const names = async (skip: number, top: number) =>
    (await directory.applications(t.id, 'application', { skip, top })).map((a) => a.displayName)
  assert.deepEqual(await names(0, 2), ['app-0', 'app-1'])
  assert.deepEqual(await names(4, 2), ['app-4'])
  assert.deepEqual(
    (await directory.applications(t.id, 'managedIdentity', { skip: 0, top: 10 })).map(
      (a) => a.displayName,
    ),
    ['mi'],
  )
})

test('IF-31: PATCH changes only the members it names', async () => {
  const app = await directory.createApplication(tenantId, {
    displayName: 'before',
    identifierUris: ['api://patch-me'],
    appRoles: [{ value: 'Keep' }],
  })
  const updated = await directory.updateApplication(
    tenantId,
    { appId: app.appId },
    {
      displayName: 'after',
      enabled: false,
    },
  )
  assert.equal(updated.displayName, 'after')
  assert.equal(updated.enabled, false)
  assert.deepEqual(updated.identifierUris, ['api://patch-me'])
  assert.deepEqual(await directory.application(tenantId, { id: app.id }), updated)
  const roles = await directory.updateApplication(
    tenantId,
    { id: app.id },
    {
      appRoles: [{ value: 'Keep' }, { value: 'Added' }],
    },
  )
  assert.equal(roles.appRoles[0]?.id, app.appRoles[0]?.id, 'a role sent without id keeps its id')
  await badRequest(
    directory.updateApplication(tenantId, { id: app.id }, { enabled: 'no' }),
    'enabled',
  )
  await conflict(
    directory.updateApplication(tenantId, { id: app.id }, { identifierUris: ['api://payments'] }),
    'identifierUris',
  )
  await notFound(directory.updateApplication(tenantId, { id: 'nope' }, { displayName: 'x' }))
})

test('IF-32: a credential is stored as given and found by id or by name in any case', async () => {
  const app = await directory.createApplication(tenantId, { displayName: 'fic-store' })
  const created = await directory.addCredential(tenantId, { id: app.id }, fic())
  assert.match(created.id, GUID)
  assert.equal(created.applicationId, app.id)
  assert.equal(created.audience, 'api://AzureADTokenExchange')
  assert.equal(created.description, 'payments/api in prod')
  const ref = { appId: app.appId }
  assert.deepEqual(await directory.credential(tenantId, ref, 'PAYMENTS-API-PROD'), created)
  assert.deepEqual(await directory.credential(tenantId, ref, created.id), created)
  assert.deepEqual(await directory.credentials(tenantId, ref), [created])
  await notFound(directory.credential(tenantId, ref, 'other'))
})

const badFics: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
  ['STS-61: a name is required', { name: undefined }, 'name'],
  ['STS-61: a 2-character name is refused', { name: 'ab' }, 'name'],
  ['STS-61: a name starting with a hyphen is refused', { name: '-abc' }, 'name'],
  [
    'STS-62: an http issuer is refused outside dev mode',
    { issuer: 'http://localhost/i' },
    'issuer',
  ],
  ['STS-62: an issuer with a query is refused', { issuer: 'https://i.test/?a=1' }, 'issuer'],
  [
    'STS-62: an issuer over 600 characters is refused',
    { issuer: `https://i.test/${'x'.repeat(600)}` },
    'issuer',
  ],
  ['STS-63: a subject is required', { subject: undefined }, 'subject'],
  ['STS-63: an empty subject is refused', { subject: '' }, 'subject'],
  ['STS-64: two audiences are refused', { audiences: ['a', 'b'] }, 'audiences'],
  ['STS-64: no audience is refused', { audiences: [] }, 'audiences'],
  [
    'STS-65: a description over 600 characters is refused',
    { description: 'd'.repeat(601) },
    'description',
  ],
  [
    'STS-69: a flexible credential is refused',
    { claimsMatchingExpression: { value: 'x', languageVersion: 1 } },
    'claimsMatchingExpression',
  ],
]
for (const [name, change, field] of badFics) {
  test(`IF-32: ${name}`, async () => {
    const app = await directory.createApplication(tenantId, { displayName: 'fic-rules' })
    await badRequest(directory.addCredential(tenantId, { id: app.id }, fic(change)), field)
    assert.deepEqual(await directory.credentials(tenantId, { id: app.id }), [])
  })
}

test('IF-32: a name taken in another case and a repeated issuer and subject are 409s', async () => {
  const app = await directory.createApplication(tenantId, { displayName: 'fic-dup' })
  const ref = { id: app.id }
  await directory.addCredential(tenantId, ref, fic())
  await conflict(
    directory.addCredential(tenantId, ref, fic({ name: 'Payments-Api-Prod', subject: 's2' })),
    'name',
  )
  await conflict(directory.addCredential(tenantId, ref, fic({ name: 'second' })), 'subject')
})

test('STS-67: the 21st credential of an application is refused', async () => {
  const app = await directory.createApplication(tenantId, { displayName: 'fic-cap' })
  const ref = { id: app.id }
  for (let i = 0; i < 20; i++) {
    await directory.addCredential(tenantId, ref, fic({ name: `fic-${i}`, subject: `s-${i}` }))
  }
  await badRequest(
    directory.addCredential(tenantId, ref, fic({ name: 'fic-20', subject: 's-20' })),
    'federatedIdentityCredentials',
  )
  assert.equal((await directory.credentials(tenantId, ref)).length, 20)
})

test('STS-62: a dev-mode directory accepts an http issuer on a loopback host', async () => {
  const dev = new DirectoryService(store, clock, {
    maxCredentialsPerIdentity: 20,
    allowHttpLoopback: true,
  })
  const app = await dev.createApplication(tenantId, { displayName: 'dev' })
  const created = await dev.addCredential(
    tenantId,
    { id: app.id },
    fic({ issuer: 'http://127.0.0.1:8080/i' }),
  )
  assert.equal(created.issuer, 'http://127.0.0.1:8080/i')
})

test('IF-33: PATCH changes issuer, subject, audiences and description but never the name', async () => {
  const app = await directory.createApplication(tenantId, { displayName: 'fic-patch' })
  const ref = { id: app.id }
  const first = await directory.addCredential(tenantId, ref, fic())
  await directory.addCredential(tenantId, ref, fic({ name: 'other', subject: 'other' }))
  await badRequest(directory.updateCredential(tenantId, ref, first.id, { name: 'renamed' }), 'name')
  await conflict(
    directory.updateCredential(tenantId, ref, first.id, { subject: 'other' }),
    'subject',
  )
  await badRequest(
    directory.updateCredential(tenantId, ref, first.id, { audiences: ['a', 'b'] }),
    'audiences',
  )
  const updated = await directory.updateCredential(tenantId, ref, 'PAYMENTS-api-prod', {
    name: 'payments-api-prod',
    subject: 'system:serviceaccount:payments:worker',
    audiences: ['api://custom'],
    description: null,
  })
  assert.equal(updated.subject, 'system:serviceaccount:payments:worker')
  assert.equal(updated.audience, 'api://custom')
  assert.equal(updated.description, null)
  assert.equal(updated.createdAt, first.createdAt)
  assert.deepEqual(await directory.credential(tenantId, ref, first.id), updated)
  await directory.removeCredential(tenantId, ref, 'OTHER')
  assert.deepEqual(
    (await directory.credentials(tenantId, ref)).map((f) => f.name),
    ['payments-api-prod'],
  )
  await notFound(directory.removeCredential(tenantId, ref, 'other'))
})

test('app roles: a principal gets a role the resource defines, once', async () => {
  const api = await directory.createApplication(tenantId, {
    displayName: 'vault',
    identifierUris: ['https://vault.contoso.test'],
    appRoles: [{ value: 'Secrets.Read' }, { value: 'Secrets.Write' }],
  })
  const client = await directory.createApplication(tenantId, { displayName: 'client' })
  const byClientId = await directory.assignRole(tenantId, {
    clientId: client.appId.toUpperCase(),
    resource: 'https://vault.contoso.test',
    role: 'Secrets.Read',
  })
  assert.equal(byClientId.principalId, client.principalId)
  assert.equal(byClientId.resourceAppId, api.appId)
  const byPrincipal = await directory.assignRole(tenantId, {
    principalId: client.principalId,
    resource: api.appId,
    role: 'Secrets.Write',
  })
  assert.deepEqual(await store.roleAssignments.roles(client.principalId, api.appId), [
    'Secrets.Read',
    'Secrets.Write',
  ])
  assert.deepEqual(await directory.roleAssignments(tenantId, api.appId), [byClientId, byPrincipal])

  const assign = (input: Record<string, string>) =>
    directory.assignRole(tenantId, { resource: api.appId, role: 'Secrets.Read', ...input })
  await conflict(assign({ clientId: client.appId }), 'role')
  await badRequest(assign({ clientId: client.appId, role: 'Secrets.Delete' }), 'role')
  await badRequest(
    directory.assignRole(tenantId, { resource: api.appId, role: 'r' }),
    'principalId',
  )
  await badRequest(
    assign({ clientId: client.appId, principalId: client.principalId }),
    'principalId',
  )
  await rejectsWith(assign({ clientId: api.id }), 404, 'Request_ResourceNotFound', 'clientId')
  await rejectsWith(
    assign({ principalId: client.id }),
    404,
    'Request_ResourceNotFound',
    'principalId',
  )
  await rejectsWith(
    assign({ clientId: client.appId, resource: 'api://none' }),
    404,
    'Request_ResourceNotFound',
    'resource',
  )
  await notFound(directory.roleAssignments(otherTenantId, api.appId))
  await badRequest(
    directory.updateApplication(
      tenantId,
      { id: api.id },
      { appRoles: [{ value: 'Secrets.Read' }] },
    ),
    'appRoles',
  )

  await directory.removeRoleAssignment(tenantId, byPrincipal.id)
  assert.deepEqual(await directory.roleAssignments(tenantId, 'https://vault.contoso.test'), [
    byClientId,
  ])
  await notFound(directory.removeRoleAssignment(tenantId, byPrincipal.id))
  await notFound(directory.removeRoleAssignment(otherTenantId, byClientId.id))
})

test('deleting an application deletes its credentials and the role assignments naming it', async () => {
  const api = await directory.createApplication(tenantId, {
    displayName: 'api',
    identifierUris: ['api://deleted'],
    appRoles: [{ value: 'Use' }],
  })
  const client = await directory.createApplication(tenantId, { displayName: 'doomed' })
  await directory.addCredential(tenantId, { id: client.id }, fic())
  await directory.assignRole(tenantId, { clientId: client.appId, resource: api.appId, role: 'Use' })
  await directory.deleteApplication(tenantId, { appId: client.appId })
  await notFound(directory.application(tenantId, { id: client.id }))
  assert.deepEqual(await store.directory.credentials(client.id), [])
  assert.deepEqual(await directory.roleAssignments(tenantId, api.appId), [])
  await notFound(directory.deleteApplication(tenantId, { id: client.id }))

  await directory.deleteApplication(tenantId, { id: api.id })
  const again = await directory.createApplication(tenantId, {
    displayName: 'reuses the URI',
    identifierUris: ['api://deleted'],
  })
  assert.deepEqual(again.identifierUris, ['api://deleted'])
})

test('every write is audited in its transaction; a refused write leaves no entry', async () => {
  const before = auditActions().length
  const app = await directory.createApplication(tenantId, { displayName: 'audited' })
  await directory.addCredential(tenantId, { id: app.id }, fic())
  await conflict(directory.addCredential(tenantId, { id: app.id }, fic()), 'name')
  await directory.updateCredential(tenantId, { id: app.id }, 'payments-api-prod', { subject: 'x' })
  await directory.removeCredential(tenantId, { id: app.id }, 'payments-api-prod')
  await directory.updateApplication(tenantId, { id: app.id }, { displayName: 'renamed' })
  await directory.deleteApplication(tenantId, { id: app.id })
  assert.deepEqual(auditActions().slice(before), [
    'application.create',
    'federatedIdentityCredential.create',
    'federatedIdentityCredential.update',
    'federatedIdentityCredential.delete',
    'application.update',
    'application.delete',
  ])
})
