import { randomUUID } from 'node:crypto'
import type { WifkitServer } from '../index.js'
import { epochSeconds, type Clock } from '../util/index.js'

/** The dev vault, its secret and the role the demo workload reads it with (IF-11). */
export const DEV_VAULT = {
  name: 'demo',
  secretName: 'hello',
  secretValue: 'Hello from the wifkit dev vault!',
  role: 'Key Vault Secrets User',
}

/**
 * Creates vault `demo` with secret `hello` and lets the demo application read it, once: a
 * restart keeps whatever the user has done to the vault since.
 */
export async function seedDevVault(
  server: WifkitServer,
  clock: Clock,
  tenantId: string,
  demoClientId: string,
): Promise<void> {
  const { store } = server
  if (await store.vaults.byName(DEV_VAULT.name)) return
  const demo = await server.directory.application(tenantId, { appId: demoClientId })
  const now = epochSeconds(clock)
  const vault = {
    id: randomUUID(),
    tenantId,
    name: DEV_VAULT.name,
    softDelete: true,
    retentionDays: server.config.vaults.defaultRetentionDays,
    purgeProtection: false,
    createdAt: now,
  }
  await store.vaults.insert(vault)
  await store.vaults.insertRole({
    id: randomUUID(),
    vaultId: vault.id,
    principalId: demo.principalId,
    role: DEV_VAULT.role,
    createdAt: now,
  })
  await server.secrets.set(vault, DEV_VAULT.secretName, {
    value: DEV_VAULT.secretValue,
    contentType: 'text/plain',
    attributes: {},
  })
}
