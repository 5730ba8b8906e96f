// Runs the unmodified @azure/keyvault-secrets SecretClient against a wifkit vault, with an
// @azure/identity credential configured by environment variables (AZURE_AUTHORITY_HOST,
// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE), as a workload would. It records
// what the client returned at each step and prints one JSON line: Dates become {"$date": ms} so
// the parent can tell a real Date from a string, and an expected failure becomes its RestError
// facts. An unexpected failure stops the run and is printed beside the steps done so far.
import { WorkloadIdentityCredential } from '@azure/identity'
import { SecretClient, type SecretProperties } from '@azure/keyvault-secrets'

const [mode, vaultUrl] = process.argv.slice(2) as [string, string]

/** Fast polling: the SDK default is 2 s per poll (KV-71). */
const POLL = { intervalInMs: 25 }

interface Failure {
  failed: true
  name: string
  statusCode?: number
  code?: string
  innerCode?: string
  message: string
}

async function failure(operation: Promise<unknown>): Promise<Failure | { failed: false }> {
  try {
    await operation
    return { failed: false }
  } catch (error) {
    const e = error as Error & {
      statusCode?: number
      code?: string
      details?: { error?: { innerError?: { code?: string } } }
    }
    return {
      failed: true,
      name: e.name,
      ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }),
      ...(e.code === undefined ? {} : { code: e.code }),
      ...(e.details?.error?.innerError?.code ? { innerCode: e.details.error.innerError.code } : {}),
      message: e.message,
    }
  }
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterator) items.push(item)
  return items
}

const names = (items: readonly SecretProperties[]) => items.map((p) => p.name)

/** keyvault.md §6 R1–R12 and §8, in the order an application meets them. */
async function lifecycle(client: SecretClient, steps: Record<string, unknown>): Promise<void> {
  steps.firstSet = await client.setSecret('alpha', 'alpha value one', {
    contentType: 'text/plain',
    tags: { env: 'test' },
  })
  steps.secondSet = await client.setSecret('alpha', 'alpha value two')
  steps.getLatest = await client.getSecret('alpha')
  const first = (steps.firstSet as { properties: SecretProperties }).properties.version as string
  steps.getFirst = await client.getSecret('alpha', { version: first })
  steps.update = await client.updateSecretProperties('alpha', first, {
    enabled: false,
    contentType: 'application/json',
    tags: { env: 'prod', owner: 'interop' },
  })
  steps.getDisabled = await failure(client.getSecret('alpha', { version: first }))
  steps.getUnknown = await failure(client.getSecret('no-such-secret'))

  for (const name of ['page-3', 'Page-1', 'page-2', 'page-5', 'page-4']) {
    await client.setSecret(name, `${name} value`)
  }
  const pages: string[][] = []
  for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 })) {
    pages.push(names(page))
  }
  steps.listPages = pages
  steps.listAll = await collect(client.listPropertiesOfSecrets())
  steps.versions = await collect(client.listPropertiesOfSecretVersions('alpha'))
  const versionPages: number[] = []
  for await (const page of client
    .listPropertiesOfSecretVersions('alpha')
    .byPage({ maxPageSize: 1 })) {
    versionPages.push(page.length)
  }
  steps.versionPages = versionPages

  const deleting = await client.beginDeleteSecret('alpha', POLL)
  steps.deleted = await deleting.pollUntilDone()
  steps.getAfterDelete = await failure(client.getSecret('alpha'))
  steps.setWhileDeleted = await failure(client.setSecret('alpha', 'reuse'))
  steps.getDeleted = await client.getDeletedSecret('alpha')
  steps.listDeleted = await collect(client.listDeletedSecrets())
  steps.listWhileDeleted = names(await collect(client.listPropertiesOfSecrets()))

  const recovering = await client.beginRecoverDeletedSecret('alpha', POLL)
  steps.recovered = await recovering.pollUntilDone()
  steps.getRecovered = await client.getSecret('alpha')
  steps.versionsRecovered = await collect(client.listPropertiesOfSecretVersions('alpha'))
  steps.getDeletedAfterRecover = await failure(client.getDeletedSecret('alpha'))

  await (await client.beginDeleteSecret('alpha', POLL)).pollUntilDone()
  steps.purge = (await client.purgeDeletedSecret('alpha')) ?? null
  steps.getDeletedAfterPurge = await failure(client.getDeletedSecret('alpha'))
  steps.getAfterPurge = await failure(client.getSecret('alpha'))
  steps.setAfterPurge = await client.setSecret('alpha', 'alpha reborn')

  steps.backupFirst = await client.setSecret('bkp', 'backup value one', { tags: { n: '1' } })
  steps.backupSecond = await client.setSecret('bkp', 'backup value two', { tags: { n: '2' } })
  const blob = await client.backupSecret('bkp')
  steps.backupBytes = blob?.length ?? 0
  await (await client.beginDeleteSecret('bkp', POLL)).pollUntilDone()
  await client.purgeDeletedSecret('bkp')
  steps.getBeforeRestore = await failure(client.getSecret('bkp'))
  steps.restored = await client.restoreSecretBackup(blob as Uint8Array)
  steps.getRestored = await client.getSecret('bkp')
  const backupFirst = steps.backupFirst as { properties: SecretProperties }
  steps.getRestoredFirst = await client.getSecret('bkp', {
    version: backupFirst.properties.version as string,
  })
  steps.versionsRestored = await collect(client.listPropertiesOfSecretVersions('bkp'))
  steps.restoreOverExisting = await failure(client.restoreSecretBackup(blob as Uint8Array))
  steps.restoreGarbage = await failure(client.restoreSecretBackup(new Uint8Array([1, 2, 3])))
}

async function main(): Promise<Record<string, unknown>> {
  // MSAL's instance discovery asks login.microsoftonline.com about any authority it does not know;
  // a self-hosted STS turns it off, the one option beyond the environment (CL-2).
  const credential = new WorkloadIdentityCredential({ disableInstanceDiscovery: true })
  const client = new SecretClient(vaultUrl, credential)
  const steps: Record<string, unknown> = {}
  try {
    if (mode === 'lifecycle') await lifecycle(client, steps)
    else if (mode === 'read') steps.read = await client.getSecret(process.argv[4] as string)
    else if (mode === 'write') steps.write = await failure(client.setSecret('denied', 'nope'))
    else throw new Error(`unknown mode ${mode}`)
  } catch (error) {
    const e = error as Error & { statusCode?: number; code?: string }
    steps.error = { name: e.name, message: e.message, statusCode: e.statusCode, code: e.code }
  }
  return steps
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  if (raw instanceof Date) return { $date: raw.getTime() }
  if (raw instanceof Uint8Array) return { $bytes: raw.length }
  return value
}

void main().then((steps) => process.stdout.write(`${JSON.stringify(steps, replacer)}\n`))
