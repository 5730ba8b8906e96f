import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { parse } from 'yaml'
import { UsageError } from '../../../errors/index.js'
import {
  parseWebhookSettings,
  resolveWebhookConfig,
  type MutationConfig,
} from '../../../webhook/index.js'

/** The flags `serve` and `mutate` share (IF-60: "same flags on mutate"). */
export interface SettingsFlags {
  config?: string
  tenantId?: string
  authorityHost?: string
  audience?: string
  layout?: string
  injectTokenCredentials?: boolean
}

/** Adds the shared mutation flags to a command. */
export function withSettingsFlags(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'YAML or JSON file with tenantId, authorityHost, audience, tokenLayout',
    )
    .option(
      '--tenant-id <id>',
      'tenant injected when the SA has no tenant-id annotation (else AZURE_TENANT_ID)',
    )
    .option('--authority-host <url>', 'the wifkit STS authority, https (else AZURE_AUTHORITY_HOST)')
    .option(
      '--audience <aud>',
      'audience of the projected token (default api://AzureADTokenExchange)',
    )
    .option('--layout <layout>', 'token volume layout: v1.6 (default) or v1.5')
    .option(
      '--inject-token-credentials',
      'also inject AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential (WL-32)',
    )
}

/** Flags, then `AZURE_*`, then the config file (WL-11); exits 1 with one line when unusable. */
export async function mutationConfigFrom(flags: SettingsFlags): Promise<MutationConfig> {
  const file = flags.config
    ? parseWebhookSettings(await readDocument(flags.config), flags.config)
    : {}
  return resolveWebhookConfig(
    {
      tenantId: flags.tenantId,
      authorityHost: flags.authorityHost,
      audience: flags.audience,
      tokenLayout: flags.layout,
      injectTokenCredentials: flags.injectTokenCredentials,
    },
    process.env,
    file,
  )
}

/** Reads and parses a YAML or JSON file the user named; failures are theirs (exit 1, IF-3). */
export async function readDocument(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`)
  }
  try {
    return parse(text)
  } catch (error) {
    throw new UsageError(`${path} is not YAML or JSON: ${(error as Error).message.split('\n')[0]}`)
  }
}
