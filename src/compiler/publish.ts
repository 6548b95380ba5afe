/**
 * @module Publishing a Build to KV, rollback and prune (docs/storage-schema.md). PURE: talks to
 * storage only through a KvStore, so it runs in Node (CLI via wrangler) and workerd (tests).
 *
 * Order of writes in a publish — a crash at any point leaves `current` on a complete version:
 *   1. blobs not already stored (content-addressed, never overwritten)
 *   2. `manifest/<version>` (if not already stored)
 *   3. read-back verification (SHA-256 of every blob written, manifest parses and hashes to its
 *      version)
 *   4. update logs (TIPS RFC 9569 / SSE RFC 8895, docs/updates.md): for every network map and cost
 *      map whose tag changed, its patch blob (content-addressed) and then `updates/<resource-id>`
 *   5. `history` (newest first, trimmed to `keep`)
 *   6. `current`, LAST: the single write that makes the version visible.
 */
import * as store from '../store/read.ts'
import { StoreError, type StoreReader } from '../store/read.ts'
import {
  blobKeys,
  chunkKey,
  CURRENT_KEY,
  HISTORY_KEY,
  KV_CHUNK_BYTES,
  manifestBlobs,
  manifestKey,
  type BlobRef,
  type CurrentPointer,
  type History,
  type Manifest,
} from '../store/manifest.ts'
import {
  advanceUpdateLog,
  DEFAULT_UPDATE_WINDOW,
  trackedResources,
  updateLogBlobs,
} from '../updates/history.ts'
import { UPDATE_LOG_PREFIX, updateLogKey, type UpdateLog } from '../store/update-log.ts'
import { computeVersion, type Build } from './build.ts'
import { sha256Hex } from '../tables/bytes.ts'
import { canonicalJson, concatBytes } from './canonical.ts'
import { signUpdateLog, type SigningOptions } from './presign.ts'
import type { KvStore } from './kv-store.ts'
import { DEFAULT_KEEP } from './load/index.ts'

export type { KvStore } from './kv-store.ts'
export { MemoryKvStore } from './kv-store.ts'

/** A publish, rollback or prune that could not be completed (current is left untouched). */
export class PublishError extends Error {
  override name = 'PublishError'
}

export interface PublishOptions {
  /** Versions kept in `history` (default 5, or the map set's `history.keep`). */
  keep?: number
  /** Publication time recorded in the manifest and history (default: now). */
  now?: Date
  /** Read back and check every blob written and the manifest (default true). */
  verify?: boolean
  /**
   * Advance the per-resource update logs (TIPS / SSE, docs/updates.md) before the pointer. Off
   * when absent (the CLI turns it on). Skipping it for a publication is safe: the next one patches
   * from the last logged state, that version just never appears as a seq.
   */
  updates?: UpdateLogPublishOptions
  hooks?: {
    /** Runs after blobs and manifest are stored and verified, before history and `current`. */
    afterBlobs?: () => Promise<void>
  }
  onProgress?: (msg: string) => void
}

export interface PublishResult {
  version: string
  seq: number
  /** The version `current` named before (null on the first publication). */
  previous: string | null
  /** The version was already current: nothing was written. */
  unchanged: boolean
  keysWritten: number
  bytesWritten: number
  /** Per tracked resource (network maps, cost maps): its update-log seq; only with `opts.updates`. */
  updates?: ResourceUpdate[]
}

export interface UpdateLogPublishOptions {
  /** Versions (seqs) kept per resource (default: the stored log's, else DEFAULT_UPDATE_WINDOW = 16). */
  window?: number
  /**
   * Sign every update item (snapshots and patches) with the operator key (presign.ts); without
   * it, the stored logs' signatures of items still kept are carried over.
   */
  signing?: SigningOptions
}

/** What a publication (or rollback) did to one resource's update log (docs/updates.md). */
export interface ResourceUpdate {
  resourceId: string
  /** The resource's seq (RFC 9569 version number) now; unchanged when its tag did not change. */
  seq: number
  /** The tag changed: a new seq was appended. */
  changed: boolean
  /** Size of the full body at `seq` (edge 0 → seq). */
  fullBytes: number
  /** Edge seq-1 → seq, when `changed` and a previous seq is kept: its media type and size. */
  patch?: { mediaType: string; bytes: number }
  /** The log as stored (sent with the publish notification). */
  log: UpdateLog
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The store reader (src/store/read.ts) over a KvStore: one bulk read when the store has one. */
export function storeReaderOf(kv: KvStore): StoreReader {
  return {
    async texts(keys) {
      if (kv.getManyText) {
        const texts = await kv.getManyText([...keys])
        return keys.map((k) => texts.get(k) ?? null)
      }
      const values = await Promise.all(keys.map((k) => kv.get(k)))
      return values.map((v) => (v === null ? null : decoder.decode(v)))
    },
  }
}

/** Runs a store read; a stored record that cannot be used stops the operation (exit 3). */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof StoreError) {
      // A store that cannot be read at all (wrangler failed) reports its own error as it was.
      if (error.problem === 'unreadable' && error.cause instanceof Error) throw error.cause
      throw new PublishError(error.message)
    }
    throw error
  }
}

