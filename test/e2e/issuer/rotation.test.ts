import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as jose from 'jose'
import pino from 'pino'
import { validateConfig } from '../../../src/config/index.js'
import { ensureLocalTls } from '../../../src/dev/index.js'
import { createServer, type WifkitServer } from '../../../src/index.js'
import { ManualClock } from '../../../src/util/index.js'
import { trustingFetch } from '../../support/https.js'

const PRE_PUBLISH = 86400
const MAX_LIFETIME = 86400
const SKEW = 300

let dir: string
let clock: ManualClock
let server: WifkitServer
let base: string
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>

async function start(): Promise<void> {
  const tls = await ensureLocalTls(dir, ['localhost'])
  const config = validateConfig(
    {
      storage: `sqlite:${join(dir, 'db.sqlite')}`,
      public: {
        listen: '127.0.0.1:0',
        url: 'https://localhost:8443',
        tls: { cert: tls.certFile, key: tls.keyFile },
      },
      admin: { listen: '127.0.0.1:0', tls: { cert: tls.certFile, key: tls.keyFile } },
      keys: { kekFile: join(dir, 'kek'), prePublishSeconds: PRE_PUBLISH },
      issuers: { maxTokenExpirationSeconds: MAX_LIFETIME },
    },
    {},
    dir,
  )
  server = await createServer({
    config,
    clock,
    createKek: true,
    logger: pino({ level: 'silent' }),
    extraCa: tls.caPem,
  })
  const { publicPort } = await server.listen()
  base = `https://localhost:${publicPort}/issuers/rot`
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-rotation-'))
  clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'))
  await start()
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(join(dir, 'ca.pem')))
  await server.issuers.create({ name: 'rot' })
})

