import { KeyVaultError } from '../errors/index.js'

/** KV-31: the JS SDK's default, and every 7.x (7.3 is the Python SDK's, 7.5 the previous JS one). */
const SUPPORTED = /^(7\.\d|2025-07-01)$/

/** Checks `api-version` (query names arrive percent-decoded, KV-30); returns it for nextLinks. */
export function checkApiVersion(query: Record<string, unknown>): string {
  const value = query['api-version']
  if (value === undefined) {
    throw KeyVaultError.badParameter('The api-version query parameter is required.')
  }
  if (typeof value !== 'string' || !SUPPORTED.test(value)) {
    // Not String(value): it throws for an object whose `toString` member is no function (issue #9).
    const shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value)
    throw KeyVaultError.badParameter(
      `The specified api-version ${JSON.stringify(shown.slice(0, 40))} is not supported; ` +
        'use 2025-07-01 or 7.x.',
    )
  }
  return value
}

/** A single-valued query member, or undefined; a repeated one is 400 `BadParameter`. */
export function queryValue(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name]
  if (value === undefined || typeof value === 'string') return value
  throw KeyVaultError.badParameter(`The query parameter ${name} may appear only once.`)
}
