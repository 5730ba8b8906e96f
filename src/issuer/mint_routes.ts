import type { FastifyInstance } from 'fastify'
import { requireAdmin, type AdminAuthenticator } from '../admin/index.js'
import { KubernetesError } from '../errors/index.js'
import type { IssuerService } from './issuer_service.js'
import { parseTokenRequest } from './token_request.js'

type MintRoute = { Params: { name: string; ns: string; sa: string }; Body: unknown }

/**
 * The TokenRequest API (IF-40): kube-apiserver's route shape under `/issuers/{name}`, answering
 * 201 with the request echoed back plus `status.token` and `status.expirationTimestamp`.
 */
export function registerMintRoutes(
  app: FastifyInstance,
  auth: AdminAuthenticator,
  issuers: IssuerService,
  onMint: (issuer: string) => void,
): void {
  app.post<MintRoute>(
    '/issuers/:name/api/v1/namespaces/:ns/serviceaccounts/:sa/token',
    { config: { protocol: 'kubernetes' }, onRequest: requireAdmin(auth, 'kubernetes') },
    async (request, reply) => {
      const body = parseTokenRequest(request.body)
      const issuer = await issuers.find(request.params.name)
      if (!issuer) throw new KubernetesError('NotFound', `issuer ${request.params.name} not found`)
      const { ns, sa } = request.params
      const bound = body.spec.boundObjectRef
      const minted = await issuers.mint(issuer, {
        namespace: ns,
        serviceAccount: sa,
        audiences: body.spec.audiences,
        expirationSeconds: body.spec.expirationSeconds,
        boundObjectRef: bound && { kind: bound.kind, name: bound.name, uid: bound.uid },
      })
      onMint(issuer.name)
      request.log.info(
        {
          reqId: request.id,
          issuer: issuer.name,
          namespace: ns,
          serviceAccount: sa,
          kid: minted.kid,
          jti: minted.jti,
        },
        'token minted',
      )
      // kube-apiserver reports a shortened lifetime as a warning header (ISS-42).
      for (const warning of minted.warnings) reply.header('warning', `299 - "${warning}"`)
      return reply.status(201).send({
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name: sa, namespace: ns },
        spec: {
          audiences: minted.audiences,
          expirationSeconds: minted.expirationSeconds,
          boundObjectRef: bound ?? null,
        },
        status: { token: minted.token, expirationTimestamp: minted.expirationTimestamp },
      })
    },
  )
}