after(async () => {
  await closeFetch()
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

async function servedKids(): Promise<string[]> {
  const jwks = (await (await httpsFetch(`${base}/openid/v1/jwks`)).json()) as {
    keys: Array<{ kid: string }>
  }
  return jwks.keys.map((k) => k.kid)
}

async function mintKid(): Promise<{ token: string; kid: string }> {
  const issuer = await server.issuers.get('rot')
  const minted = await server.issuers.mint(issuer, { namespace: 'pay', serviceAccount: 'api' })
  return { token: minted.token, kid: minted.kid }
}

/** Verifies the signature against the JWKS served now, at the token's own issue time (ISS-95). */
async function verifiesNow(token: string): Promise<boolean> {
  const keys = jose.createLocalJWKSet(
    (await (await httpsFetch(`${base}/openid/v1/jwks`)).json()) as jose.JSONWebKeySet,
  )
  const iat = jose.decodeJwt(token).iat as number
  try {
    await jose.jwtVerify(token, keys, { currentDate: new Date(iat * 1000) })
    return true
  } catch {
    return false
  }
}

const advance = (seconds: number) => clock.advanceSeconds(seconds)

test('ISS-91, ISS-92, ISS-95: publish before sign, retire after the longest token, every token resolvable', async () => {
  const first = await mintKid()
  assert.deepEqual(await servedKids(), [first.kid])
  await server.issuers.rotate(await server.issuers.get('rot'), false)
  const kids = await servedKids()
  assert.equal(kids.length, 2, 'the JWKS holds both keys right after rotate')
  assert.equal(kids[0], first.kid, 'ISS-63: the active key comes first')
  const pendingKid = kids[1] as string
  assert.equal((await mintKid()).kid, first.kid, 'the pending key does not sign yet')
  assert.ok(await verifiesNow(first.token))

  advance(PRE_PUBLISH - 1)
  const lastOld = await mintKid()
  assert.equal(
    lastOld.kid,
    first.kid,
    'one second before the publish delay the old key still signs',
  )
  advance(1)
  const newer = await mintKid()
  assert.equal(newer.kid, pendingKid, 'after the publish delay the new key signs')
  assert.deepEqual(await servedKids(), [pendingKid, first.kid])
  assert.ok(await verifiesNow(lastOld.token))
  assert.ok(await verifiesNow(newer.token))

  advance(MAX_LIFETIME + SKEW - 1)
  assert.deepEqual(
    await servedKids(),
    [pendingKid, first.kid],
    'the retired key stays for max lifetime + skew',
  )
  assert.ok(await verifiesNow(lastOld.token))
  advance(1)
  assert.deepEqual(await servedKids(), [pendingKid], 'then it leaves the JWKS')
  assert.deepEqual(await server.maintain(), [`issuer rot: retired key ${first.kid} removed`])
})

test('ISS-94: a second rotate while a key is pending is refused; emergency rotation swaps at once', async () => {
  const issuer = await server.issuers.get('rot')
  await server.issuers.rotate(issuer, false)
  await assert.rejects(server.issuers.rotate(issuer, false), /already pending/)
  const active = (await mintKid()).kid
  await server.issuers.rotate(issuer, true)
  const now = await mintKid()
  assert.notEqual(now.kid, active)
  assert.ok(!(await servedKids()).includes(active), 'the compromised key left the JWKS at once')
})

test('ISS-96: after a restart the same key is active and the JWKS is unchanged', async () => {
  const kidsBefore = await servedKids()
  const signerBefore = (await mintKid()).kid
  await server.close()
  await start()
  assert.deepEqual(await servedKids(), kidsBefore)
  assert.equal((await mintKid()).kid, signerBefore)
})

test('ISS-84: the pending key of a static issuer waits for a successful publish --verify', async () => {
  const { issuer } = await server.issuers.create({ name: 'static', publication: 'static' })
  const firstKid = (await server.issuers.mint(issuer, { namespace: 'a', serviceAccount: 'b' })).kid
  await server.issuers.rotate(issuer, false)
  advance(PRE_PUBLISH * 3)
  assert.equal(
    (await server.issuers.mint(issuer, { namespace: 'a', serviceAccount: 'b' })).kid,
    firstKid,
  )
  const description = await server.issuers.describe(issuer)
  const pending = description.keys.find((k) => k.state === 'pending')
  assert.equal(pending?.activatesAt, null)
  await server.issuers.recordVerification(issuer, [pending?.kid as string])
  advance(PRE_PUBLISH - 1)
  assert.equal(
    (await server.issuers.mint(issuer, { namespace: 'a', serviceAccount: 'b' })).kid,
    firstKid,
  )
  advance(1)
  assert.equal(
    (await server.issuers.mint(issuer, { namespace: 'a', serviceAccount: 'b' })).kid,
    pending?.kid,
  )
})

test('ISS-93: scheduled rotation adds a pending key once the newest key is 90 days old', async () => {
  const issuer = await server.issuers.get('rot')
  const pendingBefore = (await server.issuers.describe(issuer)).keys.filter(
    (k) => k.state === 'pending',
  )
  assert.deepEqual(pendingBefore, [])
  advance(90 * 86400)
  const events = await server.maintain()
  assert.ok(
    events.includes('issuer rot: scheduled rotation added a pending key'),
    events.join('\n'),
  )
  const pending = (await server.issuers.describe(issuer)).keys.filter((k) => k.state === 'pending')
  assert.equal(pending.length, 1)
  assert.deepEqual(await server.maintain(), [], 'a second pass changes nothing')
})

test('STS-23: the STS keys rotate on the same schedule: pending first, signing after the delay', async () => {
  const { STS_KEY_OWNER } = await import('../../../src/sts/index.js')
  const policy = server.tokens.policy
  // The previous test's 90 days already added a pending STS key; let it activate first.
  advance(PRE_PUBLISH)
  const before = await server.keys.schedule(STS_KEY_OWNER, policy)
  assert.equal(before.pending.length, 0)
  const signing = before.active?.kid
  advance(91 * 86400)
  assert.ok((await server.maintain()).includes('sts: scheduled rotation added a pending key'))
  const after = await server.keys.schedule(STS_KEY_OWNER, policy)
  assert.equal(after.active?.kid, signing, 'the pending STS key does not sign yet')
  assert.equal(after.published.length, 2, 'both STS keys are published')
  advance(PRE_PUBLISH)
  assert.notEqual((await server.keys.schedule(STS_KEY_OWNER, policy)).active?.kid, signing)
})
