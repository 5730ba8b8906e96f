import { EntraError, say } from '../../errors/index.js'
import { parameter, type Grant } from './grant.js'

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
const SUBJECT_TOKEN_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
])
/** Parameters that must not accompany a subject token: no delegation, no second credential. */
const REFUSED = ['actor_token', 'actor_token_type', 'client_assertion', 'client_secret'] as const

/**
 * Grant B (sts.md §5.3): RFC 8693 token exchange, a wifkit extension for generic OAuth tooling.
 * `subject_token` plays the part of `client_assertion`; `audience` and `resource` are ignored.
 */
export const tokenExchangeGrant: Grant = {
  grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
  parameters: ['subject_token', 'subject_token_type', 'requested_token_type', ...REFUSED],
  credential(form) {
    const subjectToken = parameter(form, 'subject_token')
    if (!subjectToken)
      throw new EntraError('missingSubjectToken', say.missingSubjectToken('subject_token'))
    const subjectTokenType = parameter(form, 'subject_token_type')
    if (!subjectTokenType) {
      throw new EntraError('missingSubjectToken', say.missingSubjectToken('subject_token_type'))
    }
    if (!SUBJECT_TOKEN_TYPES.has(subjectTokenType)) {
      throw new EntraError(
        'unsupportedTokenExchange',
        say.unsupportedTokenExchange('subject_token_type', subjectTokenType),
      )
    }
    const requested = parameter(form, 'requested_token_type')
    if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
      throw new EntraError(
        'unsupportedTokenExchange',
        say.unsupportedTokenExchange('requested_token_type', requested),
      )
    }
    const refused = REFUSED.find((name) => parameter(form, name) !== undefined)
    if (refused)
      throw new EntraError('unsupportedTokenExchange', say.unsupportedTokenExchange(refused))
    return { assertion: subjectToken, secret: undefined, issuedTokenType: ACCESS_TOKEN_TYPE }
  },
}
