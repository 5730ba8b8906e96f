#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm run build` produces dist/.
import('../dist/cli/main.js')
  .then((cli) => cli.main(process.argv))
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('wifkit: dist/ is missing; run `npm run build` first\n')
      process.exit(2)
    }
    throw err
  })
