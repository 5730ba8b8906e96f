import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto'
import type { SigningKeyRecord, Store } from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import { generateSigningKey } from './key_generation.js'
import { algorithmFor, publicJwk, type PublicJwk, type SigningAlgorithm } from './jwk.js'
import { deriveKid } from './kid.js'
import {
  keySchedule,
  planRotation,
  type KeySchedule,
  type KeyTimeline,
  type RotationPlan,
  type RotationPolicy,
} from './rotation.js'
import { seal, unseal } from './sealing.js'
import type { Signer } from './signer.js'

/** A stored key with its public half parsed and its private half unsealed (while it has one). */
export interface LoadedKey extends KeyTimeline {
  algorithm: SigningAlgorithm
  publicKey: KeyObject
  privateKey: KeyObject | undefined
  jwk: PublicJwk
}

/** A key whose stored kid or material disagrees with itself: a startup error (ISS-13). */
export class KeyIntegrityError extends Error {}

/** How long loaded keys are trusted before the store is read again (another process may rotate). */
const RELOAD_AFTER_MS = 5000

/**
 * Signing keys of every owner (issuer now, STS tenants later): generation, sealing at rest under
 * the KEK, loading with the ISS-13 checks, the derived rotation schedule and the active signer.
 */
export class KeyService {
  readonly #store: Store
  readonly #kek: Buffer
  readonly #clock: Clock
  readonly #cache = new Map<string, { keys: LoadedKey[]; loadedAtMs: number }>()
  readonly #signers = new Map<string, { keys: LoadedKey[]; second: number; signer: Signer }>()

  constructor(store: Store, kek: Buffer, clock: Clock) {
    this.#store = store
    this.#kek = kek
    this.#clock = clock
  }