export async function readCurrent(kv: KvStore): Promise<CurrentPointer | null> {
  return reading(() => store.readPointer(storeReaderOf(kv)))
}

export async function readHistory(kv: KvStore): Promise<History> {
  return (await readPointerAndHistory(kv)).history
}

/** `current` and `history` in one read. */
export async function readPointerAndHistory(
  kv: KvStore
): Promise<{ current: CurrentPointer | null; history: History }> {
  return reading(() => store.readPointerAndHistory(storeReaderOf(kv)))
}

export async function readManifest(kv: KvStore, version: string): Promise<Manifest | null> {
  return reading(() => store.readManifest(storeReaderOf(kv), version))
}

/** The manifest `current` names, or null when nothing is published. */
export async function readCurrentManifest(kv: KvStore): Promise<Manifest | null> {
  return (await reading(() => store.readCurrentManifest(storeReaderOf(kv))))?.manifest ?? null
}

/** Update logs of `resourceIds` (null where absent). */
function readUpdateLogs(kv: KvStore, resourceIds: string[]): Promise<(UpdateLog | null)[]> {
  return reading(() => store.readUpdateLogs(storeReaderOf(kv), resourceIds))
}

/** The KV entries of one blob: its key, or its chunks when larger than KV_CHUNK_BYTES. */
export function blobEntries(ref: BlobRef, bytes: Uint8Array): { key: string; value: Uint8Array }[] {
  if (ref.chunks <= 1) return [{ key: ref.key, value: bytes }]
  return Array.from({ length: ref.chunks }, (_, i) => ({
    key: chunkKey(ref.sha256, i),
    value: bytes.subarray(i * KV_CHUNK_BYTES, Math.min(bytes.length, (i + 1) * KV_CHUNK_BYTES)),
  }))
}

/** Reads a whole blob (joining chunks); null when any key is missing. */
export async function readBlob(kv: KvStore, ref: BlobRef): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = []
  for (const key of blobKeys(ref)) {
    const part = await kv.get(key)
    if (part === null) return null
    parts.push(part)
  }
  return concatBytes(parts)
}

/** Unique blob refs of a manifest (two resources may share identical bytes). */
function uniqueRefs(m: Manifest): BlobRef[] {
  const seen = new Map<string, BlobRef>()
  for (const ref of manifestBlobs(m)) seen.set(ref.sha256, ref)
  return [...seen.values()]
}

/**
 * Reads back `entries` and checks each value's SHA-256 against `expected` (key → hex sha256 of
 * that key's bytes). Uses the store's bulk text read when it has one, falling back to `get` for
 * any value the text read cannot reproduce (binary).
 */
async function verifyEntries(kv: KvStore, expected: Map<string, string>): Promise<void> {
  const pending = new Set(expected.keys())
  if (kv.getManyText && pending.size > 0) {
    const texts = await kv.getManyText([...pending])
    for (const [key, text] of texts) {
      if (text !== null && (await sha256Hex(encoder.encode(text))) === expected.get(key))
        pending.delete(key)
    }
  }
  const keys = [...pending]
  for (let i = 0; i < keys.length; i += PARALLEL_READS) {
    await Promise.all(
      keys.slice(i, i + PARALLEL_READS).map(async (key) => {
        const value = await kv.get(key)
        if (value === null) throw new PublishError(`read-back: ${key} is missing`)
        const sha = await sha256Hex(value)
        if (sha !== expected.get(key)) {
          throw new PublishError(
            `read-back: ${key} has SHA-256 ${sha}, expected ${expected.get(key)}`
          )
        }
      })
    )
  }
}

/** Reads issued at once during verification (each may be a wrangler process). */
const PARALLEL_READS = 4

async function verifyManifest(kv: KvStore, version: string): Promise<void> {
  const m = await readManifest(kv, version)
  if (!m) throw new PublishError(`read-back: ${manifestKey(version)} is missing`)
  if (m.version !== version || (await computeVersion(m)) !== version) {
    throw new PublishError(`read-back: ${manifestKey(version)} does not hash to version ${version}`)
  }
}

