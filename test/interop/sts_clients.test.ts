import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import * as jose from 'jose'
import * as oidc from 'openid-client'
import { runCli, startDevProcess, type DevProcess } from '../support/cli.js'
import { trustingFetch } from '../support/https.js'

const CLIENT_SCRIPT = fileURLToPath(new URL('./clients/get_token.ts', import.meta.url))

let root: string
let devProcess: DevProcess
let httpsFetch: typeof fetch
let closeFetch: () => Promise<void>

interface DevWithSts {
  authorityHost: string
  tenantId: string
  vaultResource: string
  demo: { clientId: string; tokenFile: string }
}
const dev = () => devProcess.dev as unknown as DevProcess['dev'] & DevWithSts

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wifkit-interop-'))
  devProcess = await startDevProcess(join(root, 'dev'))
  ;({ fetch: httpsFetch, close: closeFetch } = await trustingFetch(devProcess.dev.caFile))
  const minted = await runCli([
    'token',
    'mint',
    '--issuer',
    'dev',
    '--namespace',
    'default',
    '--service-account',
    'demo',
    '--out',
    dev().demo.tokenFile,
    '--data-dir',
    join(root, 'dev'),
  ])
  assert.equal(minted.code, 0, minted.stderr)
})

after(async () => {
  await closeFetch()
  await devProcess.stop()
  await rm(root, { recursive: true, force: true })
})

/** Runs one Microsoft client in a child process configured by environment variables only. */
function runClient(
  mode: string,
  extraEnv: Record<string, string> = {},
): Promise<{ accessToken?: string; error?: string; message?: string }> {
  const d = dev()
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLIENT_SCRIPT, mode, `${d.vaultResource}/.default`],
      {
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: d.caFile,
          AZURE_AUTHORITY_HOST: d.authorityHost,
          AZURE_TENANT_ID: d.tenantId,
          AZURE_CLIENT_ID: d.demo.clientId,
          AZURE_FEDERATED_TOKEN_FILE: d.demo.tokenFile,
          ...extraEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as { accessToken?: string })
      } catch {
        reject(new Error(`client printed no result: ${out} ${err}`))
      }
    })
  })
}

/** STS-130…STS-133 and sts.md §11: the token verifies against the tenant keys with its claims. */
async function assertAccessToken(accessToken: string | undefined, message: string): Promise<void> {
  assert.ok(accessToken, message)
  const d = dev()
  const issuer = `${d.authorityHost}/${d.tenantId}/v2.0`
  const jwks = jose.createRemoteJWKSet(
    new URL(`${d.authorityHost}/${d.tenantId}/discovery/v2.0/keys`),
    {
      [jose.customFetch]: httpsFetch,
    },
  )
  const { payload, protectedHeader } = await jose.jwtVerify(accessToken, jwks, {
    issuer,
    audience: d.vaultResource,
    algorithms: ['RS256'],
  })
  assert.deepEqual(Object.keys(protectedHeader), ['typ', 'alg', 'kid'])
  assert.equal(payload.tid, d.tenantId)
  assert.equal(payload.azp, d.demo.clientId)
  assert.equal(payload.idtyp, 'app')
  assert.equal(payload.ver, '2.0')
  assert.equal(payload.oid, payload.sub)
  assert.match(String(payload.uti), /^[A-Za-z0-9_-]{22}$/)
  assert.equal((payload.exp as number) - (payload.iat as number), 3600)
  for (const absent of ['scp', 'jti', 'roles']) assert.ok(!(absent in payload), `no ${absent}`)
}

test('CL-2: @azure/identity WorkloadIdentityCredential gets a token by configuration alone', async () => {
  const result = await runClient('workload')
  await assertAccessToken(result.accessToken, JSON.stringify(result))
})

test('CL-2: @azure/identity ClientAssertionCredential gets a token', async () => {
  const result = await runClient('assertion')
  await assertAccessToken(result.accessToken, JSON.stringify(result))
})

test('CL-4(d): DefaultAzureCredential from environment variables only, via AZURE_TOKEN_CREDENTIALS', async () => {
  const result = await runClient('default', {
    AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
  })
  await assertAccessToken(result.accessToken, JSON.stringify(result))
})

test('CL-3: @azure/msal-node with a client assertion and knownAuthorities gets a token', async () => {
  const result = await runClient('msal')
  await assertAccessToken(result.accessToken, JSON.stringify(result))
})

test('CL-40, STS-110: a refused exchange surfaces the AADSTS code and both ids in the client error', async () => {
  const result = await runClient('workload', {
    AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000000',
  })
  assert.equal(result.accessToken, undefined)
  assert.match(String(result.message), /AADSTS700016/)
  assert.match(String(result.message), /Correlation ID: [0-9a-f-]{36}/)
})

test('CL-70, STS-11: openid-client discovers the tenant issuer with an exact issuer match', async () => {
  const d = dev()
  const issuer = `${d.authorityHost}/${d.tenantId}/v2.0`
  const config = await oidc.discovery(new URL(issuer), d.demo.clientId, undefined, undefined, {
    [oidc.customFetch]: httpsFetch,
  })
  const metadata = config.serverMetadata()
  assert.equal(metadata.issuer, issuer)
  assert.equal(metadata.token_endpoint, `${d.authorityHost}/${d.tenantId}/oauth2/v2.0/token`)
  assert.equal(metadata.jwks_uri, `${d.authorityHost}/${d.tenantId}/discovery/v2.0/keys`)
})
