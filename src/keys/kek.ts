import { readFile, stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { UsageError } from '../errors/index.js'
import { createFileAtomic } from '../util/index.js'

/**
 * Reads the key-encryption key: 32 random bytes, base64, in a file of mode 0600 (IF-58).
 * With `createIfMissing` (dev and `init`), a missing file is created; an existing one is kept,
 * including one that a concurrent process created a moment earlier.
 */
export async function loadKek(file: string, createIfMissing: boolean): Promise<Buffer> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !createIfMissing) {
      throw new UsageError(
        `cannot read keys.kekFile ${file}: ${(error as Error).message}; run \`wifkit init --config FILE\` to create it`,
      )
    }
    const kek = randomBytes(32)
    // Several `init`s or nodes may start together on a fresh volume: exactly one key may win, and
    // the others must use it, or data sealed by a loser would be unreadable to everyone else.
    if (await createFileAtomic(file, `${kek.toString('base64')}\n`, 0o600)) return kek
    return loadKek(file, false)
  }
  const kek = Buffer.from(text.trim(), 'base64')
  if (kek.length !== 32) {
    throw new UsageError(`keys.kekFile ${file} must hold 32 bytes in base64 (found ${kek.length})`)
  }
  const mode = (await stat(file)).mode & 0o077
  if (mode !== 0) {
    throw new UsageError(`keys.kekFile ${file} is readable by others; run chmod 600 ${file}`)
  }
  return kek
}
