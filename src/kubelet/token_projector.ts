import { join } from 'node:path'
import { writeFileAtomic, type Clock } from '../util/index.js'
import type { ProjectedToken } from './projected_tokens.js'
import { keepFresh, type Freshness, type Sleep } from './refresh_loop.js'

/** What a TokenRequest asks for on behalf of one projection (IF-40). */
export interface ProjectionRequest {
  namespace: string
  serviceAccount: string
  audience?: string
  expirationSeconds: number
}

/** The parts of a TokenRequest answer the projector uses (IF-40). */
export interface MintedToken {
  token: string
  /** The granted lifetime, which the issuer may shorten (ISS-42). */
  expirationSeconds: number
  /** RFC 3339 UTC. */
  expirationTimestamp: string
}

/** Calls the mint API; the CLI passes one bound to its admin client. */
export type Mint = (request: ProjectionRequest) => Promise<MintedToken>

/** One materialised projection: the host files that now hold a fresh token. */
export interface ProjectionWrite {
  volume: string
  files: string[]
  expirationTimestamp: string
}

// WL-50: one compact JWS. Anything else would break every reader, so it is never written.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Mints one token for `projection` and writes it to each of its files under `root`, atomically,
 * with the volume's mode and no trailing newline (WL-50, WL-51, WL-57).
 */
export async function projectToken(
  projection: ProjectedToken,
  root: string,
  mint: Mint,
): Promise<ProjectionWrite & Freshness> {
  const { namespace, serviceAccount, audience, expirationSeconds } = projection
  const minted = await mint({ namespace, serviceAccount, audience, expirationSeconds })
  if (!COMPACT_JWS.test(minted.token))
    throw new Error('the mint API answered without a compact JWS')
  const files = projection.files.map((f) => join(root, f))
  for (const file of files) await writeFileAtomic(file, minted.token, projection.mode)
  return {
    volume: projection.volume,
    files,
    expirationTimestamp: minted.expirationTimestamp,
    expiresAtMs: Date.parse(minted.expirationTimestamp),
    lifetimeSeconds: minted.expirationSeconds,
  }
}

/** Where and how the projector runs. */
export interface ProjectorOptions {
  root: string
  mint: Mint
  signal: AbortSignal
  onWrite: (write: ProjectionWrite) => void
  onFailure: (volume: string, error: Error, retryInMs: number) => void
  clock?: Clock
  sleep?: Sleep
}

/**
 * Keeps every projection fresh until `signal` aborts, each on its own schedule (WL-52), as the
 * kubelet refreshes each projected token independently.
 */
export async function runTokenProjector(
  projections: readonly ProjectedToken[],
  options: ProjectorOptions,
): Promise<void> {
  const { root, mint, onWrite, onFailure, ...loop } = options
  await Promise.all(
    projections.map((projection) =>
      keepFresh({
        ...loop,
        refresh: async () => {
          const { expiresAtMs, lifetimeSeconds, ...write } = await projectToken(
            projection,
            root,
            mint,
          )
          onWrite(write)
          return { expiresAtMs, lifetimeSeconds }
        },
        onFailure: (error, retryInMs) => onFailure(projection.volume, error, retryInMs),
      }),
    ),
  )
}
