// IF-34: user-assigned managed identities in ARM's shape over real HTTPS, and a token exchange
// that federates through one of them.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import pino from 'pino'
import { issueBootstrapToken } from '../../../src/admin/index.js'
import { validateConfig } from '../../../src/config/index.js'
import { ensureLocalTls, freePort } from '../../../src/dev/index.js'
import { createServer, DEFAULT_TENANT_SETTING, type WifkitServer } from '../../../src/index.js'
import { systemClock } from '../../../src/util/index.js'
import { trustingFetch } from '../../support/https.js'

const SUB = '6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8'
const RG = 'rg-payments'
const TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities'
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISSUER = 'https://issuer.example.com/clusters/prod'

let dir: string
let server: WifkitServer
let adminBase: string
let publicBase: string
let adminToken: string
let tenantId: string
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-mi-'))
  const tls = await ensureLocalTls(dir, ['localhost'])
  // The STS fetches its own issuer's documents, so public.url must name the real port.
  const port = await freePort('127.0.0.1')
  publicBase = `https://localhost:${port}`
  const files = { cert: tls.certFile, key: tls.keyFile }
  const config = validateConfig(
    {
      storage: `sqlite:${join(dir, 'db.sqlite')}`,
      public: { listen: `127.0.0.1:${port}`, url: publicBase, tls: files },
      admin: { listen: '127.0.0.1:0', tls: files },
      keys: { kekFile: join(dir, 'kek') },
    },
    {},
    dir,
  )
  server = await createServer({
    config,
    createKek: true,
    logger: pino({ level: 'silent' }),
    extraCa: tls.caPem,
  })
  adminToken = await issueBootstrapToken(server.store, systemClock, 'managed identities e2e')
  const { adminPort } = await server.listen()
  adminBase = `https://localhost:${adminPort}`
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(tls.caFile))
  const tenant = await server.directory.createTenant({ displayName: 'Default' })
  tenantId = tenant.id
  await server.store.settings.set(DEFAULT_TENANT_SETTING, tenant.id, 0)
})

