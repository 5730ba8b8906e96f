import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  deletedSecretBundle,
  deletedSecretItem,
  recoveryLevel,
  secretBundle,
  secretItem,
  type RenderTarget,
} from '../../../src/resource/bundles.js'
import type { SecretRecord, SecretVersionRecord, VaultRecord } from '../../../src/store/index.js'

const ORIGIN = 'https://payments.vault.example.com'
const VERSION = '0f8e1c2b3a4d5e6f708192a3b4c5d6e7'
const CREATED = 1767225600
const EXP = 1893456000
const DELETED = 1767312000

const vault: VaultRecord = {
  id: 'vault-1',
  tenantId: '8d3c2a4e-5b1f-4c9a-9e2d-0a7b6c5d4e3f',
  name: 'payments',
  softDelete: true,
  retentionDays: 90,
  purgeProtection: false,
  createdAt: CREATED,
}
const secret: SecretRecord = {
  id: 'secret-1',
  vaultId: vault.id,
  name: 'db-password',
  deletedAt: null,
  scheduledPurgeAt: null,
  createdAt: CREATED,
}
const deleted: SecretRecord = {
  ...secret,
  deletedAt: DELETED,
  scheduledPurgeAt: DELETED + 90 * 86400,
}
/** The version of keyvault.md §5's example. */
const version: SecretVersionRecord = {
  version: VERSION,
  secretId: secret.id,
  valueSealed: 'v1.sealed-value',
  dataKeyWrapped: 'v1.wrapped-key',
  contentType: 'text/plain',
  tags: { env: 'prod' },
  enabled: true,
  nbf: null,
  exp: EXP,
  created: CREATED,
  updated: CREATED,
}
/** A version with every optional member unset. */
const bare: SecretVersionRecord = { ...version, contentType: null, tags: null, exp: null }
const target: RenderTarget = { origin: ORIGIN, vault }

const settings = [
  [
    'soft delete on, 90 days, no purge protection',
    true,
    90,
    false,
    { level: 'Recoverable+Purgeable', days: 90 },
  ],
  ['soft delete on, 90 days, purge protection', true, 90, true, { level: 'Recoverable', days: 90 }],
  [
    'soft delete on, 89 days, no purge protection',
    true,
    89,
    false,
    { level: 'CustomizedRecoverable+Purgeable', days: 89 },
  ],
  [
    'soft delete on, 7 days, no purge protection',
    true,
    7,
    false,
    { level: 'CustomizedRecoverable+Purgeable', days: 7 },
  ],
  [
    'soft delete on, 30 days, purge protection',
    true,
    30,
    true,
    { level: 'CustomizedRecoverable', days: 30 },
  ],
  [
    'soft delete on, 7 days, purge protection',
    true,
    7,
    true,
    { level: 'CustomizedRecoverable', days: 7 },
  ],
  ['soft delete off', false, 90, false, { level: 'Purgeable' }],
  ['soft delete off, whatever the retention', false, 7, false, { level: 'Purgeable' }],
  ['soft delete off, even with purge protection set', false, 90, true, { level: 'Purgeable' }],
] as const

for (const [name, softDelete, retentionDays, purgeProtection, want] of settings) {
  test(`§8: ${name} gives ${want.level}${'days' in want ? `, ${want.days} days` : ', no days'}`, () => {
    assert.deepEqual(recoveryLevel({ ...vault, softDelete, retentionDays, purgeProtection }), want)
  })
}

const attributes = {
  enabled: true,
  exp: EXP,
  created: CREATED,
  updated: CREATED,
  recoveryLevel: 'Recoverable+Purgeable',
  recoverableDays: 90,
}
const bareAttributes = {
  enabled: true,
  created: CREATED,
  updated: CREATED,
  recoveryLevel: 'Recoverable+Purgeable',
  recoverableDays: 90,
}
const deletedMembers = {
  recoveryId: `${ORIGIN}/deletedsecrets/db-password`,
  deletedDate: DELETED,
  scheduledPurgeDate: DELETED + 90 * 86400,
}

