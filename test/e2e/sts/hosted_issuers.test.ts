// IF-21: the STS trusts the issuers this deployment serves without fetching their documents, so
// emergency rotations verify at once and a node need not reach its own public URL.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { IssuerRecord, TenantRecord } from '../../../src/store/index.js'
import { assertEntraError, assertTokenSuccess } from '../../support/entra_response.js'
import { clientCredentialsForm, DEFAULT_AUDIENCE, StsHarness } from '../../support/sts_harness.js'

const RESOURCE = 'api://inventory'
const SUBJECT = 'system:serviceaccount:shop:cart'

let h: StsHarness
let tenant: TenantRecord

before(async () => {
  h = await StsHarness.start()
  tenant = await h.addTenant()
  await h.addApp(tenant.id, { identifierUris: [RESOURCE] })
})

after(async () => {
  await h.close()
})

const fetches = async () =>
  (await h.metric('wifkit_issuer_metadata_total', { kind: 'discovery', outcome: 'fetched' })) +
  (await h.metric('wifkit_issuer_metadata_total', { kind: 'jwks', outcome: 'fetched' })) +
  (await h.metric('wifkit_issuer_metadata_total', { kind: 'jwks', outcome: 'refetch-kid' }))

async function exchangeWith(issuer: IssuerRecord, appId: string) {
  const minted = await h.server.issuers.mint(issuer, {
    namespace: 'shop',
    serviceAccount: 'cart',
    audiences: [DEFAULT_AUDIENCE],
  })
  const response = await h.post(tenant.id, clientCredentialsForm(appId, RESOURCE, minted.token))
  return { kid: minted.kid, response }
}

test('IF-21: a served issuer verifies from storage, with no discovery or JWKS fetch', async () => {
  const { issuer } = await h.server.issuers.create({ name: 'served' })
  const client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  const before = await fetches()
  const { response } = await exchangeWith(issuer, client.appId)
  await assertTokenSuccess(h, response, tenant.id)
  assert.equal(await fetches(), before)
})

test('IF-21, ISS-94: keys of two emergency rotations in a row verify at once', async () => {
  const { issuer } = await h.server.issuers.create({ name: 'rotating' })
  const client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  const kids = new Set<string>()
  for (let round = 0; round < 3; round++) {
    if (round > 0) await h.server.issuers.rotate(issuer, true)
    const { kid, response } = await exchangeWith(issuer, client.appId)
    await assertTokenSuccess(h, response, tenant.id)
    kids.add(kid)
  }
  assert.equal(kids.size, 3, 'each round signs with a new key')
})

test('IF-21: a kid the served issuer does not publish is AADSTS7000272 (row 22), not a fetch', async () => {
  const { issuer } = await h.server.issuers.create({ name: 'strict' })
  const other = (await h.server.issuers.create({ name: 'other' })).issuer
  const client = await h.addApp(tenant.id)
  await h.addFic(client, { issuer: issuer.url, subject: SUBJECT })
  const mint = (from: IssuerRecord) =>
    h.server.issuers.mint(from, {
      namespace: 'shop',
      serviceAccount: 'cart',
      audiences: [DEFAULT_AUDIENCE],
    })
  // The right issuer's claims under another issuer's header and signature: a kid it never had.
  const [, payload] = (await mint(issuer)).token.split('.')
  const [header, , signature] = (await mint(other)).token.split('.')
  const before = await fetches()
  const response = await h.post(
    tenant.id,
    clientCredentialsForm(client.appId, RESOURCE, `${header}.${payload}.${signature}`),
  )
  assertEntraError(response, { status: 401, error: 'invalid_client', code: 7000272 })
  assert.equal(await fetches(), before)
})
