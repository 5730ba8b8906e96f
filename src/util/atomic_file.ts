import { link, mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'

/** Writes a sibling temp file with the final mode and fsyncs it; returns its path. */
async function writeTemp(path: string, data: string | Uint8Array, mode: number): Promise<string> {
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
  return temp
}

/** Makes a rename or link in `dir` survive power loss. */
async function syncDir(dir: string): Promise<void> {
  const dirHandle = await open(dir, 'r')
  try {
    await dirHandle.sync()
  } finally {
    await dirHandle.close()
  }
}

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
  const temp = await writeTemp(path, data, mode)
  await rename(temp, path)
  await syncDir(dirname(path))
}

/**
 * Creates `path` holding `data` only if it does not exist yet, and never visible half-written:
 * the complete temp file is hard-linked to the target, which fails when another process got there
 * first. Resolves true when this call created the file, false when it already existed (then the
 * existing file is left exactly as it was).
 */
export async function createFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o600,
): Promise<boolean> {
  const temp = await writeTemp(path, data, mode)
  try {
    await link(temp, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await rm(temp, { force: true })
  }
  await syncDir(dirname(path))
  return true
}
