// The ceiling's parts, measured in a process of their own on the server core: a bare Fastify
// POST route (default options, no hooks) that reads a form and answers a fixed body the size of
// a wifkit token response, and node:crypto RS256 signing and verifying on command.
import { createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey } from 'node:crypto'
import Fastify from 'fastify'
import { serveChannel } from './child_channel.js'

export interface CeilingArgs {
  /** The bare route's answer, byte for byte a real token response. */
  responseBody: string
}

export interface CeilingInfo {
  port: number
}

/** One crypto measurement: `operations` done in `cpuSeconds` of this process's CPU time. */
export interface CryptoRate {
  operations: number
  cpuSeconds: number
  seconds: number
}

export interface CryptoArgs {
  seconds: number
  /** A signing input the size of a real access token's. */
  signingInputBytes: number
  /** A real assertion and its issuer's public JWK, to verify. */
  assertion: string
  publicJwk: JsonWebKey
}

const args = JSON.parse(process.argv[2] ?? '{}') as CeilingArgs
const app = Fastify()
app.addContentTypeParser(
  'application/x-www-form-urlencoded',
  { parseAs: 'string' },
  (_request, body, done) => done(null, body),
)
const body = Buffer.from(args.responseBody)
app.post('/:tenant/oauth2/v2.0/token', (_request, reply) =>
  reply.type('application/json; charset=utf-8').send(body),
)
const origin = await app.listen({ host: '127.0.0.1', port: 0 })

/** Repeats `operation` synchronously for `seconds`, timing it by this process's CPU clock. */
function repeat(seconds: number, operation: () => void): CryptoRate {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const deadline = start + seconds * 1000
  let operations = 0
  while (performance.now() < deadline) {
    operations += 1
    operation()
  }
  const used = process.cpuUsage(cpu)
  return {
    operations,
    cpuSeconds: (used.user + used.system) / 1e6,
    seconds: (performance.now() - start) / 1000,
  }
}

async function cryptoRates(a: CryptoArgs): Promise<{ sign: CryptoRate; verify: CryptoRate }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const input = Buffer.alloc(a.signingInputBytes, 'a')
  const dot = a.assertion.lastIndexOf('.')
  const signed = Buffer.from(a.assertion.slice(0, dot))
  const signature = Buffer.from(a.assertion.slice(dot + 1), 'base64url')
  const publicKey = createPublicKey({ key: a.publicJwk, format: 'jwk' })
  if (!verify('sha256', signed, publicKey, signature)) throw new Error('assertion does not verify')
  return {
    sign: repeat(a.seconds / 2, () => sign('sha256', input, privateKey).toString('base64url')),
    verify: repeat(a.seconds / 2, () => verify('sha256', signed, publicKey, signature)),
  }
}

const info: CeilingInfo = { port: Number(new URL(origin).port) }
serveChannel(info, () => app.close(), {
  crypto: (a: CryptoArgs) => cryptoRates(a),
})
