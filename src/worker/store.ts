/**
 * @module Reading a published version from KV (docs/storage-schema.md), defensively.
 *
 * `current` is read once per request with `cacheTtl: 60` (it is the only mutable key; KV may
 * serve it up to 60 s stale, which only delays a new version). Manifests and blobs are immutable
 * and content-addressed, so the isolate caches parsed manifests by version.
 *
 * Every storage problem is a {@link StorageFault} — a 503 with `Retry-After` unless the isolate
 * can answer from its last good version (middleware/last-good.ts):
 * - a key the pointer or manifest names but KV does not return (not yet visible at this location,
 *   or deleted) — the miss is not cached;
 * - a KV read that throws (`kv.get` rejects);
 * - a pointer, manifest or blob that does not parse or whose bytes do not hash to the SHA-256
 *   the manifest records for them (`BlobRef.sha256`, checked on every read from KV; decoded tables
 *   are then cached, so each blob is hashed once per isolate).
 */
import { RequestFailureError } from '../alto/errors.ts'
import { blobKeys, type BlobRef } from '../store/manifest.ts'
import { readManifest, readPointer, StoreError, type StoreReader } from '../store/read.ts'
import { sha256Hex, toHex } from '../tables/bytes.ts'
import type { PublishedVersion } from './env.ts'

/** KV edge-cache TTL of the pointer (the documented minimum is 60 s in one doc version). */
export const POINTER_CACHE_TTL_SECONDS = 60
/** What a client is told to wait when the current version cannot be used (corrupt tables). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 60
/**
 * What a client is told to wait after a failed or unusable KV read. Such faults are transient
 * (the next read usually succeeds), and an update follower obeys `Retry-After`: with 60 s here a
 * TIPS follower that met one failed read learnt of the next publication a minute late (the soak
 * run, bench/soak, found it).
 */
export const STORAGE_FAULT_RETRY_AFTER_SECONDS = 5
/** Parsed manifests kept per isolate (a manifest is a few KB; versions change rarely). */
const MAX_CACHED_MANIFESTS = 8

/**
 * KV did not deliver what the published version promises. `reason` is operator-facing and
 * contains key names at most — never request data.
 */
export class StorageFault extends RequestFailureError {
  readonly reason: string
  constructor(reason: string) {
    super({
      kind: 'unavailable',
      reason: 'the map data cannot be read',
      retryAfterSeconds: STORAGE_FAULT_RETRY_AFTER_SECONDS,
    })
    this.name = 'StorageFault'
    this.reason = reason
  }
}

const manifests = new Map<string, PublishedVersion>()

/** Test hook: forget the parsed manifests (the next request reads them from KV again). */
export function clearManifestCache(): void {
  manifests.clear()
}

/**
 * The store reader (src/store/read.ts) over the KV binding. Every rejection and every unusable
 * record becomes a {@link StorageFault} naming the key.
 */
export function kvStoreReader(kv: KVNamespace): StoreReader {
  return {
    texts: (keys, opts) =>
      Promise.all(
        keys.map((key) =>
          kv.get(
            key,
            opts?.cacheTtl === undefined
              ? { type: 'text' }
              : { type: 'text', cacheTtl: opts.cacheTtl }
          )
        )
      ),
  }
}

/** Runs a store read with every {@link StoreError} as a {@link StorageFault}. */
export async function readingStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof StoreError) throw new StorageFault(error.message)
    throw error
  }
}

/** `kv.get` with every rejection turned into a {@link StorageFault} naming the key. */
async function kvGet<T>(read: () => Promise<T>, key: string): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof StorageFault) throw error
    throw new StorageFault(
      `reading ${key} failed (${error instanceof Error ? error.name : 'error'})`
    )
  }
}

