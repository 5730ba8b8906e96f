// The vault admin API over raw HTTPS (IF-37) and what it does to the data plane: vault lifecycle,
// role assignments taking effect on the next request, and the scheduled purge of soft-deleted
// secrets once their date has passed (KV-75), with the server's clock moved instead of waited on.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import {
  API_VERSION,
  assertVaultError,
  SECRETS_OFFICER,
  SECRETS_USER,
  VAULT_ADMINISTRATOR,
  VaultHarness,
  type Answer,
  type CallOptions,
  type Workload,
} from './vault_http_harness.js'

const Q = `?api-version=${API_VERSION}`
const DAY = 86_400

let h: VaultHarness
let tenantA: string
let tenantB: string
let worker: Workload
let cachedToken: string | undefined

before(async () => {
  h = await VaultHarness.start()
  tenantA = await h.createTenant()
  tenantB = await h.createTenant()
  worker = await h.createWorkload(tenantA, 'worker')
})

/** The worker's vault token; the tenant has the vault resource only once it has a vault. */
async function workerToken(): Promise<string> {
  cachedToken ??= await h.accessToken(worker)
  return cachedToken
}

after(async () => {
  await h?.close()
})

const inA = (path: string) => `${path}${path.includes('?') ? '&' : '?'}tenant=${tenantA}`
const inB = (path: string) => `${path}${path.includes('?') ? '&' : '?'}tenant=${tenantB}`

/** Microsoft Graph's error shape (interfaces.md §4) with this status and code. */
function assertGraphError(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.text)
  assert.deepEqual(Object.keys(answer.body ?? {}), ['error'], answer.text)
  assert.deepEqual(Object.keys(answer.body.error), ['code', 'message', 'innerError'])
  assert.equal(answer.body.error.code, code)
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >
}

test('IF-37: PUT /admin/v1/vaults/{name} creates once, repeats idempotently and refuses conflicts', async (t) => {
  const defaults = { softDelete: true, retentionDays: 90, purgeProtection: false }
  const created: Record<string, unknown> = {}
  // [case, name in the path, tenant, body, status, code of an error]
  const cases: [string, string, 'A' | 'B', unknown, number, string?][] = [
    ['a new vault', 'payments', 'A', {}, 201],
    ['the same again', 'payments', 'A', {}, 200],
    ['the same with its settings spelled out', 'payments', 'A', defaults, 200],
    ['the name in another case', 'PayMents', 'A', {}, 200],
    ['other retention', 'payments', 'A', { retentionDays: 30 }, 409, 'Conflict'],
    ['purge protection added', 'payments', 'A', { purgeProtection: true }, 409, 'Conflict'],
    ['soft delete turned off', 'payments', 'A', { softDelete: false }, 409, 'Conflict'],
    ['the same name in another tenant', 'payments', 'B', {}, 409, 'Conflict'],
    ['a name of 2 characters', 'ab', 'A', {}, 400, 'Request_BadRequest'],
    ['a name starting with a digit', '1vault', 'A', {}, 400, 'Request_BadRequest'],
    ['a name with an underscore', 'my_vault', 'A', {}, 400, 'Request_BadRequest'],
    ['a name of 25 characters', `v${'a'.repeat(24)}`, 'A', {}, 400, 'Request_BadRequest'],
    ['a name of 24 characters', `v${'a'.repeat(23)}`, 'A', {}, 201],
    ['retentionDays 6', 'short-a', 'A', { retentionDays: 6 }, 400, 'Request_BadRequest'],
    ['retentionDays 91', 'short-b', 'A', { retentionDays: 91 }, 400, 'Request_BadRequest'],
    ['retentionDays 7.5', 'short-c', 'A', { retentionDays: 7.5 }, 400, 'Request_BadRequest'],
    ['softDelete as a string', 'short-d', 'A', { softDelete: 'yes' }, 400, 'Request_BadRequest'],
    ['an unknown member', 'short-e', 'A', { sku: 'premium' }, 400, 'Request_BadRequest'],
    ['retentionDays 7', 'weekly', 'A', { retentionDays: 7 }, 201],
  ]
  for (const [name, vault, tenant, body, status, code] of cases) {
    await t.test(`${name} → ${status}`, async () => {
      const path = `/admin/v1/vaults/${vault}`
      const answer = await h.admin('PUT', tenant === 'A' ? inA(path) : inB(path), body)
      if (code !== undefined) {
        assertGraphError(answer, status, code)
        return
      }
      assert.equal(answer.status, status, answer.text)
      const lower = vault.toLowerCase()
      const settings = { ...defaults, ...(body as object) }
      assert.deepEqual(
        { ...answer.body, createdDateTime: undefined },
        {
          name: lower,
          tenantId: tenantA,
          vaultUri: h.vaultUrl(lower),
          ...settings,
          createdDateTime: undefined,
        },
      )
      assert.match(answer.body.createdDateTime as string, /^\d{4}-\d{2}-\d{2}T/)
      if (status === 201) created[lower] = answer.body
      else assert.deepEqual(answer.body, created[lower], 'a repeat answers the vault as it is')
    })
  }
  const listed = await h.admin('GET', inA('/admin/v1/vaults'))
  assert.deepEqual(
    (listed.body.value as { name: string }[]).map((v) => v.name).sort(),
    Object.keys(created).sort(),
    'only the 201 rows created a vault',
  )
})

