import type { Command } from 'commander'
import { registerManifestsCommand } from './webhook/manifests.js'
import { registerMutateCommand } from './webhook/mutate.js'
import { registerServeCommand } from './webhook/serve.js'

/** `wifkit webhook serve`, `mutate` and `manifests` (IF-54, IF-59, IF-60). */
export function registerWebhookCommands(program: Command): void {
  const webhook = program
    .command('webhook')
    .description('The admission webhook that wires pods for workload identity (IF-54).')
  registerServeCommand(webhook)
  registerMutateCommand(webhook)
  registerManifestsCommand(webhook)
}
