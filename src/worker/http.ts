/**
 * @module Request guards and response headers shared by the routes.
 *
 * Order of checks for every resource: method (405, by the router) → the request's version
 * (503) → resource exists (404) → `Accept` (406) → for GET: conditional request (304) → for POST:
 * `Content-Type` (415) → body size (413) → JSON and schema (400 ALTO errors).
 */
import type { Context } from 'hono'
import type * as z from 'zod'
import { altoFail, httpFail } from '../alto/errors.ts'
import { MAX_BODY_BYTES } from '../alto/limits.ts'
import {
  isAcceptable,
  isContentType,
  ifNoneMatchMatches,
  notModifiedSince,
} from '../alto/negotiation.ts'
import type { AddressBatch } from '../alto/address-batch.ts'
import { readAddressLists, type ListPath } from '../alto/address-scan.ts'
import { parseJsonText, validateRequest } from '../alto/request-schemas.ts'
import { maxAgeSeconds, type AppEnv, type PublishedVersion } from './env.ts'
import { replayPin } from './middleware/last-good.ts'
import { phaseDone } from './phases.ts'
import { loadPublishedVersion } from './store.ts'

export type AppContext = Context<AppEnv>

/**
 * The version this request is answered from: the pointer is read once, on first use, and every
 * later call in the same request returns the same manifest — a response never mixes versions.
 */
export function requestVersion(c: AppContext): Promise<PublishedVersion> {
  let version = c.get('version') as Promise<PublishedVersion> | undefined
  if (!version) {
    const pinned = replayPin(c.req.raw)
    version = pinned ? Promise.resolve(pinned.version) : loadPublishedVersion(c.env.ALTO_KV)
    c.set('version', version)
  }
  return version
}

/** 406 unless the request's `Accept` admits `mediaType`. */
export function requireAcceptable(c: AppContext, mediaType: string): void {
  if (!isAcceptable(c.req.header('Accept'), mediaType)) {
    httpFail({ kind: 'not-acceptable', produces: mediaType })
  }
}

/**
 * Reads the request body's bytes, refusing more than {@link MAX_BODY_BYTES} (413) without
 * buffering beyond the limit.
 */
async function readBodyBytes(request: Request): Promise<Uint8Array> {
  const tooLarge = (): never => httpFail({ kind: 'payload-too-large', limitBytes: MAX_BODY_BYTES })
  const declared = Number(request.headers.get('Content-Length') ?? '0')
  if (declared > MAX_BODY_BYTES) tooLarge()
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {})
      tooLarge()
    }
    chunks.push(value)
  }
  // A plain Uint8Array over the chunk, never a subclass (Node's Buffer, in the in-process bench):
  // the byte readers then see one array shape (address-scan.ts), with no copy.
  if (chunks.length === 1)
    return new Uint8Array(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength)
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** The body as UTF-8 text, or E_SYNTAX when it is not UTF-8. */
function bodyText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return altoFail({ code: 'E_SYNTAX', syntaxError: 'the request body is not valid UTF-8' })
  }
}

/** Checks `Content-Type` (415) and reads the body (413), kept for a replay and for signing. */
async function readAltoBody(c: AppContext, accepts: string): Promise<Uint8Array> {
  if (!isContentType(c.req.header('Content-Type'), accepts)) {
    httpFail({ kind: 'unsupported-media-type', accepts })
  }
  const bytes = await readBodyBytes(c.req.raw)
  c.set('requestBody', bytes)
  return bytes
}

/** Parses (400 E_SYNTAX) and validates (400) a body the ordinary way. */
function parseAltoBody<T>(bytes: Uint8Array, schema: z.ZodType<T>): T {
  const json = parseJsonText(bodyText(bytes))
  if (!json.ok) altoFail(json.error)
  phaseDone('read+parse')
  const parsed = validateRequest(schema, json.value)
  if (!parsed.ok) altoFail(parsed.error)
  return parsed.value
}

/** Checks `Content-Type` (415), reads (413) and validates (400) a POST body. */
export async function readAltoRequest<T>(
  c: AppContext,
  accepts: string,
  schema: z.ZodType<T>
): Promise<T> {
  return parseAltoBody(await readAltoBody(c, accepts), schema)
}