const shapes: readonly (readonly [
  string,
  () => Record<string, unknown>,
  Record<string, unknown>,
])[] = [
  [
    '§5: a SecretBundle with value is the spec example (R1, R2)',
    () => secretBundle(target, secret, version, 'hunter2'),
    {
      value: 'hunter2',
      contentType: 'text/plain',
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes,
      tags: { env: 'prod' },
    },
  ],
  [
    '§5: a SecretBundle without a value has no value member (R3, R9, R12)',
    () => secretBundle(target, secret, version),
    {
      contentType: 'text/plain',
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes,
      tags: { env: 'prod' },
    },
  ],
  [
    '§5: an empty value is a value given',
    () => secretBundle(target, secret, bare, ''),
    { value: '', id: `${ORIGIN}/secrets/db-password/${VERSION}`, attributes: bareAttributes },
  ],
  [
    '§5: unset contentType, tags, nbf and exp are omitted, never null',
    () => secretBundle(target, secret, bare, 'hunter2'),
    {
      value: 'hunter2',
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes: bareAttributes,
    },
  ],
  [
    'KV-36: nbf is rendered in Unix seconds when set',
    () => secretBundle(target, secret, { ...bare, nbf: CREATED + 60, enabled: false }),
    {
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes: { ...bareAttributes, enabled: false, nbf: CREATED + 60 },
    },
  ],
  [
    'KV-76: without soft delete the attributes say Purgeable and carry no recoverableDays',
    () => secretBundle({ origin: ORIGIN, vault: { ...vault, softDelete: false } }, secret, bare),
    {
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes: { enabled: true, created: CREATED, updated: CREATED, recoveryLevel: 'Purgeable' },
    },
  ],
  [
    '§8: a 7-day vault with purge protection renders its custom level and days',
    () =>
      secretBundle(
        { origin: ORIGIN, vault: { ...vault, retentionDays: 7, purgeProtection: true } },
        secret,
        bare,
      ),
    {
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes: { ...bareAttributes, recoveryLevel: 'CustomizedRecoverable', recoverableDays: 7 },
    },
  ],
  [
    'KV-37: ids use the origin as the client addressed it, port included',
    () => secretBundle({ origin: 'https://payments.vault.localhost:8443', vault }, secret, bare),
    {
      id: `https://payments.vault.localhost:8443/secrets/db-password/${VERSION}`,
      attributes: bareAttributes,
    },
  ],
  [
    'KV-33: ids carry the name as first stored',
    () => secretBundle(target, { ...secret, name: 'DB-Password' }, bare),
    { id: `${ORIGIN}/secrets/DB-Password/${VERSION}`, attributes: bareAttributes },
  ],
  [
    'R4: a SecretItem has the unversioned id and never a value',
    () => secretItem(target, secret, version, false),
    {
      id: `${ORIGIN}/secrets/db-password`,
      attributes,
      contentType: 'text/plain',
      tags: { env: 'prod' },
    },
  ],
  [
    'R5: a versions-list SecretItem has the versioned id',
    () => secretItem(target, secret, bare, true),
    { id: `${ORIGIN}/secrets/db-password/${VERSION}`, attributes: bareAttributes },
  ],
  [
    'KV-70: a DeletedSecretBundle adds recoveryId and dates to a bundle without value (R6, R8)',
    () => deletedSecretBundle(target, deleted, version),
    {
      ...deletedMembers,
      contentType: 'text/plain',
      id: `${ORIGIN}/secrets/db-password/${VERSION}`,
      attributes,
      tags: { env: 'prod' },
    },
  ],
  [
    'R7: a DeletedSecretItem adds recoveryId and dates to an unversioned item',
    () => deletedSecretItem(target, deleted, bare),
    { ...deletedMembers, id: `${ORIGIN}/secrets/db-password`, attributes: bareAttributes },
  ],
]

for (const [name, render, want] of shapes) {
  test(name, () => assert.deepEqual(render(), want))
}

/** Every path below `value`, with its leaf, so a null anywhere is named. */
function leaves(value: unknown, path = '$'): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]]
  return Object.entries(value).flatMap(([key, child]) => leaves(child, `${path}.${key}`))
}

for (const [name, render] of shapes) {
  test(`§5, KV-1, KV-36: ${name.replace(/^[^:]+: /, '')}: no null, ids of 2 or 3 segments, integer times`, () => {
    const body = render()
    for (const [path, leaf] of leaves(body)) {
      assert.notEqual(leaf, null, `${path} is null`)
      assert.notEqual(leaf, undefined, `${path} is undefined`)
    }
    for (const key of ['id', 'recoveryId'] as const) {
      if (!(key in body)) continue
      const segments = new URL(String(body[key])).pathname.split('/').filter(Boolean)
      assert.ok(segments.length === 2 || segments.length === 3, `${key} ${String(body[key])}`)
    }
    const attributes = body.attributes as Record<string, unknown>
    for (const key of ['created', 'updated', 'nbf', 'exp', 'recoverableDays']) {
      if (key in attributes) assert.ok(Number.isSafeInteger(attributes[key]), key)
    }
    for (const key of ['deletedDate', 'scheduledPurgeDate']) {
      if (key in body) assert.ok(Number.isSafeInteger(body[key]), key)
    }
    const json = JSON.stringify(body)
    assert.ok(!json.includes('sealed-value') && !json.includes('wrapped-key'), 'no sealed material')
  })
}