test('IF-37: GET and list answer only within the tenant', async () => {
  const own = await h.admin('GET', inA('/admin/v1/vaults/payments'))
  assert.equal(own.status, 200, own.text)
  assert.equal(own.body.name, 'payments')
  assert.deepEqual((await h.admin('GET', inA('/admin/v1/vaults/PAYMENTS'))).body, own.body)
  assertGraphError(
    await h.admin('GET', inB('/admin/v1/vaults/payments')),
    404,
    'Request_ResourceNotFound',
  )
  assertGraphError(
    await h.admin('GET', inA('/admin/v1/vaults/nowhere')),
    404,
    'Request_ResourceNotFound',
  )
  const listB = await h.admin('GET', inB('/admin/v1/vaults'))
  assert.deepEqual(listB.body, { value: [] })
  const listA = await h.admin('GET', inA('/admin/v1/vaults'))
  assert.ok(listA.body.value.some((v: { name: string }) => v.name === 'payments'))
})

test('IF-37: role assignments are created once, validated, listed and deleted', async (t) => {
  const principal = randomUUID()
  const path = inA('/admin/v1/vaults/payments/roleAssignments')
  const ids: Record<string, string> = {}
  // [case, body, status, key naming the assignment (same key, same id), code of an error]
  const cases: [string, unknown, number, string?, string?][] = [
    ['a principal as Secrets User', { principalId: principal, role: SECRETS_USER }, 201, 'user'],
    ['the same again', { principalId: principal, role: SECRETS_USER }, 200, 'user'],
    [
      'the same principal in upper case',
      { principalId: principal.toUpperCase(), role: SECRETS_USER },
      200,
      'user',
    ],
    [
      'the same principal, another role',
      { principalId: principal, role: VAULT_ADMINISTRATOR },
      201,
      'admin',
    ],
    [
      'an application by clientId',
      { clientId: worker.appId, role: SECRETS_OFFICER },
      201,
      'worker',
    ],
    [
      'an unknown role',
      { principalId: principal, role: 'Key Vault Reader' },
      400,
      undefined,
      'Request_BadRequest',
    ],
    [
      'a principalId that is no GUID',
      { principalId: 'worker', role: SECRETS_USER },
      400,
      undefined,
      'Request_BadRequest',
    ],
    [
      'both principalId and clientId',
      { principalId: principal, clientId: worker.appId, role: SECRETS_USER },
      400,
      undefined,
      'Request_BadRequest',
    ],
    [
      'neither principalId nor clientId',
      { role: SECRETS_USER },
      400,
      undefined,
      'Request_BadRequest',
    ],
    ['no role', { principalId: principal }, 400, undefined, 'Request_BadRequest'],
    [
      'a clientId the tenant does not know',
      { clientId: randomUUID(), role: SECRETS_USER },
      404,
      undefined,
      'Request_ResourceNotFound',
    ],
  ]
  for (const [name, body, status, key, code] of cases) {
    await t.test(`${name} → ${status}`, async () => {
      const answer = await h.admin('POST', path, body)
      if (code !== undefined) {
        assertGraphError(answer, status, code)
        return
      }
      assert.equal(answer.status, status, answer.text)
      assert.deepEqual(Object.keys(answer.body).sort(), [
        'createdDateTime',
        'id',
        'principalId',
        'role',
      ])
      const sent = body as { principalId?: string; role: string }
      assert.equal(answer.body.role, sent.role)
      const expectedPrincipal = sent.principalId?.toLowerCase() ?? claimsOf(await workerToken()).oid
      assert.equal(answer.body.principalId, expectedPrincipal, 'clientId resolves to the token oid')
      if (status === 201) ids[key as string] = answer.body.id as string
      else assert.equal(answer.body.id, ids[key as string])
    })
  }
  assertGraphError(
    await h.admin('POST', inA('/admin/v1/vaults/nowhere/roleAssignments'), {
      principalId: principal,
      role: SECRETS_USER,
    }),
    404,
    'Request_ResourceNotFound',
  )
  const listed = await h.admin('GET', path)
  assert.deepEqual(
    (listed.body.value as { id: string }[]).map((a) => a.id).sort(),
    Object.values(ids).sort(),
  )
  const one = `/admin/v1/vaults/payments/roleAssignments/${ids.admin}`
  assert.equal((await h.admin('DELETE', inA(one))).status, 204)
  assertGraphError(await h.admin('DELETE', inA(one)), 404, 'Request_ResourceNotFound')
  const after = await h.admin('GET', path)
  assert.ok(!after.body.value.some((a: { id: string }) => a.id === ids.admin))
})