after(async () => {
  await closeFetch()
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

interface Answer {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = adminToken,
): Promise<Answer> {
  const response = await httpsFetch(`${adminBase}${path}?api-version=2023-01-31`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
}

const identityPath = (name: string, rg = RG, sub = SUB) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/${TYPE}/${name}`
const ficsPath = (name: string) => `${identityPath(name)}/federatedIdentityCredentials`
const ficBody = (subject: string, extra: Record<string, unknown> = {}) => ({
  properties: { issuer: ISSUER, subject, audiences: ['api://AzureADTokenExchange'], ...extra },
})

/** ARM's error shape exactly: `{error:{code,message}}`, and a message naming `field`. */
function assertArmError(answer: Answer, status: number, code: string, field?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body))
  assert.deepEqual(Object.keys(answer.body), ['error'])
  assert.deepEqual(Object.keys(answer.body.error), ['code', 'message'])
  assert.equal(answer.body.error.code, code)
  if (field !== undefined) {
    assert.ok(answer.body.error.message.startsWith(`${field}:`), answer.body.error.message)
  }
}

test('IF-34: PUT creates an identity in ARM shape, a second PUT updates it in place', async () => {
  const created = await call('PUT', identityPath('payments-api'), {
    location: 'West Europe',
    tags: { team: 'payments' },
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  assert.deepEqual(Object.keys(created.body).sort(), [
    'id',
    'location',
    'name',
    'properties',
    'tags',
    'type',
  ])
  assert.equal(created.body.id, identityPath('payments-api'))
  assert.equal(created.body.name, 'payments-api')
  assert.equal(created.body.type, TYPE)
  assert.equal(created.body.location, 'westeurope')
  assert.deepEqual(created.body.tags, { team: 'payments' })
  const { properties } = created.body
  assert.equal(properties.tenantId, tenantId)
  assert.match(properties.principalId, GUID)
  assert.match(properties.clientId, GUID)
  assert.notEqual(properties.principalId, properties.clientId)

  const again = await call('PUT', identityPath('payments-api'), {
    location: 'westeurope',
    tags: { team: 'payments', env: 'prod' },
  })
  assert.equal(again.status, 200)
  assert.deepEqual(again.body.properties, properties)
  assert.deepEqual(again.body.tags, { team: 'payments', env: 'prod' })

  // ARM names are case-insensitive; the first spelling stays.
  const read = await call('GET', identityPath('PAYMENTS-API', 'RG-Payments'))
  assert.equal(read.status, 200)
  assert.equal(read.body.id, identityPath('payments-api'))
  assert.deepEqual(read.body.tags, { team: 'payments', env: 'prod' })

  // Without a location the identity keeps its own; another location is a conflict.
  const kept = await call('PUT', identityPath('payments-api'), {})
  assert.equal(kept.status, 200)
  assert.equal(kept.body.location, 'westeurope')
  assert.deepEqual(kept.body.tags, {})
  assertArmError(
    await call('PUT', identityPath('payments-api'), { location: 'eastus' }),
    409,
    'Conflict',
    'location',
  )

  // It is a principal of the directory, not an application.
  const graph = await httpsFetch(`${adminBase}/v1.0/applications`, {
    headers: { authorization: `Bearer ${adminToken}` },
  })
  const apps = (await graph.json()) as { value: { appId: string }[] }
  assert.ok(!apps.value.some((a) => a.appId === properties.clientId))
  const stored = await server.directory.application(tenantId, {
    appId: properties.clientId,
    kind: 'managedIdentity',
  })
  assert.equal(stored.principalId, properties.principalId)
})

test('IF-34: names, subscription ids and bodies are validated as ARM does', async () => {
  for (const name of ['ab', '-abc', '_abc', 'a.bc', 'a'.repeat(129)]) {
    assertArmError(
      await call('PUT', identityPath(name), { location: 'westus' }),
      400,
      'InvalidResourceName',
    )
  }
  const longest = await call('PUT', identityPath(`a${'_-9'.repeat(42)}x`), { location: 'westus' })
  assert.equal(longest.status, 201, JSON.stringify(longest.body))
  assert.equal(longest.body.name.length, 128)
  assertArmError(
    await call('PUT', identityPath('good-name', RG, 'not-a-guid'), {}),
    400,
    'InvalidSubscriptionId',
  )
  assertArmError(
    await call('PUT', identityPath('good-name', 'rg.'), {}),
    400,
    'InvalidResourceGroup',
  )
  assertArmError(
    await call('PUT', identityPath('good-name'), { tags: { a: 1 } }),
    400,
    'BadRequest',
    'tags.a',
  )
  assertArmError(await call('PUT', identityPath('good-name'), [1]), 400, 'BadRequest')
  const anonymous = await call('GET', identityPath('good-name'), undefined, null)
  assert.equal(anonymous.status, 401)
})

test('IF-34: GET of an absent identity is a 404 and DELETE is 200, then 204', async () => {
  assertArmError(await call('GET', identityPath('nobody-here')), 404, 'ResourceNotFound')
  assert.equal((await call('PUT', identityPath('short-lived'), { location: 'westus' })).status, 201)
  assert.equal((await call('PUT', `${ficsPath('short-lived')}/fic-one`, ficBody('s1'))).status, 201)
  const deleted = await call('DELETE', identityPath('short-lived'))
  assert.equal(deleted.status, 200)
  assert.equal(deleted.body, undefined)
  assertArmError(await call('GET', identityPath('short-lived')), 404, 'ResourceNotFound')
  assertArmError(await call('GET', ficsPath('short-lived')), 404, 'ResourceNotFound')
  assert.equal((await call('DELETE', identityPath('short-lived'))).status, 204)
})

test('IF-34: federated credentials: put, update, list, get, delete, validated like Graph', async () => {
  assert.equal((await call('PUT', identityPath('fic-holder'), { location: 'westus' })).status, 201)
  const created = await call('PUT', `${ficsPath('fic-holder')}/prod-api`, ficBody('sub-a'))
  assert.equal(created.status, 201, JSON.stringify(created.body))
  assert.deepEqual(created.body, {
    id: `${identityPath('fic-holder')}/federatedIdentityCredentials/prod-api`,
    name: 'prod-api',
    type: `${TYPE}/federatedIdentityCredentials`,
    properties: { issuer: ISSUER, subject: 'sub-a', audiences: ['api://AzureADTokenExchange'] },
  })

  // PUT on an existing name (compared case-insensitively) updates it.
  const updated = await call('PUT', `${ficsPath('fic-holder')}/PROD-API`, ficBody('sub-b'))
  assert.equal(updated.status, 200, JSON.stringify(updated.body))
  assert.equal(updated.body.name, 'prod-api')
  assert.equal(updated.body.properties.subject, 'sub-b')
  const read = await call('GET', `${ficsPath('fic-holder')}/prod-api`)
  assert.deepEqual(read.body, updated.body)
  const listed = await call('GET', ficsPath('fic-holder'))
  assert.equal(listed.status, 200)
  assert.deepEqual(listed.body, { value: [updated.body] })

  const put = (name: string, body: unknown) =>
    call('PUT', `${ficsPath('fic-holder')}/${name}`, body)
  assertArmError(
    await put('http-issuer', ficBody('s', { issuer: 'http://issuer.example.com' })),
    400,
    'BadRequest',
    'properties.issuer',
  )
  assertArmError(
    await put('two-auds', ficBody('s', { audiences: ['a', 'b'] })),
    400,
    'BadRequest',
    'properties.audiences',
  )
  assertArmError(
    await put('no-subject', { properties: { issuer: ISSUER } }),
    400,
    'BadRequest',
    'properties.subject',
  )
  assertArmError(await put('no-props', {}), 400, 'BadRequest', 'properties')
  assertArmError(await put('x!', ficBody('s')), 400, 'BadRequest', 'name')
  assertArmError(await put('same-pair', ficBody('sub-b')), 409, 'Conflict')
  // Omitted audiences default to Entra's exchange audience.
  const defaulted = await put('defaulted', { properties: { issuer: ISSUER, subject: 'sub-c' } })
  assert.equal(defaulted.status, 201)
  assert.deepEqual(defaulted.body.properties.audiences, ['api://AzureADTokenExchange'])

  for (let i = 3; i <= 20; i++) {
    assert.equal((await put(`fic-${i}`, ficBody(`subject-${i}`))).status, 201)
  }
  assertArmError(
    await put('fic-21', ficBody('subject-21')),
    400,
    'BadRequest',
    'federatedIdentityCredentials',
  )
  assert.equal((await call('GET', ficsPath('fic-holder'))).body.value.length, 20)

  assert.equal((await call('DELETE', `${ficsPath('fic-holder')}/prod-api`)).status, 200)
  assertArmError(await call('GET', `${ficsPath('fic-holder')}/prod-api`), 404, 'ResourceNotFound')
  assert.equal((await call('DELETE', `${ficsPath('fic-holder')}/prod-api`)).status, 204)
  assertArmError(await call('GET', `${ficsPath('nobody-here')}/x-y-z`), 404, 'ResourceNotFound')
})

test('IF-34: a managed identity exchanges an issuer token for an access token', async () => {
  const { issuer } = await server.issuers.create({ name: 'mi' })
  const resource = await server.directory.createApplication(tenantId, {
    displayName: 'mi resource',
    identifierUris: ['api://mi-resource'],
  })
  const identity = await call('PUT', identityPath('workload'), { location: 'westus' })
  assert.equal(identity.status, 201)
  const fic = await call('PUT', `${ficsPath('workload')}/cluster`, {
    properties: { issuer: issuer.url, subject: 'system:serviceaccount:ns:sa' },
  })
  assert.equal(fic.status, 201, JSON.stringify(fic.body))

  const minted = await server.issuers.mint(issuer, { namespace: 'ns', serviceAccount: 'sa' })
  const response = await httpsFetch(`${publicBase}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: identity.body.properties.clientId,
      scope: `${resource.identifierUris[0]}/.default`,
      client_assertion_type: JWT_BEARER,
      client_assertion: minted.token,
    }).toString(),
  })
  const body = (await response.json()) as Record<string, unknown>
  assert.equal(response.status, 200, JSON.stringify(body))
  const [, payload] = String(body.access_token).split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'))
  assert.equal(claims.oid, identity.body.properties.principalId)
  assert.equal(claims.tid, tenantId)
  assert.equal(claims.appid ?? claims.azp, identity.body.properties.clientId)
})
