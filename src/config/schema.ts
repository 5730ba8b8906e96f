import { z } from 'zod'
import { limitsSchema } from './limits_schema.js'
import { rateLimitSchema } from './rate_limit_schema.js'
import { allowListEntryProblem } from '../util/index.js'

/** Accepts `HOST:PORT`, `[IPv6]:PORT` or `:PORT`; the port may be 0 (any free port). */
const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]*):\d{1,5}$/, 'must be HOST:PORT, e.g. 0.0.0.0:8443')
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'port must be 0..65535')

const tlsFiles = z
  .object({
    cert: z.string().min(1).describe('PEM certificate chain file for this listener.'),
    key: z.string().min(1).describe('PEM private key file for this listener.'),
  })
  .describe('TLS for this listener; without it the listener speaks plain HTTP behind a proxy.')

const httpsOrigin = z.string().superRefine((value, ctx) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an absolute https URL (got "${value}")` })
    return
  }
  if (url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must use https (got "${value}")` })
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    ctx.addIssue({
      code: 'custom',
      message: `must be an origin only, like https://host:port (got "${value}")`,
    })
  }
})

/**
 * The whole configuration of `wifkit serve` (IF-20, IF-25). Every key has a description, which
 * docs/configuration.md is generated from, and every leaf can be overridden by `WIFKIT_<PATH>`.
 */
