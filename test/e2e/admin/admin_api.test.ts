import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import pino from 'pino'
import { issueBootstrapToken } from '../../../src/admin/index.js'
import { validateConfig } from '../../../src/config/index.js'
import { ensureLocalTls } from '../../../src/dev/index.js'
import { createServer, DEFAULT_TENANT_SETTING, type WifkitServer } from '../../../src/index.js'
import { systemClock } from '../../../src/util/index.js'
import { trustingFetch } from '../../support/https.js'
import { runCli } from '../../support/cli.js'

let dir: string
let caFile: string
let server: WifkitServer
let base: string
let adminToken: string
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-admin-api-'))
  const tls = await ensureLocalTls(dir, ['localhost'])
  caFile = tls.caFile
  const config = validateConfig(
    {
      storage: `sqlite:${join(dir, 'db.sqlite')}`,
      public: {
        listen: '127.0.0.1:0',
        url: 'https://localhost:8443',
        tls: { cert: tls.certFile, key: tls.keyFile },
      },
      admin: { listen: '127.0.0.1:0', tls: { cert: tls.certFile, key: tls.keyFile } },
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
  adminToken = await issueBootstrapToken(server.store, systemClock, 'admin api e2e')
  const { adminPort } = await server.listen()
  base = `https://localhost:${adminPort}`
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(caFile))
  if ((await server.store.settings.get(DEFAULT_TENANT_SETTING)) === undefined) {
    const created = await call('POST', '/admin/v1/tenants', { displayName: 'Default' })
    await server.store.settings.set(DEFAULT_TENANT_SETTING, created.body.id as string, 0)
  }
})

