import { WireError, type ErrorExtras } from './wire_error.js'

/** Azure Resource Manager error codes used by the managed-identity routes (IF-34). */
export type ArmCode =
  | 'BadRequest'
  | 'InvalidSubscriptionId'
  | 'InvalidResourceGroup'
  | 'InvalidResourceName'
  | 'ResourceNotFound'
  | 'Conflict'
  | 'InternalServerError'

/** An ARM error in ARM's shape: `{"error":{"code","message"}}`. */
export class ArmError extends WireError {
  readonly code: ArmCode
  constructor(status: number, code: ArmCode, message: string, extras?: ErrorExtras) {
    super(status, message, extras)
    this.code = code
  }

  static badRequest(message: string): ArmError {
    return new ArmError(400, 'BadRequest', message)
  }

  static notFound(message: string): ArmError {
    return new ArmError(404, 'ResourceNotFound', message)
  }

  render(): unknown {
    return { error: { code: this.code, message: this.message } }
  }
}
