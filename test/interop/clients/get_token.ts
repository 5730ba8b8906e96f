// Runs one unmodified Microsoft client, configured only as a user would configure it, in its own
// process so that NODE_EXTRA_CA_CERTS (the dev CA) applies from the start. Prints one JSON line.
import { readFile } from 'node:fs/promises'
import {
  ClientAssertionCredential,
  DefaultAzureCredential,
  WorkloadIdentityCredential,
} from '@azure/identity'
import { ConfidentialClientApplication } from '@azure/msal-node'

const mode = process.argv[2]
const scope = process.argv[3] as string
function env(name: string): string {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

async function token(): Promise<string> {
  if (mode === 'workload') {
    const credential = new WorkloadIdentityCredential({
      authorityHost: env('AZURE_AUTHORITY_HOST'),
      disableInstanceDiscovery: true,
    })
    return (await credential.getToken(scope)).token
  }
  if (mode === 'assertion') {
    const credential = new ClientAssertionCredential(
      env('AZURE_TENANT_ID'),
      env('AZURE_CLIENT_ID'),
      () => readFile(env('AZURE_FEDERATED_TOKEN_FILE'), 'utf8'),
      { authorityHost: env('AZURE_AUTHORITY_HOST'), disableInstanceDiscovery: true },
    )
    return (await credential.getToken(scope)).token
  }
  if (mode === 'default') {
    return (await new DefaultAzureCredential().getToken(scope)).token
  }
  if (mode === 'msal') {
    const authority = new URL(env('AZURE_AUTHORITY_HOST'))
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: env('AZURE_CLIENT_ID'),
        authority: `${env('AZURE_AUTHORITY_HOST')}/${env('AZURE_TENANT_ID')}`,
        knownAuthorities: [authority.host],
        clientAssertion: (await readFile(env('AZURE_FEDERATED_TOKEN_FILE'), 'utf8')).trim(),
      },
    })
    const result = await app.acquireTokenByClientCredential({ scopes: [scope] })
    if (!result) throw new Error('msal-node returned no result')
    return result.accessToken
  }
  throw new Error(`unknown mode ${mode}`)
}

token().then(
  (accessToken) => process.stdout.write(`${JSON.stringify({ accessToken })}\n`),
  (error: Error) => {
    process.stdout.write(`${JSON.stringify({ error: error.name, message: error.message })}\n`)
  },
)