after(async () => {
  await closeFetch()
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

interface Answer {
  status: number
  headers: Headers
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; authorization?: string; rawBody?: string } = {},
): Promise<Answer> {
  const token = options.token === undefined ? adminToken : options.token
  const authorization = options.authorization ?? (token === null ? undefined : `Bearer ${token}`)
  const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body))
  const response = await httpsFetch(`${base}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: payload,
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  }
}

/** Graph's error shape exactly, with this status and code, and a message naming `field`. */
function assertGraphError(answer: Answer, status: number, code: string, field?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body))
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/)
  assert.deepEqual(Object.keys(answer.body), ['error'])
  const { error } = answer.body
  assert.deepEqual(Object.keys(error), ['code', 'message', 'innerError'])
  assert.equal(error.code, code)
  assert.equal(typeof error.message, 'string')
  if (field !== undefined) {
    assert.ok(error.message.startsWith(`${field}:`), `'${error.message}' names ${field}`)
  }
  assert.deepEqual(Object.keys(error.innerError), ['request-id', 'date'])
  assert.equal(typeof error.innerError['request-id'], 'string')
  assert.match(error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
}

let tenantCount = 0
/** A fresh tenant for one test; returns its `?tenant=` query by domain. */
async function freshTenant(): Promise<{ id: string; q: string }> {
  const domain = `t${++tenantCount}.admin.test`
  const created = await call('POST', '/admin/v1/tenants', {
    displayName: `tenant ${tenantCount}`,
    domains: [domain],
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  return { id: created.body.id, q: `?tenant=${domain}` }
}

const ficBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'payments-api-prod',
  issuer: 'https://wifkit.example.com/issuers/prod',
  subject: 'system:serviceaccount:payments:api',
  audiences: ['api://AzureADTokenExchange'],
  description: 'payments/api in prod',
  ...overrides,
})

test('admin API: no token, a bad token and a malformed header are 401 in Graph shape', async () => {
  for (const [method, path] of [
    ['POST', '/v1.0/applications'],
    ['GET', '/v1.0/applications'],
    ['GET', "/v1.0/applications(appId='x')/federatedIdentityCredentials"],
    ['GET', '/admin/v1/tenants'],
    ['POST', '/admin/v1/appRoleAssignments'],
    ['GET', '/admin/v1/signins'],
  ] as const) {
    const none = await call(method, path, undefined, { token: null })
    assertGraphError(none, 401, 'InvalidAuthenticationToken')
    assert.match(none.body.error.message, /Authorization: Bearer/)
    const bad = await call(method, path, undefined, { token: 'wkadm_not-a-real-token' })
    assertGraphError(bad, 401, 'InvalidAuthenticationToken')
    assert.equal(bad.body.error.message, 'the admin token is not valid')
    const basic = await call(method, path, undefined, { authorization: `Basic ${adminToken}` })
    assertGraphError(basic, 401, 'InvalidAuthenticationToken')
  }
})

test('IF-35: tenants are created with a GUID and listed; a taken domain is a 409', async () => {
  const created = await call('POST', '/admin/v1/tenants', {
    displayName: 'Contoso',
    domains: ['Contoso.Example.com'],
  })
  assert.equal(created.status, 201)
  assert.deepEqual(Object.keys(created.body), ['id', 'displayName', 'domains'])
  assert.match(created.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  assert.deepEqual(created.body.domains, ['contoso.example.com'])
  const list = await call('GET', '/admin/v1/tenants')
  assert.equal(list.status, 200)
  assert.ok(list.body.value.some((t: { id: string }) => t.id === created.body.id))
  assertGraphError(
    await call('POST', '/admin/v1/tenants', { displayName: 'x', domains: ['contoso.example.COM'] }),
    409,
    'Request_MultipleObjectsWithSameKeyValue',
    'domains',
  )
  assertGraphError(
    await call('POST', '/admin/v1/tenants', { domains: [] }),
    400,
    'Request_BadRequest',
    'displayName',
  )
  assertGraphError(
    await call('POST', '/admin/v1/tenants', { displayName: 'x', domains: ['not a domain'] }),
    400,
    'Request_BadRequest',
    'domains',
  )
  assertGraphError(
    await call('GET', '/v1.0/applications?tenant=nowhere.test'),
    404,
    'Request_ResourceNotFound',
  )
})

test('IF-30, IF-31: create, read by id and by appId, PATCH, DELETE', async () => {
  const { q } = await freshTenant()
  const created = await call('POST', `/v1.0/applications${q}`, {
    displayName: 'payments',
    identifierUris: ['api://payments'],
    appRoles: [{ value: 'Payments.Write', displayName: 'Write payments' }],
  })
  assert.equal(created.status, 201)
  const app = created.body
  assert.deepEqual(Object.keys(app), [
    'id',
    'appId',
    'displayName',
    'createdDateTime',
    'identifierUris',
    'appRoles',
    'enabled',
  ])
  assert.notEqual(app.id, app.appId)
  assert.match(app.createdDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
  assert.ok(Math.abs(Date.parse(app.createdDateTime) - Date.now()) < 60_000)
  assert.deepEqual(app.identifierUris, ['api://payments'])
  assert.equal(app.appRoles[0].value, 'Payments.Write')

  assert.deepEqual((await call('GET', `/v1.0/applications/${app.id}${q}`)).body, app)
  for (const address of [
    `applications(appId='${app.appId}')`,
    `applications(appId=%27${app.appId.toUpperCase()}%27)`,
    `applications%28appId=%27${app.appId}%27%29`,
  ]) {
    const byAppId = await call('GET', `/v1.0/${address}${q}`)
    assert.equal(byAppId.status, 200, address)
    assert.deepEqual(byAppId.body, app)
  }
  assertGraphError(
    await call('GET', `/v1.0/applications(appId=${app.appId})${q}`),
    400,
    'Request_BadRequest',
    'appId',
  )
  assertGraphError(
    await call('GET', `/v1.0/applications(appId='${app.id}')${q}`),
    404,
    'Request_ResourceNotFound',
  )
  assertGraphError(
    await call('GET', `/v1.0/applications/${app.id}`),
    404,
    'Request_ResourceNotFound',
  )

  const patched = await call('PATCH', `/v1.0/applications(appId='${app.appId}')${q}`, {
    displayName: 'payments v2',
  })
  assert.equal(patched.status, 204)
  assert.equal(patched.body, undefined)
  const after = (await call('GET', `/v1.0/applications/${app.id}${q}`)).body
  assert.deepEqual(after, { ...app, displayName: 'payments v2' })
  assertGraphError(
    await call('PATCH', `/v1.0/applications/${app.id}${q}`, { displayName: '' }),
    400,
    'Request_BadRequest',
    'displayName',
  )

  assert.equal((await call('DELETE', `/v1.0/applications/${app.id}${q}`)).status, 204)
  assertGraphError(
    await call('GET', `/v1.0/applications/${app.id}${q}`),
    404,
    'Request_ResourceNotFound',
  )
  assertGraphError(
    await call('GET', `/v1.0/applications/${app.id}/federatedIdentityCredentials${q}`),
    404,
    'Request_ResourceNotFound',
  )
  assertGraphError(
    await call('DELETE', `/v1.0/applications(appId='${app.appId}')${q}`),
    404,
    'Request_ResourceNotFound',
  )
})

test('IF-30: invalid bodies are 400 naming the field; a repeated identifier URI is a 409', async () => {
  const { q } = await freshTenant()
  const cases: Array<[unknown, string]> = [
    [{}, 'displayName'],
    [{ displayName: 'x'.repeat(257) }, 'displayName'],
    [{ displayName: 'a', identifierUris: ['not-absolute'] }, 'identifierUris'],
    [{ displayName: 'a', appRoles: [{ value: 'has space' }] }, 'appRoles[0].value'],
    [{ displayName: 'a', tags: [] }, 'tags'],
  ]
  for (const [body, field] of cases) {
    assertGraphError(
      await call('POST', `/v1.0/applications${q}`, body),
      400,
      'Request_BadRequest',
      field,
    )
  }
  const malformed = await call('POST', `/v1.0/applications${q}`, undefined, { rawBody: '{"a":' })
  assertGraphError(malformed, 400, 'BadRequest')
  await call('POST', `/v1.0/applications${q}`, { displayName: 'a', identifierUris: ['api://dup'] })
  assertGraphError(
    await call('POST', `/v1.0/applications${q}`, {
      displayName: 'b',
      identifierUris: ['api://dup'],
    }),
    409,
    'Request_MultipleObjectsWithSameKeyValue',
    'identifierUris',
  )
})

test('IF-31: the list pages with $top and an opaque $skiptoken in @odata.nextLink', async () => {
  const { q } = await freshTenant()
  const created: string[] = []
  for (let i = 0; i < 5; i++) {
    created.push(
      (await call('POST', `/v1.0/applications${q}`, { displayName: `app-${i}` })).body.id,
    )
  }
  const seen: string[] = []
  let link: string | undefined = `${base}/v1.0/applications${q}&$top=2`
  const sizes: number[] = []
  while (link !== undefined) {
    const url: URL = new URL(link)
    assert.equal(url.origin, base, 'the nextLink points back at this listener')
    const page = await call('GET', `${url.pathname}${url.search}`)
    assert.equal(page.status, 200)
    sizes.push(page.body.value.length)
    seen.push(...page.body.value.map((a: { id: string }) => a.id))
    link = page.body['@odata.nextLink']
  }
  assert.deepEqual(sizes, [2, 2, 1])
  assert.deepEqual(seen.sort(), [...created].sort())

  const all = await call('GET', `/v1.0/applications${q}`)
  assert.equal(all.body.value.length, 5)
  assert.equal(all.body['@odata.nextLink'], undefined)
  for (const bad of ['$top=0', '$top=1000', '$top=x']) {
    assertGraphError(
      await call('GET', `/v1.0/applications${q}&${bad}`),
      400,
      'Request_BadRequest',
      '$top',
    )
  }
  assertGraphError(
    await call('GET', `/v1.0/applications${q}&$skiptoken=%21%21`),
    400,
    'Request_BadRequest',
    '$skiptoken',
  )
})

test('the tenant acted on defaults to the default tenant', async () => {
  const created = await call('POST', '/v1.0/applications', { displayName: 'in default' })
  assert.equal(created.status, 201)
  const defaultId = (await server.store.settings.get(DEFAULT_TENANT_SETTING)) as string
  const found = await call('GET', `/v1.0/applications/${created.body.id}?tenant=${defaultId}`)
  assert.equal(found.status, 200)
  const { q } = await freshTenant()
  assertGraphError(
    await call('GET', `/v1.0/applications/${created.body.id}${q}`),
    404,
    'Request_ResourceNotFound',
  )
})

test('IF-32, IF-33: credentials under both address forms, validation per field, PATCH, DELETE', async () => {
  const { q } = await freshTenant()
  const app = (await call('POST', `/v1.0/applications${q}`, { displayName: 'federated' })).body
  const byId = `/v1.0/applications/${app.id}/federatedIdentityCredentials`
  const byAppId = `/v1.0/applications(appId='${app.appId}')/federatedIdentityCredentials`

  const created = await call('POST', `${byId}${q}`, ficBody())
  assert.equal(created.status, 201)
  const fic = created.body
  assert.deepEqual(Object.keys(fic), [
    'id',
    'name',
    'issuer',
    'subject',
    'audiences',
    'description',
  ])
  assert.deepEqual({ ...fic, id: undefined }, { ...ficBody(), id: undefined })

  const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
    ['name too short', { name: 'ab' }, 400, 'Request_BadRequest', 'name'],
    ['name missing', { name: undefined }, 400, 'Request_BadRequest', 'name'],
    ['http issuer', { issuer: 'http://localhost/x' }, 400, 'Request_BadRequest', 'issuer'],
    ['issuer with query', { issuer: 'https://i.test/?q' }, 400, 'Request_BadRequest', 'issuer'],
    ['subject missing', { subject: undefined }, 400, 'Request_BadRequest', 'subject'],
    ['two audiences', { audiences: ['a', 'b'] }, 400, 'Request_BadRequest', 'audiences'],
    ['no audience', { audiences: [] }, 400, 'Request_BadRequest', 'audiences'],
    [
      'long description',
      { description: 'd'.repeat(601) },
      400,
      'Request_BadRequest',
      'description',
    ],
    [
      'flexible credential',
      { claimsMatchingExpression: { value: 'x' } },
      400,
      'Request_BadRequest',
      'claimsMatchingExpression',
    ],
    [
      'name taken in another case',
      { name: 'PAYMENTS-API-PROD', subject: 'other' },
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      'name',
    ],
    [
      'issuer and subject taken',
      { name: 'second' },
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      'subject',
    ],
  ]
  for (const [why, change, status, code, field] of cases) {
    const answer = await call('POST', `${byAppId}${q}`, ficBody(change))
    assert.equal(answer.status, status, why)
    assertGraphError(answer, status, code, field)
  }

  const list = await call('GET', `${byAppId}${q}`)
  assert.deepEqual(list.body, { value: [fic] })
  assert.deepEqual((await call('GET', `${byId}/${fic.id}${q}`)).body, fic)
  assert.deepEqual((await call('GET', `${byAppId}/Payments-Api-Prod${q}`)).body, fic)

  assertGraphError(
    await call('PATCH', `${byId}/${fic.id}${q}`, { name: 'renamed' }),
    400,
    'Request_BadRequest',
    'name',
  )
  const patched = await call('PATCH', `${byAppId}/${fic.name}${q}`, {
    subject: 'system:serviceaccount:payments:worker',
  })
  assert.equal(patched.status, 204)
  assert.deepEqual((await call('GET', `${byId}/${fic.id}${q}`)).body, {
    ...fic,
    subject: 'system:serviceaccount:payments:worker',
  })

  assert.equal((await call('DELETE', `${byAppId}/${fic.id}${q}`)).status, 204)
  assertGraphError(await call('GET', `${byId}/${fic.id}${q}`), 404, 'Request_ResourceNotFound')
  assertGraphError(await call('DELETE', `${byId}/${fic.id}${q}`), 404, 'Request_ResourceNotFound')
})

test('STS-67: the 21st credential is refused over HTTP too', async () => {
  const { q } = await freshTenant()
  const app = (await call('POST', `/v1.0/applications${q}`, { displayName: 'capped' })).body
  const path = `/v1.0/applications/${app.id}/federatedIdentityCredentials${q}`
  for (let i = 0; i < 20; i++) {
    const answer = await call('POST', path, ficBody({ name: `fic-${i}`, subject: `s-${i}` }))
    assert.equal(answer.status, 201)
  }
  assertGraphError(
    await call('POST', path, ficBody({ name: 'fic-20', subject: 's-20' })),
    400,
    'Request_BadRequest',
    'federatedIdentityCredentials',
  )
})

test('app-role assignments: assign, refuse duplicates and unknown roles, list, remove', async () => {
  const { q } = await freshTenant()
  const vault = (
    await call('POST', `/v1.0/applications${q}`, {
      displayName: 'vault',
      identifierUris: ['https://vault.admin.test'],
      appRoles: [{ value: 'Secrets.Read' }],
    })
  ).body
  const client = (await call('POST', `/v1.0/applications${q}`, { displayName: 'client' })).body
  const path = `/admin/v1/appRoleAssignments${q}`
  const body = {
    clientId: client.appId,
    resource: 'https://vault.admin.test',
    role: 'Secrets.Read',
  }
  const created = await call('POST', path, body)
  assert.equal(created.status, 201)
  assert.deepEqual(Object.keys(created.body), [
    'id',
    'principalId',
    'resourceAppId',
    'role',
    'createdDateTime',
  ])
  assert.equal(created.body.resourceAppId, vault.appId)
  assertGraphError(
    await call('POST', path, body),
    409,
    'Request_MultipleObjectsWithSameKeyValue',
    'role',
  )
  assertGraphError(
    await call('POST', path, { ...body, role: 'Secrets.Write' }),
    400,
    'Request_BadRequest',
    'role',
  )
  assertGraphError(
    await call('POST', path, { ...body, clientId: vault.id }),
    404,
    'Request_ResourceNotFound',
    'clientId',
  )
  assertGraphError(
    await call('POST', path, { resource: vault.appId, role: 'Secrets.Read' }),
    400,
    'Request_BadRequest',
    'principalId',
  )
  assertGraphError(
    await call('POST', path, { ...body, role: 5 }),
    400,
    'Request_BadRequest',
    'role',
  )

  const listed = await call('GET', `${path}&resource=${vault.appId}`)
  assert.deepEqual(listed.body, { value: [created.body] })
  assertGraphError(await call('GET', path), 400, 'Request_BadRequest', 'resource')

  const removed = await call('DELETE', `/admin/v1/appRoleAssignments/${created.body.id}${q}`)
  assert.equal(removed.status, 204)
  assert.deepEqual(
    (await call('GET', `${path}&resource=${encodeURIComponent('https://vault.admin.test')}`)).body,
    { value: [] },
  )
  assertGraphError(
    await call('DELETE', `/admin/v1/appRoleAssignments/${created.body.id}${q}`),
    404,
    'Request_ResourceNotFound',
  )
})

test('IF-38: the sign-in log lists newest first with app, result, since and top filters', async () => {
  const entry = (at: number, clientId: string, outcome: 'success' | 'failure') => ({
    at,
    tenant: 'contoso.example.com',
    clientId,
    grantType: 'client_credentials',
    outcome,
    aadsts: outcome === 'failure' ? 700213 : null,
    traceId: `trace-${at}`,
    correlationId: `corr-${at}`,
    details: { matched: outcome === 'success' ? 'fic-1' : null },
  })
  const A = 'aaaaaaaa-0000-4000-8000-000000000001'
  const B = 'bbbbbbbb-0000-4000-8000-000000000002'
  const t0 = Date.parse('2030-01-01T00:00:00Z') / 1000
  await server.store.signIns.appendMany([
    entry(t0, A, 'success'),
    entry(t0 + 10, B, 'failure'),
    entry(t0 + 20, A, 'failure'),
  ])
  const since = `since=${t0}`
  const all = await call('GET', `/admin/v1/signins?${since}`)
  assert.equal(all.status, 200)
  assert.deepEqual(
    all.body.value.map((e: { traceId: string }) => e.traceId),
    [`trace-${t0 + 20}`, `trace-${t0 + 10}`, `trace-${t0}`],
  )
  assert.deepEqual(all.body.value[1], {
    createdDateTime: '2030-01-01T00:00:10Z',
    tenant: 'contoso.example.com',
    clientId: B,
    grantType: 'client_credentials',
    result: 'failure',
    aadsts: 700213,
    traceId: `trace-${t0 + 10}`,
    correlationId: `corr-${t0 + 10}`,
    details: { matched: null },
  })
  const traces = async (query: string) =>
    (await call('GET', `/admin/v1/signins?${query}`)).body.value.map(
      (e: { traceId: string }) => e.traceId,
    )
  assert.deepEqual(await traces(`${since}&app=${A}`), [`trace-${t0 + 20}`, `trace-${t0}`])
  assert.deepEqual(await traces(`${since}&app=${A}&result=failure`), [`trace-${t0 + 20}`])
  assert.deepEqual(await traces(`since=2030-01-01T00:00:10Z`), [
    `trace-${t0 + 20}`,
    `trace-${t0 + 10}`,
  ])
  assert.deepEqual(await traces(`${since}&top=1`), [`trace-${t0 + 20}`])
  assertGraphError(
    await call('GET', '/admin/v1/signins?result=maybe'),
    400,
    'Request_BadRequest',
    'result',
  )
  assertGraphError(
    await call('GET', '/admin/v1/signins?since=yesterday'),
    400,
    'Request_BadRequest',
    'since',
  )
  assertGraphError(await call('GET', '/admin/v1/signins?top=0'), 400, 'Request_BadRequest', 'top')
})

/** Runs the built `wifkit` bin, as a user would, against this server. */
function wifkit(...args: string[]) {
  return runCli([...args, '--admin-url', base, '--token', adminToken, '--ca-file', caFile])
}

test('IF-52, IF-55: the CLI creates an app, federates it, assigns a role and cleans up', async () => {
  await freshTenant()
  const tenant = ['--tenant', `t${tenantCount}.admin.test`]
  const vault = await wifkit(
    'app',
    'create',
    'vault',
    '--identifier-uri',
    'https://vault.cli.test',
    '--role',
    'Secrets.Read',
    '--role',
    'Secrets.Write',
    ...tenant,
    '--json',
  )
  assert.equal(vault.code, 0, vault.stderr)
  const vaultApp = JSON.parse(vault.stdout)
  assert.deepEqual(
    vaultApp.appRoles.map((r: { value: string }) => r.value),
    ['Secrets.Read', 'Secrets.Write'],
  )
  const client = await wifkit('app', 'create', 'payments', ...tenant)
  assert.equal(client.code, 0, client.stderr)
  const appId = /appId\s+(\S+)/.exec(client.stdout)?.[1] as string
  assert.ok(appId, client.stdout)

  const added = await wifkit(
    'fic',
    'add',
    '--app',
    appId,
    '--name',
    'payments-api',
    '--issuer',
    'https://issuer.cli.test',
    '--subject',
    'system:serviceaccount:payments:api',
    ...tenant,
  )
  assert.equal(added.code, 0, added.stderr)
  const listed = await wifkit('fic', 'list', '--app', appId, ...tenant)
  assert.equal(
    listed.stdout,
    'payments-api\thttps://issuer.cli.test\tsystem:serviceaccount:payments:api\tapi://AzureADTokenExchange\n',
  )
  const refused = await wifkit(
    'fic',
    'add',
    '--app',
    appId,
    '--name',
    'x',
    '--issuer',
    'https://issuer.cli.test',
    '--subject',
    's',
    ...tenant,
  )
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /^wifkit: 400: name: must be 3 to 120 characters/)

  const assigned = await wifkit(
    'role',
    'assign',
    '--app',
    appId,
    '--resource',
    'https://vault.cli.test',
    '--role',
    'Secrets.Read',
    ...tenant,
  )
  assert.equal(assigned.code, 0, assigned.stderr)
  const roles = await wifkit('role', 'list', '--resource', vaultApp.appId, ...tenant, '--json')
  assert.deepEqual(
    JSON.parse(roles.stdout).value.map((a: { role: string }) => a.role),
    ['Secrets.Read'],
  )
  const badRole = await wifkit(
    'role',
    'assign',
    '--app',
    appId,
    '--resource',
    'https://vault.cli.test',
    '--role',
    'Secrets.Delete',
    ...tenant,
  )
  assert.equal(badRole.code, 1)
  assert.match(badRole.stderr, /^wifkit: 400: role: 'Secrets.Delete' is not an app role/)

  assert.equal(
    (await wifkit('fic', 'remove', '--app', appId, '--name', 'PAYMENTS-API', ...tenant)).code,
    0,
  )
  const deleted = await wifkit('app', 'delete', appId, ...tenant)
  assert.equal(deleted.code, 0, deleted.stderr)
  const gone = await wifkit('app', 'show', appId, ...tenant)
  assert.equal(gone.code, 1)
  assert.match(gone.stderr, /no application with client id or object id/)
  const emptyRoles = await wifkit('role', 'list', '--resource', vaultApp.appId, ...tenant)
  assert.equal(emptyRoles.stdout, 'no role assignments\n')
})
