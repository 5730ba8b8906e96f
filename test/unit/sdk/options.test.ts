// WL-60 and workload.md §6 steps 1–2: options over AZURE_* variables, and the authority built
// from host and tenant with one `/` between them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authorityFor, resolveIdentity, tenantFor } from '../../../src/sdk/options.js'

const ENV = {
  AZURE_CLIENT_ID: 'env-client',
  AZURE_TENANT_ID: 'env-tenant',
  AZURE_FEDERATED_TOKEN_FILE: '/env/token',
  AZURE_AUTHORITY_HOST: 'https://login.example.com',
}

test('WL-60: the variables fill what the options leave out', () => {
  assert.deepEqual(resolveIdentity({ clientId: 'opt-client' }, ENV), {
    clientId: 'opt-client',
    tenantId: 'env-tenant',
    tokenFilePath: '/env/token',
    authorityHost: 'https://login.example.com',
    additionallyAllowedTenants: [],
  })
})

test('WL-60: without AZURE_AUTHORITY_HOST the host is Microsoft login', () => {
  const env = { ...ENV, AZURE_AUTHORITY_HOST: undefined }
  assert.equal(resolveIdentity({}, env).authorityHost, 'https://login.microsoftonline.com')
})

test('WL-60: an empty variable counts as missing', () => {
  assert.throws(() => resolveIdentity({}, { ...ENV, AZURE_TENANT_ID: '' }), {
    name: 'CredentialUnavailableError',
    reason: 'missing_tenant_id',
  })
})

const authorities = [
  ['a bare host', 'https://login.example.com', 'https://login.example.com/t'],
  ['a trailing slash', 'https://login.example.com/', 'https://login.example.com/t'],
  ['a path prefix', 'https://host:8443/sts', 'https://host:8443/sts/t'],
  ['a path prefix with slashes', 'https://host/sts//', 'https://host/sts/t'],
  ['a query, dropped', 'https://host/sts?x=1', 'https://host/sts/t'],
] as const
for (const [name, host, want] of authorities) {
  test(`workload.md §6 step 2: authority from ${name}`, () => {
    const identity = resolveIdentity({ authorityHost: host, tenantId: 't' }, ENV)
    assert.equal(authorityFor(identity, 't'), want)
  })
}

test('CL-1: an http or unparsable authority host is refused', () => {
  for (const authorityHost of ['http://login.example.com', 'login.example.com']) {
    assert.throws(() => resolveIdentity({ authorityHost }, ENV), {
      reason: 'invalid_authority_host',
    })
  }
})

test('CL-5: another tenant only when additionally allowed', () => {
  const identity = resolveIdentity({ additionallyAllowedTenants: ['b'] }, ENV)
  assert.equal(tenantFor(identity, undefined), 'env-tenant')
  assert.equal(tenantFor(identity, 'b'), 'b')
  assert.throws(() => tenantFor(identity, 'c'), { reason: 'tenant_not_allowed' })
  const any = resolveIdentity({ additionallyAllowedTenants: ['*'] }, ENV)
  assert.equal(tenantFor(any, 'c'), 'c')
})
