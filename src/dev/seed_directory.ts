import { randomUUID } from 'node:crypto'
import { ADMIN_API_AUDIENCE, ADMIN_READ_ROLE, ADMIN_WRITE_ROLE } from '../admin/index.js'
import { DEFAULT_TENANT_SETTING } from '../index.js'
import type { ApplicationRecord, Store } from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'

/** What the dev seed created (IF-11), as dev.json reports it. */
export interface DevDirectory {
  tenantId: string
  demoClientId: string
  vaultResource: string
}

export const DEV_DEMO = {
  namespace: 'default',
  serviceAccount: 'demo',
  audience: 'api://AzureADTokenExchange',
  credentialName: 'demo-dev',
}

const SETTING = 'dev.directory'

/**
 * Seeds the dev directory once (IF-11): a tenant, the `demo` application federated with the dev
 * issuer for `system:serviceaccount:default:demo`, the vault resource, and the admin API as a
 * resource with its two app roles, so admin access by access token can be tried locally. A later start with
 * another port moves the credential's issuer and the resource URI along, since both contain it.
 */
export async function seedDevDirectory(
  store: Store,
  clock: Clock,
  issuerUrl: string,
  vaultResource: string,
): Promise<DevDirectory> {
  const saved = await store.settings.get(SETTING)
  if (saved) {
    const seeded = JSON.parse(saved) as DevDirectory & {
      demoObjectId: string
      vaultObjectId: string
    }
    await follow(store, seeded, issuerUrl, vaultResource)
    const next = { ...seeded, vaultResource }
    await store.settings.set(SETTING, JSON.stringify(next), epochSeconds(clock))
    return { tenantId: next.tenantId, demoClientId: next.demoClientId, vaultResource }
  }
  const now = epochSeconds(clock)
  const tenantId = randomUUID()
  const app = (displayName: string, identifierUris: string[]): ApplicationRecord => ({
    id: randomUUID(),
    tenantId,
    appId: randomUUID(),
    principalId: randomUUID(),
    kind: 'application',
    displayName,
    enabled: true,
    identifierUris,
    appRoles: [],
    createdAt: now,
  })
  const demo = app('demo', [])
  const vault = app('wifkit vault', [vaultResource])
  const admin: ApplicationRecord = {
    ...app('wifkit admin API', [ADMIN_API_AUDIENCE]),
    appRoles: [ADMIN_WRITE_ROLE, ADMIN_READ_ROLE].map((value) => ({
      id: randomUUID(),
      value,
      displayName: value,
    })),
  }
  await store.transaction(async (trx) => {
    await trx.directory.insertTenant({
      id: tenantId,
      displayName: 'wifkit dev',
      domains: ['dev.localhost'],
      createdAt: now,
    })
    await trx.directory.insertApplication(demo)
    await trx.directory.insertApplication(vault)
    await trx.directory.insertApplication(admin)
    await trx.directory.insertCredential({
      id: randomUUID(),
      applicationId: demo.id,
      name: DEV_DEMO.credentialName,
      issuer: issuerUrl,
      subject: `system:serviceaccount:${DEV_DEMO.namespace}:${DEV_DEMO.serviceAccount}`,
      audience: DEV_DEMO.audience,
      description: 'seeded by wifkit dev',
      createdAt: now,
    })
    await trx.settings.set(DEFAULT_TENANT_SETTING, tenantId, now)
    const record = {
      tenantId,
      demoClientId: demo.appId,
      vaultResource,
      demoObjectId: demo.id,
      vaultObjectId: vault.id,
    }
    await trx.settings.set(SETTING, JSON.stringify(record), now)
  })
  return { tenantId, demoClientId: demo.appId, vaultResource }
}

async function follow(
  store: Store,
  seeded: { tenantId: string; demoObjectId: string; vaultObjectId: string; vaultResource: string },
  issuerUrl: string,
  vaultResource: string,
): Promise<void> {
  for (const fic of await store.directory.credentials(seeded.demoObjectId)) {
    if (fic.name === DEV_DEMO.credentialName && fic.issuer !== issuerUrl) {
      await store.directory.updateCredential({ ...fic, issuer: issuerUrl })
    }
  }
  const vault = await store.directory.applicationById(seeded.tenantId, seeded.vaultObjectId)
  if (vault && !vault.identifierUris.includes(vaultResource)) {
    const others = vault.identifierUris.filter((uri) => uri !== seeded.vaultResource)
    await store.directory.updateApplication({
      ...vault,
      identifierUris: [...others, vaultResource],
    })
  }
}
