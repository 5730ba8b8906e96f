import { readFileSync } from 'node:fs'

/** A process's resident memory now and at its peak, in MiB. */
export interface Memory {
  rssMiB: number
  peakRssMiB: number
}

/**
 * VmRSS and VmHWM (the high-water mark of VmRSS) from /proc/<pid>/status (proc(5)), which the
 * kernel gives in kB. Only the process itself: a PostgreSQL node's database backends are not in it.
 */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1])
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 }
}
