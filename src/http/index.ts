export { createApp, type AppOptions, type Protocol } from './app.js'
export { MethodNotAllowedError, notFound } from './error_handling.js'
export { HttpMetrics } from './metrics.js'
export { registerHealthRoutes } from './health.js'
export { parseListen } from './listen.js'
export { HostDispatch, type HostMatcher } from './host_dispatch.js'
export { BodyShapeError, exceedsFormFields } from './body_shape.js'
export { createListenerServer, type ConnectionLimits } from './listener_server.js'
export {
  STRICT_TRANSPORT_SECURITY,
  TLS_CIPHERS,
  tlsPolicy,
  type MinTlsVersion,
} from './tls_policy.js'
export { configuredThrottles, type Throttle, type Throttles } from './throttle.js'
