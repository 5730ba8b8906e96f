import { UsageError } from '../errors/index.js'
import { DEFAULT_AUDIENCE } from './constants.js'
import type { MutationConfig, TokenLayout } from './types.js'
import { isObject } from '../util/index.js'

/** The settings `serve` and `mutate` take, each optional; a config file holds the same keys. */
export interface WebhookSettings {
  tenantId?: string
  authorityHost?: string
  audience?: string
  tokenLayout?: string
  injectTokenCredentials?: boolean
}

const LAYOUTS: readonly TokenLayout[] = ['v1.6', 'v1.5']
const FILE_KEYS = new Set(['tenantId', 'authorityHost', 'audience', 'tokenLayout'])

/**
 * The webhook's mutation config (WL-11): flags win, then `AZURE_TENANT_ID` / `AZURE_AUTHORITY_HOST`
 * (as Azure Workload Identity's webhook takes them, IF-60), then the config file, then defaults.
 * Validated once here, so a webhook without a tenant or with a non-https authority never starts.
 *
 * @throws UsageError naming the missing or bad setting and how to give it.
 */
export function resolveWebhookConfig(
  flags: WebhookSettings,
  env: Readonly<Record<string, string | undefined>>,
  file: WebhookSettings = {},
): MutationConfig {
  const tenantId = flags.tenantId ?? env.AZURE_TENANT_ID ?? file.tenantId
  const authorityHost = flags.authorityHost ?? env.AZURE_AUTHORITY_HOST ?? file.authorityHost
  const tokenLayout = flags.tokenLayout ?? file.tokenLayout ?? 'v1.6'
  if (!tenantId) {
    throw new UsageError('no tenant id: pass --tenant-id or set AZURE_TENANT_ID (WL-11)')
  }
  if (!authorityHost || !isHttpsUrl(authorityHost)) {
    throw new UsageError(
      `the authority host must be an https URL (got ${JSON.stringify(authorityHost ?? '')}): ` +
        'pass --authority-host or set AZURE_AUTHORITY_HOST to the wifkit STS authority',
    )
  }
  if (!LAYOUTS.includes(tokenLayout as TokenLayout)) {
    throw new UsageError(`--layout must be v1.6 or v1.5 (got ${tokenLayout})`)
  }
  return Object.freeze({
    tenantId,
    authorityHost,
    audience: flags.audience ?? file.audience ?? DEFAULT_AUDIENCE,
    tokenLayout: tokenLayout as TokenLayout,
    injectTokenCredentials: flags.injectTokenCredentials ?? file.injectTokenCredentials ?? false,
  })
}

/**
 * Checks a parsed config file: an object whose keys are those of {@link WebhookSettings}, with
 * string values (`injectTokenCredentials` a boolean).
 *
 * @throws UsageError naming the file and the offending key.
 */
export function parseWebhookSettings(value: unknown, source: string): WebhookSettings {
  if (!isObject(value)) {
    throw new UsageError(`${source}: expected a mapping of webhook settings`)
  }
  for (const [key, item] of Object.entries(value)) {
    const ok =
      key === 'injectTokenCredentials'
        ? typeof item === 'boolean'
        : FILE_KEYS.has(key) && typeof item === 'string'
    if (!ok) throw new UsageError(`${source}: ${key} is not a webhook setting of the right type`)
  }
  return value as WebhookSettings
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:'
  } catch {
    return false
  }
}
