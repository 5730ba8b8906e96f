import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rolesAllow, VAULT_ROLES, type SecretAction } from '../../../src/resource/roles.js'

/** keyvault.md §6: the route each action guards, to name the cases. */
const routeOf: Record<SecretAction, string> = {
  get: 'R2 GET /secrets/{name}/{version}',
  readMetadata: 'R4, R5, R7, R8 lists and deleted reads',
  set: 'R1 PUT /secrets/{name}',
  update: 'R3 PATCH /secrets/{name}/{version}',
  delete: 'R6 DELETE /secrets/{name}',
  recover: 'R9 POST /deletedsecrets/{name}/recover',
  purge: 'R10 DELETE /deletedsecrets/{name}',
  backup: 'R11 POST /secrets/{name}/backup',
  restore: 'R12 POST /secrets/restore',
}
const actions = Object.keys(routeOf) as SecretAction[]
const only = (...allowed: SecretAction[]) =>
  Object.fromEntries(actions.map((a) => [a, allowed.includes(a)])) as Record<SecretAction, boolean>

// keyvault.md §3, typed out again so that a change to the table in src fails here.
const matrix = {
  'Key Vault Secrets User': only('get', 'readMetadata'),
  'Key Vault Secrets Officer': only(...actions),
  'Key Vault Administrator': only(...actions),
} as const

test('§3: VAULT_ROLES names exactly the three built-in roles', () => {
  assert.deepEqual([...VAULT_ROLES].sort(), Object.keys(matrix).sort())
})

for (const [role, allowed] of Object.entries(matrix)) {
  for (const action of actions) {
    const verb = allowed[action] ? 'may' : 'may not'
    test(`KV-20: ${role} ${verb} ${action} (${routeOf[action]})`, () => {
      assert.equal(rolesAllow([role], action), allowed[action])
    })
  }
}

const others = [
  ['no role at all', []],
  ['an unknown role', ['Key Vault Reader']],
  ['a role name in another case', ['key vault secrets officer']],
  ['a role name with a trailing space', ['Key Vault Administrator ']],
  ['an ARM role that is no data-plane role', ['Owner']],
] as const

for (const [name, roles] of others) {
  test(`KV-20: ${name} allows no action`, () => {
    assert.deepEqual(
      actions.filter((action) => rolesAllow(roles, action)),
      [],
    )
  })
}

const combined = [
  [
    'an unknown role beside Secrets User still allows get',
    ['Owner', 'Key Vault Secrets User'],
    'get',
    true,
  ],
  [
    'an unknown role beside Secrets User still denies set',
    ['Owner', 'Key Vault Secrets User'],
    'set',
    false,
  ],
  [
    'Secrets User beside Secrets Officer allows purge',
    ['Key Vault Secrets User', 'Key Vault Secrets Officer'],
    'purge',
    true,
  ],
] as const

for (const [name, roles, action, want] of combined) {
  test(`KV-20: any role that allows suffices: ${name}`, () => {
    assert.equal(rolesAllow(roles, action), want)
  })
}
