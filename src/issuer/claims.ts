import { KubernetesError } from '../errors/index.js'
import { dns1123LabelProblem, dns1123SubdomainProblem } from './names.js'

/** What a TokenRequest asks for, after its body has been parsed (IF-40). */
export interface MintRequest {
  namespace: string
  serviceAccount: string
  audiences?: readonly string[]
  expirationSeconds?: number
  boundObjectRef?: { kind: string; name: string; uid?: string }
}

/** The issuer's side of the decision. */
export interface MintPolicy {
  issuer: string
  defaultAudiences: readonly string[]
  maxTokenExpirationSeconds: number
}

/** Values the caller draws from randomness or storage, so this function stays pure. */
export interface MintIdentifiers {
  jti: string
  serviceAccountUid: string | undefined
}

interface ObjectRef {
  name: string
  uid?: string
}

/** The `kubernetes.io` claim (issuer.md §3.3), members in kube-apiserver's order. */
export interface KubernetesClaim {
  namespace: string
  node?: ObjectRef
  pod?: ObjectRef
  secret?: ObjectRef
  serviceaccount: ObjectRef
}

/** The payload of a service-account token, members in alphabetical order (ISS-22…ISS-31). */
export interface ServiceAccountClaims {
  aud: string[]
  exp: number
  iat: number
  iss: string
  jti: string
  'kubernetes.io': KubernetesClaim
  nbf: number
  sub: string
}

export interface MintPlan {
  claims: ServiceAccountClaims
  audiences: string[]
  expirationSeconds: number
  warnings: string[]
}

/** ISS-41: kube-apiserver's floor of ten minutes and its 2^32 ceiling. */
const MIN_EXPIRATION_SECONDS = 600
const MAX_EXPIRATION_SECONDS = 2 ** 32
/** ISS-41: the default lifetime of a TokenRequest. */
const DEFAULT_EXPIRATION_SECONDS = 3600
const BOUND_KINDS = new Set(['Pod', 'Secret', 'Node'])

const ref = (name: string, uid: string | undefined): ObjectRef =>
  uid === undefined || uid === '' ? { name } : { name, uid }

function checkNames(request: MintRequest): void {
  const namespaceProblem = dns1123LabelProblem(request.namespace)
  if (namespaceProblem) throw KubernetesError.invalidField('metadata.namespace', namespaceProblem)
  const nameProblem = dns1123SubdomainProblem(request.serviceAccount)
  if (nameProblem) throw KubernetesError.invalidField('metadata.name', nameProblem)
}

function effectiveExpiration(request: MintRequest, policy: MintPolicy, warnings: string[]): number {
  const requested = request.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS
  const field = 'spec.expirationSeconds'
  if (!Number.isSafeInteger(requested))
    throw KubernetesError.invalidField(field, 'must be an integer')
  if (requested < MIN_EXPIRATION_SECONDS) {
    throw KubernetesError.invalidField(
      field,
      `may not specify a duration less than 10 minutes (got ${requested})`,
    )
  }
  if (requested > MAX_EXPIRATION_SECONDS) {
    throw KubernetesError.invalidField(
      field,
      `may not specify a duration larger than 2^32 seconds (got ${requested})`,
    )
  }
  if (requested > policy.maxTokenExpirationSeconds) {
    warnings.push(
      `requested expirationSeconds ${requested} exceeds the maximum of this issuer; granted ${policy.maxTokenExpirationSeconds}`,
    )
    return policy.maxTokenExpirationSeconds
  }
  return requested
}

function effectiveAudiences(request: MintRequest, policy: MintPolicy): string[] {
  const given = request.audiences ?? []
  given.forEach((aud, i) => {
    if (aud.length === 0)
      throw KubernetesError.invalidField(`spec.audiences[${i}]`, 'must not be empty')
  })
  return [...new Set(given.length === 0 ? policy.defaultAudiences : given)]
}

function boundClaims(request: MintRequest): Pick<KubernetesClaim, 'pod' | 'secret' | 'node'> {
  const bound = request.boundObjectRef
  if (bound === undefined) return {}
  if (!BOUND_KINDS.has(bound.kind)) {
    throw KubernetesError.invalidField(
      'spec.boundObjectRef.kind',
      `must be Pod, Secret or Node (got "${bound.kind}")`,
    )
  }
  if (bound.name.length === 0)
    throw KubernetesError.invalidField('spec.boundObjectRef.name', 'must not be empty')
  const reference = ref(bound.name, bound.uid)
  if (bound.kind === 'Pod') return { pod: reference }
  if (bound.kind === 'Secret') return { secret: reference }
  return { node: reference }
}

/**
 * Decides a service-account token exactly as kube-apiserver would (issuer.md §3, §4): validates
 * names, audiences, lifetime and binding, and builds the claims in their canonical order.
 * Throws a 400 `KubernetesError` naming the field at fault.
 */
export function planServiceAccountToken(
  request: MintRequest,
  policy: MintPolicy,
  nowSeconds: number,
  ids: MintIdentifiers,
): MintPlan {
  checkNames(request)
  const warnings: string[] = []
  const expirationSeconds = effectiveExpiration(request, policy, warnings)
  const audiences = effectiveAudiences(request, policy)
  const bound = boundClaims(request)
  const kubernetes: KubernetesClaim = {
    namespace: request.namespace,
    ...(bound.node && { node: bound.node }),
    ...(bound.pod && { pod: bound.pod }),
    ...(bound.secret && { secret: bound.secret }),
    serviceaccount: ref(request.serviceAccount, ids.serviceAccountUid),
  }
  const claims: ServiceAccountClaims = {
    aud: audiences,
    exp: nowSeconds + expirationSeconds,
    iat: nowSeconds,
    iss: policy.issuer,
    jti: ids.jti,
    'kubernetes.io': kubernetes,
    nbf: nowSeconds,
    sub: `system:serviceaccount:${request.namespace}:${request.serviceAccount}`,
  }
  return { claims, audiences, expirationSeconds, warnings }
}
