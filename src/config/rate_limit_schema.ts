import { z } from 'zod'

const perSecond = (fallback: number, what: string) =>
  z
    .number()
    .min(0.1, 'must be at least 0.1, so Retry-After stays within 10 s (PY-22)')
    .max(1_000_000)
    .default(fallback)
    .describe(`Sustained ${what} per second, per node.`)

const burst = (fallback: number, what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(fallback)
    .describe(`${what} admitted at once before the sustained rate applies, per node.`)

const DEFAULTS = {
  enabled: true,
  clientIdPerSecond: 200,
  clientIdBurst: 2000,
  addressPerSecond: 100,
  addressBurst: 1000,
  adminTokenPerSecond: 100,
  adminTokenBurst: 1000,
  maxTrackedKeys: 100_000,
}

/**
 * Token-bucket limits answering 429 with Retry-After (issue #9 item 2, ADR 0012). Each node
 * counts alone: a deployment of N nodes admits up to N times these numbers.
 */
export const rateLimitSchema = z
  .object({
    enabled: z
      .boolean()
      .default(DEFAULTS.enabled)
      .describe('Rate limiting of the token endpoint and the admin API; false turns it off.'),
    clientIdPerSecond: perSecond(DEFAULTS.clientIdPerSecond, 'token requests of one `client_id`'),
    clientIdBurst: burst(DEFAULTS.clientIdBurst, 'Token requests of one `client_id`'),
    addressPerSecond: perSecond(
      DEFAULTS.addressPerSecond,
      'token requests from one source address (behind a proxy: the proxy)',
    ),
    addressBurst: burst(DEFAULTS.addressBurst, 'Token requests from one source address'),
    adminTokenPerSecond: perSecond(DEFAULTS.adminTokenPerSecond, 'admin API requests of one token'),
    adminTokenBurst: burst(DEFAULTS.adminTokenBurst, 'Admin API requests of one token'),
    maxTrackedKeys: z
      .number()
      .int()
      .min(100)
      .max(10_000_000)
      .default(DEFAULTS.maxTrackedKeys)
      .describe(
        'Client ids, addresses or tokens tracked per limit; past it the least recently seen is forgotten.',
      ),
  })
  .strict()
  .default(DEFAULTS)
