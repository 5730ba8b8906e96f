import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkIssuerUrl, discoveryUrl, jwksUrl } from '../../../src/issuer/issuer_url.js'

const ISSUER = 'https://wifkit.example.com/issuers/prod'
const WS = 'must not have leading or trailing whitespace'
const HOST_CASE = 'the host should be lower-case (ISS-3)'
const PORT_443 = 'the host should not carry an explicit :443 (ISS-3)'
const notUrl = (value: string) => `must be an absolute URL (got "${value}")`
/** An https issuer of exactly `length` characters. */
const issuerOfLength = (length: number) =>
  `https://wifkit.example.com/${'a'.repeat(length - 'https://wifkit.example.com/'.length)}`

const checks: readonly (readonly [string, string, string[], string[]])[] = [
  ['ISS-1: an https issuer with a path is accepted', ISSUER, [], []],
  ['ISS-4: an issuer ending in / is accepted', `${ISSUER}/`, [], []],
  ['ISS-1: an https origin alone is accepted', 'https://wifkit.example.com', [], []],
  [
    'ISS-1: an https issuer with a non-default port is accepted',
    'https://w.example.com:8443/i',
    [],
    [],
  ],
  [
    'ISS-3: upper case in the path is not a host problem',
    'https://w.example.com/Issuers/Prod',
    [],
    [],
  ],
  ['ISS-1: an issuer of exactly 600 characters is accepted', issuerOfLength(600), [], []],
  [
    'ISS-1: an issuer of 601 characters is refused',
    issuerOfLength(601),
    ['must be at most 600 characters (got 601)'],
    [],
  ],
  [
    'ISS-1, ISS-8: an http issuer is refused',
    'http://wifkit.example.com/issuers/prod',
    ['must use https (got http)'],
    [],
  ],
  [
    'ISS-8: an http loopback issuer is refused here too',
    'http://127.0.0.1:8443/issuers/dev',
    ['must use https (got http)'],
    [],
  ],
  [
    'ISS-1: another scheme is refused',
    'ftp://wifkit.example.com/prod',
    ['must use https (got ftp)'],
    [],
  ],
  ['ISS-1: a query is refused', `${ISSUER}?tenant=a`, ['must not contain a query'], []],
  ['ISS-1: an empty query is refused', `${ISSUER}?`, ['must not contain a query'], []],
  ['ISS-1: a fragment is refused', `${ISSUER}#keys`, ['must not contain a fragment'], []],
  ['ISS-1: an empty fragment is refused', `${ISSUER}#`, ['must not contain a fragment'], []],
  [
    'ISS-1: a user name is refused',
    'https://admin@wifkit.example.com/issuers/prod',
    ['must not contain user information'],
    [],
  ],
  [
    'ISS-1: a password alone is refused',
    'https://:secret@wifkit.example.com/issuers/prod',
    ['must not contain user information'],
    [],
  ],
  ['ISS-1: a leading space is refused', ` ${ISSUER}`, [WS], []],
  ['ISS-1: a trailing newline is refused', `${ISSUER}\n`, [WS], []],
  ['ISS-1: a trailing tab is refused', `${ISSUER}\t`, [WS], []],
  [
    'ISS-1: a host name alone is not a URL',
    'wifkit.example.com/issuers/prod',
    [notUrl('wifkit.example.com/issuers/prod')],
    [],
  ],
  ['ISS-1: a relative path is not a URL', '/issuers/prod', [notUrl('/issuers/prod')], []],
  ['ISS-1: an empty string is not a URL', '', [notUrl('')], []],
  [
    'ISS-1: a space inside the host is not a URL',
    'https://wifkit example.com/',
    ['must not contain whitespace or control characters', notUrl('https://wifkit example.com/')],
    [],
  ],
  [
    'ISS-1: a tab inside the path, which the URL parser would drop, is refused',
    'https://wifkit.example.com/issuers/a\tb',
    ['must not contain whitespace or control characters'],
    [],
  ],
  [
    'ISS-3: an upper-case host is accepted with a warning',
    'https://WifKit.Example.com/issuers/prod',
    [],
    [HOST_CASE],
  ],
  [
    'ISS-3: an explicit :443 is accepted with a warning',
    'https://wifkit.example.com:443/issuers/prod',
    [],
    [PORT_443],
  ],
  [
    'ISS-3: an explicit :443 without a path is accepted with a warning',
    'https://wifkit.example.com:443',
    [],
    [PORT_443],
  ],
  [
    'ISS-3: an IPv6 host with :443 is accepted with a warning',
    'https://[::1]:443/issuers/dev',
    [],
    [PORT_443],
  ],
  ['ISS-3: port 8443 is not mistaken for :443', 'https://wifkit.example.com:8443/i', [], []],
  [
    'ISS-1, ISS-3: every problem and warning is reported at once',
    ' http://user@WIFKIT.example.com:443/p?q#f',
    [
      WS,
      'must use https (got http)',
      'must not contain user information',
      'must not contain a query',
      'must not contain a fragment',
    ],
    [HOST_CASE, PORT_443],
  ],
]

