import type { Command } from 'commander'
import { jwksFromPemFiles, splitPublicKeyFlags } from '../../keys/index.js'
import { writeFileAtomic } from '../../util/index.js'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** `wifkit jwks` (IF-51, ISS-86…ISS-88): PEM public keys → a JWKS, as `azwi jwks` does. */
export function registerJwksCommand(program: Command): void {
  program
    .command('jwks')
    .description('Build a JWKS with Kubernetes kids from PEM keys (compatible with `azwi jwks`).')
    .requiredOption(
      '--public-keys <files>',
      'PEM file(s); repeatable and comma-separated',
      collect,
      [],
    )
    .option('--output-file <file>', 'write the JWKS here (mode 0600) instead of stdout')
    .action(async (options: { publicKeys: string[]; outputFile?: string }) => {
      const jwks = await jwksFromPemFiles(splitPublicKeyFlags(options.publicKeys))
      const text = `${JSON.stringify(jwks, null, 2)}\n`
      if (options.outputFile) await writeFileAtomic(options.outputFile, text, 0o600)
      else process.stdout.write(text)
    })
}
