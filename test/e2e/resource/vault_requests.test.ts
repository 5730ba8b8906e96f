// What an authenticated, authorised caller sends a vault over raw HTTPS (keyvault.md §4–§8):
// parameter and body checks that store nothing, headers, 405s, paging, and the soft-delete state
// machine. One officer token; every refusal is followed by a read proving nothing changed.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  API_VERSION,
  assertVaultError,
  assertVaultHeaders,
  SECRETS_OFFICER,
  VaultHarness,
  type Answer,
  type CallOptions,
} from './vault_http_harness.js'

const Q = `?api-version=${API_VERSION}`
const VERSION_ID = /^[0-9a-f]{32}$/
const DAY = 86_400

let h: VaultHarness
let token: string

/** Vault name → settings; the officer may do everything on each. */
const VAULTS: Record<string, Record<string, unknown>> = {
  main: {},
  pages: {},
  versions: {},
  guarded: { purgeProtection: true },
  nosoft: { softDelete: false },
  short: { retentionDays: 7 },
  'short-guarded': { retentionDays: 30, purgeProtection: true },
}

before(async () => {
  h = await VaultHarness.start()
  const tenant = await h.createTenant()
  const officer = await h.createWorkload(tenant, 'officer')
  for (const [name, settings] of Object.entries(VAULTS)) {
    await h.createVault(tenant, name, settings)
    await h.assignRole(name, officer, SECRETS_OFFICER)
  }
  token = await h.accessToken(officer)
})

after(async () => {
  await h?.close()
})

/** A request of the officer to `vault`. */
function send(method: string, vault: string, path: string, options: CallOptions = {}) {
  return h.vault(method, vault, path, { token, ...options })
}

async function put(vault: string, name: string, body: unknown = { value: `${name}-value` }) {
  const answer = await send('PUT', vault, `/secrets/${name}${Q}`, { body })
  assert.equal(answer.status, 200, `PUT ${vault}/${name}: ${answer.text}`)
  return answer
}

/** Names of the non-deleted secrets of `vault`, from R4. */
async function listed(vault: string): Promise<string[]> {
  const answer = await send('GET', vault, `/secrets${Q}&maxresults=25`)
  assert.equal(answer.status, 200, answer.text)
  return (answer.body.value as { id: string }[]).map((i) => i.id.split('/').pop() ?? '')
}

async function assertAbsent(vault: string, name: string): Promise<void> {
  assertVaultError(
    await send('GET', vault, `/secrets/${name}/${Q}`),
    404,
    'SecretNotFound',
    `A secret with (name/id) ${name} was not found in this key vault.`,
  )
}

test('KV-31, KV-32, KV-33, KV-40: a bad parameter or body gets 400 BadParameter and stores nothing', async (t) => {
  const good = { value: 'v' }
  // [case, secret name in the path, query, body (object, raw string or undefined), extra headers]
  const cases: [string, string, string, unknown, Record<string, string>?][] = [
    ['no api-version', 'no-api', '', good],
    ['api-version 2016-10-01, which is not supported', 'old-api', '?api-version=2016-10-01', good],
    ['api-version 6.0', 'six-api', '?api-version=6.0', good],
    ['an empty api-version', 'empty-api', '?api-version=', good],
    ['api-version given twice', 'twice-api', `${Q}&api-version=7.4`, good],
    ['a name with an underscore', 'bad_name', Q, good],
    ['a name with a dot', 'bad.name', Q, good],
    ['a name with an encoded space', 'bad%20name', Q, good],
    ['a name of 128 characters', 'a'.repeat(128), Q, good],
    ['a value of 25 KiB + 1 byte', 'too-big', Q, { value: 'x'.repeat(25 * 1024 + 1) }],
    [
      'a value over 25 KiB in UTF-8 bytes but not in characters',
      'too-big-utf8',
      Q,
      { value: 'é'.repeat(12_801) },
    ],
    ['malformed JSON', 'bad-json', Q, '{"value":'],
    ['a JSON string instead of an object', 'json-string', Q, '"v"'],
    ['a JSON array instead of an object', 'json-array', Q, '[{"value":"v"}]'],
    [
      "an empty body (the SDK's unauthenticated first try, now with a token)",
      'no-body',
      Q,
      undefined,
      { 'content-type': 'application/json', 'content-length': '0' },
    ],
    ['no value', 'no-value', Q, { contentType: 'text/plain' }],
    ['a number value', 'number-value', Q, { value: 5 }],
    ['a null value', 'null-value', Q, { value: null }],
    ['a tag whose value is a number', 'tag-number', Q, { value: 'v', tags: { env: 1 } }],
    ['tags as an array', 'tag-array', Q, { value: 'v', tags: ['env'] }],
    ['tags as a string', 'tag-string', Q, { value: 'v', tags: 'env=prod' }],
    ['enabled as a string', 'enabled-string', Q, { value: 'v', attributes: { enabled: 'yes' } }],
    [
      'exp as an ISO date instead of Unix seconds (KV-36)',
      'exp-iso',
      Q,
      { value: 'v', attributes: { exp: '2030-01-01T00:00:00Z' } },
    ],
    ['exp with a fraction', 'exp-fraction', Q, { value: 'v', attributes: { exp: 1.5 } }],
    ['contentType as a number', 'type-number', Q, { value: 'v', contentType: 5 }],
  ]
  for (const [name, secret, query, body, headers] of cases) {
    await t.test(name, async () => {
      const answer = await send('PUT', 'main', `/secrets/${secret}${query}`, {
        ...(body === undefined ? {} : { body }),
        ...(headers ? { headers } : {}),
      })
      assertVaultError(answer, 400, 'BadParameter')
      assert.ok(!answer.text.includes('x'.repeat(100)), 'the value is not echoed')
      if (/^[0-9a-zA-Z-]{1,127}$/.test(secret)) await assertAbsent('main', secret)
    })
  }
  assert.deepEqual(await listed('main'), [], 'no refused PUT stored anything')
})

