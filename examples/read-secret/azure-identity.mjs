// Reads one secret from a Key Vault with the unmodified Azure SDK for JavaScript. Nothing in this
// file knows about wifkit: the identity comes from the environment the workload identity webhook
// injects (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST and,
// with `--inject-token-credentials`, AZURE_TOKEN_CREDENTIALS), the vault from VAULT_URL.
// The same file runs unchanged against Azure Key Vault in an AKS pod. See docs/tutorial.md.
import { DefaultAzureCredential } from '@azure/identity'
import { SecretClient } from '@azure/keyvault-secrets'

const vaultUrl = process.env.VAULT_URL
const secretName = process.env.SECRET_NAME ?? 'hello'
if (!vaultUrl) throw new Error('set VAULT_URL to the vault, e.g. https://demo.vault.localhost:8443')

const client = new SecretClient(vaultUrl, new DefaultAzureCredential())
const secret = await client.getSecret(secretName)
console.log(secret.value)