test('IF-37, KV-20: a role assignment takes effect on the next request, and so does its removal', async () => {
  await h.createVault(tenantA, 'effects')
  const writer = await h.createWorkload(tenantA, 'writer')
  const writerToken = await h.accessToken(writer)
  const read = () => h.vault('GET', 'effects', `/secrets${Q}`, { token: writerToken })
  const write = () =>
    h.vault('PUT', 'effects', `/secrets/s${Q}`, { token: writerToken, body: { value: 'v' } })
  const assign = async (role: string) => {
    const answer = await h.admin('POST', inA('/admin/v1/vaults/effects/roleAssignments'), {
      clientId: writer.appId,
      role,
    })
    assert.equal(answer.status, 201, answer.text)
    return answer.body.id as string
  }
  assertVaultError(await read(), 403, 'Forbidden', undefined, 'ForbiddenByRbac')
  const user = await assign(SECRETS_USER)
  assert.equal((await read()).status, 200)
  assertVaultError(await write(), 403, 'Forbidden', undefined, 'ForbiddenByRbac')
  const officer = await assign(SECRETS_OFFICER)
  assert.equal((await write()).status, 200)
  for (const id of [user, officer]) {
    const removed = await h.admin('DELETE', inA(`/admin/v1/vaults/effects/roleAssignments/${id}`))
    assert.equal(removed.status, 204, removed.text)
  }
  assertVaultError(await read(), 403, 'Forbidden', undefined, 'ForbiddenByRbac')
})

test('IF-37, KV-5: DELETE removes a vault and its secrets; its host then answers 404; purge protection refuses', async () => {
  await h.createVault(tenantA, 'doomed')
  await h.assignRole('doomed', worker, SECRETS_OFFICER)
  const stored = await h.vault('PUT', 'doomed', `/secrets/kept${Q}`, {
    token: await workerToken(),
    body: { value: 'v' },
  })
  assert.equal(stored.status, 200, stored.text)
  assertGraphError(
    await h.admin('DELETE', inB('/admin/v1/vaults/doomed')),
    404,
    'Request_ResourceNotFound',
  )
  assert.equal(
    (await h.vault('GET', 'doomed', `/secrets${Q}`, { token: await workerToken() })).status,
    200,
  )

  const deleted = await h.admin('DELETE', inA('/admin/v1/vaults/doomed'))
  assert.equal(deleted.status, 204, deleted.text)
  assert.equal(deleted.text, '')
  assertGraphError(
    await h.admin('GET', inA('/admin/v1/vaults/doomed')),
    404,
    'Request_ResourceNotFound',
  )
  for (const options of [{}, { token: await workerToken() }] as CallOptions[]) {
    const gone = await h.vault('GET', 'doomed', `/secrets/kept/${Q}`, options)
    assertVaultError(gone, 404, 'NotFound')
    assert.equal(gone.headers.get('www-authenticate'), null)
  }

  await h.createVault(tenantA, 'doomed')
  await h.assignRole('doomed', worker, SECRETS_OFFICER)
  const fresh = await h.vault('GET', 'doomed', `/secrets${Q}`, { token: await workerToken() })
  assert.deepEqual(
    fresh.body,
    { value: [], nextLink: null },
    'a vault of the same name starts empty',
  )

  await h.createVault(tenantA, 'protected', { purgeProtection: true })
  assertGraphError(await h.admin('DELETE', inA('/admin/v1/vaults/protected')), 409, 'Conflict')
  assert.equal((await h.admin('GET', inA('/admin/v1/vaults/protected'))).status, 200)
})

