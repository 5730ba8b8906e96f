// One grant-A token request (sts.md §5.2, workload.md §6 step 5) with its retries (WL-65) and its
// error mapping (WL-66). The assertion never reaches an error message.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { WorkloadIdentityError } from './errors.js'
import { MAX_RETRIES, RETRYABLE_STATUSES, retryDelayMs } from './retry_delay.js'
import { parseTokenResponse, type TokenResponse } from './token_response.js'
import { requestSignal, type Transport } from './transport.js'

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** What one token request asks for. */
export interface TokenRequest {
  tokenEndpoint: string
  clientId: string
  /** Space-separated, sent as given (CL-22). */
  scope: string
  assertion: string
  claims?: string
}

interface Answer {
  status: number
  retryAfter: string | null
  text: string
}

function formOf(request: TokenRequest, requestId: string): string {
  const form = new URLSearchParams({
    client_id: request.clientId,
    scope: request.scope,
    grant_type: 'client_credentials',
    'client-request-id': requestId,
    client_assertion: request.assertion,
    client_assertion_type: JWT_BEARER,
  })
  if (request.claims !== undefined) form.set('claims', request.claims)
  return form.toString()
}

async function send(
  request: TokenRequest,
  requestId: string,
  transport: Transport,
  signal?: AbortSignal,
): Promise<Answer> {
  const url = new URL(request.tokenEndpoint)
  url.searchParams.set('client-request-id', requestId)
  try {
    const response = await transport.fetch(url.href, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=utf-8',
        'client-request-id': requestId,
        accept: 'application/json',
      },
      body: formOf(request, requestId),
      redirect: 'error',
      signal: requestSignal(signal),
    })
    const retryAfter = response.headers.get('retry-after')
    return { status: response.status, retryAfter, text: await response.text() }
  } catch (cause) {
    if (signal?.aborted) throw signal.reason
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new WorkloadIdentityError(
      {
        error: 'network_error',
        description: `POST ${url.origin}${url.pathname} failed: ${reason}`,
        correlationId: requestId,
      },
      { cause },
    )
  }
}

function member(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  return typeof value === 'string' ? value : undefined
}

/** The JSON body, or undefined when there is none. */
function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function failure(answer: Answer, request: TokenRequest, requestId: string): WorkloadIdentityError {
  const body = jsonOf(answer.text)
  if (body === undefined) {
    // CL-44: a body that is not JSON is a network error, whatever the status.
    const description = 'the token endpoint answered without JSON'
    return new WorkloadIdentityError({
      status: answer.status,
      error: 'network_error',
      description,
      correlationId: requestId,
    })
  }
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  const codes = Array.isArray(b.error_codes)
    ? b.error_codes.filter((c) => typeof c === 'number')
    : []
  // STS-83 keeps the assertion out of descriptions; this keeps it out even of a server that errs.
  const description = member(b, 'error_description')?.replaceAll(request.assertion, '[assertion]')
  return new WorkloadIdentityError({
    status: answer.status,
    error: member(b, 'error') ?? 'invalid_response',
    ...(description === undefined ? {} : { description }),
    aadsts: codes,
    traceId: member(b, 'trace_id'),
    correlationId: member(b, 'correlation_id') ?? requestId,
  })
}

/**
 * POSTs the request, retrying 429, 500 and 503 up to {@link MAX_RETRIES} times; every other
 * failure is thrown as a {@link WorkloadIdentityError} at once.
 */
export async function postTokenRequest(
  request: TokenRequest,
  transport: Transport,
  signal?: AbortSignal,
): Promise<TokenResponse> {
  // WL-66: one client-request-id per call, kept across retries so the server log joins them.
  const requestId = randomUUID()
  for (let retry = 0; ; retry++) {
    const answer = await send(request, requestId, transport, signal)
    if (RETRYABLE_STATUSES.has(answer.status) && retry < MAX_RETRIES) {
      await sleep(retryDelayMs(retry, answer.retryAfter, transport.now()), undefined, { signal })
      continue
    }
    if (answer.status !== 200) throw failure(answer, request, requestId)
    const parsed = parseTokenResponse(jsonOf(answer.text))
    if (typeof parsed === 'string')
      throw new WorkloadIdentityError({
        status: 200,
        error: 'invalid_response',
        description: parsed,
        correlationId: requestId,
      })
    return parsed
  }
}
