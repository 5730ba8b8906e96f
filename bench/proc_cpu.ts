import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
}

const TICKS = clockTicksPerSecond()

/**
 * User plus system CPU seconds that process `pid` has used so far, all of its threads included,
 * from /proc/<pid>/stat (proc(5): fields 14 and 15, in clock ticks). The server runs in its own
 * process, so this is its work alone, whatever else the shared machine is running.
 */
export function cpuSecondsOf(pid: number): number {
  return ticksIn(`/proc/${pid}/stat`) / TICKS
}

/** The same for the process's main thread alone (/proc/<pid>/task/<pid>/stat). */
export function mainThreadCpuSecondsOf(pid: number): number {
  return ticksIn(`/proc/${pid}/task/${pid}/stat`) / TICKS
}

function ticksIn(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8')
  // The command name (field 2) may hold spaces and parentheses: fields after it start at ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/**
 * Busy seconds of one core so far, whoever ran on it: user, nice, system, irq, softirq and steal
 * from its line in /proc/stat (proc(5)). Less the server's own time, this is what other tenants
 * of the shared machine took from the server's core.
 */
export function coreBusySecondsOf(core: number): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `))
  if (line === undefined) return 0
  const f = line.split(/\s+/).slice(1).map(Number)
  return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) / TICKS
}
