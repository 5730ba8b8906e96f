/** How an issuer's documents reach verifiers: served by wifkit, or copied to static hosting. */
export type Publication = 'served' | 'static'

/** An issuer as the domains see it (camelCase, parsed JSON, real booleans). */
export interface IssuerRecord {
  id: string
  name: string
  url: string
  jwksUri: string | null
  keyAlgorithm: string
  publication: Publication
  maxTokenExpirationSeconds: number
  defaultAudiences: string[]
  createdAt: number
}

/** A signing key; the private half is sealed (AES-256-GCM) and absent once removed. */
export interface SigningKeyRecord {
  id: string
  ownerId: string
  kid: string
  algorithm: string
  /** base64 DER SubjectPublicKeyInfo */
  publicKeySpki: string
  privateKeySealed: string | null
  createdAt: number
  prePublishSeconds: number
  requiresVerification: boolean
  verifiedAt: number | null
  removedAt: number | null
  removalReason: string | null
}

export interface AdminTokenRecord {
  id: string
  tokenHash: string
  description: string
  createdAt: number
  revokedAt: number | null
}

export interface AuditEntry {
  at: number
  actor: string
  action: string
  target: string
  outcome: string
}
