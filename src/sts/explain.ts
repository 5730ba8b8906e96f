import { EntraError, say } from '../errors/index.js'
import { parseAssertion } from './federation/assertion.js'
import { matchFederatedCredential, type Fic } from './federation/match.js'
import { checkTimeWindow, type TimeWindowOptions } from './federation/time_window.js'

/** One field of one credential against the token. */
export interface FieldVerdict {
  configured: string
  presented: string
  equal: boolean
  /** Why they differ, when they nearly agree (case, trailing slash, whitespace). */
  note?: string
}

export interface CredentialVerdict {
  name: string
  issuer: FieldVerdict
  subject: FieldVerdict
  audience: FieldVerdict
  matches: boolean
}

/** What `wifkit explain` prints (IF-53). */
export interface Explanation {
  claims: { iss: string; sub: string; aud: string[]; exp: number; nbf?: number; iat?: number }
  credentials: CredentialVerdict[]
  /** The answer the STS would give before it fetches anything (rows 14–18, 24–25). */
  outcome:
    | { ok: true; credential: string }
    | { ok: false; aadsts: number; description: string; detail?: string }
}

function note(configured: string, presented: string): string | undefined {
  if (configured === presented) return undefined
  if (configured.toLowerCase() === presented.toLowerCase()) return 'differs only in letter case'
  if (configured.trim() === presented.trim()) return 'differs only in surrounding whitespace'
  if (configured.replace(/\/$/, '') === presented.replace(/\/$/, '')) {
    return configured.endsWith('/')
      ? 'the credential has a trailing slash the token lacks'
      : 'the token has a trailing slash the credential lacks'
  }
  return undefined
}

function field(configured: string, presented: string): FieldVerdict {
  const n = note(configured, presented)
  return { configured, presented, equal: configured === presented, ...(n ? { note: n } : {}) }
}

/**
 * The offline half of a token exchange, field by field: the same parsing, matching and time
 * rules the STS runs, without fetching the issuer's keys (so the signature is not checked).
 */
export function explainExchange(
  jwt: string,
  fics: readonly Fic[],
  nowSeconds: number,
  window: TimeWindowOptions,
): Explanation {
  let outcome: Explanation['outcome'] | undefined
  const { claims } = parseAssertion(jwt)
  const credentials = fics.map((f) => {
    const audience = f.audiences[0] ?? ''
    const aud = claims.aud.includes(audience) ? audience : claims.aud.join(' ')
    const verdict = {
      name: f.name,
      issuer: field(f.issuer, claims.iss),
      subject: field(f.subject, claims.sub),
      audience: field(audience, aud),
    }
    return {
      ...verdict,
      matches: verdict.issuer.equal && verdict.subject.equal && verdict.audience.equal,
    }
  })
  try {
    if (fics.length === 0) throw new EntraError('noFics', say.noFics('(this app)'))
    const match = matchFederatedCredential(claims, fics)
    if (!match.ok) {
      const name = {
        issuer: 'noFicForIssuer',
        subject: 'noFicForSubject',
        'subject-case': 'subjectCaseOnly',
        audience: 'noFicForAudience',
      } as const
      const text = {
        issuer: () => say.noFicForIssuer(claims.iss),
        subject: () => say.noFicForSubject(claims.sub),
        'subject-case': () => say.subjectCaseOnly(claims.sub),
        audience: () => say.noFicForAudience(claims.aud),
      }[match.reason]()
      throw new EntraError(name[match.reason], text, { detail: match.detail })
    }
    checkTimeWindow(claims, nowSeconds, window)
    outcome = { ok: true, credential: match.fic.name }
  } catch (error) {
    if (!(error instanceof EntraError)) throw error
    outcome = {
      ok: false,
      aadsts: error.aadsts,
      description: error.message,
      ...(error.detail ? { detail: error.detail } : {}),
    }
  }
  return { claims, credentials, outcome }
}
