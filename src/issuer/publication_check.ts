import type { Dispatcher } from 'undici'
import type { ServedDocument } from './documents.js'
import { discoveryUrl, issuerBase } from './issuer_url.js'
import { isObject } from '../util/index.js'

/** One finding of `publish --verify`. */
export interface PublicationFinding {
  check: string
  ok: boolean
  detail: string
}

interface Fetched {
  status: number
  contentType: string
  location: string | undefined
  body: string
}

const FETCH_TIMEOUT_MS = 10_000

async function fetchDocument(
  url: string,
  dispatcher: Dispatcher | undefined,
): Promise<Fetched | string> {
  if (!url.startsWith('https://')) return `${url} is not https`
  try {
    const response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit)
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      location: response.headers.get('location') ?? undefined,
      body: await response.text(),
    }
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause
    return `cannot fetch ${url}: ${cause?.message ?? (error as Error).message}`
  }
}

function checkResponse(
  name: string,
  url: string,
  got: Fetched | string,
  expected: ServedDocument,
): PublicationFinding[] {
  if (typeof got === 'string') return [{ check: `${name} reachable`, ok: false, detail: got }]
  if (got.status !== 200) {
    const where = got.location ? ` (redirect to ${got.location}; ISS-75 forbids redirects)` : ''
    return [
      { check: `${name} reachable`, ok: false, detail: `${url} answered ${got.status}${where}` },
    ]
  }
  const json = /^application\/(jwk-set\+)?json\b/.test(got.contentType)
  const findings: PublicationFinding[] = [
    { check: `${name} reachable`, ok: true, detail: `${url} answered 200` },
    { check: `${name} content type`, ok: json, detail: `content-type is "${got.contentType}"` },
  ]
  if (got.body === expected.body) {
    findings.push({ check: `${name} bytes`, ok: true, detail: 'identical to what wifkit serves' })
    return findings
  }
  let sameJson = false
  try {
    sameJson = JSON.stringify(JSON.parse(got.body)) === expected.body
  } catch {
    findings.push({ check: `${name} bytes`, ok: false, detail: 'the hosted body is not JSON' })
    return findings
  }
  findings.push({
    check: `${name} bytes`,
    ok: sameJson,
    detail: sameJson
      ? 'same JSON, different formatting'
      : 'the hosted JSON differs from what wifkit serves',
  })
  return findings
}

/** The body's JSON object, or undefined when it is not JSON or not an object. */
function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** A hosted member as the report shows it: JSON text, so `"x"`, `42` and `null` stay apart. */
function shown(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value)
}

/**
 * Fetches a statically published issuer from its hosting location and reports every difference
 * from what wifkit would serve (ISS-83): reachability without redirects, content types, bytes,
 * the `issuer` string (trailing-slash drift named), a reachable `jwks_uri` and the active kid.
 */
export async function checkPublication(
  issuer: { url: string },
  hostedIssuer: string,
  expected: { discovery: ServedDocument; jwks: ServedDocument },
  activeKid: string | undefined,
  dispatcher?: Dispatcher,
): Promise<{ findings: PublicationFinding[]; kids: string[] }> {
  const url = discoveryUrl(hostedIssuer)
  const discovery = await fetchDocument(url, dispatcher)
  const findings = checkResponse('discovery', url, discovery, expected.discovery)
  if (typeof discovery === 'string' || discovery.status !== 200) return { findings, kids: [] }
  const document = jsonObject(discovery.body)
  if (document === undefined) return { findings, kids: [] }
  const hostedIss = shown(document.issuer)
  const drift =
    typeof document.issuer === 'string' &&
    document.issuer !== issuer.url &&
    issuerBase(document.issuer) === issuerBase(issuer.url)
  findings.push({
    check: 'issuer string',
    ok: document.issuer === issuer.url,
    detail:
      document.issuer === issuer.url
        ? `equals the configured "${issuer.url}"`
        : `${hostedIss} differs from the configured "${issuer.url}"${drift ? ' (trailing-slash drift)' : ''}`,
  })
  if (typeof document.jwks_uri !== 'string') {
    findings.push({
      check: 'jwks reachable',
      ok: false,
      detail: `the hosted discovery's jwks_uri is ${shown(document.jwks_uri)}, not a URL`,
    })
    return { findings, kids: [] }
  }
  const jwks = await fetchDocument(document.jwks_uri, dispatcher)
  findings.push(...checkResponse('jwks', document.jwks_uri, jwks, expected.jwks))
  const keys = typeof jwks === 'string' || jwks.status !== 200 ? [] : jsonObject(jwks.body)?.keys
  const kids = Array.isArray(keys)
    ? keys.flatMap((key: unknown) => {
        const kid = (key as { kid?: unknown } | null)?.kid
        return typeof kid === 'string' ? [kid] : []
      })
    : []
  if (activeKid !== undefined) {
    const present = kids.includes(activeKid)
    findings.push({
      check: 'active kid published',
      ok: present,
      detail: present
        ? `${activeKid} is in the hosted JWKS`
        : `${activeKid} is missing from the hosted JWKS`,
    })
  }
  return { findings, kids }
}
