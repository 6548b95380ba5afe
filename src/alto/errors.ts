/**
 * @module Request failures and their one mapping to HTTP responses.
 *
 * Two families:
 * - {@link AltoError}: the four error codes RFC 7285 registers (§8.5.2, Table 1), answered with
 *   `400` and an `application/alto-error+json` body `{"meta": {"code", "field"?, "value"?}}`.
 *   "The ALTO server MUST return exactly one error" (§8.5.2), so a failure carries one error.
 * - {@link HttpFailure}: conditions RFC 7285 has no error code for (unknown resource, wrong
 *   method, unacceptable `Accept`, wrong request `Content-Type`, oversized body, missing
 *   credentials, too many requests, storage unavailable, and the update services' statuses:
 *   RFC 9569's 410/425 and its 415 about `Accept`, a stream that exists already, an internal
 *   error). §8.5.2 allows only registered codes in
 *   `meta.code` and none of the four describes these, so they get the plain HTTP status and a
 *   short `text/plain` body ("the server MAY ... omit the error resource when no ALTO-layer
 *   information is available", §8.5.1). `503` and `429` carry `Retry-After` (§8.5.3; RFC 6585
 *   §4); `401` carries one `WWW-Authenticate` challenge per scheme offered (RFC 9110 §11.6.1).
 *
 * Handlers throw {@link RequestFailureError}; `app.onError` calls {@link failureResponse}.
 */
import { MEDIA_TYPES } from './media-types.ts'

export type AltoError =
  | { code: 'E_SYNTAX'; syntaxError: string }
  | { code: 'E_MISSING_FIELD'; field: string }
  | { code: 'E_INVALID_FIELD_TYPE'; field: string }
  | { code: 'E_INVALID_FIELD_VALUE'; field: string; value: string }

export type HttpFailure =
  /** 404; `reason` says which part was not found (a TIPS edge), else the generic text. */
  | { kind: 'not-found'; reason?: string }
  | { kind: 'method-not-allowed'; allow: readonly string[] }
  | { kind: 'not-acceptable'; produces: string }
  | { kind: 'unsupported-media-type'; accepts: string }
  /**
   * RFC 9569: "415 (Unsupported Media Type): if the media type(s) accepted by the client does not
   * include the media type of the update chosen by the server" — about `Accept`, not the body.
   */
  | { kind: 'item-not-acceptable'; mediaType: string }
  | { kind: 'payload-too-large'; limitBytes: number }
  | { kind: 'unavailable'; reason: string; retryAfterSeconds: number }
  | { kind: 'unauthorized'; challenges: readonly string[] }
  | { kind: 'rate-limited'; status: 429 | 503; retryAfterSeconds: number; reason?: string }
  /** RFC 9569: "410 (Gone): if an update has a seq that has been removed from the graph". */
  | { kind: 'gone'; reason: string }
  /** RFC 9569: "425 (Too Early): if the seq exceeds the server's long-poll window". */
  | { kind: 'too-early'; reason: string }
  /** 409: the target exists already (an update stream opened twice). */
  | { kind: 'conflict'; reason: string }
  /** 500: a defect; the details go to the log, never to the client. */
  | { kind: 'internal' }

export type RequestFailure = { kind: 'alto'; error: AltoError } | HttpFailure

/** Thrown by request handling; carries exactly one failure. */
export class RequestFailureError extends Error {
  readonly failure: RequestFailure
  constructor(failure: RequestFailure) {
    super(failure.kind === 'alto' ? failure.error.code : failure.kind)
    this.name = 'RequestFailureError'
    this.failure = failure
  }
}

/** Throws an ALTO error (400). */
export function altoFail(error: AltoError): never {
  throw new RequestFailureError({ kind: 'alto', error })
}

/** Throws a non-ALTO HTTP failure. */
export function httpFail(failure: HttpFailure): never {
  throw new RequestFailureError(failure)
}

/** Longest `value` echoed in an error; the rest is cut (bodies can be up to 1 MiB). */
const MAX_ERROR_VALUE_CHARS = 256

/**
 * §8.5.2: "the value MUST be a JSONString ... a non-string invalid value MUST be converted to a
 * string" (a number becomes its JSON text, an object its JSON text).
 */
export function errorValueString(value: unknown): string {
  // String(n) for numbers: JSON.stringify would turn a non-finite one (1e309 parses to
  // Infinity) into "null".
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : (JSON.stringify(value) ?? String(value))
  return text.length > MAX_ERROR_VALUE_CHARS ? `${text.slice(0, MAX_ERROR_VALUE_CHARS)}…` : text
}

/** The `application/alto-error+json` body of an ALTO error (§8.5.2). */
export function altoErrorBody(error: AltoError): { meta: Record<string, string> } {
  switch (error.code) {
    case 'E_SYNTAX':
      return { meta: { code: error.code, 'syntax-error': error.syntaxError } }
    case 'E_MISSING_FIELD':
    case 'E_INVALID_FIELD_TYPE':
      return { meta: { code: error.code, field: error.field } }
    case 'E_INVALID_FIELD_VALUE':
      // Truncated here, once, whatever produced it: a value may echo up to 1 MiB of body.
      return {
        meta: { code: error.code, field: error.field, value: errorValueString(error.value) },
      }
  }
}

/** Headers every error response carries: errors are never cached. */
const ERROR_HEADERS = { 'Cache-Control': 'no-store' } as const

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { ...ERROR_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  })
}

/** The one mapping from a request failure to its HTTP response. */
export function failureResponse(failure: RequestFailure): Response {
  switch (failure.kind) {
    case 'alto':
      return new Response(JSON.stringify(altoErrorBody(failure.error)), {
        status: 400,
        headers: { ...ERROR_HEADERS, 'Content-Type': MEDIA_TYPES.error },
      })
    case 'not-found':
      return plain(404, `Not Found: ${failure.reason ?? 'no such ALTO resource; see /directory'}`)
    case 'method-not-allowed':
      return plain(405, 'Method Not Allowed', { Allow: failure.allow.join(', ') })
    case 'not-acceptable':
      return plain(406, `Not Acceptable: this resource produces ${failure.produces}`)
    case 'unsupported-media-type':
      return plain(415, `Unsupported Media Type: send Content-Type ${failure.accepts}`)
    case 'item-not-acceptable':
      return plain(
        415,
        `Unsupported Media Type: this update item is ${failure.mediaType}; include it in Accept`
      )
    case 'payload-too-large':
      return plain(413, `Payload Too Large: at most ${failure.limitBytes} bytes`)
    case 'unavailable':
      return plain(503, `Service Unavailable: ${failure.reason}`, {
        'Retry-After': String(failure.retryAfterSeconds),
      })
    case 'rate-limited': {
      const text = failure.status === 429 ? 'Too Many Requests' : 'Service Unavailable'
      return plain(failure.status, `${text}: ${failure.reason ?? 'too many requests'}`, {
        'Retry-After': String(failure.retryAfterSeconds),
      })
    }
    case 'gone':
      return plain(410, `Gone: ${failure.reason}`)
    case 'too-early':
      return plain(425, `Too Early: ${failure.reason}`)
    case 'conflict':
      return plain(409, `Conflict: ${failure.reason}`)
    case 'internal':
      return plain(500, 'Internal Server Error')
    case 'unauthorized': {
      const response = plain(401, 'Unauthorized: this ALTO server requires client authentication')
      for (const challenge of failure.challenges)
        response.headers.append('WWW-Authenticate', challenge)
      return response
    }
  }
}
