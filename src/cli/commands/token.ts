import type { Command } from 'commander'
import { UsageError } from '../../errors/index.js'
import { keepFresh } from '../../kubelet/index.js'
import { writeFileAtomic } from '../../util/index.js'
import {
  withAdminClient,
  withServerOptions,
  type AdminClient,
  type ServerOptions,
} from '../admin_client.js'
import { notice, untilSignal } from '../output.js'

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

/** The parts of a TokenRequest answer the CLI reads (IF-40). */
export interface TokenRequestAnswer {
  spec: { expirationSeconds: number }
  status: { token: string; expirationTimestamp: string }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Where a token request goes and what it asks for (IF-40). */
export interface TokenRequestTarget {
  issuer: string
  namespace: string
  serviceAccount: string
  spec: Record<string, unknown>
}

/**
 * POSTs a TokenRequest to the mint API (IF-40) and says the issuer's warning, e.g. a shortened
 * expiration (ISS-42). Shared with `wifkit kubelet`.
 */
export async function requestToken(
  client: AdminClient,
  target: TokenRequestTarget,
): Promise<TokenRequestAnswer> {
  const path = [
    'issuers',
    target.issuer,
    'api/v1/namespaces',
    target.namespace,
    'serviceaccounts',
    target.serviceAccount,
    'token',
  ]
    .map((p) => (p.includes('/') ? p : encodeURIComponent(p)))
    .join('/')
  const { body, headers } = await client.request<TokenRequestAnswer>('POST', `/${path}`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: target.spec,
  })
  const warning = headers.get('warning')
  if (warning) notice(`warning: ${warning.replace(/^299 - "(.*)"$/, '$1')}`)
  return body
}

async function mintOnce(client: AdminClient, flags: MintFlags): Promise<TokenRequestAnswer> {
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
  const { issuer, namespace, serviceAccount } = flags
  return requestToken(client, { issuer, namespace, serviceAccount, spec })
}

/**
 * IF-42: keeps FILE fresh until SIGINT/SIGTERM with the loop `wifkit kubelet` uses (WL-52). A
 * failed mint leaves the current file alone; every write is atomic (WL-51).
 */
async function watch(client: AdminClient, flags: MintFlags, out: string): Promise<void> {
  const stop = new AbortController()
  void untilSignal().then(() => stop.abort())
  await keepFresh({
    signal: stop.signal,
    refresh: async () => {
      const answer = await mintOnce(client, flags)
      await writeFileAtomic(out, answer.status.token, 0o600)
      notice(`wrote ${out}; expires ${answer.status.expirationTimestamp}`)
      return {
        expiresAtMs: Date.parse(answer.status.expirationTimestamp),
        lifetimeSeconds: answer.spec.expirationSeconds,
      }
    },
    onFailure: (error, retryInMs) =>
      notice(`mint failed (${error.message}); retrying in ${retryInMs / 1000} s`),
  })
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
