import type { KeyObject } from 'node:crypto'
import { IssuerMetadataError } from './issuer_metadata_error.js'

/** Where the token endpoint gets an issuer's verification keys (sts.md §7 rows 19–22). */
export interface IssuerKeySource {
  /**
   * The keys to try for a token of `issuer`: the one with `kid`, or every usable key without one.
   *
   * @throws IssuerMetadataError as {@link IssuerKeyCache.keyFor} does.
   */
  keyFor(issuer: string, kid: string | undefined): Promise<KeyObject[]>
}

/** A published key of an issuer this deployment serves. */
export interface HostedKey {
  kid: string
  publicKey: KeyObject
}

/**
 * IF-21: the STS always trusts the issuers the deployment serves itself. Their published keys come
 * straight from storage instead of over the network, so a node behind a load balancer that cannot
 * reach its own public URL still verifies them, and a key added by an emergency rotation verifies
 * at once instead of waiting out the unknown-kid refetch cooldown. Every other issuer goes to
 * `remote`, the bounded discovery and JWKS cache.
 */
export class HostedFirstIssuerKeys implements IssuerKeySource {
  readonly #hosted: (issuer: string) => Promise<readonly HostedKey[] | undefined>
  readonly #remote: IssuerKeySource

  constructor(
    hosted: (issuer: string) => Promise<readonly HostedKey[] | undefined>,
    remote: IssuerKeySource,
  ) {
    this.#hosted = hosted
    this.#remote = remote
  }

  async keyFor(issuer: string, kid: string | undefined): Promise<KeyObject[]> {
    const own = await this.#hosted(issuer)
    if (own === undefined) return this.#remote.keyFor(issuer, kid)
    if (own.length === 0) {
      throw new IssuerMetadataError('unparseable', `served issuer ${issuer} publishes no keys`)
    }
    if (kid === undefined) return own.map((k) => k.publicKey)
    const key = own.find((k) => k.kid === kid)
    if (key) return [key.publicKey]
    throw new IssuerMetadataError(
      'kid-not-found',
      `kid ${JSON.stringify(kid)} is not among the ${own.length} published keys of served issuer ${issuer}`,
    )
  }
}
