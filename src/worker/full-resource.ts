/**
 * @module Serving a GET resource whose whole body is a prebuilt JSON blob (IRD, network map, cost
 * map): conditional request first (304 from the manifest alone), then the edge cache, then KV.
 *
 * Edge cache (Workers Cache API, local to the data center): the key is a synthetic URL naming the
 * VERSION and the resource id, so an entry can never answer for another version; stored copies
 * carry a long `max-age` (the body behind a version never changes) while clients get
 * `ALTO_MAX_AGE`. The body is never parsed and re-serialized per request.
 *
 * Integrity: a body read from KV is checked against the manifest's SHA-256 before it is served
 * or stored in the edge cache (only verified bodies are ever cached). Up to
 * {@link VERIFY_BEFORE_RESPONSE_BYTES} the blob is buffered and checked before the response
 * starts, so a corrupt or missing blob is a 503 (or an answer from the last good version); a
 * larger blob is streamed chunk by chunk with its end withheld until the checksum holds — a
 * corrupt one ends in a broken transfer instead of a complete-looking body.
 */
import type { BlobRef, PresignedSignature } from '../store/manifest.ts'
import type { PublishedVersion } from './env.ts'
import {
  notModifiedResponse,
  representationHeaders,
  requireAcceptable,
  type AppContext,
} from './http.ts'
import { readBlobBytes, verifiedBlobStream } from './store.ts'

/** Origin of the synthetic cache keys (never fetched). */
const CACHE_KEY_ORIGIN = 'https://alto-edge.cache.invalid'
/** Lifetime of a stored copy: immutable per version, so only eviction pressure matters. */
export const EDGE_CACHE_MAX_AGE_SECONDS = 24 * 60 * 60
/** Largest blob buffered and verified before the response starts (isolates have 128 MB). */
export const VERIFY_BEFORE_RESPONSE_BYTES = 8 * 1024 * 1024

export interface FullResource {
  /** Resource kind and id, unique within a version (e.g. `networkmap/my-default-network-map`). */
  cacheId: string
  /** The quoted strong ETag. */
  etag: string
  mediaType: string
  blob: BlobRef
}

/** Cache key of an immutable update item (content-addressed: same bytes, same type, one entry). */
export function itemCacheKey(sha256: string, mediaType: string): string {
  return `${CACHE_KEY_ORIGIN}/item/${sha256}/${encodeURIComponent(mediaType)}`
}

export function edgeCacheKey(version: string, cacheId: string): string {
  return `${CACHE_KEY_ORIGIN}/v/${encodeURIComponent(version)}/${cacheId}`
}

function edgeCache(): Cache | null {
  return typeof caches === 'undefined' ? null : caches.default
}

function waitUntil(c: AppContext, promise: Promise<unknown>): void {
  const guarded = promise.catch(() => {})
  try {
    c.executionCtx.waitUntil(guarded)
  } catch {
    // No execution context (e.g. app.request in a unit test): let it run unattended.
  }
}

export async function serveFullResource(
  c: AppContext,
  version: PublishedVersion,
  resource: FullResource
): Promise<Response> {
  requireAcceptable(c, resource.mediaType)
  const headers = representationHeaders(c, version, resource.etag, resource.mediaType)
  const notModified = notModifiedResponse(c, headers, version.lastModified)
  if (notModified) return notModified
  addPresignedSignature(
    headers,
    version.manifest.signatures?.[resource.blob.sha256],
    resource.mediaType
  )
  if (c.req.method === 'HEAD') {
    headers.set('Content-Length', String(resource.blob.bytes))
    return new Response(null, { headers })
  }
  return serveBlobThroughEdgeCache(c, {
    key: edgeCacheKey(version.manifest.version, resource.cacheId),
    blob: resource.blob,
    headers,
    storedCacheControl: `public, max-age=${EDGE_CACHE_MAX_AGE_SECONDS}`,
  })
}

/**
 * The operator's build-time signature of a blob (compiler/presign.ts: full maps from the
 * manifest, update items from their log), sent as it is: never signed per request. Only for the
 * exact type it covers; callers add none to a 304.
 */
export function addPresignedSignature(
  headers: Headers,
  sig: PresignedSignature | undefined,
  mediaType: string
): void {
  if (!sig || sig['media-type'] !== mediaType) return
  headers.set('Content-Digest', sig['content-digest'])
  headers.set('Signature-Input', sig['signature-input'])
  headers.set('Signature', sig.signature)
}

export interface EdgeCachedBlob {
  /** Cache API key (a synthetic URL that identifies the bytes and their representation). */
  key: string
  blob: BlobRef
  /** Headers of the response to the client. */
  headers: Headers
  /** `Cache-Control` of the stored copy (the client's may be shorter or `private`). */
  storedCacheControl: string
}

/**
 * Answers with an immutable blob's bytes from the edge cache, else from KV (verified against its
 * SHA-256) while filling the cache in the background. Shared by full maps and TIPS items.
 */
export async function serveBlobThroughEdgeCache(
  c: AppContext,
  item: EdgeCachedBlob
): Promise<Response> {
  const { key, blob, headers } = item
  const cache = edgeCache()
  const hit = await cache?.match(key).catch(() => undefined)
  if (hit?.body) return new Response(hit.body, { headers })
  const stored = new Headers(headers)
  stored.set('Cache-Control', item.storedCacheControl)
  stored.set('Content-Length', String(blob.bytes))
  stored.delete('Vary') // the key already identifies the representation
  if (blob.bytes <= VERIFY_BEFORE_RESPONSE_BYTES) {
    const bytes = await readBlobBytes(c.env.ALTO_KV, blob)
    if (cache) waitUntil(c, cache.put(key, new Response(bytes.slice(), { headers: stored })))
    return new Response(bytes, { headers })
  }
  const body = await verifiedBlobStream(c.env.ALTO_KV, blob)
  if (cache) {
    // Not `body.tee()`: a tee lets the cache branch read KV as fast as it can while the client
    // branch drains at network speed, so the isolate ends up holding the whole body (measured:
    // ~80 MB of a 72 MB cost map). A second, independent KV stream for the cache keeps each
    // request's memory at one KV chunk per stream, for one extra KV read per version and data
    // center. A stream that errors (checksum mismatch) makes `put` reject: nothing is stored.
    waitUntil(
      c,
      verifiedBlobStream(c.env.ALTO_KV, blob).then((copy) =>
        cache.put(key, new Response(copy, { headers: stored }))
      )
    )
  }
  return new Response(body, { headers })
}
