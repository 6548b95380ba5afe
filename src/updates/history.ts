/**
 * @module What the publisher stores so the Worker can serve TIPS (RFC 9569) and ALTO/SSE
 * (RFC 8895) updates: per resource, an *update log* (KV `updates/<resource-id>`, mutable, small)
 * naming an immutable, content-addressed blob per update item. Documented in
 * docs/storage-schema.md ("Update logs") and docs/updates.md. Pure: no Node or Workers imports
 * (SHA-256 comes from the Web Crypto global `crypto.subtle`, present in Node 22 and workerd).
 *
 * Per-resource seq: starts at 1 and increments only when the resource's tag changes between
 * publications; a publication that leaves a resource unchanged leaves its log unchanged. A
 * rollback to older content is a change like any other (new seq, patch from the current body), so
 * seqs never move left (RFC 9569 "Right shift" only).
 *
 *     updates/<rid> ──▶ { seqs: [ { seq: s,   snapshot ─────────────▶ blob/<sha> (manifest json) },
 *                                 { seq: s+1, snapshot, patch-from-prev ─▶ blob/<sha> (patch) }, … ] }
 *
 * Edges served: 0 → k is `snapshot` of entry k; k-1 → k is `patch-from-prev` of entry k.
 */

import type { BlobRef, Manifest } from '../store/manifest.ts'
import { KV_CHUNK_BYTES, blobKey } from '../store/manifest.ts'
import { type UpdatesGraph, appendVersion, emptyGraph } from './graph.ts'
import { JSON_PATCH_MEDIA_TYPE, createJsonPatch } from './json-patch.ts'
import { MERGE_PATCH_MEDIA_TYPE, MergePatchUnrepresentableError, createMergePatch } from './merge-patch.ts'

export const UPDATE_LOG_FORMAT = 1
/** Default number of versions (seqs) kept per resource. */
export const DEFAULT_UPDATE_WINDOW = 16

/** KV key of a resource's update log. Resource ids never contain `/` (RFC 7285 §10.2). */
export const updateLogKey = (resourceId: string): string => `updates/${resourceId}`
/** Prefix to list every update log (`list({ prefix })`). */
export const UPDATE_LOG_PREFIX = 'updates/'

export const NETWORK_MAP_MEDIA_TYPE = 'application/alto-networkmap+json'
export const COST_MAP_MEDIA_TYPE = 'application/alto-costmap+json'

export interface UpdateLogEntry {
  seq: number
  /** RFC 7285 vtag (network map) or cost-map tag at this seq. */
  tag: string
  /** First published version (`manifest/<version>`) that carried this tag. */
  version: string
  /** The full response body at this seq: edge 0 → seq. Same blob as the manifest's `json`. */
  snapshot: BlobRef
  /** Update item for edge seq-1 → seq; absent on the oldest kept entry. */
  'patch-from-prev'?: BlobRef
  /** Media type of `patch-from-prev`: a patch type, or the resource's type for a full replacement. */
  'patch-media-type'?: string
}

/** Value of KV `updates/<resource-id>`. */
export interface UpdateLog {
  format: typeof UPDATE_LOG_FORMAT
  'resource-id': string
  /** Media type of snapshots (the resource's own type). */
  'media-type': string
  /** Versions kept (≥ 1). */
  window: number
  /** Ascending, contiguous seqs; never empty. */
  seqs: UpdateLogEntry[]
}

/** One published state of one resource, as the manifest describes it. */
export interface ResourceVersion {
  resourceId: string
  mediaType: string
  version: string
  tag: string
  /** The manifest's `json` blob: the full response body. */
  snapshot: BlobRef
}

/** A new blob the publisher must write (before the log, before `current`). */
export interface NewBlob {
  ref: BlobRef
  bytes: Uint8Array
}

export type IncrementalEncoding = 'merge-patch' | 'json-patch'

export interface UpdateLogOptions {
  /** Versions kept per resource (default DEFAULT_UPDATE_WINDOW). */
  window?: number
  /**
   * Patch types the IRD announces for this resource, in order of preference. Default
   * `['merge-patch']`. Merge patch is tried first when listed; if it cannot express the change
   * (a null value must be written) JSON patch is used when listed, else a full replacement.
   */
  encodings?: IncrementalEncoding[]
  /** Store a full replacement instead of a patch when the patch is not smaller. Default true. */
  replaceWhenPatchNotSmaller?: boolean
}

/** Loads the parsed JSON body of a snapshot blob (the CLI reads it from KV or its build dir). */
export type LoadSnapshot = (ref: BlobRef) => unknown | Promise<unknown>

