import { WireError, type RetryableErrorExtras } from './wire_error.js'

/** The Key Vault error codes wifkit answers with (keyvault.md §9). */
export type KeyVaultCode =
  | 'BadParameter'
  | 'Unauthorized'
  | 'Forbidden'
  | 'SecretNotFound'
  | 'NotFound'
  | 'Conflict'
  | 'Throttled'
  | 'InternalServerError'
  | 'ServiceUnavailable'

/** Facts only some Key Vault errors carry on the wire. */
export interface KeyVaultErrorExtras extends RetryableErrorExtras {
  /** `innererror.code`, e.g. `ForbiddenByRbac` (KV-20). */
  innerCode?: string
  /** Response headers such as the 401 challenge (KV-11) or `Allow` on a 405. */
  headers?: Record<string, string>
}

/**
 * A vault error in Key Vault's shape: `{"error":{"code","message","innererror"?}}` (KV-80).
 * Messages are public: they never carry a secret value or a token.
 */
export class KeyVaultError extends WireError {
  readonly code: KeyVaultCode
  readonly innerCode: string | undefined
  readonly #headers: Record<string, string>

  constructor(
    status: number,
    code: KeyVaultCode,
    message: string,
    extras: KeyVaultErrorExtras = {},
  ) {
    super(status, message, extras)
    this.code = code
    this.innerCode = extras.innerCode
    this.#headers = extras.headers ?? {}
  }

  static badParameter(message: string, extras?: KeyVaultErrorExtras): KeyVaultError {
    return new KeyVaultError(400, 'BadParameter', message, extras)
  }

  /** KV-51's wording for an unknown secret, version or deleted secret. */
  static secretNotFound(name: string): KeyVaultError {
    return new KeyVaultError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${name} was not found in this key vault.`,
    )
  }

  static notFound(message: string): KeyVaultError {
    return new KeyVaultError(404, 'NotFound', message)
  }

  static conflict(message: string): KeyVaultError {
    return new KeyVaultError(409, 'Conflict', message)
  }

  override headers(): Record<string, string> {
    return { ...super.headers(), ...this.#headers }
  }

  render(): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode === undefined ? {} : { innererror: { code: this.innerCode } }),
      },
    }
  }
}
