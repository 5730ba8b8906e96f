import type { KeyObject } from 'node:crypto'
import { EntraError, say } from '../../errors/index.js'
import { verifyJwsSignature, type SigningAlgorithm } from '../../keys/index.js'
import type { IssuerKeySource } from './hosted_issuer_keys.js'
import { IssuerMetadataError } from './issuer_keys.js'
import { checkAssertionHeader, type ParsedAssertion } from './assertion.js'

/**
 * Rows 19–23 for an assertion whose FIC already matched: fetch (or reuse) the issuer's keys,
 * check the header, find the key, verify the signature. Only now does the presented `iss` reach
 * the network, and only because a configured credential names it (STS-90).
 */
export async function verifyAssertion(
  jwt: string,
  parsed: ParsedAssertion,
  issuerKeys: IssuerKeySource,
  allowedAlgorithms: readonly string[],
): Promise<void> {
  const { iss } = parsed.claims
  let keys: KeyObject[]
  try {
    keys = await issuerKeys.keyFor(iss, parsed.header.kid)
  } catch (error) {
    if (!(error instanceof IssuerMetadataError)) throw error
    const extras = { detail: error.detail, cause: error }
    if (error.kind === 'unreachable') {
      throw new EntraError(
        'issuerMetadataFailed',
        say.issuerMetadataFailed(iss, error.publicHint),
        extras,
      )
    }
    if (error.kind === 'unparseable') {
      throw new EntraError('issuerKeysUnusable', say.issuerKeysUnusable(iss), extras)
    }
    checkAssertionHeader(parsed.header, allowedAlgorithms)
    throw new EntraError(
      'signingKeyNotFound',
      say.signingKeyNotFound(String(parsed.header.kid), iss),
      extras,
    )
  }
  checkAssertionHeader(parsed.header, allowedAlgorithms)
  // The header passed row 21, so its alg is one we sign and verify with.
  const alg = parsed.header.alg as SigningAlgorithm
  // STS-81: without a kid every usable key is tried, as kube-apiserver does. node:crypto verifies
  // on a prepared KeyObject, several times faster than jose's WebCrypto path (ADR 0006).
  if (keys.some((key) => verifyJwsSignature(jwt, alg, key))) return
  throw new EntraError('signatureInvalid', say.signatureInvalid(), {
    detail: `no key of ${iss} (${keys.length} tried) verifies the signature`,
  })
}
