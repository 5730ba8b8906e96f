// Error-shape checks the corpus shares across surfaces (issue #9 item 4): the exact Graph and
// Kubernetes bodies, and that no stack trace or file path reached the wire (STYLE.md §2.5).
import assert from 'node:assert/strict'
import { createPublicKey, type KeyObject } from 'node:crypto'
import type { JWK } from 'jose'
import type { Answer } from '../resource/vault_http_harness.js'

/** What a leaked stack or source path looks like in a message. */
const INTERNALS = /\bat \S+ \(|node_modules|\/src\/|\.ts:\d+|TypeError|ReferenceError/

export function assertNoInternals(answer: Answer): void {
  assert.doesNotMatch(answer.text, INTERNALS, 'the body reveals internals')
}

/** interfaces.md §4: `{"error":{"code","message","innerError":{"request-id","date"}}}`. */
export function assertGraphError(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.text)
  assert.deepEqual(Object.keys(answer.body ?? {}), ['error'], answer.text)
  const error = answer.body.error as Record<string, unknown>
  assert.deepEqual(Object.keys(error), ['code', 'message', 'innerError'], answer.text)
  assert.equal(error.code, code, answer.text)
  assert.equal(typeof error.message, 'string')
  assert.deepEqual(Object.keys(error.innerError as object), ['request-id', 'date'])
  assertNoInternals(answer)
}

/** IF-40: a Kubernetes `Status` failure with this code and reason. */
export function assertKubeStatus(answer: Answer, code: number, reason: string): void {
  assert.equal(answer.status, code, answer.text)
  assert.equal(answer.body?.kind, 'Status', answer.text)
  assert.equal(answer.body.apiVersion, 'v1')
  assert.equal(answer.body.status, 'Failure')
  assert.equal(answer.body.reason, reason, answer.text)
  assert.equal(answer.body.code, code)
  assertNoInternals(answer)
}

/** The first RSA key of a JWKS document, as a KeyObject (the public key attackers also have). */
export function firstPublicKey(jwks: { keys: JWK[] }): { kid: string; key: KeyObject } {
  const jwk = jwks.keys[0]
  assert.ok(jwk?.kid, 'the JWKS has a key with a kid')
  return { kid: jwk.kid, key: createPublicKey({ key: jwk as never, format: 'jwk' }) }
}

/** Nested arrays `depth` deep: a parser-stack attack that the limits work (issue #9) will cap. */
export const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
