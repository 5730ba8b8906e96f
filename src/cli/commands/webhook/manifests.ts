import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { UsageError } from '../../../errors/index.js'
import { writeFileAtomic } from '../../../util/index.js'
import {
  createServingCertificates,
  DEFAULT_WEBHOOK_IMAGE,
  DEFAULT_WEBHOOK_NAMESPACE,
  renderManifests,
  serviceDnsNames,
  webhookManifests,
  type ManifestTls,
} from '../../../webhook/index.js'
import { notice } from '../../output.js'
import { mutationConfigFrom, withSettingsFlags, type SettingsFlags } from './settings.js'

/** A namespace name (Kubernetes DNS-1123 label). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

interface ManifestFlags extends SettingsFlags {
  namespace: string
  image: string
  replicas: string
  certManager?: boolean
  generateCa?: string
  failurePolicy: string
  out?: string
}

/** `wifkit webhook manifests` (IF-54, WL-1…WL-10): everything `kubectl apply -f` needs. */
export function registerManifestsCommand(webhook: Command): void {
  withSettingsFlags(
    webhook
      .command('manifests')
      .description(
        'Print the Kubernetes objects that install the webhook, as multi-document YAML.',
      ),
  )
    .option(
      '--namespace <ns>',
      'namespace the webhook runs in (excluded from mutation)',
      DEFAULT_WEBHOOK_NAMESPACE,
    )
    .option('--image <ref>', 'container image whose entrypoint is wifkit', DEFAULT_WEBHOOK_IMAGE)
    .option('--replicas <n>', 'webhook replicas', '2')
    .option('--cert-manager', 'TLS from cert-manager: Issuer, Certificate and CA injection')
    .option('--generate-ca <dir>', 'TLS from a CA created in DIR (reused when DIR holds one)')
    .option(
      '--failure-policy <policy>',
      'Fail (labelled pods wait for the webhook) or Ignore',
      'Fail',
    )
    .option('--out <file>', 'write the YAML to FILE instead of stdout')
    .action(async (flags: ManifestFlags) => {
      const config = await mutationConfigFrom(flags)
      if (!DNS_LABEL.test(flags.namespace)) {
        throw new UsageError(`--namespace must be a DNS-1123 label (got ${flags.namespace})`)
      }
      const replicas = Number(flags.replicas)
      if (!Number.isInteger(replicas) || replicas < 1) {
        throw new UsageError(`--replicas must be a positive integer (got ${flags.replicas})`)
      }
      if (flags.failurePolicy !== 'Fail' && flags.failurePolicy !== 'Ignore') {
        throw new UsageError(`--failure-policy must be Fail or Ignore (got ${flags.failurePolicy})`)
      }
      if (!flags.certManager === !flags.generateCa) {
        throw new UsageError(
          'choose how the webhook gets its certificate: --cert-manager or --generate-ca DIR',
        )
      }
      const tls: ManifestTls = flags.generateCa
        ? { mode: 'generated', ...(await servingFiles(flags.generateCa, flags.namespace)) }
        : { mode: 'cert-manager' }
      const yaml = renderManifests(
        webhookManifests({
          namespace: flags.namespace,
          image: flags.image,
          replicas,
          config,
          failurePolicy: flags.failurePolicy,
          tls,
        }),
      )
      if (flags.out) {
        await writeFileAtomic(flags.out, yaml, 0o600)
        notice(`wrote ${flags.out}`)
      } else process.stdout.write(yaml)
    })
}

/** The CA and serving pair in `dir`, created on first use so that reruns give the same YAML. */
async function servingFiles(dir: string, namespace: string) {
  const files = {
    caPem: join(dir, 'ca.crt'),
    certPem: join(dir, 'tls.crt'),
    keyPem: join(dir, 'tls.key'),
  }
  const read = (path: string) => readFile(path, 'utf8').catch(() => undefined)
  const [caPem, certPem, keyPem] = await Promise.all([
    read(files.caPem),
    read(files.certPem),
    read(files.keyPem),
  ])
  if (caPem && certPem && keyPem) {
    notice(`reusing the CA and serving certificate in ${dir}`)
    return { caPem, certPem, keyPem }
  }
  const created = await createServingCertificates(serviceDnsNames(namespace))
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // Key first: a run cut short leaves no complete set, so the next run creates a fresh one.
  await writeFileAtomic(files.keyPem, created.keyPem, 0o600)
  await writeFileAtomic(files.certPem, created.certPem, 0o644)
  await writeFileAtomic(files.caPem, created.caPem, 0o644)
  notice(`created a CA and a serving certificate for ${serviceDnsNames(namespace)[0]} in ${dir}`)
  return created
}