for (const [name, value, problems, warnings] of checks) {
  test(name, () => assert.deepEqual(checkIssuerUrl(value), { problems, warnings }))
}

const discoveries = [
  [
    'ISS-5: discovery appends the well-known path to an issuer without a trailing /',
    ISSUER,
    `${ISSUER}/.well-known/openid-configuration`,
  ],
  [
    'ISS-5: discovery removes one trailing / before appending the well-known path',
    `${ISSUER}/`,
    `${ISSUER}/.well-known/openid-configuration`,
  ],
  [
    'ISS-5: discovery removes only one of two trailing slashes',
    `${ISSUER}//`,
    `${ISSUER}//.well-known/openid-configuration`,
  ],
  [
    'ISS-5: a blob-hosted issuer ending in / gets its container well-known path',
    'https://acct.blob.core.windows.net/oidc/',
    'https://acct.blob.core.windows.net/oidc/.well-known/openid-configuration',
  ],
  [
    'ISS-2: discovery keeps the host case and port of the issuer',
    'https://WifKit.example.com:443/Prod',
    'https://WifKit.example.com:443/Prod/.well-known/openid-configuration',
  ],
] as const

for (const [name, issuer, want] of discoveries) {
  test(name, () => assert.equal(discoveryUrl(issuer), want))
}

const BLOB_JWKS = 'https://acct.blob.core.windows.net/oidc/openid/v1/jwks'
const jwksLocations = [
  [
    'ISS-52: the JWKS URL defaults to the issuer plus /openid/v1/jwks',
    ISSUER,
    null,
    `${ISSUER}/openid/v1/jwks`,
  ],
  [
    'ISS-52: the default JWKS URL removes one trailing / from the issuer',
    `${ISSUER}/`,
    null,
    `${ISSUER}/openid/v1/jwks`,
  ],
  ['ISS-52: a configured JWKS URL is used verbatim', ISSUER, BLOB_JWKS, BLOB_JWKS],
  [
    'ISS-52: a configured JWKS URL keeps its trailing / and query verbatim',
    `${ISSUER}/`,
    `${BLOB_JWKS}/?sv=2024`,
    `${BLOB_JWKS}/?sv=2024`,
  ],
] as const

for (const [name, issuer, override, want] of jwksLocations) {
  test(name, () => assert.equal(jwksUrl(issuer, override), want))
}

// The WHATWG URL parser repairs these strings, yet the verbatim issuer (ISS-2) is not an absolute
// https URL with an authority and no userinfo (ISS-1); Entra compares the raw string.
const accepted = [
  ['ISS-1: an empty userinfo before @ is refused', 'https://@wifkit.example.com/issuers/prod'],
  ['ISS-1: https without // is refused', 'https:wifkit.example.com/issuers/prod'],
  ['ISS-1: https with a single / is refused', 'https:/wifkit.example.com/issuers/prod'],
  ['ISS-1: https with three slashes is refused', 'https:///wifkit.example.com/issuers/prod'],
] as const

for (const [name, value] of accepted) {
  test(name, () => {
    assert.notDeepEqual(checkIssuerUrl(value).problems, [])
  })
}
