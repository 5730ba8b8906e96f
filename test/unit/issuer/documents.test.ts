import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { test } from 'node:test'
import { discoveryDocument, jwksDocument } from '../../../src/issuer/documents.js'
import { publicJwk, type PublicJwk } from '../../../src/keys/index.js'

const ISSUER = 'https://wifkit.example.com/issuers/prod'
const BLOB = 'https://acct.blob.core.windows.net/oidc/'
const BLOB_JWKS = 'https://acct.blob.core.windows.net/oidc/openid/v1/jwks'

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).publicKey
const rsaA = publicJwk(rsa())
const rsaB = publicJwk(rsa())
const es256 = publicJwk(ec('P-256'))
const es384 = publicJwk(ec('P-384'))

/** The discovery body of ISS-50, written out by hand. */
const discoveryBody = (issuer: string, jwksUri: string, algs: readonly string[]) =>
  `{"issuer":"${issuer}","jwks_uri":"${jwksUri}","response_types_supported":["id_token"],` +
  `"subject_types_supported":["public"],"id_token_signing_alg_values_supported":[${algs
    .map((a) => `"${a}"`)
    .join(',')}]}`

const discoveries: readonly (readonly [
  string,
  { url: string; jwksUri: string | null },
  readonly PublicJwk[],
  string,
])[] = [
  [
    'ISS-50, ISS-54: the discovery document of one RSA key is exactly the spec sample',
    { url: ISSUER, jwksUri: null },
    [rsaA],
    '{"issuer":"https://wifkit.example.com/issuers/prod","jwks_uri":"https://wifkit.example.com/issuers/prod/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}',
  ],
  [
    'ISS-51, ISS-52: an issuer ending in / is kept verbatim and the JWKS URL drops one /',
    { url: `${ISSUER}/`, jwksUri: null },
    [rsaA],
    discoveryBody(`${ISSUER}/`, `${ISSUER}/openid/v1/jwks`, ['RS256']),
  ],
  [
    'ISS-52, ISS-81: a configured JWKS URL is published verbatim',
    { url: BLOB, jwksUri: BLOB_JWKS },
    [rsaA],
    discoveryBody(BLOB, BLOB_JWKS, ['RS256']),
  ],
  [
    'ISS-53: two RSA keys give RS256 once',
    { url: ISSUER, jwksUri: null },
    [rsaA, rsaB],
    discoveryBody(ISSUER, `${ISSUER}/openid/v1/jwks`, ['RS256']),
  ],
  [
    'ISS-53: RS256 and ES256 keys give the sorted, de-duplicated algorithms',
    { url: ISSUER, jwksUri: null },
    [rsaA, es256, rsaB, es256],
    discoveryBody(ISSUER, `${ISSUER}/openid/v1/jwks`, ['ES256', 'RS256']),
  ],
  [
    'ISS-53: algorithms sort by name, not by key order',
    { url: ISSUER, jwksUri: null },
    [rsaA, es384, es256],
    discoveryBody(ISSUER, `${ISSUER}/openid/v1/jwks`, ['ES256', 'ES384', 'RS256']),
  ],
]

const etagOf = (body: string) => `"${createHash('sha256').update(body).digest('base64url')}"`
const STRONG_ETAG = /^"[A-Za-z0-9_-]{43}"$/

for (const [name, issuer, keys, body] of discoveries) {
  test(name, () => {
    const doc = discoveryDocument(issuer, keys)
    assert.equal(doc.body, body)
    assert.deepEqual(Object.keys(JSON.parse(doc.body) as object), [
      'issuer',
      'jwks_uri',
      'response_types_supported',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
    ])
    assert.equal(doc.etag, etagOf(body))
    assert.match(doc.etag, STRONG_ETAG)
  })
}

/** A JWK written out by hand in the member order of ISS-60 and ISS-61. */
function jwkText(key: KeyObject, alg: string): string {
  const kid = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('base64url')
  const j = key.export({ format: 'jwk' })
  return j.kty === 'RSA'
    ? `{"use":"sig","kty":"RSA","kid":"${kid}","alg":"${alg}","n":"${j.n}","e":"${j.e}"}`
    : `{"use":"sig","kty":"EC","kid":"${kid}","alg":"${alg}","crv":"${j.crv}","x":"${j.x}","y":"${j.y}"}`
}

const rsaKey = rsa()
const ecKey = ec('P-256')
const jwksCases = [
  ['ISS-60: an empty key set is {"keys":[]}', [], '{"keys":[]}'],
  [
    'ISS-60: an RSA key has use, kty, kid, alg, n and e in that order',
    [rsaKey],
    `{"keys":[${jwkText(rsaKey, 'RS256')}]}`,
  ],
  [
    'ISS-61, ISS-63: keys keep the published order and EC keys have use, kty, kid, alg, crv, x, y',
    [ecKey, rsaKey],
    `{"keys":[${jwkText(ecKey, 'ES256')},${jwkText(rsaKey, 'RS256')}]}`,
  ],
] as const

for (const [name, keys, body] of jwksCases) {
  test(name, () => {
    const doc = jwksDocument(keys.map((k) => publicJwk(k)))
    assert.equal(doc.body, body)
    assert.equal(doc.etag, etagOf(body))
    assert.match(doc.etag, STRONG_ETAG)
  })
}

test('ISS-73: the ETag is stable for the same body and changes when the body changes', () => {
  const first = discoveryDocument({ url: ISSUER, jwksUri: null }, [rsaA])
  const again = discoveryDocument({ url: ISSUER, jwksUri: null }, [rsaB])
  const slash = discoveryDocument({ url: `${ISSUER}/`, jwksUri: null }, [rsaA])
  const withEc = discoveryDocument({ url: ISSUER, jwksUri: null }, [rsaA, es256])
  assert.equal(first.body, again.body)
  assert.equal(first.etag, again.etag)
  assert.notEqual(slash.etag, first.etag)
  assert.notEqual(withEc.etag, first.etag)
  const one = jwksDocument([rsaA])
  const two = jwksDocument([rsaA, rsaB])
  const swapped = jwksDocument([rsaB, rsaA])
  assert.equal(new Set([one.etag, two.etag, swapped.etag]).size, 3)
  assert.equal(jwksDocument([rsaA]).etag, one.etag)
})
