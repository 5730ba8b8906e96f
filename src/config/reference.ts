import { z } from 'zod'
import { configLeaves } from './env.js'

function defaultOf(schema: z.ZodType): string {
  if (schema instanceof z.ZodDefault) return `\`${JSON.stringify(schema.def.defaultValue)}\``
  if (schema instanceof z.ZodOptional) return '(optional)'
  return '(required)'
}

/** docs/configuration.md, generated from the schema so the reference cannot drift (STYLE §2.15). */
export function configReference(): string {
  const rows = configLeaves().map(
    (leaf) =>
      `| \`${leaf.path.join('.')}\` | \`${leaf.envName}\` | ${defaultOf(leaf.schema)} | ${leaf.schema.description ?? ''} |`,
  )
  return [
    '# Configuration reference',
    '',
    '`wifkit serve --config FILE` reads YAML or JSON. Every key can be overridden by the environment',
    'variable beside it (lists: comma-separated or a JSON array). Relative paths resolve against the',
    "config file's folder. Generated from `src/config/schema.ts`; a test fails when they differ.",
    '',
    '| key | environment | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}
