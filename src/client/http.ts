/**
 * @module The client's one HTTP path: `fetch` (the platform's, or one passed in: a Worker's
 * service binding, `exports.default.fetch`, a test double), the bearer credential, an
 * ETag/If-None-Match cache for GET resources (RFC 9110 §13.1.2: a 304 means the held copy is
 * current), every non-2xx answer and network fault turned into a {@link ClientFailure}, and every
 * body checked against its schema from src/alto/response-schemas.ts.
 */
import type * as z from 'zod'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { errorResponseSchema } from '../alto/response-schemas.ts'
import { altoErrorFromMeta, clientFail } from './errors.ts'

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface TransportOptions {
  /** Default: the global `fetch`. */
  fetch?: FetchLike
  /** Sent as `Authorization: Bearer <token>` (a server with client authentication). */
  token?: string
  /** Extra headers on every request. */
  headers?: Record<string, string>
  /** GET bodies kept for revalidation (default 64; 0 turns the cache off). */
  cacheEntries?: number
}

interface Cached {
  etag: string
  body: unknown
}

/** First characters of an error body kept in a failure. */
const MAX_ERROR_BODY_CHARS = 500

/** Why a fetch failed at the network level: undici's `fetch failed` hides it in `cause`. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (e as Error).message ?? String(e)
}

export class Transport {
  readonly #fetch: FetchLike
  readonly #headers: Record<string, string>
  readonly #cache = new Map<string, Cached>()
  readonly #cacheEntries: number
  /** Requests answered 304 from the cache (for tests and diagnostics). */
  revalidated = 0

  constructor(opts: TransportOptions = {}) {
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init))
    this.#headers = {
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    }
    this.#cacheEntries = opts.cacheEntries ?? 64
  }

  /** `fetch` with the client's headers; network faults become `unreachable`. */
  async send(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    for (const [k, v] of Object.entries(this.#headers)) if (!headers.has(k)) headers.set(k, v)
    try {
      return await this.#fetch(url, { ...init, headers })
    } catch (e) {
      return clientFail({ kind: 'unreachable', url, reason: networkReason(e) })
    }
  }

  /** Throws the failure a non-2xx response stands for. */
  async fail(res: Response, method: string, url: string): Promise<never> {
    const text = await res.text().catch(() => '')
    if (res.status === 400 && res.headers.get('Content-Type') === MEDIA_TYPES.error) {
      const parsed = errorResponseSchema.safeParse(safeJson(text))
      if (parsed.success)
        clientFail({ kind: 'alto', status: 400, url, error: altoErrorFromMeta(parsed.data.meta) })
    }
    const retry = res.headers.get('Retry-After')
    return clientFail({
      kind: 'http',
      status: res.status,
      method,
      url,
      body: text.slice(0, MAX_ERROR_BODY_CHARS),
      ...(retry !== null && /^\d+$/.test(retry) ? { retryAfterSeconds: Number(retry) } : {}),
    })
  }

  /** Reads and checks a 2xx JSON body of `mediaType`. */
  async body<T>(res: Response, url: string, mediaType: string, schema: z.ZodType<T>): Promise<T> {
    const type = res.headers.get('Content-Type')?.split(';')[0].trim()
    if (type !== mediaType)
      clientFail({
        kind: 'invalid-response',
        url,
        reason: `Content-Type ${type}, expected ${mediaType}`,
      })
    return checked(schema, safeJson(await res.text()), url)
  }

  /** GET a JSON resource, revalidating a cached copy with If-None-Match. */
  async get<T>(url: string, mediaType: string, schema: z.ZodType<T>): Promise<T> {
    const cached = this.#cache.get(url)
    const headers: Record<string, string> = { Accept: `${mediaType},${MEDIA_TYPES.error}` }
    if (cached) headers['If-None-Match'] = cached.etag
    const res = await this.send(url, { headers })
    if (res.status === 304 && cached) {
      this.revalidated++
      this.#remember(url, cached)
      return cached.body as T
    }
    if (!res.ok) return this.fail(res, 'GET', url)
    const body = await this.body(res, url, mediaType, schema)
    const etag = res.headers.get('ETag')
    if (etag && this.#cacheEntries > 0) this.#remember(url, { etag, body })
    return body
  }

  /** POST a JSON request of `contentType`, expecting `mediaType` (RFC 7285 §8.3.2). */
  async post<T>(
    url: string,
    contentType: string,
    mediaType: string,
    request: unknown,
    schema: z.ZodType<T>
  ): Promise<T> {
    const res = await this.send(url, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Accept: `${mediaType},${MEDIA_TYPES.error}` },
      body: JSON.stringify(request),
    })
    if (!res.ok) return this.fail(res, 'POST', url)
    return this.body(res, url, mediaType, schema)
  }

  #remember(url: string, entry: Cached): void {
    this.#cache.delete(url)
    this.#cache.set(url, entry)
    while (this.#cache.size > this.#cacheEntries)
      this.#cache.delete(this.#cache.keys().next().value!)
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** `value` checked against `schema`, or an `invalid-response` naming the first problem. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, url: string): T {
  if (value === undefined) clientFail({ kind: 'invalid-response', url, reason: 'body is not JSON' })
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  return clientFail({
    kind: 'invalid-response',
    url,
    reason: `${issue.path.join('/') || '(root)'}: ${issue.message}`,
  })
}
