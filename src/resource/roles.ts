/** The vault data-plane actions of keyvault.md §6. */
export type SecretAction =
  'get' | 'readMetadata' | 'set' | 'update' | 'delete' | 'recover' | 'purge' | 'backup' | 'restore'

/** The built-in roles of keyvault.md §3, with the actions each allows. */
const ROLE_ACTIONS = new Map<string, 'all' | readonly SecretAction[]>([
  ['Key Vault Secrets User', ['get', 'readMetadata']],
  ['Key Vault Secrets Officer', 'all'],
  ['Key Vault Administrator', 'all'],
])

/** Every role a vault role assignment may name. */
export const VAULT_ROLES: readonly string[] = [...ROLE_ACTIONS.keys()]

/** Whether any of `roles` allows `action` (KV-20). Unknown role names allow nothing. */
export function rolesAllow(roles: readonly string[], action: SecretAction): boolean {
  return roles.some((role) => {
    const actions = ROLE_ACTIONS.get(role)
    return actions === 'all' || (actions !== undefined && actions.includes(action))
  })
}
