export { mutatePod, type Mutation } from './mutate.js'
export {
  diffToJsonPatch,
  escapePointerToken,
  type Json,
  type JsonPatchOperation,
} from './json_patch.js'
export { WebhookError, type WebhookErrorCode } from './webhook_error.js'
export { resolveTokenExpiration, type ExpirationSource } from './token_expiration.js'
export * from './constants.js'
export type * from './types.js'