/**
 * {@link readAltoRequest} of a request with long address lists at `paths`: each list is also
 * returned as an address batch (`batches[k]` for `paths[k]`, undefined when absent or empty).
 * When the body allows it the lists are read from its bytes (address-scan.ts: no string per
 * address); otherwise, and whenever the request is refused, the ordinary path runs, so the
 * value and every error are those of readAltoRequest + parseAddressBatch (a list's batch is then
 * undefined and the caller parses the texts; address-scan.test.ts compares both).
 */
export async function readAltoAddressRequest<T>(
  c: AppContext,
  accepts: string,
  schema: z.ZodType<T>,
  paths: readonly ListPath[]
): Promise<{ request: T; batches: (AddressBatch | undefined)[] }> {
  const bytes = await readAltoBody(c, accepts)
  const fast = readAddressLists(bytes, schema, paths)
  phaseDone('read+parse')
  if (fast) return fast
  return { request: parseAltoBody(bytes, schema), batches: paths.map(() => undefined) }
}

/** A JSON response labelled with exactly its ALTO media type (RFC 7285 §8.3.3). */
export function altoJsonResponse(body: unknown, mediaType: string): Response {
  return altoTextResponse(JSON.stringify(body), mediaType)
}

/** {@link altoJsonResponse} of a body already written as JSON text (or streamed). */
export function altoTextResponse(
  text: string | Uint8Array | ReadableStream<Uint8Array>,
  mediaType: string
): Response {
  return new Response(text, {
    headers: { 'Content-Type': mediaType, 'Cache-Control': 'no-store' },
  })
}

/**
 * Headers of a GET representation: strong `ETag` from the manifest's tag, `Last-Modified` from
 * the manifest's `created`, `Cache-Control: public, max-age` and `Vary: Accept` (the IRD at `/`
 * depends on `Accept`, and every resource answers 406 for some `Accept` values).
 * `stale-while-revalidate` is for downstream HTTP caches (the Workers Cache API ignores it).
 * With client authentication on, `private` replaces `public`: a shared cache may store a
 * response to an authenticated request when it is marked `public` (RFC 9111 §3.5) and would
 * then serve it to clients without credentials, and `Vary` names `Authorization`: a browser that
 * switches credentials must not reuse another client's view from its cache.
 */
export function representationHeaders(
  c: AppContext,
  version: PublishedVersion,
  etag: string,
  mediaType: string
): Headers {
  const maxAge = maxAgeSeconds(c.env)
  return new Headers({
    'Content-Type': mediaType,
    ETag: etag,
    'Last-Modified': version.lastModified.toUTCString(),
    'Cache-Control': `${c.get('client') ? 'private' : 'public'}, max-age=${maxAge}, stale-while-revalidate=${maxAge}`,
    // Authenticated answers depend on who asks (per-client views): caches must key on it too.
    Vary: c.get('client') ? 'Accept, Authorization' : 'Accept',
  })
}

/** RFC 9110 §15.4.5: a 304 carries the validators and caching headers a 200 would have. */
const HEADERS_KEPT_ON_304 = ['ETag', 'Last-Modified', 'Cache-Control', 'Vary'] as const

/**
 * The 304 response when the client's copy is current (`If-None-Match`, else
 * `If-Modified-Since`), or null. Decided from the manifest alone: no blob is read.
 */
export function notModifiedResponse(
  c: AppContext,
  headers: Headers,
  lastModified: Date
): Response | null {
  const ifNoneMatch = c.req.header('If-None-Match')
  const current =
    ifNoneMatch !== undefined
      ? ifNoneMatchMatches(ifNoneMatch, headers.get('ETag') ?? '')
      : notModifiedSince(c.req.header('If-Modified-Since'), lastModified)
  if (!current) return null
  const kept = new Headers()
  for (const name of HEADERS_KEPT_ON_304) {
    const value = headers.get(name)
    if (value !== null) kept.set(name, value)
  }
  return new Response(null, { status: 304, headers: kept })
}
