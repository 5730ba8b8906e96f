import assert from 'node:assert/strict'
import { test } from 'node:test'
import pino from 'pino'
import { createApp, HttpMetrics, type Protocol } from '../../../src/http/index.js'
import { isStoreUnavailable } from '../../../src/store/index.js'

/** What pg raises when the database refuses the connection. */
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
    code: 'ECONNREFUSED',
  })

async function answer(protocol: Protocol, error: Error) {
  const app = createApp({
    listener: 'test',
    logger: pino({ level: 'silent' }),
    metrics: new HttpMetrics(),
    now: () => new Date('2026-01-02T03:04:05Z'),
    isUnavailable: isStoreUnavailable,
  })
  app.get('/', { config: { protocol } }, () => Promise.reject(error))
  const response = await app.inject({ method: 'GET', url: '/' })
  await app.close()
  return { status: response.statusCode, headers: response.headers, body: response.json() }
}

const cases: [string, Protocol, number, Record<string, unknown>, string | undefined][] = [
  [
    'token endpoint: Entra shape, temporarily_unavailable, no error_codes (STS-115, ADR 0010)',
    'oauth',
    503,
    { error: 'temporarily_unavailable' },
    '5',
  ],
  [
    'admin API: Graph serviceNotAvailable with a clear message (issue #7 item 4)',
    'graph',
    503,
    { error: { code: 'serviceNotAvailable', message: 'storage unavailable, retry later' } },
    undefined,
  ],
  [
    'vault: Key Vault ServiceUnavailable',
    'keyvault',
    503,
    { error: { code: 'ServiceUnavailable', message: 'Service unavailable. Retry later.' } },
    '5',
  ],
  [
    'mint API: a Kubernetes Status with reason ServiceUnavailable',
    'kubernetes',
    503,
    {},
    undefined,
  ],
  [
    'issuer documents: the plain shape',
    'plain',
    503,
    { error: 'unavailable', message: 'storage unavailable, retry later' },
    undefined,
  ],
]

for (const [name, protocol, status, shape, retryAfter] of cases) {
  test(`an unreachable database answers 503 in each protocol: ${name}`, async () => {
    const got = await answer(protocol, refused())
    assert.equal(got.status, status)
    assert.equal(got.headers['retry-after'], retryAfter)
    const body = got.body as Record<string, unknown>
    for (const [key, value] of Object.entries(shape)) {
      assert.deepEqual(
        typeof value === 'object' ? pick(body[key], Object.keys(value as object)) : body[key],
        value,
      )
    }
    if (protocol === 'oauth') assert.equal(body.error_codes, undefined)
    if (protocol === 'kubernetes') assert.equal(body.reason, 'ServiceUnavailable')
    assert.doesNotMatch(JSON.stringify(body), /ECONNREFUSED|10\.0\.0\.5/, 'no private detail')
  })
}

function pick(value: unknown, keys: string[]): Record<string, unknown> {
  const record = value as Record<string, unknown>
  return Object.fromEntries(keys.map((k) => [k, record[k]]))
}

test('a bug is still a 500, not an outage', async () => {
  const got = await answer('oauth', new TypeError('undefined is not a function'))
  assert.equal(got.status, 500)
  assert.equal((got.body as { error: string }).error, 'server_error')
})
