/**
 * Why an external issuer's keys could not be used, as rows 19, 20 and 22 of sts.md §7 tell apart:
 * - `unreachable`: discovery or JWKS not fetched, or fetched but refused (row 19, STS-91..95);
 * - `unparseable`: the JWKS is not JSON or holds no usable key (row 20, STS-96);
 * - `kid-not-found`: no key with the token's `kid`, even after the one allowed refetch (row 22).
 */
export type IssuerMetadataErrorKind = 'unreachable' | 'unparseable' | 'kid-not-found'

const MESSAGES: Record<IssuerMetadataErrorKind, string> = {
  unreachable: 'the issuer metadata could not be fetched',
  unparseable: 'the issuer signing keys could not be parsed',
  'kid-not-found': 'the issuer metadata has no key with this kid',
}

/**
 * A failure to obtain an issuer's verification keys. The message is constant per kind; `detail`
 * says exactly what failed (status, timeout, size, redirect, issuer mismatch, …) and belongs in
 * the log only (STYLE.md §2.4, §2.5). It never holds key material.
 */
export class IssuerMetadataError extends Error {
  readonly kind: IssuerMetadataErrorKind
  readonly detail: string
  /** A public sentence for the error description, set only where it reveals no address. */
  readonly publicHint: string | undefined

  constructor(
    kind: IssuerMetadataErrorKind,
    detail: string,
    options?: { cause?: unknown; publicHint?: string },
  ) {
    super(MESSAGES[kind], options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'IssuerMetadataError'
    this.kind = kind
    this.detail = detail
    this.publicHint = options?.publicHint
  }
}
