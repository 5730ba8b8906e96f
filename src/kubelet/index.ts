export { projectedTokens, type ProjectedToken } from './projected_tokens.js'
export {
  keepFresh,
  refreshDelayMs,
  timerSleep,
  REFRESH_AT_FRACTION,
  type Freshness,
  type RefreshLoopOptions,
  type Sleep,
} from './refresh_loop.js'
export {
  projectToken,
  runTokenProjector,
  type Mint,
  type MintedToken,
  type ProjectionRequest,
  type ProjectionWrite,
  type ProjectorOptions,
} from './token_projector.js'
