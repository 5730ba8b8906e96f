export { startDev, type DevOptions } from './start_dev.js'
export { readDevJson, devJsonPath, exportLines, freePort, type DevJson } from './dev_state.js'
export { ensureLocalTls, type LocalTls } from './local_ca.js'
