/**
 * @module The client's failures as typed values: every way a call can fail is one member of
 * {@link ClientFailure}, carried by the one error class {@link AltoClientError}. An ALTO error
 * (RFC 7285 §8.5.2) keeps its `E_*` code, `field` and `value` as the server's own
 * {@link AltoError} type; HTTP-level failures keep the status and `Retry-After`.
 */
import type { AltoError } from '../alto/errors.ts'

/** An error code outside RFC 7285's four (an extension's, e.g. RFC 8896's `E_INVALID_COST_TYPE`). */
export interface OtherAltoError {
  code: string
  field?: string
  value?: string
  syntaxError?: string
}

export type ClientFailure =
  /** 400 with an `application/alto-error+json` body. */
  | { kind: 'alto'; status: number; url: string; error: AltoError | OtherAltoError }
  /** Any other non-2xx answer (404, 406, 415, 429, 503, …); `body` is the first 500 characters. */
  | {
      kind: 'http'
      status: number
      method: string
      url: string
      body: string
      retryAfterSeconds?: number
    }
  /** No HTTP answer at all: connection refused, DNS failure, reset, aborted. */
  | { kind: 'unreachable'; url: string; reason: string }
  /** A 2xx answer whose body is not the announced message (wrong media type, schema mismatch). */
  | { kind: 'invalid-response'; url: string; reason: string }
  /** The directory offers no resource for what was asked (no such id, service or cost type). */
  | { kind: 'no-resource'; reason: string }

const REGISTERED = new Set([
  'E_SYNTAX',
  'E_MISSING_FIELD',
  'E_INVALID_FIELD_TYPE',
  'E_INVALID_FIELD_VALUE',
])

/** The error of an `application/alto-error+json` body's `meta` (§8.5.2). */
export function altoErrorFromMeta(meta: {
  code: string
  field?: string
  value?: string
  'syntax-error'?: string
}): AltoError | OtherAltoError {
  const { code, field, value } = meta
  if (REGISTERED.has(code)) {
    if (code === 'E_SYNTAX') return { code, syntaxError: meta['syntax-error'] ?? '' }
    if (code === 'E_INVALID_FIELD_VALUE') return { code, field: field ?? '', value: value ?? '' }
    return { code: code as 'E_MISSING_FIELD' | 'E_INVALID_FIELD_TYPE', field: field ?? '' }
  }
  return { code, field, value, syntaxError: meta['syntax-error'] }
}

function describe(failure: ClientFailure): string {
  switch (failure.kind) {
    case 'alto': {
      const e = failure.error as OtherAltoError
      const detail = [
        e.field && `field ${e.field}`,
        e.value !== undefined && `value ${e.value}`,
        e.syntaxError,
      ]
        .filter(Boolean)
        .join(', ')
      return `${failure.url}: ${e.code}${detail ? ` (${detail})` : ''}`
    }
    case 'http':
      return `${failure.method} ${failure.url}: ${failure.status}`
    case 'unreachable':
      return `cannot reach ${failure.url}: ${failure.reason}`
    case 'invalid-response':
      return `${failure.url}: invalid response: ${failure.reason}`
    case 'no-resource':
      return failure.reason
  }
}

/** Thrown by every client call; `failure` says exactly what went wrong. */
export class AltoClientError extends Error {
  readonly failure: ClientFailure
  constructor(failure: ClientFailure) {
    super(describe(failure))
    this.name = 'AltoClientError'
    this.failure = failure
  }
}

export function clientFail(failure: ClientFailure): never {
  throw new AltoClientError(failure)
}
