/**
 * @module Reading a published version from KV (docs/storage-schema.md).
 *
 * `current` is read once per request with `cacheTtl: 60` (it is the only mutable key; KV may
 * serve it up to 60 s stale, which only delays a new version). Manifests and blobs are immutable
 * and content-addressed, so the isolate caches parsed manifests by version. A key the pointer or
 * manifest names but KV does not return (not yet visible at this location, or deleted) is a
 * temporary failure: 503 with `Retry-After`, and the miss is not cached.
 */
import { httpFail } from '../alto/errors.ts'
import {
  CURRENT_KEY,
  MANIFEST_FORMAT,
  blobKeys,
  type BlobRef,
  type CurrentPointer,
  type Manifest,
} from '../store/manifest.ts'
import type { PublishedVersion } from './env.ts'

/** KV edge-cache TTL of the pointer (the documented minimum is 60 s in one doc version). */
export const POINTER_CACHE_TTL_SECONDS = 60
/** What a client is told to wait when storage is not (yet) readable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 60
/** Parsed manifests kept per isolate (a manifest is a few KB; versions change rarely). */
const MAX_CACHED_MANIFESTS = 8

const manifests = new Map<string, PublishedVersion>()

function unavailable(reason: string): never {
  httpFail({ kind: 'unavailable', reason, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS })
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function isPointer(v: unknown): v is CurrentPointer {
  return isObject(v) && typeof v.version === 'string' && typeof v.manifest === 'string'
}

/** Shape check of the parts the Worker relies on; a manifest failing it is treated as corrupt. */
function isManifest(v: unknown, version: string): v is Manifest {
  return (
    isObject(v) &&
    v.format === MANIFEST_FORMAT &&
    v.version === version &&
    typeof v.created === 'string' &&
    typeof v['default-network-map'] === 'string' &&
    isObject(v['network-maps']) &&
    isObject(v['cost-maps']) &&
    isObject(v.properties) &&
    isObject(v['cost-types']) &&
    isObject(v.ird) &&
    typeof v['ird-tag'] === 'string'
  )
}

/** Reads the pointer and the manifest it names (503 when either is missing or corrupt). */
export async function loadPublishedVersion(kv: KVNamespace): Promise<PublishedVersion> {
  const pointer: unknown = await kv
    .get(CURRENT_KEY, { type: 'json', cacheTtl: POINTER_CACHE_TTL_SECONDS })
    .catch(() => unavailable('the version pointer cannot be read'))
  if (pointer === null) unavailable('no map version has been published yet')
  if (!isPointer(pointer)) unavailable('the version pointer is corrupt')
  const cached = manifests.get(pointer.version)
  if (cached) return cached
  const manifest: unknown = await kv
    .get(pointer.manifest, { type: 'json' })
    .catch(() => unavailable('the manifest cannot be read'))
  if (manifest === null) unavailable('the current manifest is not visible yet')
  if (!isManifest(manifest, pointer.version)) unavailable('the current manifest is corrupt')
  const lastModified = new Date(manifest.created)
  if (Number.isNaN(lastModified.getTime())) unavailable('the current manifest is corrupt')
  const loaded: PublishedVersion = { manifest, lastModified }
  if (manifests.size >= MAX_CACHED_MANIFESTS) manifests.delete(manifests.keys().next().value!)
  manifests.set(pointer.version, loaded)
  return loaded
}

/** The whole blob as bytes (chunks concatenated). */
export async function readBlobBytes(kv: KVNamespace, ref: BlobRef): Promise<Uint8Array> {
  const keys = blobKeys(ref)
  const parts: ArrayBuffer[] = []
  for (const key of keys) {
    const part = await kv.get(key, { type: 'arrayBuffer' })
    if (part === null) unavailable('a blob of the current version is not visible yet')
    parts.push(part)
  }
  if (parts.length === 1) return new Uint8Array(parts[0])
  const bytes = new Uint8Array(ref.bytes)
  let offset = 0
  for (const part of parts) {
    bytes.set(new Uint8Array(part), offset)
    offset += part.byteLength
  }
  return bytes
}

/**
 * The blob as a byte stream, chunk by chunk (never the whole of a chunked blob in memory). The
 * first chunk is opened before returning, so a missing blob is still a 503; a chunk that vanishes
 * later (pruned mid-response) errors the stream.
 */
export async function readBlobStream(
  kv: KVNamespace,
  ref: BlobRef
): Promise<ReadableStream<Uint8Array>> {
  const keys = blobKeys(ref)
  const first = await kv.get(keys[0], { type: 'stream' })
  if (first === null) unavailable('a blob of the current version is not visible yet')
  if (keys.length === 1) return first
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const pump = async (): Promise<void> => {
    await first.pipeTo(writable, { preventClose: true })
    for (const key of keys.slice(1)) {
      const next = await kv.get(key, { type: 'stream' })
      if (next === null) throw new Error('blob chunk missing')
      await next.pipeTo(writable, { preventClose: true })
    }
    await writable.close()
  }
  pump().catch((error: unknown) => writable.abort(error).catch(() => {}))
  return readable
}