export interface AdvanceResult {
  log: UpdateLog
  /** False when the tag did not change: nothing to write. */
  changed: boolean
  /** Patch blobs to write (content-addressed; may already exist in KV). */
  newBlobs: NewBlob[]
}

const encoder = new TextEncoder()

/** Content-addressed BlobRef of `bytes` (docs/storage-schema.md). */
export async function blobRefFor(bytes: Uint8Array): Promise<BlobRef> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
  return {
    key: blobKey(sha256),
    bytes: bytes.length,
    sha256,
    chunks: Math.max(1, Math.ceil(bytes.length / KV_CHUNK_BYTES)),
  }
}

/** GET-mode resources of a manifest that get update logs: every network map and cost map. */
export function trackedResources(m: Manifest): ResourceVersion[] {
  const out: ResourceVersion[] = []
  for (const [id, nm] of Object.entries(m['network-maps'])) {
    out.push({ resourceId: id, mediaType: NETWORK_MAP_MEDIA_TYPE, version: m.version, tag: nm.vtag, snapshot: nm.json })
  }
  for (const [id, cm] of Object.entries(m['cost-maps'])) {
    out.push({ resourceId: id, mediaType: COST_MAP_MEDIA_TYPE, version: m.version, tag: cm.tag, snapshot: cm.json })
  }
  return out
}

/** The patch item from `from` to `to` (bodies), with its media type, per the options. */
export function encodeIncrementalUpdate(
  from: unknown,
  to: unknown,
  fullMediaType: string,
  opts: UpdateLogOptions = {},
): { mediaType: string; body: string } {
  const encodings = opts.encodings ?? ['merge-patch']
  const full = JSON.stringify(to)
  for (const encoding of encodings) {
    let body: string
    try {
      body = JSON.stringify(encoding === 'merge-patch' ? createMergePatch(from, to) : createJsonPatch(from, to))
    } catch (err) {
      if (err instanceof MergePatchUnrepresentableError) continue
      throw err
    }
    if ((opts.replaceWhenPatchNotSmaller ?? true) && body.length >= full.length) break
    return { mediaType: encoding === 'merge-patch' ? MERGE_PATCH_MEDIA_TYPE : JSON_PATCH_MEDIA_TYPE, body }
  }
  // RFC 9569 "Capabilities": "If the server does not support JSON patch to handle such a case,
  // the server then needs to send a full replacement."
  return { mediaType: fullMediaType, body: full }
}

/**
 * The log after publishing `next` (one resource's state in a new manifest). `prev` is the stored
 * log (null before the first publication carrying this resource). Unchanged tag → `changed:
 * false` and the same log. Otherwise the new entry gets seq end+1 and a patch from the previous
 * entry's snapshot body (loaded through `loadSnapshot`), and the log is cut to its window.
 */
export async function advanceUpdateLog(
  prev: UpdateLog | null,
  next: ResourceVersion,
  loadSnapshot: LoadSnapshot,
  opts: UpdateLogOptions = {},
): Promise<AdvanceResult> {
  const window = Math.max(1, Math.floor(opts.window ?? prev?.window ?? DEFAULT_UPDATE_WINDOW))
  if (prev && prev['resource-id'] !== next.resourceId) {
    throw new Error(`update log of ${prev['resource-id']} given for ${next.resourceId}`)
  }
  if (!prev || prev.seqs.length === 0) {
    const log: UpdateLog = {
      format: UPDATE_LOG_FORMAT,
      'resource-id': next.resourceId,
      'media-type': next.mediaType,
      window,
      seqs: [{ seq: 1, tag: next.tag, version: next.version, snapshot: next.snapshot }],
    }
    return { log, changed: true, newBlobs: [] }
  }
  const last = prev.seqs[prev.seqs.length - 1]
  if (last.tag === next.tag) {
    const log = window === prev.window ? prev : cutToWindow({ ...prev, window })
    return { log, changed: log !== prev, newBlobs: [] }
  }
  const [fromBody, toBody] = await Promise.all([loadSnapshot(last.snapshot), loadSnapshot(next.snapshot)])
  const item = encodeIncrementalUpdate(fromBody, toBody, next.mediaType, opts)
  const newBlobs: NewBlob[] = []
  let patchRef: BlobRef
  if (item.mediaType === next.mediaType) {
    patchRef = next.snapshot // a full replacement is the snapshot blob itself
  } else {
    const bytes = encoder.encode(item.body)
    patchRef = await blobRefFor(bytes)
    newBlobs.push({ ref: patchRef, bytes })
  }
  const entry: UpdateLogEntry = {
    seq: last.seq + 1,
    tag: next.tag,
    version: next.version,
    snapshot: next.snapshot,
    'patch-from-prev': patchRef,
    'patch-media-type': item.mediaType,
  }
  const log = cutToWindow({ ...prev, 'media-type': next.mediaType, window, seqs: [...prev.seqs, entry] })
  return { log, changed: true, newBlobs }
}