  /** The owner's keys, from cache when fresh. */
  async keys(ownerId: string): Promise<LoadedKey[]> {
    const cached = this.#cache.get(ownerId)
    if (cached && this.#clock.nowMs() - cached.loadedAtMs < RELOAD_AFTER_MS) return cached.keys
    const keys = (await this.#store.signingKeys.forOwner(ownerId)).map((r) => this.#load(r))
    const seen = new Set<string>()
    for (const key of keys) {
      if (seen.has(key.kid)) throw new KeyIntegrityError(`two keys share kid ${key.kid}`)
      seen.add(key.kid)
    }
    this.#cache.set(ownerId, { keys, loadedAtMs: this.#clock.nowMs() })
    return keys
  }

  /** Forgets cached keys so the next read sees the store (after a write by this process). */
  invalidate(ownerId: string): void {
    this.#cache.delete(ownerId)
  }

  /**
   * Forgets every owner's cached keys: the store's change feed calls this on any change, so a
   * rotation by another node is seen within the feed's delay instead of the reload interval.
   */
  forgetAll(): void {
    this.#cache.clear()
  }

  async schedule(ownerId: string, policy: RotationPolicy): Promise<KeySchedule<LoadedKey>> {
    return keySchedule(await this.keys(ownerId), epochSeconds(this.#clock), policy)
  }

  /** The one key that signs now (ISS-90). */
  /**
   * The one key that signs now (ISS-90). Minting is the hot path and key states change only on
   * whole seconds, so the answer is kept for the rest of the second while the key list is unchanged.
   */
  async signer(ownerId: string, policy: RotationPolicy): Promise<Signer> {
    const keys = await this.keys(ownerId)
    const second = epochSeconds(this.#clock)
    const cached = this.#signers.get(ownerId)
    if (cached && cached.keys === keys && cached.second === second) return cached.signer
    const { active } = keySchedule(keys, second, policy)
    if (!active?.privateKey) {
      throw new KeyIntegrityError(`owner ${ownerId} has no active signing key`)
    }
    const signer = { kid: active.kid, alg: active.algorithm, privateKey: active.privateKey }
    this.#signers.set(ownerId, { keys, second, signer })
    return signer
  }

  /** Public JWKs of every published key, in ISS-63 order. */
  async publishedJwks(ownerId: string, policy: RotationPolicy): Promise<PublicJwk[]> {
    return (await this.schedule(ownerId, policy)).published.map((k) => k.jwk)
  }

  /** Adds a key; `prePublishSeconds` 0 makes it sign at once (a first key, IF-36). */
  async addKey(
    ownerId: string,
    algorithm: SigningAlgorithm,
    options: { prePublishSeconds: number; requiresVerification: boolean },
    store: Store = this.#store,
  ): Promise<LoadedKey> {
    const { publicKey, privateKey } = await generateSigningKey(algorithm)
    const id = randomUUID()
    const record: SigningKeyRecord = {
      id,
      ownerId,
      kid: deriveKid(publicKey),
      algorithm,
      publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      privateKeySealed: seal(this.#kek, privateKey.export({ type: 'pkcs8', format: 'der' }), id),
      createdAt: epochSeconds(this.#clock),
      prePublishSeconds: options.prePublishSeconds,
      requiresVerification: options.requiresVerification,
      verifiedAt: null,
      removedAt: null,
      removalReason: null,
    }
    await store.signingKeys.insert(record)
    this.invalidate(ownerId)
    return this.#load(record)
  }

  /**
   * Rotates inside one transaction (ISS-94): plans from the current schedule, adds the new key and
   * removes what an emergency rotation removes. Returns the refusal instead when there is one.
   */
  async rotate(
    ownerId: string,
    algorithm: SigningAlgorithm,
    policy: RotationPolicy,
    options: { emergency: boolean; prePublishSeconds: number; requiresVerification: boolean },
  ): Promise<{ plan: RotationPlan; key?: LoadedKey }> {
    this.invalidate(ownerId)
    const result = await this.#store.transaction(async (trx) => {
      const keys = (await trx.signingKeys.forOwner(ownerId)).map((r) => this.#load(r))
      const plan = planRotation(keySchedule(keys, epochSeconds(this.#clock), policy), options)
      if (!plan.ok) return { plan }
      const key = await this.addKey(
        ownerId,
        algorithm,
        {
          prePublishSeconds: plan.prePublishSeconds,
          requiresVerification: options.requiresVerification && !options.emergency,
        },
        trx,
      )
      await trx.signingKeys.remove(plan.removeIds, epochSeconds(this.#clock), 'emergency-rotation')
      return { plan, key }
    })
    this.invalidate(ownerId)
    return result
  }

  /** Records that static hosting now serves these kids (ISS-84). */
  async markVerified(ownerId: string, kids: readonly string[]): Promise<void> {
    await this.#store.signingKeys.markVerified(ownerId, kids, epochSeconds(this.#clock))
    this.invalidate(ownerId)
  }

  /** Destroys the private half of keys past their ISS-92 window; returns their kids. */
  async removeExpired(ownerId: string, policy: RotationPolicy): Promise<string[]> {
    const { expired } = await this.schedule(ownerId, policy)
    await this.#store.signingKeys.remove(
      expired.map((k) => k.id),
      epochSeconds(this.#clock),
      'retired',
    )
    if (expired.length > 0) this.invalidate(ownerId)
    return expired.map((k) => k.kid)
  }

  #load(record: SigningKeyRecord): LoadedKey {
    const publicKey = createPublicKey({
      key: Buffer.from(record.publicKeySpki, 'base64'),
      format: 'der',
      type: 'spki',
    })
    const kid = deriveKid(publicKey)
    if (kid !== record.kid) {
      throw new KeyIntegrityError(
        `key ${record.id}: stored kid ${record.kid} but the key derives ${kid}`,
      )
    }
    let privateKey: KeyObject | undefined
    if (record.privateKeySealed !== null) {
      let der: Buffer
      try {
        der = unseal(this.#kek, record.privateKeySealed, record.id)
      } catch {
        throw new KeyIntegrityError(
          `key ${record.kid} cannot be decrypted: is keys.kekFile the one this database was created with?`,
        )
      }
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
      if (deriveKid(createPublicKey(privateKey)) !== kid) {
        throw new KeyIntegrityError(`key ${record.kid}: private and public halves differ`)
      }
    }
    return {
      id: record.id,
      kid,
      createdAt: record.createdAt,
      prePublishSeconds: record.prePublishSeconds,
      requiresVerification: record.requiresVerification,
      verifiedAt: record.verifiedAt,
      removedAt: record.removedAt,
      algorithm: algorithmFor(publicKey),
      publicKey,
      privateKey,
      jwk: publicJwk(publicKey),
    }
  }
}
