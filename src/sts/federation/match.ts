// Federated identity credential matching (sts.md §6 and rows 16–18 of §7). Matching is exact
// code-unit equality (STS-70): no trimming, case folding, Unicode normalisation, URL parsing or
// trailing-slash folding. The near-miss analysis below never changes the outcome; it only explains
// it, privately in `detail` and publicly in a hint that discloses nothing beyond the presented
// value (STS-83).

/** The FIC fields matching reads; store records fit it structurally. */
export interface Fic {
  id: string
  name: string
  issuer: string
  subject: string
  audiences: readonly string[]
}

/** The presented claims; an `aud` string arrives as a one-element array (STS-71). */
export interface PresentedClaims {
  iss: string
  sub: string
  aud: readonly string[]
}

/** Which check failed: row 16, 17 (two codes) or 18. */
export type FicMiss = 'issuer' | 'subject' | 'subject-case' | 'audience'

/** The first failed check, the nearest credential (if any resembles the claims) and why. */
export interface FicMismatch<F extends Fic = Fic> {
  ok: false
  reason: FicMiss
  nearest?: F
  /** Configured versus presented values, for the sign-in log and `explain` only (STS-83). */
  detail: string
}

/** A match, or the first failed check in Entra's order. */
export type FicMatch<F extends Fic = Fic> = { ok: true; fic: F } | FicMismatch<F>

/** How a configured value nearly equals a presented one. */
type Near = 'extra-slash' | 'missing-slash' | 'whitespace' | 'case' | 'several'

function nearness(configured: string, presented: string): Near | undefined {
  if (configured === presented) return undefined
  if (presented === `${configured}/`) return 'extra-slash'
  if (configured === `${presented}/`) return 'missing-slash'
  if (configured.trim() === presented.trim()) return 'whitespace'
  if (configured.toLowerCase() === presented.toLowerCase()) return 'case'
  const loose = (s: string) => s.trim().toLowerCase().replace(/\/$/, '')
  return loose(configured) === loose(presented) ? 'several' : undefined
}

const NEAR_DETAIL: Record<Near, string> = {
  'extra-slash': 'only by the trailing slash the presented value adds',
  'missing-slash': 'only by the trailing slash the configured value has',
  whitespace: 'only by surrounding whitespace',
  case: 'only in case',
  several: 'only in case, surrounding whitespace and a trailing slash',
}

const NEAR_HINT: Record<Near, string> = {
  'extra-slash': 'only without its trailing slash',
  'missing-slash': 'only with a trailing slash added',
  whitespace: 'only without surrounding whitespace',
  case: 'only when case is ignored',
  several: 'only when case, surrounding whitespace and a trailing slash are ignored',
}

/** The first near miss between any configured and any presented audience. */
function audienceNearness(fic: Fic, aud: readonly string[]): Near | undefined {
  for (const configured of fic.audiences) {
    for (const presented of aud) {
      const how = nearness(configured, presented)
      if (how !== undefined) return how
    }
  }
  return undefined
}

const q = (s: string) => JSON.stringify(s)
const label = (f: Fic) => `credential ${q(f.name)} (${f.id})`

