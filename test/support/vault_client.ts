import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import type { LookupFunction } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Agent } from 'undici'
import { runCli, type DevFacts } from './cli.js'

/** The built resolver preload that lets a child process reach `*.vault.localhost` (IF-16). */
export const LOCALHOST_PRELOAD = fileURLToPath(
  new URL('../../dist/localhost/resolve_localhost.js', import.meta.url),
)

/** The dev.json members the vault tests read beyond those DevFacts names. */
export interface VaultDevFacts extends DevFacts {
  authorityHost: string
  tenantId: string
  vaultResource: string
  vaultUrl: string
  demo: DevFacts['demo'] & { clientId: string; tokenFile: string; secretName: string }
}

/** `*.localhost` is loopback (RFC 6761 §6.3); the system resolver may not know it. */
const loopback: LookupFunction = (hostname, options, callback) => {
  if (hostname !== 'localhost' && !hostname.endsWith('.localhost')) {
    callback(new Error(`unexpected host ${hostname}`) as NodeJS.ErrnoException, '', 4)
  } else if (options.all) {
    callback(null, [{ address: '127.0.0.1', family: 4 }])
  } else {
    callback(null, '127.0.0.1', 4)
  }
}

/**
 * A fetch that trusts the dev CA and resolves `*.localhost` to 127.0.0.1 without touching this
 * process's resolver, so a vault host is addressed by name (SNI and Host) as a client would.
 */
export async function vaultFetch(
  caFile: string,
): Promise<{ fetch: typeof fetch; close: () => Promise<void> }> {
  const agent = new Agent({
    connect: { ca: await readFile(caFile, 'utf8'), lookup: loopback },
    connections: 16,
  })
  const fetchWithCa = ((input: string | URL | Request, init?: RequestInit) =>
    fetch(input, { ...init, dispatcher: agent } as unknown as RequestInit)) as typeof fetch
  return { fetch: fetchWithCa, close: () => agent.close() }
}

/** `wifkit token mint` for the demo service account: the assertion the demo app federates. */
export async function mintDemoAssertion(dev: VaultDevFacts, out?: string): Promise<string> {
  const minted = await runCli([
    'token',
    'mint',
    '--issuer',
    'dev',
    '--namespace',
    dev.demo.namespace,
    '--service-account',
    dev.demo.serviceAccount,
    '--data-dir',
    dev.dataDir,
    ...(out ? ['--out', out] : []),
  ])
  assert.equal(minted.code, 0, minted.stderr)
  return out ? readFile(out, 'utf8') : minted.stdout.trim()
}

/** client_credentials with a federated client assertion, as the Azure SDKs send it (CL-2). */
export async function demoAccessToken(
  httpsFetch: typeof fetch,
  dev: VaultDevFacts,
  assertion: string,
): Promise<string> {
  const response = await httpsFetch(`${dev.authorityHost}/${dev.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: dev.demo.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: `${dev.vaultResource}/.default`,
    }),
  })
  const body = (await response.json()) as { access_token?: string }
  assert.equal(response.status, 200, JSON.stringify(body))
  assert.ok(body.access_token)
  return body.access_token
}

/**
 * Creates vault NAME through the admin API (IF-37) and gives the demo app `role` on it by client
 * id. Returns the vault URL and the demo app's principal (object) id.
 */
export async function createVaultFor(
  httpsFetch: typeof fetch,
  dev: VaultDevFacts,
  name: string,
  role: string,
  settings: Record<string, unknown> = {},
): Promise<{ vaultUrl: string; principalId: string }> {
  const admin = (path: string, body: unknown) =>
    httpsFetch(`${dev.adminUrl}/admin/v1/vaults/${name}${path}`, {
      method: path === '' ? 'PUT' : 'POST',
      headers: { authorization: `Bearer ${dev.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const created = await admin('', settings)
  const vault = (await created.json()) as { vaultUri: string }
  assert.equal(created.status, 201, JSON.stringify(vault))
  const assigned = await admin('/roleAssignments', { clientId: dev.demo.clientId, role })
  const assignment = (await assigned.json()) as { principalId: string; role: string }
  assert.equal(assigned.status, 201, JSON.stringify(assignment))
  assert.equal(assignment.role, role)
  assert.equal(vault.vaultUri, `https://${name}.${new URL(dev.vaultResource).host}`)
  return { vaultUrl: vault.vaultUri, principalId: assignment.principalId }
}