export const configSchema = z
  .object({
    storage: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:PATH or postgres://…')
      .default('sqlite:wifkit.db')
      .describe(
        'Database: `sqlite:PATH` (relative to the config file) for one node, or a `postgres://…` URL for several (docs/storage.md).',
      ),
    public: z
      .object({
        listen: listenAddress
          .default('0.0.0.0:8443')
          .describe('Address of the public listener (issuer documents, STS, vaults).'),
        url: httpsOrigin.describe(
          'External https origin of the public listener; issuers default to `{url}/issuers/{name}`.',
        ),
        tls: tlsFiles.optional(),
      })
      .strict(),
    admin: z
      .object({
        listen: listenAddress
          .default('127.0.0.1:8444')
          .describe(
            'Address of the admin listener (admin and mint APIs, metrics). Keep it private.',
          ),
        tls: tlsFiles.optional(),
      })
      .strict()
      .default({ listen: '127.0.0.1:8444' }),
    keys: z
      .object({
        kekFile: z
          .string()
          .min(1)
          .describe('File holding the key-encryption key: 32 random bytes, base64. Mode 0600.'),
        algorithm: z
          .enum(['RS256', 'ES256'])
          .default('RS256')
          .describe('Algorithm of new issuer keys. Entra trusts only RS256 (ISS-10, ISS-11).'),
        prePublishSeconds: z
          .number()
          .int()
          .min(3600, 'must be at least 3600 (the JWKS max-age, ISS-91)')
          .max(30 * 86400)
          .default(86400)
          .describe('How long a new key is published before it signs (ISS-91).'),
        rotationIntervalDays: z
          .number()
          .int()
          .min(0)
          .max(3650)
          .default(90)
          .describe('Scheduled rotation: a new pending key this often; 0 turns it off (ISS-93).'),
      })
      .strict(),
    issuers: z
      .object({
        maxTokenExpirationSeconds: z
          .number()
          .int()
          .min(600, 'must be at least 600 (ISS-41)')
          .max(2 ** 32)
          .default(86400)
          .describe(
            'Longest token lifetime the mint API grants; longer requests are shortened (ISS-42).',
          ),
        defaultAudiences: z
          .array(z.string().min(1))
          .min(1)
          .default(['api://AzureADTokenExchange'])
          .describe('Audiences of a token request that names none (ISS-40).'),
      })
      .strict()
      .default({
        maxTokenExpirationSeconds: 86400,
        defaultAudiences: ['api://AzureADTokenExchange'],
      }),
    sts: z
      .object({
        tokenLifetimeSeconds: z
          .number()
          .int()
          .min(600, 'must be at least 600: MSAL renews any token within 300 s of expiry (CL-32)')
          .max(86400)
          .default(3600)
          .describe('Lifetime of issued access tokens (sts.md §11).'),
        maxCredentialsPerIdentity: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(20)
          .describe('Federated credentials per application or identity; Entra allows 20 (STS-67).'),
        assertionSkewSeconds: z
          .number()
          .int()
          .min(0)
          .max(900)
          .default(300)
          .describe('Clock skew tolerated on assertion nbf/exp (row 24).'),
        maxAssertionLifetimeSeconds: z
          .number()
          .int()
          .min(600)
          .max(2 ** 32)
          .default(90000)
          .describe('Longest assertion lifetime (exp - iat) accepted (row 25).'),
        revealMatchDetails: z
          .boolean()
          .default(false)
          .describe(
            'Append near-miss details to error descriptions (STS-83); wifkit dev turns it on.',
          ),
        issuerFetchTimeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(60)
          .default(10)
          .describe('Deadline for one external issuer document, redirects included (STS-93).'),
        issuerAllowList: z
          .array(
            z.string().superRefine((entry, ctx) => {
              const problem = allowListEntryProblem(entry)
              if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
            }),
          )
          .default([])
          .describe(
            'External issuer hosts (`issuer.corp`) and CIDR ranges (`10.1.0.0/16`) that may resolve ' +
              'to loopback, private or link-local addresses; any other such issuer is refused ' +
              '(STS-101). wifkit dev lists its own host.',
          ),
      })
      .strict()
      .default({
        tokenLifetimeSeconds: 3600,
        maxCredentialsPerIdentity: 20,
        assertionSkewSeconds: 300,
        maxAssertionLifetimeSeconds: 90000,
        revealMatchDetails: false,
        issuerFetchTimeoutSeconds: 10,
        issuerAllowList: [],
      }),
    vaults: z
      .object({
        resource: httpsOrigin
          .optional()
          .describe(
            'Vault resource id, e.g. `https://vault.example.com` (KV-2); vaults are served at ' +
              '`https://{name}.vault.example.com`. Unset: no vaults are served.',
          ),
        defaultRetentionDays: z
          .number()
          .int()
          .min(7)
          .max(90)
          .default(90)
          .describe('Soft-delete retention of a new vault when its request names none (KV-70).'),
        purgeIntervalSeconds: z
          .number()
          .int()
          .min(10)
          .max(86400)
          .default(3600)
          .describe('How often soft-deleted secrets past their purge date are purged (KV-75).'),
      })
      .strict()
      .default({ defaultRetentionDays: 90, purgeIntervalSeconds: 3600 }),
    cache: z
      .object({
        maxStalenessSeconds: z
          .number()
          .int()
          .min(0)
          .max(3600)
          .default(60)
          .describe(
            'How long cached directory reads and keys keep answering without confirmation from the ' +
              'database. A security trade-off: during a database outage a credential deleted just ' +
              'before it keeps working up to this long. 0 turns the cache off (docs/storage.md).',
          ),
        versionCheckMs: z
          .number()
          .int()
          .min(100)
          .max(10000)
          .default(500)
          .describe(
            'How often the change counter is read, the fallback for missed change notifications.',
          ),
        maxEntries: z
          .number()
          .int()
          .min(100)
          .max(10_000_000)
          .default(100_000)
          .describe('Cached read answers kept at most; the oldest is dropped first.'),
      })
      .strict()
      .default({ maxStalenessSeconds: 60, versionCheckMs: 500, maxEntries: 100_000 }),
    limits: limitsSchema,
    rateLimit: rateLimitSchema,
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Minimum level of the JSON log on stdout.'),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()

/** The validated configuration, as every domain receives it. */
export type Config = z.infer<typeof configSchema>