test('KV-31, KV-32: a PATCH with a bad body changes nothing', async (t) => {
  const created = await put('main', 'patched', { value: 'v', tags: { env: 'prod' } })
  const cases: [string, unknown][] = [
    ['malformed JSON', '{"tags":'],
    ['a tag whose value is a boolean', { tags: { env: true } }],
    ['attributes as a string', { attributes: 'enabled' }],
    ['nbf negative', { attributes: { nbf: -1 } }],
  ]
  for (const [name, body] of cases) {
    await t.test(name, async () => {
      assertVaultError(
        await send('PATCH', 'main', `/secrets/patched/${Q}`, { body }),
        400,
        'BadParameter',
      )
      const now = await send('GET', 'main', `/secrets/patched/${Q}`)
      assert.deepEqual(now.body, created.body)
    })
  }
  const purged = await send('DELETE', 'main', `/secrets/patched${Q}`)
  assert.equal(purged.status, 200, purged.text)
  assert.equal((await send('DELETE', 'main', `/deletedsecrets/patched${Q}`)).status, 204)
})

test('KV-30, KV-31, KV-32, KV-33, KV-40: accepted variants store the value', async (t) => {
  const cases: [string, string, string, unknown, Record<string, string>?][] = [
    ['api%2Dversion, as the SDK sends it', 'encoded', '?api%2Dversion=7.5', { value: 'a' }],
    [
      'api-version 2025-07-01 (JS SDK default)',
      'js-default',
      '?api-version=2025-07-01',
      { value: 'b' },
    ],
    ['api-version 7.3 (Python SDK default)', 'py-default', '?api-version=7.3', { value: 'c' }],
    ['api-version 7.4', 'seven-four', '?api-version=7.4', { value: 'd' }],
    [
      'application/json with no charset and attributes {} (the SDK)',
      'sdk-shape',
      Q,
      { value: 'e', attributes: {} },
    ],
    [
      'content-type text/plain: still JSON',
      'text-type',
      Q,
      '{"value":"f"}',
      { 'content-type': 'text/plain' },
    ],
    [
      'unknown members, at the top and in attributes, are ignored',
      'unknown-members',
      Q,
      { value: 'g', kid: 'x', attributes: { enabled: true, recoveryLevel: 'Purgeable' } },
    ],
    ['a name of 127 characters', 'b'.repeat(127), Q, { value: 'h' }],
    ['a name of 1 character', 'z', Q, { value: 'i' }],
    ['a value of exactly 25 KiB', 'max-size', Q, { value: 'y'.repeat(25 * 1024) }],
    [
      '15 string tags',
      'many-tags',
      Q,
      { value: 'j', tags: Object.fromEntries([...Array(15).keys()].map((i) => [`t${i}`, `${i}`])) },
    ],
  ]
  for (const [name, secret, query, body, headers] of cases) {
    await t.test(name, async () => {
      const answer = await send('PUT', 'main', `/secrets/${secret}${query}`, {
        body,
        ...(headers ? { headers } : {}),
      })
      assert.equal(answer.status, 200, answer.text)
      assertVaultHeaders(answer)
      const sent = (typeof body === 'string' ? JSON.parse(body) : body) as { value: string }
      assert.equal(answer.body.value, sent.value)
      const id = new URL(answer.body.id as string)
      assert.equal(id.origin, h.vaultUrl('main'))
      const [, kind, idName, version] = id.pathname.split('/')
      assert.deepEqual([kind, idName], ['secrets', secret])
      assert.match(version ?? '', VERSION_ID)
      assert.ok(!('recoveryLevel' in answer.body), 'unknown members are not echoed')
      const read = await send('GET', 'main', `${id.pathname}${Q}`)
      assert.equal(read.status, 200, read.text)
      assert.equal(read.body.value, sent.value)
    })
  }
})

