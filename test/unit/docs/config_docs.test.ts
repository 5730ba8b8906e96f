import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { configReference } from '../../../src/config/index.js'

test('IF-25: docs/configuration.md is the reference generated from the schema (npm run docs:config)', async () => {
  const page = await readFile(new URL('../../../docs/configuration.md', import.meta.url), 'utf8')
  assert.equal(page, configReference())
})
