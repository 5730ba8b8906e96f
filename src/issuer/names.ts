/**
 * Kubernetes name rules (ISS-32), as apimachinery's `IsDNS1123Label` and `IsDNS1123Subdomain`
 * define them: lower-case alphanumerics and '-', starting and ending alphanumeric; a subdomain is
 * dot-separated labels.
 */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** Why `value` is not a DNS-1123 label, or undefined when it is one. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty'
  if (value.length > 63) return `must be no more than 63 characters (got ${value.length})`
  if (!LABEL.test(value)) {
    return "a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
  }
  return undefined
}

/** Why `value` is not a DNS-1123 subdomain, or undefined when it is one. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty'
  if (value.length > 253) return `must be no more than 253 characters (got ${value.length})`
  if (!SUBDOMAIN.test(value)) {
    return "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
  }
  return undefined
}
