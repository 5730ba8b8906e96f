// Properties of token request parsing (rows 3–10 of sts.md §7, STS-50…STS-52) over arbitrary
// forms; the e2e token tests pin the named cases. Run bounds and replay: test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { EntraError } from '../../../src/errors/index.js'
import { resourceFromScope } from '../../../src/sts/scope.js'
import { parseTokenRequest } from '../../../src/sts/token_request.js'
import { returnsOrThrows, runs, trickyString } from '../../support/properties.js'

const CLIENT_CREDENTIALS = 'client_credentials'
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const KNOWN = [
  'grant_type',
  'client_id',
  'scope',
  'claims',
  'client_assertion',
  'client_assertion_type',
  'client_secret',
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'actor_token',
]
const VALUES = [
  CLIENT_CREDENTIALS,
  TOKEN_EXCHANGE,
  JWT_BEARER,
  JWT_TYPE,
  'https://vault.example.com/.default',
  'api://db/.default openid profile',
  '/.default',
  'eyJ.eyJ.sig',
  '',
]

const pair = fc.tuple(
  fc.oneof(fc.constantFrom(...KNOWN), trickyString),
  fc.oneof(fc.constantFrom(...VALUES), trickyString),
)
const form = fc.array(pair, { maxLength: 10 }).map((pairs) => new URLSearchParams(pairs))
const tenant = fc.oneof(fc.constantFrom('contoso.example', 'common', 'Organizations'), trickyString)

test('rows 3–10: any form is parsed or refused with an EntraError, never accepted incomplete', () => {
  fc.assert(
    fc.property(tenant, form, (t, f) => {
      const parsed = returnsOrThrows(() => parseTokenRequest(t, f), EntraError)
      if (parsed === undefined) return
      assert.ok([CLIENT_CREDENTIALS, TOKEN_EXCHANGE].includes(f.get('grant_type') ?? ''))
      assert.ok(parsed.clientId !== '' && parsed.clientId === f.get('client_id'))
      for (const name of KNOWN) assert.ok(f.getAll(name).length <= 1, `${name} repeated`)
      assert.ok((f.get('scope') ?? '').split(' ').includes(`${parsed.resource}/.default`))
      assert.ok(parsed.credential.assertion || parsed.credential.secret, 'a credential')
      assert.ok(!['common', 'organizations', 'consumers'].includes(t.toLowerCase()))
    }),
    runs(400),
  )
})

const complete = fc.oneof(
  fc.constant({
    grant_type: CLIENT_CREDENTIALS,
    client_id: 'client-1',
    scope: 'https://vault.example.com/.default',
    client_assertion: 'eyJ.eyJ.sig',
    client_assertion_type: JWT_BEARER,
  }),
  fc.constant({
    grant_type: TOKEN_EXCHANGE,
    client_id: 'client-1',
    scope: 'api://db/.default',
    subject_token: 'eyJ.eyJ.sig',
    subject_token_type: JWT_TYPE,
  }),
)

test('rows 3–9: a request missing any required parameter, or sending it empty, is refused', () => {
  fc.assert(
    fc.property(complete, fc.boolean(), fc.nat(), (fields, empty, pick) => {
      assert.doesNotThrow(() => parseTokenRequest('contoso', new URLSearchParams(fields)))
      const names = Object.keys(fields).filter((n) => n !== 'client_assertion_type')
      const missing = names[pick % names.length] as keyof typeof fields
      const f = new URLSearchParams(fields)
      if (empty) f.set(missing, '')
      else f.delete(missing)
      assert.throws(() => parseTokenRequest('contoso', f), EntraError, `without ${missing}`)
    }),
    runs(100),
  )
})

test('STS-50…STS-52: any scope names one resource ending before /.default, or an EntraError', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...VALUES, 'openid', 'offline_access'), trickyString), {
        maxLength: 4,
      }),
      (parts) => {
        const scope = parts.join(' ')
        const resource = returnsOrThrows(() => resourceFromScope(scope), EntraError)
        if (resource === undefined) return
        assert.ok(resource !== '')
        assert.ok(scope.split(' ').includes(`${resource}/.default`))
      },
    ),
    runs(300),
  )
})