/** Keeps the newest `window` entries; the oldest kept entry loses its (now dangling) patch. */
function cutToWindow(log: UpdateLog): UpdateLog {
  if (log.seqs.length <= log.window && !log.seqs[0]['patch-from-prev']) return log
  const kept = log.seqs.slice(-log.window)
  const { 'patch-from-prev': _p, 'patch-media-type': _t, ...oldest } = kept[0]
  return { ...log, seqs: [oldest, ...kept.slice(1)] }
}

/** Folds an ordered (oldest first) list of one resource's published states into its log. */
export async function buildUpdateLog(
  versions: readonly ResourceVersion[],
  loadSnapshot: LoadSnapshot,
  opts: UpdateLogOptions = {},
): Promise<{ log: UpdateLog | null; newBlobs: NewBlob[] }> {
  let log: UpdateLog | null = null
  const blobs = new Map<string, NewBlob>()
  for (const v of versions) {
    const result: AdvanceResult = await advanceUpdateLog(log, v, loadSnapshot, opts)
    log = result.log
    for (const b of result.newBlobs) blobs.set(b.ref.key, b)
  }
  // Only blobs still referenced by the final window need writing.
  const live = new Set(log ? updateLogBlobs(log).map((r) => r.key) : [])
  return { log, newBlobs: [...blobs.values()].filter((b) => live.has(b.ref.key)) }
}

/** Every blob an update log references (prune must keep these alive). */
export function updateLogBlobs(log: UpdateLog): BlobRef[] {
  const refs: BlobRef[] = []
  for (const e of log.seqs) {
    refs.push(e.snapshot)
    if (e['patch-from-prev']) refs.push(e['patch-from-prev'])
  }
  return refs
}

/** The TIPS updates graph an update log describes (edge sizes from the blob refs). */
export function graphFromUpdateLog(log: UpdateLog): UpdatesGraph {
  const first = log.seqs[0]
  if (!first) return emptyGraph(log['resource-id'])
  // A cut log starts above seq 1: seed the graph with its oldest entry, then append the rest.
  let g: UpdatesGraph = {
    resourceId: log['resource-id'],
    nodes: [{ seq: first.seq, tag: first.tag }],
    edges: [{ from: 0, to: first.seq, kind: 'snapshot', mediaType: log['media-type'], bytes: first.snapshot.bytes }],
  }
  for (const e of log.seqs.slice(1)) {
    const patch = e['patch-from-prev']
    if (!patch) throw new Error(`update log ${log['resource-id']}: seq ${e.seq} has no patch-from-prev`)
    g = appendVersion(g, {
      tag: e.tag,
      snapshot: { mediaType: log['media-type'], bytes: e.snapshot.bytes },
      incremental: { mediaType: e['patch-media-type'] ?? MERGE_PATCH_MEDIA_TYPE, bytes: patch.bytes },
    })
  }
  return g
}

/** The blob and media type behind edge i → j of a log, or undefined when the log has no such item. */
export function edgeItem(log: UpdateLog, i: number, j: number): { ref: BlobRef; mediaType: string } | undefined {
  const entry = log.seqs.find((e) => e.seq === j)
  if (!entry) return undefined
  if (i === 0) return { ref: entry.snapshot, mediaType: log['media-type'] }
  const patch = entry['patch-from-prev']
  if (i === j - 1 && patch) return { ref: patch, mediaType: entry['patch-media-type'] ?? MERGE_PATCH_MEDIA_TYPE }
  return undefined
}

/** Structural validation of a stored log (for the Worker reading KV and for tests). */
export function checkUpdateLog(log: UpdateLog): string[] {
  const problems: string[] = []
  if (log.format !== UPDATE_LOG_FORMAT) problems.push(`format ${String(log.format)}`)
  if (log.seqs.length === 0) problems.push('no seqs')
  if (log.seqs.length > log.window) problems.push(`${log.seqs.length} seqs exceed window ${log.window}`)
  log.seqs.forEach((e, k) => {
    if (k > 0 && e.seq !== log.seqs[k - 1].seq + 1) problems.push(`seq ${e.seq} does not follow ${log.seqs[k - 1].seq}`)
    if (k > 0 && !e['patch-from-prev']) problems.push(`seq ${e.seq} has no patch-from-prev`)
    if (k > 0 && e.tag === log.seqs[k - 1].tag) problems.push(`seq ${e.seq} repeats the tag of seq ${e.seq - 1}`)
    if (e.seq < 1) problems.push(`seq ${e.seq} < 1`)
  })
  return problems
}
