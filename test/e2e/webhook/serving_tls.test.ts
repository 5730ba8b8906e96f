// The webhook applies the shared TLS policy on every certificate (re)load (issue #9 item 3), so a
// reload can never fall back to Node's default cipher list.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls'
import pino from 'pino'
import { createServingCertificates } from '../../../src/webhook/serving_ca.js'
import { serveRotatingCertificate } from '../../../src/webhook/serving_tls.js'

let dir: string
let server: Server
let stop: () => void
let port: number
const files = () => ({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') })

async function writePair(): Promise<string> {
  const pair = await createServingCertificates(['127.0.0.1'])
  await writeFile(files().keyFile, pair.keyPem)
  await writeFile(files().certFile, pair.certPem)
  return pair.certPem
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-webhook-tls-'))
  await writePair()
  server = createServer((socket) => socket.end())
  stop = serveRotatingCertificate(server, files(), 'TLSv1.2', pino({ level: 'silent' }), 50)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})

after(async () => {
  stop()
  await new Promise((resolve) => server.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

/** `TLSv1.x cipher` with the served certificate's PEM fingerprint, or the client's error code. */
function handshake(options: ConnectionOptions): Promise<{ outcome: string; cert?: string }> {
  return new Promise((resolve) => {
    const socket = connect(
      { host: '127.0.0.1', port, rejectUnauthorized: false, ...options },
      () => {
        const cert = socket.getPeerX509Certificate()?.toString()
        resolve({ outcome: `${socket.getProtocol()} ${socket.getCipher().name}`, cert })
        socket.end()
      },
    )
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? '' }))
  })
}

const weakOnly: ConnectionOptions = { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' }

test('#9 item 3: with --min-tls 1.2 the webhook speaks TLS 1.2 only with an AEAD suite', async () => {
  assert.match(
    (await handshake({ maxVersion: 'TLSv1.2' })).outcome,
    /^TLSv1\.2 ECDHE-ECDSA-AES\d+-GCM/,
  )
  assert.equal((await handshake(weakOnly)).outcome, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
})

test('#9 item 3: after a certificate reload a CBC-only client is still refused', async () => {
  const next = await writePair()
  const deadline = Date.now() + 20_000
  while ((await handshake({})).cert?.trim() !== next.trim()) {
    assert.ok(Date.now() < deadline, 'the new certificate was never served')
    await delay(50)
  }
  assert.equal((await handshake(weakOnly)).outcome, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
})
