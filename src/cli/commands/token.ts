import type { Command } from 'commander'
import { UsageError } from '../../errors/index.js'
import { writeFileAtomic } from '../../util/index.js'
import {
  withAdminClient,
  withServerOptions,
  type AdminClient,
  type ServerOptions,
} from '../admin_client.js'
import { notice } from '../output.js'

interface MintFlags extends ServerOptions {
  issuer: string
  namespace: string
  serviceAccount: string
  audience: string[]
  expiration?: string
  boundKind?: string
  boundName?: string
  boundUid?: string
  out?: string
  watch?: boolean
}

interface TokenRequestAnswer {
  spec: { expirationSeconds: number }
  status: { token: string; expirationTimestamp: string }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]
/** IF-42: rewrite when 80 % of the lifetime has passed, as the kubelet does. */
const REFRESH_AT_FRACTION = 0.8
const MAX_BACKOFF_MS = 60_000

async function mintOnce(client: AdminClient, flags: MintFlags): Promise<TokenRequestAnswer> {
  const path = [
    'issuers',
    flags.issuer,
    'api/v1/namespaces',
    flags.namespace,
    'serviceaccounts',
    flags.serviceAccount,
    'token',
  ]
    .map((p) => (p.includes('/') ? p : encodeURIComponent(p)))
    .join('/')
  const spec: Record<string, unknown> = {}
  if (flags.audience.length > 0) spec.audiences = flags.audience
  if (flags.expiration !== undefined) {
    const seconds = Number(flags.expiration)
    if (!Number.isInteger(seconds))
      throw new UsageError(`--expiration must be whole seconds (got ${flags.expiration})`)
    spec.expirationSeconds = seconds
  }
  if (flags.boundKind !== undefined || flags.boundName !== undefined) {
    if (!flags.boundKind || !flags.boundName)
      throw new UsageError('--bound-kind and --bound-name go together')
    spec.boundObjectRef = {
      kind: flags.boundKind,
      name: flags.boundName,
      ...(flags.boundUid && { uid: flags.boundUid }),
    }
  }
  const { body, headers } = await client.request<TokenRequestAnswer>('POST', `/${path}`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec,
  })
  const warning = headers.get('warning')
  if (warning) notice(`warning: ${warning.replace(/^299 - "(.*)"$/, '$1')}`)
  return body
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

/**
 * IF-42: keeps FILE fresh until SIGINT/SIGTERM. A failed mint leaves the current file alone and
 * retries with exponential backoff; every write is atomic, so readers never see a partial token.
 */
async function watch(client: AdminClient, flags: MintFlags, out: string): Promise<void> {
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let backoffMs = 1000
  while (!stop.signal.aborted) {
    try {
      const answer = await mintOnce(client, flags)
      await writeFileAtomic(out, answer.status.token, 0o600)
      notice(`wrote ${out}; expires ${answer.status.expirationTimestamp}`)
      backoffMs = 1000
      await sleep(answer.spec.expirationSeconds * 1000 * REFRESH_AT_FRACTION, stop.signal)
    } catch (error) {
      notice(`mint failed (${(error as Error).message}); retrying in ${backoffMs / 1000} s`)
      await sleep(backoffMs, stop.signal)
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS)
    }
  }
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
}

/** `wifkit token mint` (IF-41, IF-42): a service-account token from the mint API. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('Mint workload tokens.')
  withServerOptions(token.command('mint'))
    .description(
      'Mint a service-account token; print it, write it (--out), or keep it fresh (--watch).',
    )
    .requiredOption('--issuer <name>', 'issuer name')
    .requiredOption('--namespace <ns>', 'Kubernetes namespace (DNS-1123 label)')
    .requiredOption('--service-account <sa>', 'service account name (DNS-1123 subdomain)')
    .option('--audience <aud>', 'audience; repeatable (default: the issuer default)', collect, [])
    .option('--expiration <seconds>', 'lifetime in seconds, 600 or more (default 3600)')
    .option('--bound-kind <kind>', 'bind to an object: Pod, Secret or Node')
    .option('--bound-name <name>', 'name of the bound object')
    .option('--bound-uid <uid>', 'uid of the bound object')
    .option('--out <file>', 'write the token to FILE atomically (mode 0600)')
    .option('--watch', 'with --out: rewrite FILE at 80% of the lifetime until stopped')
    .action(async (_flags: MintFlags, cmd: Command) => {
      const flags = cmd.opts<MintFlags>()
      if (flags.watch && !flags.out) throw new UsageError('--watch needs --out FILE')
      await withAdminClient(flags, async (client) => {
        if (flags.watch && flags.out) return watch(client, flags, flags.out)
        const answer = await mintOnce(client, flags)
        if (flags.out) await writeFileAtomic(flags.out, answer.status.token, 0o600)
        else process.stdout.write(`${answer.status.token}\n`)
      })
    })
}
