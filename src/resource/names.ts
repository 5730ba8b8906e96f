import { KeyVaultError } from '../errors/index.js'

/** KV-4: 3–24 letters, digits and hyphens, starting with a letter. Stored lower-case. */
const VAULT_NAME = /^[a-z][a-z0-9-]{2,23}$/
/** KV-33. */
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/
/** KV-34: 32 lower-case hex characters. */
const VERSION = /^[0-9a-f]{32}$/

/** Whether `name` is a valid vault name (case-insensitive: hosts fold case, KV-4). */
export function isVaultName(name: string): boolean {
  return VAULT_NAME.test(name.toLowerCase())
}

/** Checks a secret name from a path (KV-33) and returns its folded comparison key. */
export function secretNameKey(name: string): string {
  if (!SECRET_NAME.test(name)) {
    throw KeyVaultError.badParameter(
      `The request URI contains an invalid name: ${JSON.stringify(name.slice(0, 130))}. ` +
        'Secret names are 1-127 letters, digits and dashes.',
    )
  }
  return name.toLowerCase()
}

/** Whether a path segment is a secret version id (KV-34). */
export function isVersionId(version: string): boolean {
  return VERSION.test(version)
}

/**
 * The vault a request addresses, from its Host header: `<vault>.<resource host>` with an optional
 * port (KV-1, KV-2). Matching folds case (KV-4). Undefined when the host is not a vault host.
 */
export function vaultNameFromHost(
  host: string | undefined,
  resourceHostname: string,
): string | undefined {
  if (host === undefined) return undefined
  const hostname = host.replace(/:\d+$/, '').toLowerCase()
  const suffix = `.${resourceHostname.toLowerCase()}`
  if (!hostname.endsWith(suffix)) return undefined
  const label = hostname.slice(0, -suffix.length)
  return label.length > 0 && !label.includes('.') ? label : undefined
}
