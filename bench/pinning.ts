import { execFileSync } from 'node:child_process'
import os from 'node:os'

/** Which cores the servers and the load generator run on, as `taskset -c` lists. */
export interface Pinning {
  server: string
  load: string
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * The servers on the last core and everything else on the others, when the machine has two
 * cores or more and `taskset` (util-linux) is installed; otherwise no pinning.
 */
export function choosePinning(): Pinning | undefined {
  const cpus = os.cpus().length
  if (cpus < 2 || !hasTaskset()) return undefined
  return { server: String(cpus - 1), load: cpus === 2 ? '0' : `0-${cpus - 2}` }
}

/** Pins every thread of `pid` (`-a`); threads it starts later inherit the mask. */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' })
}
