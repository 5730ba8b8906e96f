import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressKey } from '../../../src/http/address_key.js'

const cases = [
  ['an IPv4 address keys as itself', '203.0.113.7', '203.0.113.7'],
  ['an IPv4-mapped IPv6 address keys as its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
  ['a full IPv6 address keys by its /64', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
  ['another host in the same /64 shares the key', '2001:db8:1:2::9', '2001:db8:1:2::/64'],
  ['a neighbouring /64 has its own key', '2001:db8:1:3::9', '2001:db8:1:3::/64'],
  ['leading zeros and case do not split a /64', '2001:0DB8:0001:0002::1', '2001:db8:1:2::/64'],
  ['compression inside the prefix is expanded', '2001:db8::1', '2001:db8:0:0::/64'],
  ['loopback keys as the zero /64', '::1', '0:0:0:0::/64'],
  ['a zone index is ignored', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
  ['two compressions do not parse and key as themselves', '1::2::3', '1::2::3'],
  ['too many groups do not parse', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9'],
  ['a non-hex prefix does not parse', 'zz:1::1', 'zz:1::1'],
] as const

for (const [name, ip, want] of cases) {
  test(`#9 item 2: ${name}`, () => assert.equal(addressKey(ip), want))
}
