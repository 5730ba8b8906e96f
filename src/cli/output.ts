/** Prints a result: JSON with `--json`, else the human text. Results go to stdout. */
export function printResult(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`)
}

/** A notice for the person at the terminal; stderr so that stdout stays pipeable. */
export function notice(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Resolves on SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
}
