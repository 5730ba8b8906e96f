import type { Command } from 'commander'
import { registerAppCommands } from './directory/app.js'
import { registerFicCommands } from './directory/fic.js'
import { registerRoleCommands } from './directory/role.js'
import { registerTenantCommands } from './directory/tenant.js'
import { registerVaultCommands } from './directory/vault.js'

/**
 * `wifkit tenant`, `app`, `fic`, `role` and `vault` (IF-52, IF-55): thin clients of the directory admin
 * API. The server validates; its message is the command's one-line failure (exit 1).
 */
export function registerDirectoryCommands(program: Command): void {
  registerTenantCommands(program)
  registerAppCommands(program)
  registerFicCommands(program)
  registerRoleCommands(program)
  registerVaultCommands(program)
}
