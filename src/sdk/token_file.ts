// The reader's side of the token file contract (workload.md §5): open by path on every read,
// trim, and re-read when the modification time changes or the copy is 5 minutes old (WL-64).
import { open, stat } from 'node:fs/promises'
import { CredentialUnavailableError } from './errors.js'

/** WL-53: a copy this old is read again even if the modification time did not move. */
export const MAX_COPY_AGE_MS = 300_000

interface Copy {
  assertion: string
  mtimeMs: number
  readAtMs: number
}

function unreadable(path: string, problem: string, cause?: unknown): CredentialUnavailableError {
  return new CredentialUnavailableError(
    'token_file_unreadable',
    `cannot read the federated token file '${path}': ${problem}`,
    { cause },
  )
}

function problemOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  return code ?? (error instanceof Error ? error.message : String(error))
}

/** One token file and the last copy read from it. */
export class TokenFile {
  readonly path: string
  readonly #now: () => number
  #copy: Copy | undefined

  constructor(path: string, now: () => number) {
    this.path = path
    this.#now = now
  }

  /** The assertion, from the cached copy while the file is unchanged and the copy young. */
  async read(): Promise<string> {
    const copy = this.#copy
    if (copy !== undefined && this.#now() - copy.readAtMs < MAX_COPY_AGE_MS) {
      let mtimeMs: number
      try {
        // stat follows symlinks, so a kubelet `..data` swap shows as a new mtime (WL-51).
        mtimeMs = (await stat(this.path)).mtimeMs
      } catch (error) {
        throw unreadable(this.path, problemOf(error), error)
      }
      if (mtimeMs === copy.mtimeMs) return copy.assertion
    }
    return this.reread()
  }

  /** Reads the file now, whatever the cached copy (WL-55). */
  async reread(): Promise<string> {
    let copy: Copy
    try {
      // One handle for the time and the contents, so the two belong to the same file.
      const handle = await open(this.path, 'r')
      try {
        const { mtimeMs } = await handle.stat()
        const assertion = (await handle.readFile('utf8')).trim()
        copy = { assertion, mtimeMs, readAtMs: this.#now() }
      } finally {
        await handle.close()
      }
    } catch (error) {
      throw unreadable(this.path, problemOf(error), error)
    }
    if (copy.assertion === '') throw unreadable(this.path, 'the file is empty')
    this.#copy = copy
    return copy.assertion
  }
}