test('KV-33: names compare without case and keep the case first stored', async () => {
  const first = await put('main', 'MixedCase', { value: 'one' })
  const second = await put('main', 'MIXEDCASE', { value: 'two' })
  for (const answer of [first, second]) {
    assert.match(answer.body.id as string, /\/secrets\/MixedCase\/[0-9a-f]{32}$/)
  }
  assert.notEqual(first.body.id, second.body.id, 'KV-34: a new version every PUT')
  const read = await send('GET', 'main', `/secrets/mixedcase/${Q}`)
  assert.equal(read.body.value, 'two')
  assert.equal(read.body.id, second.body.id)
  const versions = await send('GET', 'main', `/secrets/mIxEdCaSe/versions${Q}`)
  assert.deepEqual(
    (versions.body.value as { id: string }[]).map((v) => v.id),
    [first.body.id, second.body.id],
  )
})

test('KV-38, KV-39: answers are JSON, not cached and carry a fresh request id; purge is 204 and empty', async () => {
  const answers: [string, Answer, number][] = []
  const record = async (name: string, answer: Promise<Answer>, status: number) => {
    answers.push([name, await answer, status])
  }
  await record('PUT', send('PUT', 'main', `/secrets/headers${Q}`, { body: { value: 'v' } }), 200)
  await record('GET', send('GET', 'main', `/secrets/headers/${Q}`), 200)
  await record('PATCH', send('PATCH', 'main', `/secrets/headers/${Q}`, { body: { tags: {} } }), 200)
  await record('list', send('GET', 'main', `/secrets${Q}`), 200)
  await record('versions', send('GET', 'main', `/secrets/headers/versions${Q}`), 200)
  await record('backup', send('POST', 'main', `/secrets/headers/backup${Q}`), 200)
  await record('DELETE', send('DELETE', 'main', `/secrets/headers${Q}`), 200)
  await record('deleted', send('GET', 'main', `/deletedsecrets/headers${Q}`), 200)
  await record('deleted list', send('GET', 'main', `/deletedsecrets${Q}`), 200)
  await record('400', send('GET', 'main', '/secrets'), 400)
  await record('401', h.vault('GET', 'main', `/secrets${Q}`), 401)
  await record('404', send('GET', 'main', `/secrets/nothing/${Q}`), 404)
  await record('405', send('POST', 'main', `/secrets/headers${Q}`), 405)
  await record('409', send('PUT', 'main', `/secrets/headers${Q}`, { body: { value: 'v' } }), 409)
  for (const [name, answer, status] of answers) {
    assert.equal(answer.status, status, `${name}: ${answer.text}`)
    assertVaultHeaders(answer)
  }
  const purge = await send('DELETE', 'main', `/deletedsecrets/headers${Q}`)
  assert.equal(purge.status, 204, purge.text)
  assert.equal(purge.text, '')
  assert.equal(purge.headers.get('cache-control'), 'no-cache')
  assert.match(purge.headers.get('x-ms-request-id') ?? '', /\S/)
  const ids = [...answers.map(([, a]) => a), purge].map((a) => a.headers.get('x-ms-request-id'))
  assert.equal(new Set(ids).size, ids.length, 'request ids are unique')
})

