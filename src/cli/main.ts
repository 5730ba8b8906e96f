import { Command, CommanderError } from 'commander'
import { ConfigError, UsageError } from '../errors/index.js'
import { registerDevCommand } from './commands/dev.js'
import { registerDoctorCommand } from './commands/doctor.js'
import { registerExplainCommand } from './commands/explain.js'
import { registerDirectoryCommands } from './commands/directory.js'
import { registerIssuerCommands } from './commands/issuer.js'
import { registerJwksCommand } from './commands/jwks.js'
import { registerKubeletCommand } from './commands/kubelet.js'
import { registerServeCommands } from './commands/serve.js'
import { registerTokenCommands } from './commands/token.js'
import { registerWebhookCommands } from './commands/webhook.js'

/** The whole command tree; also read by the docs drift test. */
export function buildProgram(): Command {
  const program = new Command('wifkit')
    .description('Self-hosted workload identity federation.')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  registerDevCommand(program)
  registerServeCommands(program)
  registerIssuerCommands(program)
  registerTokenCommands(program)
  registerKubeletCommand(program)
  registerJwksCommand(program)
  registerExplainCommand(program)
  registerDirectoryCommands(program)
  registerDoctorCommand(program)
  registerWebhookCommands(program)
  return program
}

/**
 * Runs the CLI and sets the exit code of IF-3: 0 success, 1 a user error (one line on stderr
 * naming the problem), 2 an internal error.
 */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv])
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 1
    } else if (error instanceof ConfigError) {
      process.stderr.write(
        `wifkit: invalid configuration:\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}\n`,
      )
      process.exitCode = 1
    } else if (error instanceof UsageError) {
      process.stderr.write(`wifkit: ${error.message}\n`)
      process.exitCode = 1
    } else {
      // The stack helps a developer, not an operator; WIFKIT_DEBUG=1 shows it.
      const detail = process.env.WIFKIT_DEBUG === '1' ? ((error as Error).stack ?? '') : ''
      process.stderr.write(
        `wifkit: internal error: ${(error as Error).message ?? String(error)}\n${detail}`,
      )
      process.exitCode = 2
    }
  }
}
