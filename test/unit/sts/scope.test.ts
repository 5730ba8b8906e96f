import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EntraError } from '../../../src/errors/index.js'
import { resourceFromScope } from '../../../src/sts/scope.js'

const accepted: readonly (readonly [string, string, string])[] = [
  [
    'STS-52: a URI resource loses only /.default',
    'https://vault.example.com/.default',
    'https://vault.example.com',
  ],
  [
    'STS-52: the resource keeps its own trailing slash',
    'https://db.example.com//.default',
    'https://db.example.com/',
  ],
  ['STS-52: an api:// resource', 'api://payments/.default', 'api://payments'],
  [
    'STS-52: an appId resource',
    '0f6e2b1a-7c3d-4e5f-8a9b-1c2d3e4f5a6b/.default',
    '0f6e2b1a-7c3d-4e5f-8a9b-1c2d3e4f5a6b',
  ],
  [
    'STS-50: openid, profile and offline_access appended by MSAL Go are dropped',
    'https://vault.example.com/.default openid profile offline_access',
    'https://vault.example.com',
  ],
  ['STS-50: the OIDC scopes may come first', 'openid api://payments/.default', 'api://payments'],
  [
    'STS-51: a resource repeated is one distinct value',
    'api://payments/.default api://payments/.default',
    'api://payments',
  ],
  [
    'STS-50: extra spaces between values are ignored',
    '  api://payments/.default   openid ',
    'api://payments',
  ],
]

for (const [name, scope, resource] of accepted) {
  test(name, () => assert.equal(resourceFromScope(scope), resource))
}

const rejected: readonly (readonly [string, string, number])[] = [
  ['STS-51 row 8: an empty scope gives 70011', '', 70011],
  ['STS-51 row 8: only OIDC scopes give 70011', 'openid profile offline_access', 70011],
  [
    'STS-51 row 8: a bare /.default names no resource and gives 70011 (wifkit choice)',
    '/.default',
    70011,
  ],
  ['STS-51 row 8: two resources give 700022', 'api://a/.default api://b/.default', 700022],
  [
    'STS-51 row 8: more resources win over a missing /.default (checks in order)',
    'api://a/read api://b/.default',
    700022,
  ],
  ['STS-51 row 8: a delegated-style scope gives 1002012', 'api://payments/read', 1002012],
  ['STS-51 row 8: /.default compares case-sensitively', 'api://payments/.Default', 1002012],
  [
    'STS-51 row 8: a resource alone without /.default gives 1002012',
    'https://vault.example.com',
    1002012,
  ],
  [
    'STS-50: OIDC scopes compare case-sensitively, so OpenID is a resource value',
    'OpenID',
    1002012,
  ],
]

for (const [name, scope, code] of rejected) {
  test(name, () => {
    assert.throws(
      () => resourceFromScope(scope),
      (e: unknown) => {
        assert.ok(e instanceof EntraError)
        assert.equal(e.aadsts, code)
        assert.equal(e.error, 'invalid_scope')
        assert.equal(e.status, 400)
        return true
      },
    )
  })
}

test('STS-83 row 8: 1002012 echoes only the presented scope value', () => {
  assert.throws(() => resourceFromScope('api://payments/read openid'), {
    message:
      'AADSTS1002012: The provided value for scope api://payments/read is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  })
})
