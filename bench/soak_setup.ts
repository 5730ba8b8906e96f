// The soak's directory and vault, made through the admin API of the running server, and the
// HTTPS client that reaches it: an undici Agent that trusts the dev CA and sends every
// *.localhost name to 127.0.0.1 (RFC 6761 §6.3), since vault hosts are told apart by name.
import type { LookupFunction } from 'node:net'
import { Agent, request } from 'undici'
import type { SoakServerInfo } from './servers/soak_server.js'

export const API = 'api-version=7.5'
const AUDIENCE = 'api://AzureADTokenExchange'
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** Secret names the reads and writes spread over. */
export const SECRET_NAMES = 8
/** Distinct service-account assertions the exchanges rotate through, as several pods would. */
const ASSERTIONS = 16

const loopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
  else callback(null, '127.0.0.1', 4)
}

/** Keep-alive connections to every listener, the dev CA trusted. */
export function soakAgent(caPem: string): Agent {
  return new Agent({ connect: { ca: caPem, lookup: loopback }, connections: 32 })
}

/** One request: status and parsed JSON body (null when empty). */
export async function call(
  agent: Agent,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  headers: Record<string, string>,
  body?: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const response = await request(url, { dispatcher: agent, method, headers, body: body ?? null })
  const text = await response.body.text()
  return { status: response.statusCode, body: text === '' ? null : JSON.parse(text) }
}

/** Everything the load sends, ready-made. */
export interface SoakWorkload {
  tokenUrl: string
  /** One token request form per assertion, urlencoded. */
  exchangeForms: string[]
  vaultUrl: string
  /** A vault access token for the workload (Secrets Officer). */
  bearer: string
  /** The admin listener, paths to read there and the header that authorises them. */
  adminUrl: string
  adminReads: string[]
  adminHeaders: Record<string, string>
}

/**
 * A client application federated with the soak issuer, a vault where it is Secrets Officer with
 * one version of each secret, and assertions minted through the mint API, each valid for
 * `lifetimeSeconds`.
 */
export async function prepareWorkload(
  agent: Agent,
  info: SoakServerInfo,
  lifetimeSeconds: number,
): Promise<SoakWorkload> {
  const adminHeaders = { authorization: `Bearer ${info.adminToken}` }
  const admin = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const answer = await call(
      agent,
      method,
      `${info.adminUrl}${path}`,
      { ...adminHeaders, 'content-type': 'application/json' },
      JSON.stringify(body),
    )
    if (answer.status !== 201)
      throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer)}`)
    return answer.body
  }
  const app = await admin('POST', '/v1.0/applications', { displayName: 'soak client' })
  const ficsPath = `/v1.0/applications/${app.id}/federatedIdentityCredentials`
  await admin('POST', ficsPath, {
    name: 'soak',
    issuer: info.issuerUrl,
    subject: 'system:serviceaccount:soak:client',
    audiences: [AUDIENCE],
  })
  await admin('PUT', '/admin/v1/vaults/soak', {})
  const role = { clientId: app.appId, role: 'Key Vault Secrets Officer' }
  await admin('POST', '/admin/v1/vaults/soak/roleAssignments', role)
  const exchangeForms: string[] = []
  for (let i = 0; i < ASSERTIONS; i++) {
    const minted = await admin(
      'POST',
      '/issuers/soak/api/v1/namespaces/soak/serviceaccounts/client/token',
      { spec: { audiences: [AUDIENCE], expirationSeconds: lifetimeSeconds } },
    )
    exchangeForms.push(
      new URLSearchParams({
        client_id: String(app.appId),
        scope: `${info.vaultResource}/.default`,
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER,
        client_assertion: String(minted.status.token),
      }).toString(),
    )
  }
  const tokenUrl = `${info.publicUrl}/${info.tenantId}/oauth2/v2.0/token`
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const token = await call(agent, 'POST', tokenUrl, form, exchangeForms[0])
  if (token.status !== 200) throw new Error(`exchange: ${JSON.stringify(token.body)}`)
  const workload: SoakWorkload = {
    tokenUrl,
    exchangeForms,
    vaultUrl: `https://soak.vault.localhost:${new URL(info.publicUrl).port}`,
    bearer: `Bearer ${String(token.body.access_token)}`,
    adminUrl: info.adminUrl,
    adminReads: [
      `/v1.0/applications/${app.id}`,
      ficsPath,
      '/v1.0/applications',
      '/admin/v1/vaults',
    ],
    adminHeaders,
  }
  for (let i = 0; i < SECRET_NAMES; i++) {
    const set = await call(
      agent,
      'PUT',
      `${workload.vaultUrl}/secrets/soak-${i}?${API}`,
      { authorization: workload.bearer, 'content-type': 'application/json' },
      JSON.stringify({ value: `initial ${i}` }),
    )
    if (set.status !== 200) throw new Error(`set secret: ${JSON.stringify(set.body)}`)
  }
  return workload
}
