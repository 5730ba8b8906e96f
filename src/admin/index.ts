export { issueBootstrapToken, isBootstrapToken } from './bootstrap_token.js'
export { requireAdmin } from './guard.js'
