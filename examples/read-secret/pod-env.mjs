// Prints a container's environment from a (mutated) Pod as shell `export` lines, the way the
// container would see it, with every path that lies under one of the container's volume mounts
// moved under a local root directory: the directory `wifkit kubelet --root` wrote the volumes to.
//
//   eval "$(node examples/read-secret/pod-env.mjs --pod mutated.yaml --root podroot)"
//
// Only `value` entries are printed; `valueFrom` and `envFrom` need a cluster and are reported on
// stderr. See docs/tutorial.md, step 4.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'

const { values } = parseArgs({
  options: { pod: { type: 'string' }, root: { type: 'string' }, container: { type: 'string' } },
})
if (!values.pod || !values.root) {
  process.stderr.write('usage: pod-env.mjs --pod FILE --root DIR [--container NAME]\n')
  process.exit(2)
}
const pod = parse(readFileSync(values.pod, 'utf8'))
const containers = pod?.spec?.containers ?? []
const container = values.container
  ? containers.find((c) => c.name === values.container)
  : containers[0]
if (!container) {
  process.stderr.write(`${values.pod}: no container ${values.container ?? ''}\n`)
  process.exit(1)
}

const root = resolve(values.root)
const mounts = (container.volumeMounts ?? []).map((m) => m.mountPath.replace(/\/+$/, ''))
/** A path inside the container becomes the same path under ROOT when a volume is mounted there. */
const reroot = (value) =>
  mounts.some((m) => value === m || value.startsWith(`${m}/`)) ? `${root}${value}` : value
const quote = (value) => `'${value.replaceAll("'", `'\\''`)}'`

for (const { name, value, valueFrom } of container.env ?? []) {
  if (value === undefined) {
    if (valueFrom) process.stderr.write(`skipped ${name}: valueFrom needs a cluster\n`)
    continue
  }
  process.stdout.write(`export ${name}=${quote(reroot(String(value)))}\n`)
}
if (container.envFrom) process.stderr.write('skipped envFrom: it needs a cluster\n')
