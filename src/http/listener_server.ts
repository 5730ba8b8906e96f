import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Limits } from '../config/index.js'
import { STRICT_TRANSPORT_SECURITY, tlsPolicy } from './tls_policy.js'

/** The connection bounds of a listener, a subset of the `limits` configuration section. */
export type ConnectionLimits = Pick<
  Limits,
  | 'maxHeaderBytes'
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'idleSocketTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'maxRequestsPerSocket'
>

// Node checks the header and request deadlines on this interval (default 30 s), so a slowloris
// client would otherwise hold its socket up to 30 s past headersTimeoutMs.
const DEADLINE_CHECK_INTERVAL_MS = 1000

/**
 * The Node server behind a listener (issue #9 items 1 and 3): bounded header size, deadlines for
 * headers and for the whole request, an idle-socket timeout and bounded keep-alive; over TLS, the
 * shared TLS policy and HSTS on every answer, including those of apps chosen by host.
 */
export function createListenerServer(
  handler: RequestListener,
  tls: { cert: string; key: string } | undefined,
  limits: ConnectionLimits,
): Server {
  const options = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
  }
  const server = tls
    ? createHttpsServer({ ...options, ...tlsPolicy(tls) }, (request, response) => {
        response.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY)
        handler(request, response)
      })
    : createHttpServer(options, handler)
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket
  server.setTimeout(limits.idleSocketTimeoutMs)
  return server
}