function nextSeq(current: CurrentPointer | null, history: History): number {
  return Math.max(current?.seq ?? 0, ...history.versions.map((v) => v.seq)) + 1
}

/**
 * Publishes a build: blobs, manifest, verification, history, then `current` LAST. Publishing
 * the version that is already current writes nothing (`unchanged: true`).
 */
export async function publishBuild(
  kv: KvStore,
  build: Build,
  opts: PublishOptions = {}
): Promise<PublishResult> {
  const progress = opts.onProgress ?? (() => {})
  const version = build.manifest.version
  const { current, history } = await readPointerAndHistory(kv)
  if (current?.version === version) {
    return {
      version,
      seq: current.seq,
      previous: current.version,
      unchanged: true,
      keysWritten: 0,
      bytesWritten: 0,
    }
  }
  const seq = nextSeq(current, history)
  const created = (opts.now ?? new Date()).toISOString()
  let keysWritten = 0
  let bytesWritten = 0

  // 1. Blobs that are not stored yet.
  const stored = new Set(await kv.list('blob/'))
  const toWrite: { key: string; value: Uint8Array }[] = []
  for (const ref of uniqueRefs(build.manifest)) {
    const bytes = build.blobs.get(ref.sha256)
    if (!bytes) throw new PublishError(`build has no bytes for blob ${ref.sha256}`)
    for (const entry of blobEntries(ref, bytes)) if (!stored.has(entry.key)) toWrite.push(entry)
  }
  progress(`writing ${toWrite.length} blob keys (${stored.size} keys already stored)`)
  if (toWrite.length > 0) await kv.putMany(toWrite)
  keysWritten += toWrite.length
  bytesWritten += toWrite.reduce((n, e) => n + e.value.length, 0)

  // 2. The manifest (immutable: kept as first written if an earlier attempt stored it).
  const mKey = manifestKey(version)
  if (!(await kv.list(mKey)).includes(mKey)) {
    const body = encoder.encode(JSON.stringify({ ...build.manifest, seq, created }))
    await kv.put(mKey, body)
    keysWritten++
    bytesWritten += body.length
  }

  // 3. Read-back.
  if (opts.verify ?? true) {
    progress('verifying')
    const expected = new Map<string, string>()
    for (const e of toWrite) expected.set(e.key, await sha256Hex(e.value))
    // Blobs stored before this publish were verified when written (and are immutable).
    await verifyEntries(kv, expected)
    await verifyManifest(kv, version)
  }

  await opts.hooks?.afterBlobs?.()

  // 4. Update logs (after every blob of the version exists, before the pointer names it).
  let updates: ResourceUpdate[] | undefined
  if (opts.updates) {
    progress('advancing update logs')
    const advanced = await advanceUpdateLogs(kv, build.manifest, {
      window: opts.updates.window,
      signing: opts.updates.signing,
      stored,
      localBlobs: build.blobs,
      verify: opts.verify ?? true,
    })
    keysWritten += advanced.keysWritten
    bytesWritten += advanced.bytesWritten
    updates = advanced.updates
  }

  // 5. History, 6. the pointer.
  const keep = opts.keep ?? DEFAULT_KEEP
  const newHistory: History = {
    versions: [
      { version, seq, created },
      ...history.versions.filter((v) => v.version !== version),
    ].slice(0, keep),
  }
  const historyBody = JSON.stringify(newHistory)
  await kv.put(HISTORY_KEY, historyBody)
  const pointer: CurrentPointer = { version, seq, manifest: mKey }
  const pointerBody = JSON.stringify(pointer)
  await kv.put(CURRENT_KEY, pointerBody)
  keysWritten += 2
  bytesWritten += historyBody.length + pointerBody.length
  return {
    version,
    seq,
    previous: current?.version ?? null,
    unchanged: false,
    keysWritten,
    bytesWritten,
    ...(updates ? { updates } : {}),
  }
}

/**
 * Step 4 of publish and rollback: for every tracked resource of `manifest` (docs/updates.md §6),
 * `advanceUpdateLog` from the stored `updates/<rid>`; writes the new patch blobs (skipping stored
 * keys), reads them back when `verify`, then the changed logs. A crash before the pointer flips
 * leaves logs that name a version `current` never named: every item they name exists, seqs still
 * only grow, and the next publication patches from that state (RFC 9569 versions are
 * path-independent), so the invariants hold.
 */
