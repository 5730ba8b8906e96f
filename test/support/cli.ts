import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

/** The built `wifkit` bin, exactly what `npx wifkit` runs after the install step (IF-2). */
export const WIFKIT_BIN = fileURLToPath(new URL('../../bin/wifkit.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs one `wifkit` command to completion. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WIFKIT_BIN, ...args], {
      env: { ...process.env, ...env },
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

export interface DevFacts {
  issuer: string
  publicUrl: string
  adminUrl: string
  adminToken: string
  caFile: string
  dataDir: string
  pid: number
  demo: { namespace: string; serviceAccount: string; audience: string }
}

/** A `wifkit dev` child process and the dev.json it wrote. */
export interface DevProcess {
  child: ChildProcess
  dev: DevFacts
  output: () => string
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts `wifkit dev --port 0 --data-dir DIR` as a user would and waits for a dev.json written by
 * this very process (its pid), which `dev` writes only once every listener accepts (IF-12).
 */
export async function startDevProcess(
  dataDir: string,
  extraArgs: readonly string[] = [],
): Promise<DevProcess> {
  const child = spawn(
    process.execPath,
    [WIFKIT_BIN, 'dev', '--port', '0', '--data-dir', dataDir, ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wifkit dev exited ${child.exitCode}: ${output}`)
    try {
      const dev = JSON.parse(await readFile(join(dataDir, 'dev.json'), 'utf8')) as DevFacts
      if (dev.pid === child.pid) {
        return {
          child,
          dev,
          output: () => output,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal)
            return exited
          },
        }
      }
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`wifkit dev did not become ready: ${output}`)
    }
    await delay(100)
  }
}
