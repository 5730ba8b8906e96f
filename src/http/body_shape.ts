/**
 * A parsed body that breaks a shape limit (issue #9 item 1). It carries status 400 as framework
 * errors do, so the error hook renders it in the route's protocol: Graph `BadRequest`, Key Vault
 * `BadParameter`, Entra `invalid_request`, Kubernetes `BadRequest`.
 */
export class BodyShapeError extends Error {
  readonly statusCode = 400
}

/** The message of a body nested too deeply; names the limit, never the body. */
export function jsonTooDeepMessage(maxDepth: number): string {
  return `the JSON body is nested deeper than ${maxDepth} levels`
}

/** True when a form has more than `maxFields` fields, each repetition of a name counted. */
export function exceedsFormFields(form: URLSearchParams, maxFields: number): boolean {
  return form.size > maxFields
}
