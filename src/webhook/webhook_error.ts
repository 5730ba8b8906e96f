/** Stable codes of admission denials the pure mutation can decide (workload.md §4). */
export type WebhookErrorCode = 'invalid_token_expiration'

const STATUS_OF: Record<WebhookErrorCode, 400 | 500> = {
  invalid_token_expiration: 400, // WL-43
}

/**
 * A reason to answer `allowed:false`. The handler renders `status` as `status.code` and `message`
 * as `status.message`; callers branch on `code`, never on the message.
 */
export class WebhookError extends Error {
  readonly code: WebhookErrorCode
  readonly status: 400 | 500
  constructor(code: WebhookErrorCode, message: string) {
    super(message)
    this.name = 'WebhookError'
    this.code = code
    this.status = STATUS_OF[code]
  }
}
