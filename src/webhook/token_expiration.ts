import {
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  MAX_TOKEN_EXPIRATION_SECONDS,
  MIN_TOKEN_EXPIRATION_SECONDS,
  TOKEN_EXPIRATION_ANNOTATION,
} from './constants.js'
import { WebhookError } from './webhook_error.js'

/** Where the chosen lifetime came from, for the decision log. */
export type ExpirationSource = 'pod' | 'service account' | 'default'

/**
 * The projected token lifetime: the pod annotation wins over the SA's, else 3600 s (§2). A value
 * that is not a decimal integer, or lies outside 3600–86400, is rejected rather than clamped
 * (WL-43); shorter lifetimes would break 10-minute reader caches (WL-54).
 */
export function resolveTokenExpiration(
  podAnnotations: Readonly<Record<string, string>>,
  saAnnotations: Readonly<Record<string, string>>,
): { seconds: number; source: ExpirationSource } {
  const fromPod = podAnnotations[TOKEN_EXPIRATION_ANNOTATION]
  if (fromPod !== undefined) return { seconds: parseExpiration(fromPod), source: 'pod' }
  const fromSa = saAnnotations[TOKEN_EXPIRATION_ANNOTATION]
  if (fromSa !== undefined) return { seconds: parseExpiration(fromSa), source: 'service account' }
  return { seconds: DEFAULT_TOKEN_EXPIRATION_SECONDS, source: 'default' }
}

function parseExpiration(raw: string): number {
  const seconds = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN
  if (seconds >= MIN_TOKEN_EXPIRATION_SECONDS && seconds <= MAX_TOKEN_EXPIRATION_SECONDS) {
    return seconds
  }
  throw new WebhookError(
    'invalid_token_expiration',
    `${TOKEN_EXPIRATION_ANNOTATION} is ${JSON.stringify(raw)}: it must be an integer number of ` +
      `seconds from ${MIN_TOKEN_EXPIRATION_SECONDS} to ${MAX_TOKEN_EXPIRATION_SECONDS} inclusive`,
  )
}
