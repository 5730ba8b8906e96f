import assert from 'node:assert/strict'
import { KeyVaultError } from '../../../src/errors/index.js'

/**
 * An `assert.throws` validator for keyvault.md §9's first row: a `KeyVaultError` with status 400,
 * code `BadParameter`, no inner code or extra headers, and a public message matching `message`.
 */
export function badParameter(message: RegExp | string = /./) {
  return (error: unknown): true => {
    assert.ok(error instanceof KeyVaultError, `expected a KeyVaultError, got ${String(error)}`)
    assert.equal(error.status, 400)
    assert.equal(error.code, 'BadParameter')
    assert.equal(error.innerCode, undefined)
    assert.deepEqual(error.headers(), {})
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    assert.deepEqual(error.render(), { error: { code: 'BadParameter', message: error.message } })
    return true
  }
}
