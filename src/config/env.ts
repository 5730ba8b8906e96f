import { z } from 'zod'
import type { ConfigIssue } from '../errors/index.js'
import { configSchema } from './schema.js'

/** The kind of value a leaf holds, which decides how its environment string is parsed. */
type LeafKind = 'string' | 'number' | 'boolean' | 'list'

/** A configurable leaf: its key path and the environment variable that overrides it (IF-25). */
export interface ConfigLeaf {
  path: readonly string[]
  envName: string
  kind: LeafKind
  schema: z.ZodType
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType
  }
  return current
}

/** Every leaf of the schema, depth first, in declaration order. */
export function configLeaves(
  schema: z.ZodType = configSchema,
  prefix: readonly string[] = [],
): ConfigLeaf[] {
  const inner = unwrap(schema)
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      configLeaves(child, [...prefix, key]),
    )
  }
  const kind: LeafKind =
    inner instanceof z.ZodNumber
      ? 'number'
      : inner instanceof z.ZodBoolean
        ? 'boolean'
        : inner instanceof z.ZodArray
          ? 'list'
          : 'string'
  const envName = `WIFKIT_${prefix.map((p) => p.toUpperCase()).join('_')}`
  return [{ path: prefix, envName, kind, schema }]
}

function parseEnvValue(leaf: ConfigLeaf, value: string): unknown {
  if (leaf.kind === 'number') return value.trim() === '' ? Number.NaN : Number(value)
  if (leaf.kind === 'boolean') return value === 'true' ? true : value === 'false' ? false : value
  if (leaf.kind === 'list') {
    if (value.trim().startsWith('[')) return JSON.parse(value) as unknown
    return value.split(',').map((item) => item.trim())
  }
  return value
}

/**
 * Applies `WIFKIT_*` overrides on top of the file's values. Unknown `WIFKIT_*` names are left
 * alone: the CLI's own variables (`WIFKIT_ADMIN_URL`, `WIFKIT_ADMIN_TOKEN`) share the prefix.
 */
export function envOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { merged: Record<string, unknown>; issues: ConfigIssue[] } {
  const merged = structuredClone(raw)
  const issues: ConfigIssue[] = []
  for (const leaf of configLeaves()) {
    const value = env[leaf.envName]
    if (value === undefined) continue
    let parsed: unknown
    try {
      parsed = parseEnvValue(leaf, value)
    } catch {
      issues.push({ path: leaf.path.join('.'), message: `${leaf.envName} is not a valid list` })
      continue
    }
    let node: Record<string, unknown> = merged
    for (const key of leaf.path.slice(0, -1)) {
      const next = node[key]
      if (typeof next !== 'object' || next === null) node[key] = {}
      node = node[key] as Record<string, unknown>
    }
    node[leaf.path[leaf.path.length - 1] as string] = parsed
  }
  return { merged, issues }
}
