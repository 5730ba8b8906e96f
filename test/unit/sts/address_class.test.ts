// STS-101: the address classes an external issuer may not resolve to, their IPv4-mapped IPv6
// forms, and the allow-list that lifts the refusal by host name or by CIDR range.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  addressClass,
  issuerAllowList,
  screenAddresses,
  type AddressClass,
} from '../../../src/sts/federation/address_class.js'
import { allowListEntryProblem } from '../../../src/util/index.js'

const classes: readonly (readonly [string, string, AddressClass | undefined])[] = [
  ['IPv4 loopback, first address', '127.0.0.1', 'loopback'],
  ['IPv4 loopback, last address of 127/8', '127.255.255.255', 'loopback'],
  ['IPv6 loopback', '::1', 'loopback'],
  ['IPv6 loopback written in full', '0:0:0:0:0:0:0:1', 'loopback'],
  ['10/8, first address', '10.0.0.0', 'private'],
  ['10/8, last address', '10.255.255.255', 'private'],
  ['172.16/12, first address', '172.16.0.0', 'private'],
  ['172.16/12, last address', '172.31.255.255', 'private'],
  ['172.15.255.255, just below 172.16/12', '172.15.255.255', undefined],
  ['172.32.0.0, just above 172.16/12', '172.32.0.0', undefined],
  ['192.168/16', '192.168.1.10', 'private'],
  ['192.169.0.0, just above 192.168/16', '192.169.0.0', undefined],
  ['IPv6 unique local fc00::/7, fc half', 'fc00::1', 'private'],
  ['IPv6 unique local fc00::/7, fd half', 'fdff:ffff::1', 'private'],
  ['fe00::1, just above fc00::/7', 'fe00::1', undefined],
  ['IPv6 site-local fec0::/10 (deprecated)', 'fec0::1', 'private'],
  ['169.254/16, the cloud metadata address', '169.254.169.254', 'link-local'],
  ['169.253.255.255, just below 169.254/16', '169.253.255.255', undefined],
  ['IPv6 link-local fe80::/10', 'fe80::1', 'link-local'],
  ['IPv6 link-local, last prefix of fe80::/10', 'febf::1', 'link-local'],
  ['IPv6 link-local with a zone', 'fe80::1%eth0', 'link-local'],
  ['IPv6 link-local in upper case', 'FE80::ABCD', 'link-local'],
  ['IPv4 unspecified', '0.0.0.0', 'unspecified'],
  ['IPv4 "this network" 0/8', '0.1.2.3', 'unspecified'],
  ['IPv6 unspecified', '::', 'unspecified'],
  ['CGNAT 100.64/10, first address', '100.64.0.0', 'shared'],
  ['CGNAT 100.64/10, last address', '100.127.255.255', 'shared'],
  ['100.128.0.0, just above 100.64/10', '100.128.0.0', undefined],
  ['IPv4-mapped loopback', '::ffff:127.0.0.1', 'loopback'],
  ['IPv4-mapped loopback in hex', '::ffff:7f00:1', 'loopback'],
  ['IPv4-mapped 10/8', '::ffff:10.0.0.5', 'private'],
  ['IPv4-mapped 172.16/12 in hex', '::ffff:ac10:1', 'private'],
  ['IPv4-mapped 192.168/16', '::ffff:192.168.0.1', 'private'],
  ['IPv4-mapped link-local', '::ffff:169.254.169.254', 'link-local'],
  ['IPv4-mapped unspecified', '::ffff:0.0.0.0', 'unspecified'],
  ['IPv4-mapped CGNAT', '::ffff:100.64.0.1', 'shared'],
  ['IPv4-mapped public address', '::ffff:8.8.8.8', undefined],
  ['NAT64 64:ff9b::/96 carrying loopback', '64:ff9b::127.0.0.1', 'loopback'],
  ['NAT64 carrying 10/8, in hex', '64:ff9b::a00:5', 'private'],
  ['NAT64 carrying the cloud metadata address', '64:ff9b::a9fe:a9fe', 'link-local'],
  ['NAT64 carrying CGNAT', '64:ff9b::100.64.0.1', 'shared'],
  ['NAT64 carrying a public address', '64:ff9b::8.8.8.8', undefined],
  ['6to4 2002::/16 carrying 192.168/16', '2002:c0a8:101::1', 'private'],
  ['6to4 carrying loopback', '2002:7f00:1::', 'loopback'],
  ['6to4 carrying 172.16/12, last address', '2002:ac1f:ffff:ffff::1', 'private'],
  ['6to4 carrying 172.32.0.0, just above 172.16/12', '2002:ac20::1', undefined],
  ['6to4 carrying a public address', '2002:808:808::1', undefined],
  ['public IPv4', '8.8.8.8', undefined],
  ['public IPv4 next to the loopback block', '128.0.0.1', undefined],
  ['public IPv6', '2001:4860:4860::8888', undefined],
]

