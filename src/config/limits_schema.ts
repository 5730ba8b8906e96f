import { z } from 'zod'

const KIB = 1024
const count = (min: number, max: number, fallback: number, description: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(description)

/**
 * Bounds on what one client can make a listener hold (issue #9 item 1). The defaults stop slow or
 * oversized requests without refusing anything a real Azure SDK, kubelet or operator sends.
 */
const limitsObject = z
  .object({
    tokenBodyBytes: count(
      1 * KIB,
      1024 * KIB,
      64 * KIB,
      'Largest token request body; larger ones get 413 and AADSTS9002313 (STS-35, row 2).',
    ),
    maxAssertionBytes: count(
      1 * KIB,
      1024 * KIB,
      16 * KIB,
      'Longest client assertion or subject token; longer ones get AADSTS50027 (row 15) before any decoding or fetching.',
    ),
    adminBodyBytes: count(1 * KIB, 16384 * KIB, 64 * KIB, 'Largest admin API request body.'),
    vaultBodyBytes: count(
      1 * KIB,
      16384 * KIB,
      256 * KIB,
      'Largest vault request body; Key Vault allows secret values up to 25 KiB.',
    ),
    maxJsonDepth: count(
      4,
      1000,
      32,
      'Deepest nesting of a JSON body (admin API, vaults); deeper ones get 400.',
    ),
    maxFormFields: count(
      10,
      10000,
      100,
      'Most fields in a token request form; more get 400 invalid_request.',
    ),
    maxHeaderBytes: count(
      4 * KIB,
      64 * KIB,
      16 * KIB,
      'Largest request line plus headers; larger ones get 431 (Node `maxHeaderSize`).',
    ),
    headersTimeoutMs: count(
      1000,
      120_000,
      10_000,
      'Time a client has to send all request headers; slower ones are disconnected (slowloris).',
    ),
    requestTimeoutMs: count(
      1000,
      600_000,
      30_000,
      'Time a client has to send a whole request, body included; slower ones get 408.',
    ),
    idleSocketTimeoutMs: count(
      1000,
      600_000,
      60_000,
      'A connection with no traffic for this long is closed (Fastify `connectionTimeout`).',
    ),
    keepAliveTimeoutMs: count(
      1000,
      600_000,
      5000,
      'How long an idle keep-alive connection waits for its next request.',
    ),
    maxRequestsPerSocket: count(
      0,
      1_000_000,
      1000,
      'Requests served on one keep-alive connection before it is closed; 0 means no limit.',
    ),
    maxConcurrentIssuerFetches: count(
      1,
      1024,
      32,
      'External issuer discovery and JWKS fetches in flight at once; more wait their turn.',
    ),
  })
  .strict()

/** The validated limits, as listeners and services receive them. */
export type Limits = z.infer<typeof limitsObject>

/** The limits with every default: what listeners outside `wifkit serve` (the webhook) use. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze(limitsObject.parse({}))

/** The `limits` section of the configuration; absent, every default applies. */
export const limitsSchema = limitsObject.default({ ...DEFAULT_LIMITS })