async function advanceUpdateLogs(
  kv: KvStore,
  manifest: Manifest,
  opts: {
    window?: number
    signing?: SigningOptions
    stored: Set<string>
    localBlobs?: Map<string, Uint8Array>
    verify: boolean
  }
): Promise<{ updates: ResourceUpdate[]; keysWritten: number; bytesWritten: number }> {
  const resources = trackedResources(manifest)
  if (resources.length === 0) return { updates: [], keysWritten: 0, bytesWritten: 0 }
  const stored = await readUpdateLogs(
    kv,
    resources.map((r) => r.resourceId)
  )
  const parsed = new Map<string, unknown>()
  const loadSnapshot = async (ref: BlobRef): Promise<unknown> => {
    if (parsed.has(ref.sha256)) return parsed.get(ref.sha256)
    const bytes = opts.localBlobs?.get(ref.sha256) ?? (await readBlob(kv, ref))
    if (!bytes) throw new PublishError(`update log: snapshot ${ref.key} is missing`)
    let value: unknown
    try {
      value = JSON.parse(decoder.decode(bytes))
    } catch (e) {
      throw new PublishError(
        `update log: snapshot ${ref.key} is not valid JSON: ${(e as Error).message}`
      )
    }
    parsed.set(ref.sha256, value)
    return value
  }
  const updates: ResourceUpdate[] = []
  const blobs: { key: string; value: Uint8Array }[] = []
  const logs: { key: string; value: string }[] = []
  for (const [k, rv] of resources.entries()) {
    const prev = stored[k]
    const result = await advanceUpdateLog(prev, rv, loadSnapshot, {
      window: opts.window ?? prev?.window ?? DEFAULT_UPDATE_WINDOW,
    })
    for (const b of result.newBlobs) {
      for (const entry of blobEntries(b.ref, b.bytes))
        if (!opts.stored.has(entry.key)) blobs.push(entry)
    }
    const fresh = new Map(result.newBlobs.map((b) => [b.ref.sha256, b.bytes]))
    const signatures = await signUpdateLog(
      result.log,
      prev?.signatures,
      opts.signing,
      async (ref) => {
        const bytes =
          fresh.get(ref.sha256) ?? opts.localBlobs?.get(ref.sha256) ?? (await readBlob(kv, ref))
        if (!bytes) throw new PublishError(`update log: item ${ref.key} is missing`)
        return bytes
      }
    )
    const { signatures: _old, ...unsigned } = result.log
    const log: UpdateLog = signatures ? { ...unsigned, signatures } : unsigned
    const resigned = canonicalJson(prev?.signatures ?? null) !== canonicalJson(signatures ?? null)
    if (result.changed || resigned)
      logs.push({ key: updateLogKey(rv.resourceId), value: JSON.stringify(log) })
    const last = result.log.seqs[result.log.seqs.length - 1]
    const lastPrev = prev?.seqs[prev.seqs.length - 1]
    const appended = lastPrev === undefined || last.seq !== lastPrev.seq
    const patchRef = last['patch-from-prev']
    updates.push({
      resourceId: rv.resourceId,
      seq: last.seq,
      changed: appended,
      fullBytes: last.snapshot.bytes,
      ...(appended && patchRef
        ? { patch: { mediaType: last['patch-media-type'] ?? rv.mediaType, bytes: patchRef.bytes } }
        : {}),
      log,
    })
  }
  if (blobs.length > 0) {
    await kv.putMany(blobs)
    for (const b of blobs) opts.stored.add(b.key)
    if (opts.verify) {
      const expected = new Map<string, string>()
      for (const b of blobs) expected.set(b.key, await sha256Hex(b.value))
      await verifyEntries(kv, expected)
    }
  }
  // One bulk write for all changed logs (each wrangler call is a process start; a bulk put is
  // not atomic, but neither were separate puts, and the pointer still flips only afterwards).
  if (logs.length > 0)
    await kv.putMany(logs.map((l) => ({ key: l.key, value: encoder.encode(l.value) })))
  return {
    updates,
    keysWritten: blobs.length + logs.length,
    bytesWritten:
      blobs.reduce((n, b) => n + b.value.length, 0) +
      logs.reduce((n, l) => n + encoder.encode(l.value).length, 0),
  }
}

export interface RollbackResult {
  version: string
  seq: number
  previous: string
  /** Only with `opts.updates`. */
  updates?: ResourceUpdate[]
}

/**
 * Points `current` at an earlier version (default: the newest history entry that is not
 * current). The target's manifest and every blob must still be stored. seq increases.
 */
