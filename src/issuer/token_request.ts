import { z } from 'zod'
import { KubernetesError } from '../errors/index.js'
import { isObject } from '../util/index.js'

/** The body of a Kubernetes `TokenRequest` (authentication.k8s.io/v1), as the mint API takes it. */
const tokenRequestSchema = z.object({
  apiVersion: z.literal('authentication.k8s.io/v1').optional(),
  kind: z.literal('TokenRequest').optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  spec: z
    .object({
      audiences: z.array(z.string()).optional(),
      expirationSeconds: z.number().int().optional(),
      boundObjectRef: z
        .object({
          kind: z.string(),
          apiVersion: z.string().optional(),
          name: z.string(),
          uid: z.string().optional(),
        })
        .optional(),
    })
    .default({}),
})

export type TokenRequestBody = z.infer<typeof tokenRequestSchema>

/** Parses a TokenRequest body; a wrong shape is a 400 naming the first field at fault. */
export function parseTokenRequest(body: unknown): TokenRequestBody {
  if (!isObject(body)) {
    throw new KubernetesError('BadRequest', 'the body must be a TokenRequest object')
  }
  const result = tokenRequestSchema.safeParse(body)
  if (result.success) return result.data
  const causes = result.error.issues.map((issue) => ({
    field: issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
      .join(''),
    message: issue.message,
  }))
  const first = causes[0] as { field: string; message: string }
  throw new KubernetesError('BadRequest', `${first.field}: ${first.message}`, causes)
}
