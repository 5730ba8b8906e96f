import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { CompactSign, compactVerify } from 'jose'
import { signJws, verifyJwsSignature, type SigningAlgorithm } from '../../../src/keys/index.js'

const pairs = {
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
} as const
const payload = { aud: ['api://AzureADTokenExchange'], sub: 'system:serviceaccount:a:b' }

for (const alg of Object.keys(pairs) as SigningAlgorithm[]) {
  const { privateKey, publicKey } = pairs[alg]
  test(`ISS-20, RFC 7515: a ${alg} JWS from signJws verifies with jose, header bytes as given`, async () => {
    const jws = await signJws(alg, privateKey, { alg, kid: 'k1' }, payload)
    const [header] = jws.split('.') as [string]
    assert.equal(Buffer.from(header, 'base64url').toString(), `{"alg":"${alg}","kid":"k1"}`)
    const { payload: bytes } = await compactVerify(jws, publicKey, { algorithms: [alg] })
    assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), payload)
  })
  test(`row 23: verifyJwsSignature accepts a jose-signed ${alg} JWS and refuses a tampered one`, async () => {
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg })
      .sign(privateKey)
    assert.equal(verifyJwsSignature(jws, alg, publicKey), true)
    const [h, , s] = jws.split('.')
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'x' })).toString('base64url')}.${s}`
    assert.equal(verifyJwsSignature(forged, alg, publicKey), false)
  })
}

const rsaJws = await signJws('RS256', pairs.RS256.privateKey, { alg: 'RS256' }, payload)
const cases = [
  ['another key', rsaJws, 'RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
  ['an EC key for an RS256 signature', rsaJws, 'RS256', pairs.ES256.publicKey],
  ['two segments only', rsaJws.split('.').slice(0, 2).join('.'), 'RS256', pairs.RS256.publicKey],
  [
    'an empty signature',
    `${rsaJws.split('.').slice(0, 2).join('.')}.`,
    'RS256',
    pairs.RS256.publicKey,
  ],
  ['a signature over other bytes', `${rsaJws}x`, 'RS256', pairs.RS256.publicKey],
] as const

for (const [name, jws, alg, key] of cases) {
  test(`row 23: verifyJwsSignature refuses ${name} without throwing`, () => {
    assert.equal(verifyJwsSignature(jws, alg, key), false)
  })
}
