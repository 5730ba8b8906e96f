import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { ConfigError, type ConfigIssue } from '../errors/index.js'
import { configSchema, type Config } from './schema.js'
import { envOverrides } from './env.js'
import { isObject } from '../util/index.js'

/**
 * Loads, overrides and validates the configuration once, at start (IF-20): the file (YAML or
 * JSON), then `WIFKIT_*` environment variables, then schema and cross-field checks. Every problem
 * is reported together, each with its key path. The result is deeply frozen.
 */
export async function loadConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  let raw: unknown = {}
  if (file !== undefined) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw new ConfigError([
        { path: '(file)', message: `cannot read ${file}: ${(error as Error).message}` },
      ])
    }
    try {
      raw = parseYaml(text) ?? {}
    } catch (error) {
      throw new ConfigError([
        {
          path: '(file)',
          message: `${file} is not valid YAML or JSON: ${(error as Error).message}`,
        },
      ])
    }
  }
  return validateConfig(raw, env, file === undefined ? process.cwd() : dirname(resolve(file)))
}

/** Validates an already parsed configuration object; relative paths resolve against `baseDir`. */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string): Config {
  if (!isObject(raw)) {
    throw new ConfigError([{ path: '(root)', message: 'must be a mapping of keys to values' }])
  }
  const { merged, issues: envIssues } = envOverrides(raw, env)
  // reportInput lets a missing key be told apart from a value of the wrong type.
  const result = configSchema.safeParse(merged, { reportInput: true })
  const issues: ConfigIssue[] = [...envIssues]
  if (!result.success) issues.push(...result.error.issues.map(toConfigIssue))
  if (issues.length > 0) throw new ConfigError(issues)
  const config = result.data as Config
  const rel = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p))
  config.keys.kekFile = rel(config.keys.kekFile)
  if (config.storage.startsWith('sqlite:'))
    config.storage = `sqlite:${rel(config.storage.slice(7))}`
  for (const listener of [config.public, config.admin]) {
    if (listener.tls) listener.tls = { cert: rel(listener.tls.cert), key: rel(listener.tls.key) }
  }
  return deepFreeze(config)
}

function toConfigIssue(issue: z.core.$ZodIssue): ConfigIssue {
  const path = issue.path.length === 0 ? '(root)' : issue.path.join('.')
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length === 0 ? '' : `${path}.`
    return { path: `${prefix}${issue.keys.join(', ')}`, message: 'unknown key' }
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, message: 'is required' }
  }
  return { path, message: issue.message }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
