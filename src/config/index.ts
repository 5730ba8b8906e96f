export { configSchema, type Config } from './schema.js'
export { loadConfig, validateConfig } from './load.js'
export { configLeaves, type ConfigLeaf } from './env.js'
export { configReference } from './reference.js'
