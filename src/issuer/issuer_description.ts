import { activatesAt, type KeySchedule, type LoadedKey } from '../keys/index.js'
import type { IssuerRecord, Publication } from '../store/index.js'
import { discoveryUrl, jwksUrl } from './issuer_url.js'

/** What `issuer show` and `GET /admin/v1/issuers/{name}` answer. */
export interface IssuerDescription {
  name: string
  /** The exact string to paste into federated credentials (ISS-4). */
  issuer: string
  discoveryUrl: string
  jwksUri: string
  publication: Publication
  maxTokenExpirationSeconds: number
  keys: Array<{
    kid: string
    alg: string
    state: 'active' | 'pending' | 'retiring'
    createdAt: number
    /** When a pending key starts signing; null while a static issuer awaits `--verify`. */
    activatesAt?: number | null
    /** When a retiring key leaves the JWKS (ISS-92). */
    removableAt?: number
  }>
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null)

/** Projects an issuer and its key schedule onto the public description (no key material). */
export function describeIssuer(
  issuer: IssuerRecord,
  schedule: KeySchedule<LoadedKey>,
): IssuerDescription {
  const entry = (state: 'active' | 'pending' | 'retiring', key: LoadedKey) => ({
    kid: key.kid,
    alg: key.algorithm,
    state,
    createdAt: key.createdAt,
  })
  return {
    name: issuer.name,
    issuer: issuer.url,
    discoveryUrl: discoveryUrl(issuer.url),
    jwksUri: jwksUrl(issuer.url, issuer.jwksUri),
    publication: issuer.publication,
    maxTokenExpirationSeconds: issuer.maxTokenExpirationSeconds,
    keys: [
      ...(schedule.active ? [entry('active', schedule.active)] : []),
      ...schedule.pending.map((k) => ({
        ...entry('pending', k),
        activatesAt: finiteOrNull(activatesAt(k)),
      })),
      ...schedule.retiring.map((r) => ({
        ...entry('retiring', r.key),
        removableAt: r.removableAt,
      })),
    ],
  }
}
