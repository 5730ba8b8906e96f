// docs/tutorial.md, executed: `wifkit dev`, a sample pod mutated by `wifkit webhook mutate`, its
// projected token written by `wifkit kubelet --once`, then the two example apps of
// examples/read-secret/ reading the dev vault's secret with nothing but the environment.
//
// Two deliberate differences from the tutorial, both about sharing the machine: `wifkit dev` runs
// on a free port with a temporary data dir instead of 8443 and ./.wifkit-dev, so the CLI steps pass
// `--data-dir` and the pod's VAULT_URL gets the real port. Everything else is the tutorial's
// command lines; steps 4 and 5 run in `sh` exactly as printed, with a clean environment.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import * as jose from 'jose'
import { parse } from 'yaml'
import { runCli, startDevProcess, type DevProcess } from '../../support/cli.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const EXAMPLES = join(REPO, 'examples/read-secret')
/** What `wifkit dev` seeds as secret `hello` of vault `demo` (IF-11). */
const SECRET_VALUE = 'Hello from the wifkit dev vault!'
/** AZURE_FEDERATED_TOKEN_FILE as the webhook injects it (layout v1.6, WL-35). */
const TOKEN_FILE = '/var/run/secrets/azure/wi/token/azure-identity-token'

interface DevJson {
  tenantId: string
  authorityHost: string
  vaultUrl: string
  caFile: string
  issuer: string
  demo: { clientId: string; secretName: string; audience: string }
}
interface Container {
  name: string
  env?: Array<{ name: string; value?: string }>
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>
}
interface MutatedPod {
  spec: {
    containers: Container[]
    volumes?: Array<{ name: string; projected?: { sources: unknown[] } }>
  }
}

let work: string
let devDir: string
let devProcess: DevProcess
let dev: DevJson

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'wifkit-tutorial-'))
  devDir = join(work, 'dev')
  devProcess = await startDevProcess(devDir)
  dev = JSON.parse(await readFile(join(devDir, 'dev.json'), 'utf8')) as DevJson
})

after(async () => {
  await devProcess?.stop()
  await rm(work, { recursive: true, force: true })
})

/**
 * Runs shell lines of the tutorial from the repository root with a clean environment: no AZURE_*
 * variable, proxy or NODE_OPTIONS of the test runner leaks in; `node` is this very Node.
 */
