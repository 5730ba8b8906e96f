// Everything the exchange rows run against: two external issuers (one warmed by the rounds, one
// left cold for the herd), wifkit, the peer and the ceiling's bare route, each server in its own
// process on the server core.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureLocalTls } from '../src/dev/index.js'
import { systemClock } from '../src/util/index.js'
import { ExternalIssuer } from '../test/support/external_issuer.js'
import {
  AUDIENCE,
  FORM_HEADERS,
  kubernetesAssertion,
  peerAssertion,
  peerClient,
  peerForm,
  SUBJECT,
  wifkitForm,
} from './assertions.js'
import { ServerProcess } from './server_process.js'
import type { CeilingArgs, CeilingInfo } from './servers/ceiling_server.js'
import type { PeerArgs, PeerInfo } from './servers/peer_server.js'
import type { WifkitArgs, WifkitInfo } from './servers/wifkit_server.js'

const RESOURCE = 'api://bench'
const PEER_RESOURCE = 'urn:bench:api'
const entry = (name: string) => new URL(`./servers/${name}.ts`, import.meta.url)

/** A token endpoint under load: where to post, and how to make the next distinct form. */
export interface Endpoint {
  server: ServerProcess<unknown>
  url: string
  /** A fresh form with a never-used assertion. */
  mint: () => Promise<string>
}

export interface ExchangeSetup {
  warm: ExternalIssuer
  cold: ExternalIssuer
  wifkit: Endpoint
  /** wifkit's client federated with the cold issuer. */
  coldWifkit: Endpoint
  peer: Endpoint
  ceiling: ServerProcess<CeilingInfo>
  bareUrl: string
  /** One form for wifkit, presented again and again. */
  repeatedForm: string
  /** A real token response of wifkit, for the bare route to answer with. */
  sampleResponse: string
  close(): Promise<void>
}

async function post(url: string, body: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`POST ${url}: ${response.status} ${text}`)
  return text
}

/** Starts the issuers and the three servers, and checks each answers a token request. */
export async function startExchangeSetup(serverCpus?: string): Promise<ExchangeSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-bench-tls-'))
  const tls = await ensureLocalTls(dir, ['localhost'])
  const warm = await ExternalIssuer.start(tls, systemClock)
  const cold = await ExternalIssuer.start(tls, systemClock)
  const client = peerClient()
  const wifkitArgs: WifkitArgs = {
    caPem: tls.caPem,
    issuers: { warm: warm.url, cold: cold.url },
    subject: SUBJECT,
    audience: AUDIENCE,
    resource: RESOURCE,
  }
  const peerArgs: PeerArgs = {
    clientId: client.clientId,
    clientJwk: client.publicJwk,
    resource: PEER_RESOURCE,
  }
  const [wifkitServer, peerServer] = await Promise.all([
    ServerProcess.start<WifkitInfo>(entry('wifkit_server'), wifkitArgs, serverCpus),
    ServerProcess.start<PeerInfo>(entry('peer_server'), peerArgs, serverCpus),
  ])
  const { port, tenantId, clients } = wifkitServer.info
  const tokenUrl = `http://127.0.0.1:${port}/${tenantId}/oauth2/v2.0/token`
  const federated = (clientId: string, issuer: ExternalIssuer): Endpoint => ({
    server: wifkitServer,
    url: tokenUrl,
    mint: async () => wifkitForm(clientId, RESOURCE, await kubernetesAssertion(issuer)),
  })
  const wifkit = federated(clients.warm!, warm)
  const peer: Endpoint = {
    server: peerServer,
    url: peerServer.info.tokenUrl,
    mint: async () =>
      peerForm(client.clientId, PEER_RESOURCE, await peerAssertion(client, peerServer.info.issuer)),
  }
  const repeatedForm = await wifkit.mint()
  const sampleResponse = await post(wifkit.url, repeatedForm)
  await post(peer.url, await peer.mint())
  const ceilingArgs: CeilingArgs = { responseBody: sampleResponse }
  const ceiling = await ServerProcess.start<CeilingInfo>(
    entry('ceiling_server'),
    ceilingArgs,
    serverCpus,
  )
  const bareUrl = `http://127.0.0.1:${ceiling.info.port}/${tenantId}/oauth2/v2.0/token`
  await post(bareUrl, repeatedForm)
  return {
    warm,
    cold,
    wifkit,
    coldWifkit: federated(clients.cold!, cold),
    peer,
    ceiling,
    bareUrl,
    repeatedForm,
    sampleResponse,
    async close() {
      await Promise.allSettled([wifkitServer.close(), peerServer.close(), ceiling.close()])
      await Promise.allSettled([warm.stop(), cold.stop()])
      await rm(dir, { recursive: true, force: true })
    },
  }
}
