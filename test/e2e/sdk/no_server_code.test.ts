// IF-70: wifkit/sdk loads without any server code or server dependency. A child process imports a
// module with a resolve hook that writes down every URL it resolves, so the test sees exactly what
// was loaded rather than what the source appears to import.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const REPO = fileURLToPath(new URL('../../../', import.meta.url))

const HOOKS = `
import { appendFileSync } from 'node:fs'
let log
export function initialize(data) { log = data.log }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(log, result.url + '\\n')
  return result
}`

let dir: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wifkit-sdk-load-'))
})

after(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The URLs resolved while a fresh Node process (with tsx) imports `file` of the repo. */
async function resolvedBy(file: string, log: string): Promise<string[]> {
  const hooks = `data:text/javascript,${encodeURIComponent(HOOKS)}`
  const target = pathToFileURL(join(REPO, file)).href
  // Registered after tsx, so this hook runs first and sees what tsx resolves .js imports to.
  const script = [
    `import { register } from 'node:module'`,
    `register(${JSON.stringify(hooks)}, { data: { log: ${JSON.stringify(log)} } })`,
    `await import(${JSON.stringify(target)})`,
  ].join('\n')
  await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
  })
  return (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '')
}

test('IF-70: importing src/sdk/index.ts loads only node: builtins and src/sdk itself', async () => {
  const urls = await resolvedBy('src/sdk/index.ts', join(dir, 'sdk.log'))
  const sdk = pathToFileURL(join(REPO, 'src/sdk/')).href
  assert.ok(
    urls.some((url) => url === `${sdk}index.ts`),
    'the probe saw the SDK load',
  )
  const foreign = urls.filter((url) => !url.startsWith('node:') && !url.startsWith(sdk))
  assert.deepEqual(foreign, [])
})

test('IF-70: the same probe sees Fastify when a server module is imported', async () => {
  // Proves the probe can fail: a module that does pull in a server dependency is caught.
  const urls = await resolvedBy('src/http/index.ts', join(dir, 'http.log'))
  assert.ok(
    urls.some((url) => url.includes('/node_modules/fastify/')),
    urls.join('\n'),
  )
})