test('KV-21, §9: a known path with another method gets 405 BadParameter with Allow, before api-version and body', async (t) => {
  const cases: [string, string, string, CallOptions, string[]][] = [
    ['POST a secret', 'POST', `/secrets/x${Q}`, {}, ['DELETE', 'GET', 'PATCH', 'PUT']],
    [
      'POST a secret without api-version',
      'POST',
      '/secrets/x',
      {},
      ['DELETE', 'GET', 'PATCH', 'PUT'],
    ],
    ['GET a backup', 'GET', `/secrets/x/backup${Q}`, {}, ['POST']],
    ['PUT the secret list with malformed JSON', 'PUT', `/secrets${Q}`, { body: '{' }, ['GET']],
    ['DELETE the restore path', 'DELETE', `/secrets/restore${Q}`, {}, ['POST']],
    ['POST a deleted secret', 'POST', `/deletedsecrets/x${Q}`, {}, ['DELETE', 'GET']],
    ['GET a recover', 'GET', `/deletedsecrets/x/recover${Q}`, {}, ['POST']],
    ['PUT the versions list', 'PUT', `/secrets/x/versions${Q}`, { body: { value: 'v' } }, ['GET']],
  ]
  for (const [name, method, path, options, allow] of cases) {
    await t.test(name, async () => {
      const answer = await send(method, 'main', path, options)
      assertVaultError(answer, 405, 'BadParameter')
      const allowed = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim())
      assert.deepEqual(allowed.sort(), allow)
    })
  }
  await t.test('an unknown path with a malformed body is 404 NotFound', async () => {
    assertVaultError(await send('POST', 'main', '/keys/x', { body: '{' }), 404, 'NotFound')
  })
  assert.ok(!(await listed('main')).includes('x'), 'no 405 stored anything')
})

/** Follows nextLinks verbatim from `first`; returns each page's item ids. */
async function pagesFrom(vault: string, first: string): Promise<string[][]> {
  const pages: string[][] = []
  let next: string | null = first
  while (next !== null) {
    const url: URL = new URL(next)
    assert.equal(url.origin, h.vaultUrl(vault), 'KV-37: nextLink is on the vault origin')
    const answer = await h.call('GET', next, { token })
    assert.equal(answer.status, 200, answer.text)
    assert.deepEqual(Object.keys(answer.body).sort(), ['nextLink', 'value'])
    const items = answer.body.value as { id: string; value?: unknown }[]
    for (const item of items) assert.ok(!('value' in item), 'list items carry no value')
    pages.push(items.map((i) => i.id))
    next = answer.body.nextLink as string | null
    if (next !== null) {
      const link = new URL(next)
      assert.equal(link.searchParams.get('api-version'), API_VERSION, 'KV-61: carries api-version')
      assert.match(link.searchParams.get('$skiptoken') ?? '', /\S/, 'KV-61: carries $skiptoken')
      assert.equal(link.searchParams.get('maxresults'), url.searchParams.get('maxresults'))
    }
    assert.ok(pages.length < 20, 'paging terminates')
  }
  return pages
}

test('KV-60, KV-61, KV-62: maxresults=2 over 5 secrets pages by name, each once, via absolute nextLinks', async () => {
  for (const name of ['Echo', 'alpha', 'Charlie', 'bravo', 'delta']) await put('pages', name)
  const ids = (names: string[]) => names.map((n) => `${h.vaultUrl('pages')}/secrets/${n}`)
  const pages = await pagesFrom(
    'pages',
    `${h.vaultUrl('pages')}/secrets?api%2Dversion=7.5&maxresults=2`,
  )
  assert.deepEqual(pages, [ids(['alpha', 'bravo']), ids(['Charlie', 'delta']), ids(['Echo'])])
  const whole = await pagesFrom('pages', `${h.vaultUrl('pages')}/secrets${Q}`)
  assert.deepEqual(whole, [ids(['alpha', 'bravo', 'Charlie', 'delta', 'Echo'])], 'default 25')
})

test('KV-63: the skiptoken is a cursor, so a secret added before it neither repeats nor skips items', async () => {
  const first = await send('GET', 'pages', `/secrets${Q}&maxresults=2`)
  assert.equal(first.status, 200, first.text)
  await put('pages', 'able')
  const rest = await pagesFrom('pages', first.body.nextLink as string)
  const names = rest.flat().map((id) => id.split('/').pop())
  assert.deepEqual(names, ['Charlie', 'delta', 'Echo'])
})

