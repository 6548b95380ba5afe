import { describe, expect, it } from 'vitest'
import {
  failureResponse,
  RequestFailureError,
  type HttpFailure,
  type RequestFailure,
} from './errors.ts'
import { MEDIA_TYPES } from './media-types.ts'

/**
 * One row per failure kind. Typed as a record over every kind, so a kind added to the union
 * without a row here does not compile: the one mapper stays fully tested.
 */
const cases: {
  [K in RequestFailure['kind']]: {
    failure: Extract<RequestFailure, { kind: K }>
    status: number
    body: string | RegExp
    headers?: Record<string, string>
  }
} = {
  alto: {
    failure: { kind: 'alto', error: { code: 'E_MISSING_FIELD', field: 'cost-type' } },
    status: 400,
    body: '{"meta":{"code":"E_MISSING_FIELD","field":"cost-type"}}',
  },
  'not-found': { failure: { kind: 'not-found' }, status: 404, body: /see \/directory/ },
  'method-not-allowed': {
    failure: { kind: 'method-not-allowed', allow: ['GET', 'HEAD'] },
    status: 405,
    body: /Method Not Allowed/,
    headers: { Allow: 'GET, HEAD' },
  },
  'not-acceptable': {
    failure: { kind: 'not-acceptable', produces: MEDIA_TYPES.costMap },
    status: 406,
    body: /produces application\/alto-costmap\+json/,
  },
  'unsupported-media-type': {
    failure: { kind: 'unsupported-media-type', accepts: MEDIA_TYPES.costMapFilter },
    status: 415,
    body: /send Content-Type application\/alto-costmapfilter\+json/,
  },
  // RFC 9569: 415 when Accept excludes the media type of the update item.
  'item-not-acceptable': {
    failure: { kind: 'item-not-acceptable', mediaType: MEDIA_TYPES.mergePatch },
    status: 415,
    body: /update item is application\/merge-patch\+json; include it in Accept/,
  },
  'payload-too-large': {
    failure: { kind: 'payload-too-large', limitBytes: 1024 },
    status: 413,
    body: /at most 1024 bytes/,
  },
  unavailable: {
    failure: { kind: 'unavailable', reason: 'poll again', retryAfterSeconds: 0 },
    status: 503,
    body: /Service Unavailable: poll again/,
    headers: { 'Retry-After': '0' },
  },
  unauthorized: {
    failure: { kind: 'unauthorized', challenges: ['Bearer realm="x"', 'Digest realm="x"'] },
    status: 401,
    body: /requires client authentication/,
    headers: { 'WWW-Authenticate': 'Bearer realm="x", Digest realm="x"' },
  },
  'rate-limited': {
    failure: { kind: 'rate-limited', status: 429, retryAfterSeconds: 1, reason: 'too many polls' },
    status: 429,
    body: /Too Many Requests: too many polls/,
    headers: { 'Retry-After': '1' },
  },
  // RFC 9569: 410 for a seq removed from the graph, 425 beyond the long-poll window.
  gone: { failure: { kind: 'gone', reason: 'seq 1 was pruned' }, status: 410, body: /Gone: seq 1/ },
  'too-early': {
    failure: { kind: 'too-early', reason: 'seq 99 is beyond the window' },
    status: 425,
    body: /Too Early: seq 99/,
  },
  conflict: { failure: { kind: 'conflict', reason: 'open already' }, status: 409, body: /open/ },
  internal: { failure: { kind: 'internal' }, status: 500, body: /Internal Server Error/ },
}

describe('failureResponse: the one mapping from a failure to its response', () => {
  for (const [kind, c] of Object.entries(cases)) {
    it(`${kind} → ${c.status}`, async () => {
      const res = failureResponse(c.failure as RequestFailure)
      expect(res.status).toBe(c.status)
      // Errors are never cached (RFC 7285 §8.5 leaves caching to HTTP; a stale error helps no one).
      expect(res.headers.get('Cache-Control')).toBe('no-store')
      // §8.5.2: only the four registered codes travel as alto-error+json; the rest are plain.
      expect(res.headers.get('Content-Type')).toBe(
        kind === 'alto' ? MEDIA_TYPES.error : 'text/plain; charset=utf-8'
      )
      const text = await res.text()
      if (typeof c.body === 'string') expect(text).toBe(c.body)
      else expect(text).toMatch(c.body)
      for (const [name, value] of Object.entries(c.headers ?? {})) {
        expect(res.headers.get(name)).toBe(value)
      }
    })
  }

  it('429 and 503 from the rate limiter keep their generic text without a reason', async () => {
    const limited: HttpFailure = { kind: 'rate-limited', status: 503, retryAfterSeconds: 10 }
    const res = failureResponse(limited)
    expect([res.status, await res.text()]).toEqual([
      503,
      'Service Unavailable: too many requests\n',
    ])
  })

  it('a thrown RequestFailureError carries exactly its one failure', () => {
    const failure: RequestFailure = { kind: 'gone', reason: 'pruned' }
    expect(new RequestFailureError(failure).failure).toBe(failure)
  })
})