function commonPrefix(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/**
 * The credential whose `field` is nearest to `presented`: a near miss, else the longest shared
 * prefix covering at least half of the presented value (a shared `https://` alone is no hint).
 */
function nearestBy<F extends Fic>(
  fics: readonly F[],
  presented: string,
  field: (f: F) => string,
): F | undefined {
  const near = fics.find((f) => nearness(field(f), presented) !== undefined)
  if (near) return near
  let best: F | undefined
  let bestLength = Math.max(1, Math.ceil(presented.length / 2)) - 1
  for (const f of fics) {
    const length = commonPrefix(field(f), presented)
    if (length > bestLength) [best, bestLength] = [f, length]
  }
  return best
}

function issuerMiss<F extends Fic>(c: PresentedClaims, fics: readonly F[]): FicMismatch<F> {
  // A near-miss issuer first, then a credential for the presented subject, then a shared prefix.
  const nearest =
    fics.find((f) => nearness(f.issuer, c.iss) !== undefined) ??
    fics.find((f) => f.subject === c.sub) ??
    nearestBy(fics, c.iss, (f) => f.issuer)
  if (nearest === undefined) {
    const detail = `no federated identity credential has issuer ${q(c.iss)} or one resembling it`
    return { ok: false, reason: 'issuer', detail }
  }
  const how = nearness(nearest.issuer, c.iss)
  const detail =
    how === undefined
      ? `no federated identity credential has issuer ${q(c.iss)}; the nearest, ` +
        `${label(nearest)}, has issuer ${q(nearest.issuer)}`
      : `presented iss ${q(c.iss)} differs from the issuer ${q(nearest.issuer)} of ` +
        `${label(nearest)} ${NEAR_DETAIL[how]}; issuers compare exactly (STS-70)`
  return { ok: false, reason: 'issuer', nearest, detail }
}

// Row 17 picks 7002138 over 700213 when a subject equals `sub` ignoring case (sts.md §7).
function subjectMiss<F extends Fic>(
  c: PresentedClaims,
  byIssuer: readonly [F, ...F[]],
): FicMismatch<F> {
  const caseOnly = byIssuer.find((f) => f.subject.toLowerCase() === c.sub.toLowerCase())
  if (caseOnly) {
    const detail =
      `presented sub ${q(c.sub)} differs from the subject ${q(caseOnly.subject)} of ` +
      `${label(caseOnly)} only in case; subjects compare case-sensitively (STS-70)`
    return { ok: false, reason: 'subject-case', nearest: caseOnly, detail }
  }
  const nearest = nearestBy(byIssuer, c.sub, (f) => f.subject) ?? byIssuer[0]
  const how = nearness(nearest.subject, c.sub)
  const detail =
    how === undefined
      ? `no credential with issuer ${q(c.iss)} has subject ${q(c.sub)}; the nearest, ` +
        `${label(nearest)}, has subject ${q(nearest.subject)}`
      : `presented sub ${q(c.sub)} differs from the subject ${q(nearest.subject)} of ` +
        `${label(nearest)} ${NEAR_DETAIL[how]}; subjects compare exactly (STS-70)`
  return { ok: false, reason: 'subject', nearest, detail }
}

function audienceMiss<F extends Fic>(
  c: PresentedClaims,
  bySubject: readonly [F, ...F[]],
): FicMismatch<F> {
  const nearest = bySubject[0]
  const how = audienceNearness(nearest, c.aud)
  const presented = c.aud.length === 0 ? 'no audience' : `aud ${c.aud.map(q).join(', ')}`
  const detail =
    `${label(nearest)} matches issuer and subject but expects audience ` +
    `${nearest.audiences.map(q).join(', ')}; the assertion presents ${presented}` +
    (how === undefined ? '' : `, which differs ${NEAR_DETAIL[how]}`)
  return { ok: false, reason: 'audience', nearest, detail }
}

const nonEmpty = <T>(items: readonly T[]): items is readonly [T, ...T[]] => items.length > 0

/**
 * Matches presented claims against an identity's credentials: exact and case-sensitive, in
 * Entra's order (issuer, then subject, then audience), so the first failing check decides the
 * AADSTS code (rows 16–18). A miss names the nearest credential and explains the difference in
 * `detail`, which goes to the sign-in log and `wifkit explain`, never to the wire outside dev.
 */
export function matchFederatedCredential<F extends Fic>(
  c: PresentedClaims,
  fics: readonly F[],
): FicMatch<F> {
  const byIssuer = fics.filter((f) => f.issuer === c.iss)
  if (!nonEmpty(byIssuer)) return issuerMiss(c, fics)
  const bySubject = byIssuer.filter((f) => f.subject === c.sub)
  if (!nonEmpty(bySubject)) return subjectMiss(c, byIssuer)
  const fic = bySubject.find((f) => f.audiences.some((a) => c.aud.includes(a)))
  return fic ? { ok: true, fic } : audienceMiss(c, bySubject)
}

/**
 * A public hint for a miss, for `say.noFicForIssuer` and friends, or undefined. It says only how
 * the presented value would have to change (e.g. "A credential matches this issuer only without
 * its trailing slash."), never a configured value (STS-83). A case-only subject miss has its own
 * code and wording (7002138), so it gets no hint here.
 */
export function publicHint(c: PresentedClaims, miss: FicMismatch): string | undefined {
  const nearest = miss.nearest
  if (nearest === undefined || miss.reason === 'subject-case') return undefined
  const how =
    miss.reason === 'issuer'
      ? nearness(nearest.issuer, c.iss)
      : miss.reason === 'subject'
        ? nearness(nearest.subject, c.sub)
        : audienceNearness(nearest, c.aud)
  return how === undefined
    ? undefined
    : `A credential matches this ${miss.reason} ${NEAR_HINT[how]}.`
}
