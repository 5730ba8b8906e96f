import { EntraError, say } from '../../errors/index.js'
import { parameter, type Grant } from './grant.js'

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** Grant A (sts.md §5.2): `client_credentials` authenticated by a JWT client assertion. */
export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  parameters: ['client_assertion', 'client_assertion_type', 'client_secret'],
  credential(form) {
    const assertion = parameter(form, 'client_assertion')
    const assertionType = parameter(form, 'client_assertion_type')
    const secret = parameter(form, 'client_secret')
    if (!assertion && !secret) {
      throw new EntraError('missingClientCredential', say.missingClientCredential())
    }
    if (assertion && assertionType === undefined) {
      throw new EntraError('missingAssertionType', say.missingAssertionType())
    }
    if (assertion && assertionType !== JWT_BEARER) {
      throw new EntraError(
        'unsupportedAssertionType',
        say.unsupportedAssertionType(String(assertionType)),
      )
    }
    if (assertion && secret) throw new EntraError('assertionWithSecret', say.assertionWithSecret())
    return { assertion, secret: assertion ? undefined : secret, issuedTokenType: undefined }
  },
}