test('KV-60, KV-63: maxresults outside 1–25 and a bad $skiptoken get 400 BadParameter', async (t) => {
  const cases: [string, string][] = [
    ['maxresults=0', '&maxresults=0'],
    ['maxresults=26', '&maxresults=26'],
    ['maxresults=-1', '&maxresults=-1'],
    ['maxresults=two', '&maxresults=two'],
    ['maxresults empty', '&maxresults='],
    ['a $skiptoken that is not ours', '&$skiptoken=garbage'],
    [
      'a $skiptoken with a name no secret can have',
      `&$skiptoken=wk1.${Buffer.from('a_b').toString('base64url')}`,
    ],
  ]
  for (const [name, query] of cases) {
    await t.test(name, async () => {
      for (const path of ['/secrets', '/deletedsecrets', '/secrets/alpha/versions']) {
        assertVaultError(await send('GET', 'pages', `${path}${Q}${query}`), 400, 'BadParameter')
      }
    })
  }
  for (const query of ['&maxresults=1', '&maxresults=25']) {
    assert.equal((await send('GET', 'pages', `/secrets${Q}${query}`)).status, 200)
  }
})

test('KV-61, KV-62: versions page oldest first through nextLinks that carry the caller maxresults', async () => {
  const created: string[] = []
  for (let i = 0; i < 5; i++) created.push((await put('versions', 'rotated')).body.id as string)
  const pages = await pagesFrom(
    'versions',
    `${h.vaultUrl('versions')}/secrets/rotated/versions?api-version=7.5&maxresults=2`,
  )
  assert.deepEqual(
    pages.map((p) => p.length),
    [2, 2, 1],
  )
  assert.deepEqual(pages.flat(), created)
  const deleted = await send('DELETE', 'versions', `/secrets/rotated${Q}`)
  assert.equal(deleted.status, 200, deleted.text)
  const items = await send('GET', 'versions', `/deletedsecrets${Q}&maxresults=1`)
  assert.deepEqual(
    items.body.value.map((i: { recoveryId: string }) => i.recoveryId),
    [`${h.vaultUrl('versions')}/deletedsecrets/rotated`],
  )
  assert.equal(items.body.nextLink, null)
})

type State = 'active' | 'deleted' | 'absent'
const OPERATIONS = {
  'R2 GET': (n: string) => send('GET', 'main', `/secrets/${n}/${Q}`),
  'R8 GET deleted': (n: string) => send('GET', 'main', `/deletedsecrets/${n}${Q}`),
  'R1 PUT': (n: string) => send('PUT', 'main', `/secrets/${n}${Q}`, { body: { value: 'new' } }),
  'R6 DELETE': (n: string) => send('DELETE', 'main', `/secrets/${n}${Q}`),
  'R9 recover': (n: string) => send('POST', 'main', `/deletedsecrets/${n}/recover${Q}`),
  'R10 purge': (n: string) => send('DELETE', 'main', `/deletedsecrets/${n}${Q}`),
}
type Operation = keyof typeof OPERATIONS

let stateCount = 0
/** A fresh secret of `main` in `state`: one version with value `old`. */
async function secretIn(state: State): Promise<string> {
  const name = `state-${state}-${++stateCount}`
  if (state === 'absent') return name
  await put('main', name, { value: 'old' })
  if (state === 'deleted') assert.equal((await OPERATIONS['R6 DELETE'](name)).status, 200)
  return name
}

/** Which state a name is in, read through R2 and R8 only. */
async function stateOf(name: string): Promise<State> {
  const active = (await OPERATIONS['R2 GET'](name)).status
  const deleted = (await OPERATIONS['R8 GET deleted'](name)).status
  if (active === 200 && deleted === 404) return 'active'
  if (active === 404 && deleted === 200) return 'deleted'
  assert.deepEqual([active, deleted], [404, 404], `${name} is in no single state`)
  return 'absent'
}