function sh(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      cwd: REPO,
      env: {
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? work,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const POD_ENV =
  'node examples/read-secret/pod-env.mjs --pod "$WORK/mutated.yaml" --root "$WORK/podroot"'
const runApp = (app: string) => `eval "$(${POD_ENV})"
node --import wifkit/localhost examples/read-secret/${app}`

test('tutorial steps 2–3: the webhook wires the sample pod and the kubelet writes its token', async () => {
  // Step 2: the ServiceAccount gets the demo app's client id (the tutorial's sed line) …
  const sa = await readFile(join(EXAMPLES, 'serviceaccount.yaml'), 'utf8')
  assert.ok(sa.includes('DEMO_CLIENT_ID'))
  await writeFile(
    join(work, 'serviceaccount.yaml'),
    sa.replaceAll('DEMO_CLIENT_ID', dev.demo.clientId),
  )
  // … the pod names the vault on the port this dev server got instead of 8443 …
  const pod = await readFile(join(EXAMPLES, 'pod.yaml'), 'utf8')
  assert.ok(pod.includes('https://demo.vault.localhost:8443'))
  const podFile = join(work, 'pod.yaml')
  await writeFile(podFile, pod.replace('https://demo.vault.localhost:8443', dev.vaultUrl))

  // … and `wifkit webhook mutate` prints the mutated pod.
  const mutate = await runCli([
    'webhook',
    'mutate',
    '--pod',
    podFile,
    '--service-account',
    join(work, 'serviceaccount.yaml'),
    '--tenant-id',
    dev.tenantId,
    '--authority-host',
    dev.authorityHost,
    '--inject-token-credentials',
  ])
  assert.equal(mutate.code, 0, mutate.stderr)
  assert.match(mutate.stderr, /^container app: injected AZURE_CLIENT_ID$/m)
  await writeFile(join(work, 'mutated.yaml'), mutate.stdout)

  const mutated = parse(mutate.stdout) as MutatedPod
  const [app] = mutated.spec.containers
  assert.ok(app)
  assert.deepEqual(
    (app.env ?? []).map((e) => [e.name, e.value]),
    [
      ['VAULT_URL', dev.vaultUrl],
      ['SECRET_NAME', 'hello'],
      ['AZURE_CLIENT_ID', dev.demo.clientId],
      ['AZURE_TENANT_ID', dev.tenantId],
      ['AZURE_FEDERATED_TOKEN_FILE', TOKEN_FILE],
      ['AZURE_AUTHORITY_HOST', dev.authorityHost],
      ['AZURE_TOKEN_CREDENTIALS', 'ManagedIdentityCredential'],
    ],
  )
  const [mount] = app.volumeMounts ?? []
  assert.equal(mount?.mountPath, '/var/run/secrets/azure/wi')
  assert.equal(mount?.readOnly, true)
  const volume = mutated.spec.volumes?.find((v) => v.name === mount?.name)
  assert.deepEqual(volume?.projected?.sources, [
    {
      serviceAccountToken: {
        path: 'token/azure-identity-token',
        expirationSeconds: 3600,
        audience: 'api://AzureADTokenExchange',
      },
    },
  ])

  // Step 3: the kubelet stand-in writes the projected token at the same path under --root.
  const podRoot = join(work, 'podroot')
  const kubelet = await runCli([
    'kubelet',
    '--pod',
    join(work, 'mutated.yaml'),
    '--root',
    podRoot,
    '--once',
    '--data-dir',
    devDir,
  ])
  assert.equal(kubelet.code, 0, kubelet.stderr)
  const tokenFile = join(podRoot, TOKEN_FILE)
  assert.match(kubelet.stdout, new RegExp(`^wrote ${tokenFile}; expires \\S+Z$`, 'm'))
  const claims = jose.decodeJwt(await readFile(tokenFile, 'utf8'))
  assert.equal(claims.iss, dev.issuer)
  assert.equal(claims.sub, 'system:serviceaccount:default:demo')
  assert.deepEqual(claims.aud, [dev.demo.audience])
  assert.equal((await stat(tokenFile)).mode & 0o777, 0o644)

  // Step 4, first half: the container's environment, the token path moved under the root.
  const env = await sh(POD_ENV, { WORK: work })
  assert.equal(env.code, 0, env.stderr)
  assert.equal(
    env.stdout,
    [
      `export VAULT_URL='${dev.vaultUrl}'`,
      `export SECRET_NAME='hello'`,
      `export AZURE_CLIENT_ID='${dev.demo.clientId}'`,
      `export AZURE_TENANT_ID='${dev.tenantId}'`,
      `export AZURE_FEDERATED_TOKEN_FILE='${tokenFile}'`,
      `export AZURE_AUTHORITY_HOST='${dev.authorityHost}'`,
      `export AZURE_TOKEN_CREDENTIALS='ManagedIdentityCredential'`,
      '',
    ].join('\n'),
  )
})

// Steps 4 and 5 run on the files the test above wrote to WORK (tests in a file run in order).
for (const [step, app] of [
  ['4: the unmodified @azure/identity app', 'azure-identity.mjs'],
  ['5: the same app with the wifkit SDK credential', 'wifkit-sdk.mjs'],
] as const) {
  test(`tutorial step ${step} prints the secret`, async () => {
    const result = await sh(runApp(app), { WORK: work, NODE_EXTRA_CA_CERTS: dev.caFile })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `${SECRET_VALUE}\n`)
    assert.equal(result.stderr, '')
  })
}

test('docs/tutorial.md shows the steps this test runs', async () => {
  const page = await readFile(join(REPO, 'docs/tutorial.md'), 'utf8')
  for (const line of [
    'npm ci && npm run build && npx wifkit dev',
    'sed "s/DEMO_CLIENT_ID/$CLIENT_ID/" examples/read-secret/serviceaccount.yaml',
    'npx wifkit webhook mutate --pod examples/read-secret/pod.yaml',
    '--tenant-id "$TENANT_ID" --authority-host "$AUTHORITY_HOST"',
    '--inject-token-credentials > "$WORK/mutated.yaml"',
    'npx wifkit kubelet --pod "$WORK/mutated.yaml" --root "$WORK/podroot" --once',
    TOKEN_FILE,
    POD_ENV,
    'export NODE_EXTRA_CA_CERTS="$PWD/.wifkit-dev/ca.pem"',
    runApp('azure-identity.mjs').split('\n')[1] as string,
    runApp('wifkit-sdk.mjs').split('\n')[1] as string,
    `eval "$(${POD_ENV})"`,
    SECRET_VALUE,
  ]) {
    assert.ok(page.includes(line), `docs/tutorial.md lacks: ${line}`)
  }
})
