import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { parse } from 'yaml'
import { UsageError } from '../../errors/index.js'
import {
  projectedTokens,
  projectToken,
  runTokenProjector,
  type Mint,
  type ProjectionWrite,
} from '../../kubelet/index.js'
import type { Pod } from '../../webhook/index.js'
import { withAdminClient, withServerOptions, type ServerOptions } from '../admin_client.js'
import { notice, printResult, untilSignal } from '../output.js'
import { requestToken } from './token.js'
import { isObject } from '../../util/index.js'

interface KubeletFlags extends ServerOptions {
  pod: string
  root: string
  issuer: string
  once?: boolean
  json?: boolean
}

/** Reads a Pod from YAML or JSON (JSON is YAML), refusing anything that is not one object. */
async function readPod(file: string): Promise<Pod> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read --pod ${file}: ${(error as Error).message}`)
  }
  let pod: unknown
  try {
    pod = parse(text)
  } catch (error) {
    throw new UsageError(`--pod ${file} is not YAML or JSON: ${(error as Error).message}`)
  }
  if (!isObject(pod)) throw new UsageError(`--pod ${file} does not hold a Pod object`)
  const kind = (pod as Pod).kind
  if (kind !== undefined && kind !== 'Pod')
    throw new UsageError(`--pod ${file} holds a ${String(kind)}, not a Pod`)
  return pod as Pod
}

const describe = (w: ProjectionWrite) =>
  w.files.map((f) => `wrote ${f}; expires ${w.expirationTimestamp}`).join('\n')

/** `wifkit kubelet` (workload.md §3.2, §5): projects a pod's service-account tokens locally. */
export function registerKubeletCommand(program: Command): void {
  withServerOptions(program.command('kubelet'))
    .description(
      "Stand in for the kubelet: write a pod's projected service-account tokens under a root directory and keep them fresh.",
    )
    .requiredOption('--pod <file>', 'the (mutated) Pod, YAML or JSON')
    .requiredOption('--root <dir>', 'directory that stands for the container filesystem root')
    .option('--issuer <name>', 'issuer that mints the tokens', 'dev')
    .option('--once', 'write every token once and exit instead of refreshing at 80% of lifetime')
    .option('--json', 'print JSON')
    .action(async (_flags: KubeletFlags, cmd: Command) => {
      const flags = cmd.opts<KubeletFlags>()
      const projections = projectedTokens(await readPod(flags.pod))
      if (projections.length === 0)
        throw new UsageError(
          `--pod ${flags.pod} mounts no projected serviceAccountToken volume; is it mutated?`,
        )
      await withAdminClient(flags, async (client) => {
        const mint: Mint = async ({ namespace, serviceAccount, audience, expirationSeconds }) => {
          const spec = { expirationSeconds, ...(audience ? { audiences: [audience] } : {}) }
          const answer = await requestToken(client, {
            issuer: flags.issuer,
            namespace,
            serviceAccount,
            spec,
          })
          return { ...answer.status, expirationSeconds: answer.spec.expirationSeconds }
        }
        if (flags.once) {
          const writes: ProjectionWrite[] = []
          for (const p of projections) {
            const { volume, files, expirationTimestamp } = await projectToken(p, flags.root, mint)
            writes.push({ volume, files, expirationTimestamp })
          }
          printResult(flags.json === true, { writes }, () => writes.map(describe).join('\n'))
          return
        }
        const stop = new AbortController()
        void untilSignal().then(() => stop.abort())
        await runTokenProjector(projections, {
          root: flags.root,
          mint,
          signal: stop.signal,
          onWrite: (write) =>
            flags.json
              ? process.stdout.write(`${JSON.stringify(write)}\n`)
              : notice(describe(write)),
          onFailure: (volume, error, retryInMs) =>
            notice(`${volume}: mint failed (${error.message}); retrying in ${retryInMs / 1000} s`),
        })
      })
    })
}