test('§8, KV-70…KV-73: the soft-delete state machine, each state × each operation', async (t) => {
  // [state, operation, status, code of an error, state afterwards]
  const cases: [State, Operation, number, string | undefined, State][] = [
    ['active', 'R2 GET', 200, undefined, 'active'],
    ['active', 'R8 GET deleted', 404, 'SecretNotFound', 'active'],
    ['active', 'R1 PUT', 200, undefined, 'active'],
    ['active', 'R6 DELETE', 200, undefined, 'deleted'],
    ['active', 'R9 recover', 404, 'SecretNotFound', 'active'],
    ['active', 'R10 purge', 404, 'SecretNotFound', 'active'],
    ['deleted', 'R2 GET', 404, 'SecretNotFound', 'deleted'],
    ['deleted', 'R8 GET deleted', 200, undefined, 'deleted'],
    ['deleted', 'R1 PUT', 409, 'Conflict', 'deleted'],
    ['deleted', 'R6 DELETE', 404, 'SecretNotFound', 'deleted'],
    ['deleted', 'R9 recover', 200, undefined, 'active'],
    ['deleted', 'R10 purge', 204, undefined, 'absent'],
    ['absent', 'R2 GET', 404, 'SecretNotFound', 'absent'],
    ['absent', 'R8 GET deleted', 404, 'SecretNotFound', 'absent'],
    ['absent', 'R1 PUT', 200, undefined, 'active'],
    ['absent', 'R6 DELETE', 404, 'SecretNotFound', 'absent'],
    ['absent', 'R9 recover', 404, 'SecretNotFound', 'absent'],
    ['absent', 'R10 purge', 404, 'SecretNotFound', 'absent'],
  ]
  for (const [state, operation, status, code, afterwards] of cases) {
    await t.test(`${state}: ${operation} → ${status}, then ${afterwards}`, async () => {
      const name = await secretIn(state)
      const answer = await OPERATIONS[operation](name)
      if (code === undefined) assert.equal(answer.status, status, answer.text)
      else assertVaultError(answer, status, code)
      if (code === 'Conflict') {
        assert.match(answer.body.error.message, /deleted but recoverable/)
      }
      assert.equal(await stateOf(name), afterwards)
      if (afterwards === 'active') {
        const value = (await OPERATIONS['R2 GET'](name)).body?.value
        assert.equal(value, operation === 'R1 PUT' ? 'new' : 'old')
      }
    })
  }
})

test('KV-70, KV-71, KV-74: DELETE answers a DeletedSecretBundle; recover brings every version back unchanged', async () => {
  const v1 = (await put('main', 'recoverable', { value: 'one', tags: { n: '1' } })).body
  h.clock.advanceSeconds(5)
  const v2 = (await put('main', 'recoverable', { value: 'two', contentType: 'text/plain' })).body
  h.clock.advanceSeconds(5)
  const now = Math.floor(h.clock.nowMs() / 1000)
  const deleted = await send('DELETE', 'main', `/secrets/recoverable${Q}`)
  assert.equal(deleted.status, 200, deleted.text)
  const origin = h.vaultUrl('main')
  assert.deepEqual(deleted.body, {
    recoveryId: `${origin}/deletedsecrets/recoverable`,
    deletedDate: now,
    scheduledPurgeDate: now + 90 * DAY,
    id: v2.id,
    attributes: v2.attributes,
    contentType: 'text/plain',
  })
  const fetched = await send('GET', 'main', `/deletedsecrets/recoverable${Q}`)
  assert.deepEqual(fetched.body, deleted.body, 'KV-71: visible at once')
  const list = await send('GET', 'main', `/deletedsecrets${Q}`)
  assert.ok(
    list.body.value.some((i: { recoveryId: string }) => i.recoveryId === deleted.body.recoveryId),
  )
  assert.ok(!(await listed('main')).includes('recoverable'), 'R4 lists no deleted secret')
  h.clock.advanceSeconds(5)
  const recovered = await send('POST', 'main', `/deletedsecrets/recoverable/recover${Q}`)
  assert.equal(recovered.status, 200, recovered.text)
  assert.deepEqual(recovered.body, {
    id: v2.id,
    attributes: v2.attributes,
    contentType: 'text/plain',
  })
  for (const version of [v1, v2]) {
    const read = await send('GET', 'main', `${new URL(version.id).pathname}${Q}`)
    assert.deepEqual(read.body, version, 'same id, value, attributes and tags')
  }
})