test('IF-37, interfaces.md §4: without a valid admin token every vault admin route is 401 and changes nothing', async (t) => {
  const routes: [string, string, unknown][] = [
    ['PUT', '/admin/v1/vaults/intruder', {}],
    ['GET', '/admin/v1/vaults/payments', undefined],
    ['GET', '/admin/v1/vaults', undefined],
    ['DELETE', '/admin/v1/vaults/payments', undefined],
    [
      'POST',
      '/admin/v1/vaults/payments/roleAssignments',
      { clientId: worker.appId, role: VAULT_ADMINISTRATOR },
    ],
    ['GET', '/admin/v1/vaults/payments/roleAssignments', undefined],
    ['DELETE', `/admin/v1/vaults/payments/roleAssignments/${randomUUID()}`, undefined],
  ]
  const credentials: [string, CallOptions][] = [
    ['no Authorization header', {}],
    ['a wrong bearer token', { token: 'not-the-admin-token' }],
    ['a vault access token', { token: await workerToken() }],
  ]
  const before = await h.admin('GET', inA('/admin/v1/vaults/payments/roleAssignments'))
  for (const [method, path, body] of routes) {
    for (const [who, options] of credentials) {
      await t.test(`${method} ${path} with ${who}`, async () => {
        const answer = await h.call(method, `${h.adminUrl}${inA(path)}`, {
          ...options,
          ...(body === undefined ? {} : { body }),
        })
        assertGraphError(answer, 401, 'InvalidAuthenticationToken')
      })
    }
  }
  assertGraphError(
    await h.admin('GET', inA('/admin/v1/vaults/intruder')),
    404,
    'Request_ResourceNotFound',
  )
  assert.equal((await h.admin('GET', inA('/admin/v1/vaults/payments'))).status, 200)
  const afterwards = await h.admin('GET', inA('/admin/v1/vaults/payments/roleAssignments'))
  assert.deepEqual(afterwards.body, before.body)
})

test('KV-75: the purge job removes a deleted secret only once its scheduledPurgeDate has passed', async () => {
  await h.assignRole('weekly', worker, SECRETS_OFFICER)
  await h.createVault(tenantA, 'keeper')
  await h.assignRole('keeper', worker, SECRETS_OFFICER)
  for (const vault of ['weekly', 'keeper']) {
    const put = await h.vault('PUT', vault, `/secrets/ephemeral${Q}`, {
      token: await workerToken(),
      body: { value: 'old' },
    })
    assert.equal(put.status, 200, put.text)
  }
  const deleted = await h.vault('DELETE', 'weekly', `/secrets/ephemeral${Q}`, {
    token: await workerToken(),
  })
  const kept = await h.vault('DELETE', 'keeper', `/secrets/ephemeral${Q}`, {
    token: await workerToken(),
  })
  assert.equal(kept.status, 200, kept.text)
  const due = deleted.body.scheduledPurgeDate as number
  assert.equal(due, deleted.body.deletedDate + 7 * DAY)

  h.clock.advanceSeconds(due - 1 - Math.floor(h.clock.nowMs() / 1000))
  assert.equal(await h.server.secrets.purgeDue(), 0, 'one second early: nothing is due')
  let token = await h.accessToken(worker)
  const early = await h.vault('GET', 'weekly', `/deletedsecrets/ephemeral${Q}`, { token })
  assert.equal(early.status, 200, early.text)

  h.clock.advanceSeconds(1)
  assert.equal(await h.server.secrets.purgeDue(), 1)
  token = await h.accessToken(worker)
  for (const path of ['/deletedsecrets/ephemeral', '/secrets/ephemeral/']) {
    assertVaultError(
      await h.vault('GET', 'weekly', `${path}${Q}`, { token }),
      404,
      'SecretNotFound',
    )
  }
  const reused = await h.vault('PUT', 'weekly', `/secrets/ephemeral${Q}`, {
    token,
    body: { value: 'new' },
  })
  assert.equal(reused.status, 200, 'after a purge the name is free')
  const versions = await h.vault('GET', 'weekly', `/secrets/ephemeral/versions${Q}`, { token })
  assert.deepEqual(
    versions.body.value.map((v: { id: string }) => v.id),
    [reused.body.id],
    'no version of the purged secret survives',
  )
  const keeper = await h.vault('GET', 'keeper', `/deletedsecrets/ephemeral${Q}`, { token })
  assert.equal(keeper.status, 200, 'a 90-day vault keeps its deleted secret')
})