for (const [name, address, want] of classes) {
  test(`STS-101: ${name} (${address}) is ${want ?? 'public'}`, () => {
    assert.equal(addressClass(address), want)
  })
}

test('STS-101: a string that is no IP address is a caller error, never "public"', () => {
  for (const text of ['localhost', '10.1', '[::1]', '']) {
    assert.throws(() => addressClass(text), TypeError, text)
  }
})

const entries: readonly (readonly [string, string, string | undefined])[] = [
  ['a host name', 'issuer.corp', undefined],
  ['an IPv4 address', '10.0.0.7', undefined],
  ['an IPv4 range', '10.1.0.0/16', undefined],
  ['an IPv6 address', '::1', undefined],
  ['an IPv6 range', 'fd00::/8', undefined],
  ['a URL', 'https://issuer.corp', '"https://issuer.corp" is no host name or CIDR range'],
  ['a host with a space', 'issuer corp', '"issuer corp" is no host name or CIDR range'],
  [
    'an IPv4 prefix over 32',
    '10.0.0.0/33',
    '"10.0.0.0/33" is no CIDR range such as 10.1.0.0/16 or fd00::/8',
  ],
  [
    'an IPv6 prefix over 128',
    'fd00::/129',
    '"fd00::/129" is no CIDR range such as 10.1.0.0/16 or fd00::/8',
  ],
  [
    'a range without a prefix',
    '10.0.0.0/',
    '"10.0.0.0/" is no CIDR range such as 10.1.0.0/16 or fd00::/8',
  ],
]

for (const [name, entry, want] of entries) {
  test(`STS-101: an allow-list entry that is ${name} is ${want ? 'refused' : 'accepted'}`, () => {
    assert.equal(allowListEntryProblem(entry), want)
  })
}

const allow = issuerAllowList(['Issuer.Corp', '10.1.0.0/16', '192.168.7.7', 'fd00:1::/32'])
const screens: readonly (readonly [
  string,
  string,
  string[],
  ReturnType<typeof screenAddresses>,
])[] = [
  ['a public address passes', 'example.com', ['93.184.215.14'], { usable: ['93.184.215.14'] }],
  [
    'an allow-listed host name passes whatever it resolves to, in any case',
    'ISSUER.corp',
    ['127.0.0.1', '10.9.9.9'],
    { usable: ['127.0.0.1', '10.9.9.9'] },
  ],
  [
    'a private address inside an allowed range passes',
    'keys.internal',
    ['10.1.200.3'],
    { usable: ['10.1.200.3'] },
  ],
  [
    'its IPv4-mapped form passes the same range',
    'keys.internal',
    ['::ffff:10.1.200.3'],
    { usable: ['::ffff:10.1.200.3'] },
  ],
  [
    'one allowed address passes, its neighbour does not',
    'keys.internal',
    ['192.168.7.7', '192.168.7.8'],
    { usable: ['192.168.7.7'], refused: { address: '192.168.7.8', class: 'private' } },
  ],
  [
    'an IPv6 address inside an allowed range passes',
    'keys.internal',
    ['fd00:1::5'],
    { usable: ['fd00:1::5'] },
  ],
  [
    'a private address outside every range is refused with its class',
    'keys.internal',
    ['10.2.0.1'],
    { usable: [], refused: { address: '10.2.0.1', class: 'private' } },
  ],
  [
    'a mixed answer keeps only the public address, so only it is connected to',
    'rebind.example',
    ['169.254.169.254', '93.184.215.14', '::1'],
    { usable: ['93.184.215.14'], refused: { address: '169.254.169.254', class: 'link-local' } },
  ],
  [
    'a subdomain of an allow-listed host is not allow-listed',
    'evil.issuer.corp',
    ['127.0.0.1'],
    { usable: [], refused: { address: '127.0.0.1', class: 'loopback' } },
  ],
]

for (const [name, host, addresses, want] of screens) {
  test(`STS-101: ${name}`, () => assert.deepEqual(screenAddresses(host, addresses, allow), want))
}

test('STS-101: an empty allow-list refuses every non-public address', () => {
  const none = issuerAllowList([])
  assert.deepEqual(screenAddresses('localhost', ['127.0.0.1', '::1'], none), {
    usable: [],
    refused: { address: '127.0.0.1', class: 'loopback' },
  })
})
