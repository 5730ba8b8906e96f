// The bounded fetch of one metadata document (STS-91..94): https only, same-host redirects
// followed by hand, one deadline for the whole document and a byte cap enforced while reading.
import { fetch, type Dispatcher } from 'undici'
import { IssuerMetadataError } from './issuer_metadata_error.js'
import { metadataUrlProblem, redirectProblem } from './metadata_url.js'

/** Bounds for one document. */
export interface FetchBounds {
  dispatcher: Dispatcher
  /** From the first request to the last body byte, redirects included (STS-93). */
  totalTimeoutMs: number
  maxBytes: number
  allowHttpLoopback: boolean
}

/** A 200 answer: its body and the header that decides its TTL. */
export interface FetchedDocument {
  body: Uint8Array
  cacheControl: string | null
}

/** STS-92: at most this many same-host redirects. */
const MAX_REDIRECTS = 3
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/**
 * GETs `url` within `bounds`. Every failure, from a refused URL to a timeout or an oversized
 * body, throws `unreachable` (row 19) with the reason in `detail`.
 */
export async function fetchDocument(url: URL, bounds: FetchBounds): Promise<FetchedDocument> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), bounds.totalTimeoutMs)
  try {
    return await follow(url, bounds, controller.signal)
  } catch (error) {
    if (error instanceof IssuerMetadataError) throw error
    if (controller.signal.aborted) {
      const detail = `${url.href} did not answer completely within ${bounds.totalTimeoutMs} ms`
      throw new IssuerMetadataError('unreachable', detail, { cause: error })
    }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
    // The dispatcher refuses a non-public address from inside the connect step (STS-101).
    if (cause instanceof IssuerMetadataError) throw cause
    const reason = cause?.code ?? cause?.message ?? (error as Error).message
    throw new IssuerMetadataError('unreachable', `cannot fetch ${url.href}: ${String(reason)}`, {
      cause: error,
    })
  } finally {
    clearTimeout(timer)
  }
}

async function follow(url: URL, bounds: FetchBounds, signal: AbortSignal) {
  const refused = metadataUrlProblem(url, bounds.allowHttpLoopback)
  if (refused !== undefined) throw new IssuerMetadataError('unreachable', refused)
  let current = url
  for (let redirects = 0; ; redirects += 1) {
    const response = await fetch(current, {
      redirect: 'manual',
      signal,
      dispatcher: bounds.dispatcher,
      headers: { accept: 'application/json' },
    })
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel()
      current = redirectTarget(current, response.headers.get('location'), redirects, bounds)
      continue
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new IssuerMetadataError('unreachable', `${current.href} answered ${response.status}`)
    }
    const declared = Number(response.headers.get('content-length') ?? 0)
    if (declared > bounds.maxBytes) {
      await response.body?.cancel()
      throw tooLarge(current, bounds.maxBytes)
    }
    const chunks: Uint8Array[] = []
    let size = 0
    // Leaving the loop early cancels the stream, so an oversized body is never read to its end.
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength
      if (size > bounds.maxBytes) throw tooLarge(current, bounds.maxBytes)
      chunks.push(chunk)
    }
    return { body: Buffer.concat(chunks), cacheControl: response.headers.get('cache-control') }
  }
}

function redirectTarget(
  from: URL,
  location: string | null,
  redirects: number,
  bounds: FetchBounds,
): URL {
  if (redirects === MAX_REDIRECTS) {
    throw new IssuerMetadataError('unreachable', `more than ${MAX_REDIRECTS} redirects`)
  }
  if (location === null) {
    throw new IssuerMetadataError('unreachable', `${from.href} redirects without a location`)
  }
  let to: URL
  try {
    to = new URL(location, from)
  } catch {
    throw new IssuerMetadataError('unreachable', `${from.href} redirects to an invalid location`)
  }
  const refused = redirectProblem(from, to, bounds.allowHttpLoopback)
  if (refused !== undefined) throw new IssuerMetadataError('unreachable', refused)
  return to
}

function tooLarge(url: URL, maxBytes: number): IssuerMetadataError {
  return new IssuerMetadataError('unreachable', `${url.href} is larger than ${maxBytes} bytes`)
}
