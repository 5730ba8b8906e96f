import { FORM_HEADERS, mintMany } from './assertions.js'
import type { Endpoint } from './exchange_setup.js'
import type { LoadClient } from './http_load.js'
import type { ExternalIssuer } from '../test/support/external_issuer.js'

/** The cold-issuer herd: what reached the issuer and how long the first token took. */
export interface Herd {
  requests: number
  completed: number
  failed: number
  discoveryFetches: number
  jwksFetches: number
  firstTokenMs: number
  lastTokenMs: number
  firstFailure?: string
}

/**
 * `requests` exchanges at once, each on its own connection and with its own assertion (one per
 * pod), for a client federated with an issuer wifkit has never fetched. The issuer counts every
 * request it serves: a cache that shares one refresh among waiters fetches each document once.
 */
export async function benchHerd(
  load: LoadClient,
  endpoint: Endpoint,
  issuer: ExternalIssuer,
  requests: number,
): Promise<Herd> {
  if (issuer.totalHits !== 0) throw new Error('the herd needs an issuer nobody has fetched from')
  const bodies = await mintMany(requests, endpoint.mint)
  const result = await load.herd({
    kind: 'herd',
    url: endpoint.url,
    headers: FORM_HEADERS,
    bodies,
    expectStatus: 200,
  })
  return {
    requests,
    completed: result.completed,
    failed: result.failed,
    discoveryFetches: issuer.discoveryHits,
    jwksFetches: issuer.jwksHits,
    firstTokenMs: result.firstMs,
    lastTokenMs: result.lastMs,
    ...(result.firstFailure === undefined ? {} : { firstFailure: result.firstFailure }),
  }
}
