// The peer: oidc-provider (panva/node-oidc-provider) for `client_credentials` with
// `private_key_jwt` client authentication and JWT access tokens through resource indicators
// (RFC 8707), its documented way to issue them. Plain HTTP on loopback and its default in-memory
// adapter, which holds the client-assertion `jti` replay cache.
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JWK } from 'jose'
import Provider from 'oidc-provider'
import { serveChannel } from './child_channel.js'

/** What the bench passes: the client's public key and the resource the token is for. */
export interface PeerArgs {
  clientId: string
  clientJwk: JWK
  resource: string
}

export interface PeerInfo {
  port: number
  issuer: string
  tokenUrl: string
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs
const server = createServer()
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
const { port } = server.address() as AddressInfo
const issuer = `http://127.0.0.1:${port}`
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256' }

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: args.clientId,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks: { keys: [args.clientJwk] },
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomUUID()] },
  ttl: { ClientCredentials: 3600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => args.resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'bench',
        audience: args.resource,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
})
server.on('request', provider.callback())
const info: PeerInfo = { port, issuer, tokenUrl: `${issuer}/token` }
serveChannel(info, async () => {
  server.closeAllConnections()
  await new Promise<void>((done) => server.close(() => done()))
})
