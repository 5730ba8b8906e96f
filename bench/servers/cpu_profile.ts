import { Session } from 'node:inspector/promises'

/** One line of a profile summary: a function and its share of the busy samples. */
export interface HotFunction {
  name: string
  where: string
  selfPercent: number
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

/** Where a frame's code lives, shortened: `fastify/lib/route.js:12`, `src/sts/routes.ts:40`. */
function place(url: string, line: number): string {
  if (url === '') return ''
  const path = url.replace(/^file:\/\//, '')
  const modules = path.lastIndexOf('node_modules/')
  const src = path.lastIndexOf('/src/')
  const short =
    modules >= 0
      ? path.slice(modules + 'node_modules/'.length)
      : src >= 0
        ? path.slice(src + 1)
        : path
  return `${short}:${line + 1}`
}

/**
 * The V8 sampling profiler of this process's main thread, through the inspector. Work that
 * node:crypto sends to libuv's thread pool (asynchronous signing) is on other threads and does
 * not show here; the main thread is then idle, and idle samples are left out of the shares.
 */
export class CpuProfile {
  readonly #session = new Session()

  async start(): Promise<void> {
    this.#session.connect()
    await this.#session.post('Profiler.enable')
    await this.#session.post('Profiler.setSamplingInterval', { interval: 200 })
    await this.#session.post('Profiler.start')
  }

  /** Stops and returns the `top` functions by self time. */
  async stop(top: number): Promise<{ busyPercent: number; functions: HotFunction[] }> {
    const { profile } = await this.#session.post('Profiler.stop')
    this.#session.disconnect()
    const totals = new Map<string, HotFunction & { hits: number }>()
    let busy = 0
    let all = 0
    const nodes = profile.nodes as ProfileNode[]
    const parents = new Map<number, ProfileNode>()
    for (const node of nodes) for (const child of node.children ?? []) parents.set(child, node)
    for (const node of nodes) {
      const hits = node.hitCount ?? 0
      all += hits
      const { functionName, url, lineNumber } = node.callFrame
      if (functionName === '(idle)') continue
      busy += hits
      const name = functionName === '' ? '(anonymous)' : functionName
      // A native function (`run` of a crypto job or of a SQLite statement) says nothing alone:
      // name its JavaScript caller instead of a place.
      const caller = parents.get(node.id)?.callFrame
      const where =
        url === '' && caller && !name.startsWith('(')
          ? `from ${caller.functionName || '(anonymous)'} ${place(caller.url, caller.lineNumber)}`
          : place(url, lineNumber)
      const key = `${name} ${where}`
      const entry = totals.get(key) ?? { name, where, selfPercent: 0, hits: 0 }
      entry.hits += hits
      totals.set(key, entry)
    }
    const functions = [...totals.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, top)
      .map(({ name, where, hits }) => ({ name, where, selfPercent: (100 * hits) / busy }))
    return { busyPercent: (100 * busy) / all, functions }
  }
}
