import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'

/**
 * Writes `data` to `path` so that a reader (or a crash) sees either the old file or the whole new
 * one, never a partial file: write a sibling temp file with the final mode, fsync it, rename it
 * over the target, then fsync the directory so the rename itself survives power loss.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o600,
): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, { recursive: true })
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const file = await open(temp, 'wx', mode)
  try {
    await file.writeFile(data)
    await file.chmod(mode)
    await file.sync()
  } catch (error) {
    await file.close()
    await rm(temp, { force: true })
    throw error
  }
  await file.close()
  await rename(temp, path)
  const dirHandle = await open(dir, 'r')
  try {
    await dirHandle.sync()
  } finally {
    await dirHandle.close()
  }
}
