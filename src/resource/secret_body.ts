import { KeyVaultError } from '../errors/index.js'
import { isObject } from '../util/index.js'

/** KV-40: Key Vault's documented value limit, counted in UTF-8 bytes. */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024
const MAX_TAGS = 15
const MAX_CONTENT_TYPE = 255

/** Attribute members a request may set (keyvault.md §5); absent means "leave as is". */
export interface AttributeChanges {
  enabled?: boolean
  nbf?: number | null
  exp?: number | null
}

/** The mutable members of a secret version, from R1 or R3. */
export interface SecretChanges {
  contentType?: string
  tags?: Record<string, string>
  attributes: AttributeChanges
}

/** An R1 body: the value and its first properties. */
export interface SetSecretBody extends SecretChanges {
  value: string
}

const bad = (message: string) => KeyVaultError.badParameter(message)

function tags(value: unknown): Record<string, string> {
  if (!isObject(value)) throw bad('tags must be an object of string values.')
  const entries = Object.entries(value)
  if (entries.length > MAX_TAGS) throw bad(`A secret holds at most ${MAX_TAGS} tags.`)
  for (const [key, tag] of entries) {
    if (typeof tag !== 'string')
      throw bad(`The value of tag "${key.slice(0, 64)}" must be a string.`)
  }
  // Object.fromEntries defines own properties, so a "__proto__" key stays an ordinary tag.
  return Object.fromEntries(entries) as Record<string, string>
}

function timestamp(name: string, value: unknown): number | null {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw bad(`attributes.${name} must be a Unix time in whole seconds.`)
  }
  return value
}

function attributes(value: unknown): AttributeChanges {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) throw bad('attributes must be an object.')
  const out: AttributeChanges = {}
  if (value.enabled !== undefined && value.enabled !== null) {
    if (typeof value.enabled !== 'boolean') throw bad('attributes.enabled must be true or false.')
    out.enabled = value.enabled
  }
  if (value.nbf !== undefined) out.nbf = timestamp('nbf', value.nbf)
  if (value.exp !== undefined) out.exp = timestamp('exp', value.exp)
  return out
}

/** R3's body, and the property part of R1's (KV-32: unknown members are ignored). */
export function parseSecretChanges(body: unknown): SecretChanges {
  if (!isObject(body)) throw bad('The request body must be a JSON object.')
  const changes: SecretChanges = { attributes: attributes(body.attributes) }
  if (body.contentType !== undefined && body.contentType !== null) {
    if (typeof body.contentType !== 'string' || body.contentType.length > MAX_CONTENT_TYPE) {
      throw bad(`contentType must be a string of at most ${MAX_CONTENT_TYPE} characters.`)
    }
    changes.contentType = body.contentType
  }
  if (body.tags !== undefined && body.tags !== null) changes.tags = tags(body.tags)
  return changes
}

/** R1's body: a string `value` of at most 25 KiB plus optional properties (KV-40). */
export function parseSetSecret(body: unknown): SetSecretBody {
  const changes = parseSecretChanges(body)
  const value = (body as Record<string, unknown>).value
  if (typeof value !== 'string') throw bad('The request body must have a string member "value".')
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES) {
    throw bad(`The secret value exceeds the maximum size of ${MAX_SECRET_VALUE_BYTES} bytes.`)
  }
  return { ...changes, value }
}
