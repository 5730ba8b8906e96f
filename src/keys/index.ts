export { deriveKid } from './kid.js'
export { publicJwk, algorithmFor, type PublicJwk, type SigningAlgorithm } from './jwk.js'
export {
  keySchedule,
  planRotation,
  scheduledRotationDue,
  activatesAt,
  MAX_PUBLISHED_KEYS,
  type KeyTimeline,
  type KeySchedule,
  type RotationPolicy,
  type RotationPlan,
  type RotationRefusal,
} from './rotation.js'
export { KeyService, KeyIntegrityError, type LoadedKey } from './key_service.js'
export { signCompact, signAccessToken, type Signer } from './signer.js'
export { loadKek } from './kek.js'
export { seal, unseal } from './sealing.js'
export { publicKeysFromPem, jwksFromPemFiles, splitPublicKeyFlags } from './pem.js'
export { signJws, verifyJwsSignature } from './jws.js'
