// The same app as azure-identity.mjs with wifkit's own credential in place of @azure/identity:
// the same environment variables, no MSAL, no instance discovery and never a request to a
// Microsoft host (docs/sdk.md). Only the credential line differs. See docs/tutorial.md.
import { SecretClient } from '@azure/keyvault-secrets'
import { WorkloadIdentityCredential } from 'wifkit/sdk'

const vaultUrl = process.env.VAULT_URL
const secretName = process.env.SECRET_NAME ?? 'hello'
if (!vaultUrl) throw new Error('set VAULT_URL to the vault, e.g. https://demo.vault.localhost:8443')

const client = new SecretClient(vaultUrl, new WorkloadIdentityCredential())
const secret = await client.getSecret(secretName)
console.log(secret.value)
