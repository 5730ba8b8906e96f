// Shared settings of the property tests (issue #9 item 5). Runs are bounded so that every
// *_properties.test.ts together stays well under 20 s on a 2-core machine. A failure prints its
// seed and counterexample path (fast-check does so by default); replay it exactly with
//   WIFKIT_FC_SEED=<seed> WIFKIT_FC_PATH=<path> node --import tsx --test <file>
// and explore further with WIFKIT_FC_RUNS=<factor>, which multiplies every bound.
import assert from 'node:assert/strict'
import fc from 'fast-check'

/** fast-check parameters: `numRuns` (times WIFKIT_FC_RUNS) and the replay settings, if set. */
export function runs<T>(numRuns: number): fc.Parameters<T> {
  const { WIFKIT_FC_SEED: seed, WIFKIT_FC_PATH: path, WIFKIT_FC_RUNS: factor } = process.env
  return {
    numRuns: Math.ceil(numRuns * (factor ? Number(factor) : 1)),
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  }
}

type ErrorClass = abstract new (...args: never[]) => Error

/**
 * Runs `fn`; its value, or undefined when it threw an instance of one of `allowed`. Anything else
 * thrown fails the property: a pure rule may fail only with its protocol's error class.
 */
export function returnsOrThrows<T>(fn: () => T, ...allowed: readonly ErrorClass[]): T | undefined {
  try {
    return fn()
  } catch (error) {
    if (allowed.some((kind) => error instanceof kind)) return undefined
    assert.fail(`threw ${String(error)}, not one of ${allowed.map((k) => k.name).join(', ')}`)
  }
}

/** Keys that trip naive object handling: `__proto__`, and members String() and `${}` call. */
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf')

/**
 * JSON-shaped values with prototype-member keys mixed in, as a request body or an untrusted
 * response may hold them (numbers include NaN, ±Infinity and -0, which callers may pass too).
 */
export const jsonLike: fc.Arbitrary<unknown> = fc.object({
  key: fc.oneof(fc.string({ maxLength: 8 }), hostileKey),
  values: [fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.constant(null)],
  maxDepth: 2,
  maxKeys: 5,
})

const ASCII = ['a', 'A', 'z', 'Z', '0', '9', '-', '_', '.', '/', ':', '~', '?', '#', '@', '%2F']
const SPACES = [' ', '\t', '\n', '\u00a0', '\u200b', '\u2028', '\ufeff', '\u0000']
const UNICODE = ['é', 'e\u0301', 'ß', 'İ', 'ı', '\u212a', 'а', 'о', 'е', 'ｆ', 'ﬁ', '😀', '\ud800']
const WORDS = ['https://', 'system:serviceaccount:', 'api://AzureADTokenExchange']

/**
 * Strings full of the characters validation gets wrong: case pairs, whitespace of every kind,
 * combining marks (NFC vs NFD), look-alikes from other scripts (Cyrillic а о е, the Kelvin sign),
 * zero-width and control characters, separators and percent escapes, plus arbitrary UTF-16 (lone
 * surrogates included).
 */
export const trickyString: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.constantFrom(...ASCII, ...SPACES, ...UNICODE, ...WORDS), { maxLength: 12 })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
)
