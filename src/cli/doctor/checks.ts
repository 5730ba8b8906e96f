import * as jose from 'jose'
import type { IssuerDescription } from '../../issuer/index.js'
import type { AdminClient } from '../admin_client.js'
import { requestToken } from '../commands/token.js'
import { judgeDiscovery, judgeSkew, jwksKids, stsIssuerOf, type Finding } from './findings.js'

type Fetched = { ok: true; body: unknown } | { ok: false; detail: string }

/** GETs a JSON document as a relying party would: https, no redirects, JSON body. */
async function getJson(client: AdminClient, url: string): Promise<Fetched> {
  let response: Response
  try {
    response = await client.getPublic(url)
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause
    return { ok: false, detail: `${url}: ${cause?.message ?? (error as Error).message}` }
  }
  const text = await response.text()
  if (response.status !== 200) return { ok: false, detail: `${url} answered ${response.status}` }
  try {
    return { ok: true, body: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, detail: `${url} answered 200 with a body that is not JSON` }
  }
}

function reached(check: string, target: string, url: string, fetched: Fetched): Finding {
  return { check, target, ok: fetched.ok, detail: fetched.ok ? url : fetched.detail }
}

/**
 * IF-56 for one issuer: https, discovery and JWKS reachable where relying parties look, the
 * discovery issuer equal to the configured one, the signing key published, and — end to end — a
 * freshly minted token that verifies against the published JWKS (its `iat` also gives the skew).
 */
export async function checkIssuer(
  client: AdminClient,
  issuer: IssuerDescription,
): Promise<Finding[]> {
  const target = `issuer ${issuer.name}`
  const https = issuer.issuer.startsWith('https://')
  const findings: Finding[] = [
    {
      check: 'https',
      target,
      ok: https,
      detail: https
        ? issuer.issuer
        : `${issuer.issuer} is not https; Entra, MSAL and openid-client refuse http issuers`,
    },
  ]
  const discovery = await getJson(client, issuer.discoveryUrl)
  findings.push(reached('discovery reachable', target, issuer.discoveryUrl, discovery))
  if (!discovery.ok) return findings
  findings.push(...judgeDiscovery(target, issuer.issuer, discovery.body))
  const published = (discovery.body as { jwks_uri?: unknown }).jwks_uri
  const jwksUri = typeof published === 'string' ? published : issuer.jwksUri
  const jwks = await getJson(client, jwksUri)
  findings.push(reached('jwks reachable', target, jwksUri, jwks))
  if (!jwks.ok) return findings
  const kids = jwksKids(jwks.body) ?? []
  const active = issuer.keys.find((k) => k.state === 'active')
  if (!active) {
    findings.push({
      check: 'signing key published',
      target,
      ok: false,
      detail:
        issuer.publication === 'static'
          ? `no key signs yet: upload the documents, then run wifkit issuer publish ${issuer.name} --verify ${issuer.issuer}`
          : 'the issuer has no active key',
    })
    return findings
  }
  const publishedKey = kids.includes(active.kid)
  findings.push({
    check: 'signing key published',
    target,
    ok: publishedKey,
    detail: publishedKey
      ? `kid ${active.kid}`
      : `kid ${active.kid} signs tokens but ${jwksUri} lists ${kids.length === 0 ? 'no keys' : kids.join(', ')}`,
  })
  findings.push(...(await checkMintedToken(client, issuer, target, jwks.body)))
  return findings
}

async function checkMintedToken(
  client: AdminClient,
  issuer: IssuerDescription,
  target: string,
  jwks: unknown,
): Promise<Finding[]> {
  const sentAtMs = Date.now()
  const answer = await requestToken(client, {
    issuer: issuer.name,
    namespace: 'wifkit-doctor',
    serviceAccount: 'doctor',
    spec: { expirationSeconds: 600 },
  })
  const receivedAtMs = Date.now()
  const token = answer.status.token
  const iat = jose.decodeJwt(token).iat ?? 0
  let verified: Finding
  try {
    await jose.jwtVerify(token, jose.createLocalJWKSet(jwks as jose.JSONWebKeySet), {
      issuer: issuer.issuer,
      clockTolerance: 300,
    })
    verified = { check: 'minted token verifies', target, ok: true, detail: 'against the JWKS' }
  } catch (error) {
    verified = {
      check: 'minted token verifies',
      target,
      ok: false,
      detail: `against the published JWKS: ${(error as Error).message}`,
    }
  }
  return [verified, judgeSkew(target, iat, sentAtMs, receivedAtMs)]
}

/** IF-56 for the STS of one tenant: discovery where clients look for it, its issuer, its keys. */
export async function checkSts(
  client: AdminClient,
  authority: string,
  tenantId: string,
): Promise<Finding[]> {
  const target = `sts ${tenantId}`
  const url = `${stsIssuerOf(authority, tenantId)}/.well-known/openid-configuration`
  const discovery = await getJson(client, url)
  const findings = [reached('discovery reachable', target, url, discovery)]
  if (!discovery.ok) return findings
  findings.push(...judgeDiscovery(target, stsIssuerOf(authority, tenantId), discovery.body))
  const jwksUri = (discovery.body as { jwks_uri?: unknown }).jwks_uri
  if (typeof jwksUri !== 'string') return findings
  const jwks = await getJson(client, jwksUri)
  findings.push(reached('jwks reachable', target, jwksUri, jwks))
  if (!jwks.ok) return findings
  const count = jwksKids(jwks.body)?.length ?? 0
  findings.push({
    check: 'signing keys published',
    target,
    ok: count > 0,
    detail:
      count > 0 ? `${count} key(s)` : 'the JWKS lists no keys; access tokens cannot be verified',
  })
  return findings
}
