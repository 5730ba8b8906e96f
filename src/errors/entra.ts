import { OAuthError, type ErrorExtras, type OAuthErrorCode } from './oauth.js'

type AadstsStatus = 400 | 401 | 405 | 413

/**
 * Every failure of the token endpoint, in the order of sts.md §7 (the comment gives the row). The
 * AADSTS number alone decides the OAuth `error` and the status (STS-80, STS-114); several names
 * may share a number where one row has several causes, so each keeps its own wording.
 */
const AADSTS = {
  methodNotAllowed: { code: 900561, error: 'invalid_request', status: 405 }, // 1
  requestTooLarge: { code: 9002313, error: 'invalid_request', status: 413 }, // 2
  tooManyFormFields: { code: 9002313, error: 'invalid_request', status: 400 }, // 2 (issue #9)
  missingGrantType: { code: 900144, error: 'invalid_request', status: 400 }, // 3
  unsupportedGrantType: { code: 70003, error: 'unsupported_grant_type', status: 400 }, // 4
  repeatedParameter: { code: 9002313, error: 'invalid_request', status: 400 }, // 5
  missingClientId: { code: 900144, error: 'invalid_request', status: 400 }, // 6
  missingScope: { code: 900144, error: 'invalid_request', status: 400 }, // 7
  scopeWithoutResource: { code: 70011, error: 'invalid_scope', status: 400 }, // 8
  scopeWithSeveralResources: { code: 700022, error: 'invalid_scope', status: 400 }, // 8
  scopeWithoutDefault: { code: 1002012, error: 'invalid_scope', status: 400 }, // 8
  missingClientCredential: { code: 7000218, error: 'invalid_client', status: 401 }, // 9a
  missingAssertionType: { code: 900144, error: 'invalid_request', status: 400 }, // 9b
  unsupportedAssertionType: { code: 9002313, error: 'invalid_request', status: 400 }, // 9c
  assertionWithSecret: { code: 9002313, error: 'invalid_request', status: 400 }, // 9c
  missingSubjectToken: { code: 900144, error: 'invalid_request', status: 400 }, // 9d
  unsupportedTokenExchange: { code: 9002313, error: 'invalid_request', status: 400 }, // 9e
  grantNotSupportedOnTenant: { code: 9001023, error: 'invalid_request', status: 400 }, // 10
  tenantNotFound: { code: 90002, error: 'invalid_request', status: 400 }, // 11
  clientNotFound: { code: 700016, error: 'unauthorized_client', status: 400 }, // 12
  clientDisabled: { code: 7000112, error: 'unauthorized_client', status: 400 }, // 13
  invalidClientSecret: { code: 7000215, error: 'invalid_client', status: 401 }, // 13s
  noFics: { code: 70025, error: 'invalid_client', status: 401 }, // 14
  malformedAssertion: { code: 50027, error: 'invalid_request', status: 400 }, // 15
  noFicForIssuer: { code: 700211, error: 'invalid_client', status: 401 }, // 16
  noFicForSubject: { code: 700213, error: 'invalid_client', status: 401 }, // 17
  subjectCaseOnly: { code: 7002138, error: 'invalid_client', status: 401 }, // 17
  noFicForAudience: { code: 700212, error: 'invalid_client', status: 401 }, // 18
  issuerMetadataFailed: { code: 90061, error: 'invalid_request', status: 400 }, // 19
  issuerKeysUnusable: { code: 900612, error: 'invalid_request', status: 400 }, // 20
  assertionAlgRejected: { code: 700027, error: 'invalid_client', status: 401 }, // 21
  assertionHeaderRejected: { code: 700027, error: 'invalid_client', status: 401 }, // 21
  signingKeyNotFound: { code: 7000272, error: 'invalid_client', status: 401 }, // 22
  signatureInvalid: { code: 700027, error: 'invalid_client', status: 401 }, // 23
  assertionOutsideTimeWindow: { code: 700024, error: 'invalid_client', status: 401 }, // 24
  assertionLifetimeTooLong: { code: 70023, error: 'invalid_client', status: 401 }, // 25
  resourceNotFound: { code: 500011, error: 'invalid_resource', status: 400 }, // 26
} as const satisfies Record<string, { code: number; error: OAuthErrorCode; status: AadstsStatus }>

/** The name of one token-endpoint failure; `say[name]` words it. */
export type AadstsName = keyof typeof AADSTS

/**
 * A token-endpoint error with its AADSTS number. Callers pass Entra's wording from `say` and keep
 * the real reason private: `throw new EntraError('noFicForSubject', say.noFicForSubject(sub),
 * { detail })`.
 */
export class EntraError extends OAuthError {
  readonly aadsts: number
  constructor(name: AadstsName, message: string, extras?: ErrorExtras) {
    const { code, error, status } = AADSTS[name]
    super(status, error, `AADSTS${code}: ${message}`, extras)
    this.aadsts = code
  }

  protected override errorCodes(): readonly number[] {
    return [this.aadsts]
  }
}
