import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

/** What a result depends on besides the code: recorded with every run (STYLE.md §2.13). */
export interface Machine {
  os: string
  cpu: string
  cpus: number
  memoryGiB: number
  node: string
  packages: Record<string, string>
  commit: string
  loadAverage: string
}

const root = new URL('../', import.meta.url)

function installedVersion(name: string): string {
  const manifest = new URL(`node_modules/${name}/package.json`, root)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString()
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root }).length > 0
    return `${sha.trim()}${dirty ? ' (with uncommitted changes)' : ''}`
  } catch {
    return 'unknown'
  }
}

/** One-minute, five-minute and fifteen-minute load averages: how busy the shared machine was. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')
}

/** Describes this machine and the versions that shape the numbers. */
export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    packages: Object.fromEntries(
      ['fastify', 'jose', 'undici', 'better-sqlite3', 'oidc-provider'].map((name) => [
        name,
        installedVersion(name),
      ]),
    ),
    commit: commit(),
    loadAverage: loadAverage(),
  }
}
