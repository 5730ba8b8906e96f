import type { Command } from 'commander'
import { stringify } from 'yaml'
import { UsageError } from '../../../errors/index.js'
import {
  DEFAULT_SERVICE_ACCOUNT,
  diffToJsonPatch,
  mutatePod,
  WebhookError,
  type Pod,
  type ServiceAccount,
} from '../../../webhook/index.js'
import { notice } from '../../output.js'
import {
  mutationConfigFrom,
  readDocument,
  withSettingsFlags,
  type SettingsFlags,
} from './settings.js'
import { isObject } from '../../../util/index.js'

interface MutateFlags extends SettingsFlags {
  pod: string
  serviceAccount?: string
  patch?: boolean
  json?: boolean
}

/**
 * `wifkit webhook mutate` (IF-59): the webhook's rules, label gate included, applied offline to a
 * Pod file. The mutated Pod (or the JSON Patch) goes to stdout, one line per decision to stderr.
 */
export function registerMutateCommand(webhook: Command): void {
  withSettingsFlags(
    webhook
      .command('mutate')
      .description('Dry-run the webhook on a Pod file: print the mutated Pod or the JSON Patch.'),
  )
    .requiredOption('--pod <file>', 'the Pod, YAML or JSON')
    .option(
      '--service-account <file>',
      'its ServiceAccount, YAML or JSON (default: no annotations)',
    )
    .option('--patch', 'print the RFC 6902 JSON Patch instead of the mutated Pod')
    .option('--json', 'print JSON (the Pod or the patch) with nothing around it')
    .action(async (flags: MutateFlags) => {
      const config = await mutationConfigFrom(flags)
      const pod = asObject<Pod>(await readDocument(flags.pod), flags.pod, 'Pod')
      const name = pod.spec?.serviceAccountName || DEFAULT_SERVICE_ACCOUNT
      const namespace = pod.metadata?.namespace ?? 'default'
      const account = flags.serviceAccount
        ? asObject<ServiceAccount>(
            await readDocument(flags.serviceAccount),
            flags.serviceAccount,
            'ServiceAccount',
          )
        : { metadata: { name, namespace } }
      let result: ReturnType<typeof mutatePod>
      try {
        result = mutatePod(pod, account, config)
      } catch (error) {
        // WL-43: the same refusal the webhook would send, as a user error (IF-3).
        if (error instanceof WebhookError) throw new UsageError(error.message)
        throw error
      }
      for (const line of result.decisions) notice(line)
      for (const line of result.warnings) notice(`warning: ${line}`)
      const output = flags.patch ? diffToJsonPatch(pod, result.pod) : result.pod
      process.stdout.write(flags.json ? `${JSON.stringify(output, null, 2)}\n` : stringify(output))
    })
}

function asObject<T>(value: unknown, file: string, kind: string): T {
  if (!isObject(value)) {
    throw new UsageError(`${file} does not hold a ${kind} object`)
  }
  const found = (value as { kind?: unknown }).kind
  if (found !== undefined && found !== kind) {
    throw new UsageError(`${file} holds a ${String(found)}, not a ${kind}`)
  }
  return value as T
}