export async function rollback(
  kv: KvStore,
  toVersion?: string,
  opts: { now?: Date; updates?: UpdateLogPublishOptions } = {}
): Promise<RollbackResult> {
  const { current, history } = await readPointerAndHistory(kv)
  if (!current) throw new PublishError('nothing is published: there is no current version')
  const target = toVersion ?? history.versions.find((v) => v.version !== current.version)?.version
  if (!target) throw new PublishError('no earlier version in history to roll back to')
  if (target === current.version) throw new PublishError(`version ${target} is already current`)
  const manifest = await readManifest(kv, target)
  if (!manifest)
    throw new PublishError(
      `version ${target} is not stored (${manifestKey(target)} missing; pruned?)`
    )
  const present = new Set(await kv.list('blob/'))
  for (const ref of uniqueRefs(manifest)) {
    for (const key of blobKeys(ref)) {
      if (!present.has(key))
        throw new PublishError(`version ${target} is incomplete: ${key} is missing`)
    }
  }
  const seq = nextSeq(current, history)
  const created = (opts.now ?? new Date()).toISOString()
  // A rollback is a change like any other for the update logs: new seqs, never a reset.
  const advanced = opts.updates
    ? await advanceUpdateLogs(kv, manifest, {
        window: opts.updates.window,
        stored: present,
        verify: true,
      })
    : undefined
  const newHistory: History = {
    versions: [
      { version: target, seq, created },
      ...history.versions.filter((v) => v.version !== target),
    ],
  }
  await kv.put(HISTORY_KEY, JSON.stringify(newHistory))
  const pointer: CurrentPointer = { version: target, seq, manifest: manifestKey(target) }
  await kv.put(CURRENT_KEY, JSON.stringify(pointer))
  return {
    version: target,
    seq,
    previous: current.version,
    ...(advanced ? { updates: advanced.updates } : {}),
  }
}

export interface PruneResult {
  kept: string[]
  manifestsDeleted: string[]
  blobKeysDeleted: number
}

/**
 * Keeps the newest `keep` versions of history (and always the current one): deletes every other
 * manifest, then every blob key neither a kept manifest nor an update log (`updates/*`) references. Must not run concurrently with a
 * publish (its blobs are unreferenced until its manifest exists).
 */
export async function prune(kv: KvStore, keep: number): Promise<PruneResult> {
  if (!Number.isInteger(keep) || keep < 1)
    throw new PublishError(`keep must be a positive integer, got ${keep}`)
  const { current, history } = await readPointerAndHistory(kv)
  const keptVersions = history.versions.slice(0, keep).map((v) => v.version)
  if (current && !keptVersions.includes(current.version)) keptVersions.push(current.version)
  const kept = new Set(keptVersions)
  const referenced = new Set<string>()
  for (const version of kept) {
    const m = await readManifest(kv, version)
    if (!m) {
      if (version === current?.version)
        throw new PublishError(`current manifest ${manifestKey(version)} is missing; not pruning`)
      kept.delete(version)
      continue
    }
    for (const ref of manifestBlobs(m)) for (const key of blobKeys(ref)) referenced.add(key)
  }
  // Update logs name snapshots of versions older than `keep` and patch blobs no manifest names
  // (docs/updates.md §4): all live, or TIPS edges and SSE catch-up would point at deleted blobs.
  const logKeys = await kv.list(UPDATE_LOG_PREFIX)
  const logs = await readUpdateLogs(
    kv,
    logKeys.map((k) => k.slice(UPDATE_LOG_PREFIX.length))
  )
  logs.forEach((log) => {
    if (log)
      for (const ref of updateLogBlobs(log)) for (const key of blobKeys(ref)) referenced.add(key)
  })
  const newHistory: History = { versions: history.versions.filter((v) => kept.has(v.version)) }
  if (newHistory.versions.length !== history.versions.length)
    await kv.put(HISTORY_KEY, JSON.stringify(newHistory))
  const manifestsDeleted = (await kv.list('manifest/')).filter(
    (k) => !kept.has(k.slice('manifest/'.length))
  )
  if (manifestsDeleted.length > 0) await kv.delete(manifestsDeleted)
  const blobsDeleted = (await kv.list('blob/')).filter((k) => !referenced.has(k))
  if (blobsDeleted.length > 0) await kv.delete(blobsDeleted)
  return {
    kept: [...kept],
    manifestsDeleted: manifestsDeleted.map((k) => k.slice('manifest/'.length)),
    blobKeysDeleted: blobsDeleted.length,
  }
}
