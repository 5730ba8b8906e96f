import { exceedsJsonDepth, isObject } from '../util/index.js'
import { DEFAULT_SERVICE_ACCOUNT, USE_LABEL, USE_LABEL_VALUE } from './constants.js'
import { diffToJsonPatch } from './json_patch.js'
import { mutatePod } from './mutate.js'
import { podShapeProblem } from './pod_shape.js'
import type { MutationConfig, Pod, ServiceAccount } from './types.js'
import { WebhookError } from './webhook_error.js'

const V1 = 'admission.k8s.io/v1'
const VERSIONS = new Set([V1, 'admission.k8s.io/v1beta1'])

/** Reads a ServiceAccount; rejects (with a reason) when it cannot be read, including not found. */
export type ServiceAccountLookup = (namespace: string, name: string) => Promise<ServiceAccount>

/** The AdmissionResponse fields wifkit sends (workload.md §4); nothing else reaches the wire. */
export interface AdmissionResponse {
  uid: string
  allowed: boolean
  status?: { code: 400 | 500; message: string }
  patchType?: 'JSONPatch'
  patch?: string
  warnings?: string[]
}

/** How one review ended, for logs and metrics; never holds tokens or pod contents. */
export type AdmissionResult = 'injected' | 'unchanged' | 'skipped' | 'denied' | 'error'

/** The AdmissionReview to send back, plus the facts to log. */
export interface AdmissionOutcome {
  review: { apiVersion: string; kind: 'AdmissionReview'; response: AdmissionResponse }
  result: AdmissionResult
  /** `namespace/name` of the pod (or its generateName prefix), when known. */
  pod?: string
  decisions: string[]
  /** The private cause of a 500, for the log only. */
  cause?: unknown
}

interface AdmissionRequest {
  uid: string
  operation?: string
  namespace?: string
  resource?: { group?: string; version?: string; resource?: string }
  subResource?: string
  object?: unknown
}

/** Deeper than any real pod, whose deepest paths (affinity terms, env `valueFrom`) are about 10. */
const MAX_POD_DEPTH = 64

/**
 * Answers one AdmissionReview body (workload.md §4). The reply echoes the request's `uid` and
 * `apiVersion` (WL-5, WL-40); only `CREATE` of a labelled pod is mutated (WL-23, WL-39); the
 * patch is the diff of input and output, present only when non-empty (WL-37). Errors become
 * `allowed:false` with 400 or 500 (WL-41…WL-44), never an exception.
 */
export async function reviewAdmission(
  body: string,
  lookup: ServiceAccountLookup,
  config: MutationConfig,
): Promise<AdmissionOutcome> {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return deny(V1, '', 400, 'the body is not a JSON AdmissionReview') // WL-41
  }
  const review = isObject(parsed) ? parsed : {}
  // Not String(): a JSON object whose `toString` member is no function makes it throw (issue #9).
  const apiVersion = typeof review.apiVersion === 'string' ? review.apiVersion : ''
  const known = VERSIONS.has(apiVersion)
  const version = known ? apiVersion : V1
  const request = review.request
  if (!known || review.kind !== 'AdmissionReview' || !isRequest(request)) {
    const uid = isObject(request) && typeof request.uid === 'string' ? request.uid : ''
    return deny(version, uid, 400, 'expected an AdmissionReview v1 or v1beta1 with a request')
  }
  const allow = (decision: string): AdmissionOutcome => ({
    review: reply(version, { uid: request.uid, allowed: true }),
    result: 'skipped',
    decisions: [decision],
  })
  const r = request.resource
  if (r?.group !== '' || r.version !== 'v1' || r.resource !== 'pods' || request.subResource) {
    return allow('skipped: not a pod') // WL-2: only pods are mutated
  }
  if (request.operation !== 'CREATE') return allow(`skipped: operation ${request.operation}`)
  if (!isObject(request.object)) {
    return deny(version, request.uid, 400, 'request.object is not a pod')
  }
  const pod = request.object as Pod
  const namespace = request.namespace ?? '' // WL-20: controllers often omit metadata.namespace
  const podRef = `${namespace}/${text(pod.metadata?.name) || `${text(pod.metadata?.generateName)}*`}`
  const label = pod.metadata?.labels?.[USE_LABEL]
  if (label !== USE_LABEL_VALUE) {
    return { ...allow(`skipped: pod label ${USE_LABEL} is not "true"`), pod: podRef } // WL-23
  }
  // A pod nested past any real one would overflow the stack of the deep copy and the diff of
  // mutation; it is refused as malformed, not answered as an internal error (issue #9 item 1).
  // Only here: a pod the webhook does not handle is allowed whatever its shape (WL-23).
  const problem = exceedsJsonDepth(pod, MAX_POD_DEPTH)
    ? `nested deeper than ${MAX_POD_DEPTH} levels`
    : podShapeProblem(pod)
  if (problem !== undefined) {
    return {
      ...deny(version, request.uid, 400, `request.object is not a pod: ${problem}`),
      pod: podRef,
    }
  }
  return mutate(version, request.uid, podRef, namespace, pod, lookup, config)
}

async function mutate(
  version: string,
  uid: string,
  podRef: string,
  namespace: string,
  pod: Pod,
  lookup: ServiceAccountLookup,
  config: MutationConfig,
): Promise<AdmissionOutcome> {
  const saName = text(pod.spec?.serviceAccountName) || DEFAULT_SERVICE_ACCOUNT
  let account: ServiceAccount
  try {
    account = await lookup(namespace, saName)
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error'
    const message = `service account ${namespace}/${saName} could not be read: ${reason}`
    return { ...deny(version, uid, 400, message), pod: podRef } // WL-42
  }
  try {
    // The lookup's object may lack its namespace; the warnings name `namespace/sa` (WL-45).
    const sa = { ...account, metadata: { ...account.metadata, namespace, name: saName } }
    const { pod: mutated, decisions, warnings } = mutatePod(pod, sa, config)
    const patch = diffToJsonPatch(pod, mutated)
    const response: AdmissionResponse = { uid, allowed: true }
    if (patch.length > 0) {
      response.patchType = 'JSONPatch'
      response.patch = Buffer.from(JSON.stringify(patch)).toString('base64')
    }
    if (warnings.length > 0) response.warnings = warnings
    const result = patch.length > 0 ? 'injected' : 'unchanged'
    return { review: reply(version, response), result, pod: podRef, decisions }
  } catch (error) {
    if (error instanceof WebhookError) {
      return { ...deny(version, uid, error.status, error.message), pod: podRef } // WL-43
    }
    return { ...deny(version, uid, 500, 'internal error'), pod: podRef, cause: error } // WL-44
  }
}

function deny(version: string, uid: string, code: 400 | 500, message: string): AdmissionOutcome {
  return {
    review: reply(version, { uid, allowed: false, status: { code, message } }),
    result: code === 500 ? 'error' : 'denied',
    decisions: [`denied: ${message}`],
  }
}

function reply(apiVersion: string, response: AdmissionResponse): AdmissionOutcome['review'] {
  return { apiVersion, kind: 'AdmissionReview', response }
}

// The request's string members are checked here, and the pod's read through `text`, because a
// template literal throws on a JSON object whose `toString` member is no function (issue #9).
const STRING_MEMBERS = ['operation', 'namespace', 'subResource'] as const

function isRequest(value: unknown): value is AdmissionRequest {
  return (
    isObject(value) &&
    typeof value.uid === 'string' &&
    value.uid !== '' &&
    STRING_MEMBERS.every((m) => value[m] == null || typeof value[m] === 'string')
  )
}

/** A string member of the untrusted pod, or '' for anything else. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