/** Reads the pointer and the manifest it names (503 when either is missing or corrupt). */
export async function loadPublishedVersion(kv: KVNamespace): Promise<PublishedVersion> {
  const reader = kvStoreReader(kv)
  const pointer = await readingStore(() =>
    readPointer(reader, { cacheTtl: POINTER_CACHE_TTL_SECONDS })
  )
  if (pointer === null) throw new StorageFault('no map version has been published yet (no pointer)')
  const cached = manifests.get(pointer.version)
  if (cached) return cached
  const manifest = await readingStore(() => readManifest(reader, pointer.version))
  if (manifest === null) throw new StorageFault(`${pointer.manifest} is missing`)
  const loaded: PublishedVersion = { manifest, lastModified: new Date(manifest.created) }
  if (manifests.size >= MAX_CACHED_MANIFESTS) manifests.delete(manifests.keys().next().value!)
  manifests.set(pointer.version, loaded)
  return loaded
}

/** Throws unless `bytes` are the blob `ref` describes (length and SHA-256). */
async function verifyBlob(ref: BlobRef, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength !== ref.bytes) {
    throw new StorageFault(
      `${ref.key} has ${bytes.byteLength} bytes, the manifest says ${ref.bytes}`
    )
  }
  const digest = await sha256Hex(bytes)
  if (digest !== ref.sha256) throw new StorageFault(`${ref.key} fails its SHA-256 checksum`)
}

/** The whole blob as bytes (chunks concatenated), verified against its SHA-256. */
export async function readBlobBytes(kv: KVNamespace, ref: BlobRef): Promise<Uint8Array> {
  const parts = await Promise.all(
    blobKeys(ref).map(async (key) => {
      const part = await kvGet(() => kv.get(key, { type: 'arrayBuffer' }), key)
      if (part === null) throw new StorageFault(`${key} is missing`)
      return new Uint8Array(part)
    })
  )
  let bytes: Uint8Array
  if (parts.length === 1) bytes = parts[0]
  else {
    bytes = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0))
    let offset = 0
    for (const part of parts) {
      bytes.set(part, offset)
      offset += part.byteLength
    }
  }
  await verifyBlob(ref, bytes)
  return bytes
}

/**
 * The blob as a byte stream, chunk by chunk (never the whole of a chunked blob in memory). The
 * first chunk is opened before returning, so a missing blob is still a 503; a chunk that vanishes
 * later (pruned mid-response) errors the stream. Not verified: see {@link verifiedBlobStream}.
 */
export async function readBlobStream(
  kv: KVNamespace,
  ref: BlobRef
): Promise<ReadableStream<Uint8Array>> {
  const keys = blobKeys(ref)
  const first = await kvGet(() => kv.get(keys[0], { type: 'stream' }), keys[0])
  if (first === null) throw new StorageFault(`${keys[0]} is missing`)
  if (keys.length === 1) return first
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const pump = async (): Promise<void> => {
    await first.pipeTo(writable, { preventClose: true })
    for (const key of keys.slice(1)) {
      const next = await kv.get(key, { type: 'stream' })
      if (next === null) throw new StorageFault(`${key} is missing`)
      await next.pipeTo(writable, { preventClose: true })
    }
    await writable.close()
  }
  pump().catch((error: unknown) => writable.abort(error).catch(() => {}))
  return readable
}

/**
 * The blob as a stream whose END is withheld until its SHA-256 has been checked: the last chunk
 * is held back, and on a mismatch the stream errors instead of completing, so a client never
 * receives a complete-looking corrupt body (it sees a broken transfer). For blobs too large to
 * verify before the response starts (full-resource.ts buffers smaller ones).
 */
export async function verifiedBlobStream(
  kv: KVNamespace,
  ref: BlobRef
): Promise<ReadableStream<Uint8Array>> {
  const source = await readBlobStream(kv, ref)
  const digest = new crypto.DigestStream('SHA-256')
  const hasher = digest.getWriter()
  let length = 0
  let held: Uint8Array | null = null
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        length += chunk.byteLength
        await hasher.write(chunk.slice())
        if (held) controller.enqueue(held)
        held = chunk
      },
      async flush(controller) {
        await hasher.close()
        const sum = toHex(await digest.digest)
        if (length !== ref.bytes || sum !== ref.sha256) {
          console.error(`alto-edge: ${ref.key} fails its SHA-256 checksum; response aborted`)
          controller.error(new StorageFault(`${ref.key} fails its SHA-256 checksum`))
          return
        }
        if (held) controller.enqueue(held)
      },
    })
  )
}
