import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import type { Command } from 'commander'
import { buildProgram } from '../../../src/cli/main.js'

/** The page of a command: `docs/cli/<first word after wifkit>.md` (`token mint` → token.md). */
function pageOf(path: readonly string[]): string {
  return new URL(`../../../docs/cli/${path[0]}.md`, import.meta.url).pathname
}

function leafCommands(
  command: Command,
  path: string[] = [],
): Array<{ path: string[]; command: Command }> {
  const children = command.commands.flatMap((c) => leafCommands(c, [...path, c.name()]))
  return command.commands.length === 0 || path.length > 0
    ? [{ path, command }, ...children]
    : children
}

for (const { path, command } of leafCommands(buildProgram())) {
  if (path.length === 0 || (command.commands.length > 0 && command.options.length === 0)) continue
  test(`docs: the page of wifkit ${path.join(' ')} documents each of its flags`, async () => {
    const page = await readFile(pageOf(path), 'utf8')
    for (const option of command.options) {
      assert.ok(page.includes(`\`${option.long}`), `docs/cli/${path[0]}.md lacks ${option.long}`)
    }
  })
}

test('docs: every flag a page documents exists on some command of that page', async () => {
  const commands = leafCommands(buildProgram()).filter((c) => c.path.length > 0)
  for (const top of new Set(commands.map((c) => c.path[0] as string))) {
    const page = await readFile(pageOf([top]), 'utf8')
    const known = new Set(
      commands
        .filter((c) => c.path[0] === top)
        .flatMap((c) => c.command.options.map((o) => o.long)),
    )
    for (const [, flag] of page.matchAll(/^\| `(--[a-z-]+)/gm)) {
      assert.ok(known.has(flag), `docs/cli/${top}.md documents ${flag}, which no command has`)
    }
  }
})