test('§8, KV-76: recovery levels follow the vault settings; purge protection refuses purge with 403', async (t) => {
  // [vault, recoveryLevel, recoverableDays, purge status]
  const cases: [string, string, number | undefined, number][] = [
    ['main', 'Recoverable+Purgeable', 90, 204],
    ['guarded', 'Recoverable', 90, 403],
    ['short', 'CustomizedRecoverable+Purgeable', 7, 204],
    ['short-guarded', 'CustomizedRecoverable', 30, 403],
  ]
  for (const [vault, level, days, purgeStatus] of cases) {
    await t.test(`${vault}: ${level}, purge ${purgeStatus}`, async () => {
      const created = await put(vault, 'levels')
      assert.equal(created.body.attributes.recoveryLevel, level)
      assert.equal(created.body.attributes.recoverableDays, days)
      const now = Math.floor(h.clock.nowMs() / 1000)
      const deleted = await send('DELETE', vault, `/secrets/levels${Q}`)
      assert.equal(deleted.body.scheduledPurgeDate, now + (days ?? 0) * DAY)
      const purge = await send('DELETE', vault, `/deletedsecrets/levels${Q}`)
      if (purgeStatus === 403) {
        assertVaultError(purge, 403, 'Forbidden', /purge protection/)
        const still = await send('GET', vault, `/deletedsecrets/levels${Q}`)
        assert.equal(still.status, 200, 'still deleted, not purged')
        const recovered = await send('POST', vault, `/deletedsecrets/levels/recover${Q}`)
        assert.equal(recovered.status, 200, 'a protected secret can still be recovered')
      } else {
        assert.equal(purge.status, 204, purge.text)
        assertVaultError(
          await send('GET', vault, `/deletedsecrets/levels${Q}`),
          404,
          'SecretNotFound',
        )
      }
    })
  }
  await t.test(
    'nosoft: Purgeable, DELETE answers a bundle without recoveryId and the name is free',
    async () => {
      const created = await put('nosoft', 'gone')
      assert.deepEqual(created.body.attributes.recoveryLevel, 'Purgeable')
      assert.ok(!('recoverableDays' in created.body.attributes))
      const deleted = await send('DELETE', 'nosoft', `/secrets/gone${Q}`)
      assert.equal(deleted.status, 200, deleted.text)
      assert.deepEqual(deleted.body, { id: created.body.id, attributes: created.body.attributes })
      assert.deepEqual((await send('GET', 'nosoft', `/deletedsecrets${Q}`)).body, {
        value: [],
        nextLink: null,
      })
      for (const [method, path] of [
        ['GET', '/deletedsecrets/gone'],
        ['POST', '/deletedsecrets/gone/recover'],
        ['DELETE', '/deletedsecrets/gone'],
        ['GET', '/secrets/gone/'],
      ] as const) {
        assertVaultError(await send(method, 'nosoft', `${path}${Q}`), 404, 'SecretNotFound')
      }
      assert.equal((await put('nosoft', 'gone')).status, 200)
    },
  )
})

test('KV-52: GET of a disabled version is 403 Forbidden, while PATCH and the lists still work', async () => {
  const enabled = (await put('main', 'switch', { value: 'on' })).body
  const disabled = (await put('main', 'switch', { value: 'off', attributes: { enabled: false } }))
    .body
  assert.equal(disabled.attributes.enabled, false)
  assertVaultError(
    await send('GET', 'main', `/secrets/switch/${Q}`),
    403,
    'Forbidden',
    /disabled secret/,
  )
  assertVaultError(
    await send('GET', 'main', `${new URL(disabled.id).pathname}${Q}`),
    403,
    'Forbidden',
  )
  const older = await send('GET', 'main', `${new URL(enabled.id).pathname}${Q}`)
  assert.equal(older.body.value, 'on', 'an enabled older version is still readable')
  const list = await send('GET', 'main', `/secrets${Q}`)
  const item = list.body.value.find((i: { id: string }) => i.id.endsWith('/secrets/switch'))
  assert.equal(item?.attributes.enabled, false, 'disabled secrets are listed')
  const patched = await send('PATCH', 'main', `/secrets/switch/${Q}`, {
    body: { attributes: { enabled: true } },
  })
  assert.equal(patched.status, 200, patched.text)
  assert.ok(!('value' in patched.body), 'R3 answers without value')
  assert.equal((await send('GET', 'main', `/secrets/switch/${Q}`)).body.value, 'off')
})

test('KV-51: an unknown version gets 404 SecretNotFound naming name and version', async () => {
  await put('main', 'versioned')
  const missing = '0123456789abcdef0123456789abcdef'
  assertVaultError(
    await send('GET', 'main', `/secrets/versioned/${missing}${Q}`),
    404,
    'SecretNotFound',
    `A secret with (name/id) versioned/${missing} was not found in this key vault.`,
  )
  assertVaultError(
    await send('GET', 'main', `/secrets/versioned/NOT-A-VERSION${Q}`),
    404,
    'SecretNotFound',
  )
})
