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

import { blobRefFor, type BlobRef, type Manifest } from '../store/manifest.ts'
import { UPDATE_LOG_FORMAT, type UpdateLog, type UpdateLogEntry } from '../store/update-log.ts'
import { type UpdatesGraph, appendVersion, emptyGraph } from './graph.ts'
import { createJsonPatch } from './json-patch.ts'
import { MergePatchUnrepresentableError, createMergePatch } from './merge-patch.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'

/** Default number of versions (seqs) kept per resource. */
export const DEFAULT_UPDATE_WINDOW = 16

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

/**
 * GET-mode resources of a manifest that get update logs: every network map, cost map, RFC 9240
 * property map and RFC 9241 CDNI Advertisement.
 */
export function trackedResources(m: Manifest): ResourceVersion[] {
  const out: ResourceVersion[] = []
  for (const [id, nm] of Object.entries(m['network-maps'])) {
    out.push({
      resourceId: id,
      mediaType: MEDIA_TYPES.networkMap,
      version: m.version,
      tag: nm.vtag,
      snapshot: nm.json,
    })
  }
  for (const [id, cm] of Object.entries(m['cost-maps'])) {
    out.push({
      resourceId: id,
      mediaType: MEDIA_TYPES.costMap,
      version: m.version,
      tag: cm.tag,
      snapshot: cm.json,
    })
  }
  // RFC 9240 §7: a full property map is a GET-mode resource with a content tag (its ETag).
  for (const [id, pm] of Object.entries(m['property-maps'] ?? {})) {
    out.push({
      resourceId: id,
      mediaType: MEDIA_TYPES.propMap,
      version: m.version,
      tag: pm.tag,
      snapshot: pm.json,
    })
  }
  // RFC 9241 §3.7.3: CDNI Advertisements are GET-mode resources with a vtag too.
  for (const [id, a] of Object.entries(m['cdni-advertisements'] ?? {})) {
    out.push({
      resourceId: id,
      mediaType: MEDIA_TYPES.cdni,
      version: m.version,
      tag: a.tag,
      snapshot: a.json,
    })
    // RFC 9241 §6 / §6.3.3: its capabilities as an RFC 9240 property map, GET-mode as well
    // (resource `<id>-propmap`, alto/resources.ts).
    if (a.propmap === undefined) continue
    out.push({
      resourceId: `${id}-propmap`,
      mediaType: MEDIA_TYPES.propMap,
      version: m.version,
      tag: a.propmap.tag,
      snapshot: a.propmap.json,
    })
  }
  return out
}

/** The patch item from `from` to `to` (bodies), with its media type, per the options. */
export function encodeIncrementalUpdate(
  from: unknown,
  to: unknown,
  fullMediaType: string,
  opts: UpdateLogOptions = {}
): { mediaType: string; body: string } {
  const encodings = opts.encodings ?? ['merge-patch']
  const full = JSON.stringify(to)
  for (const encoding of encodings) {
    let body: string
    try {
      body = JSON.stringify(
        encoding === 'merge-patch' ? createMergePatch(from, to) : createJsonPatch(from, to)
      )
    } catch (err) {
      if (err instanceof MergePatchUnrepresentableError) continue
      throw err
    }
    if ((opts.replaceWhenPatchNotSmaller ?? true) && body.length >= full.length) break
    return {
      mediaType: encoding === 'merge-patch' ? MEDIA_TYPES.mergePatch : MEDIA_TYPES.jsonPatch,
      body,
    }
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
  opts: UpdateLogOptions = {}
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
  const [fromBody, toBody] = await Promise.all([
    loadSnapshot(last.snapshot),
    loadSnapshot(next.snapshot),
  ])
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
  const log = cutToWindow({
    ...prev,
    'media-type': next.mediaType,
    window,
    seqs: [...prev.seqs, entry],
  })
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
  opts: UpdateLogOptions = {}
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
    edges: [
      {
        from: 0,
        to: first.seq,
        kind: 'snapshot',
        mediaType: log['media-type'],
        bytes: first.snapshot.bytes,
      },
    ],
  }
  for (const e of log.seqs.slice(1)) {
    const patch = e['patch-from-prev']
    if (!patch)
      throw new Error(`update log ${log['resource-id']}: seq ${e.seq} has no patch-from-prev`)
    g = appendVersion(g, {
      tag: e.tag,
      snapshot: { mediaType: log['media-type'], bytes: e.snapshot.bytes },
      incremental: {
        mediaType: e['patch-media-type'] ?? MEDIA_TYPES.mergePatch,
        bytes: patch.bytes,
      },
    })
  }
  return g
}

/** The blob and media type behind edge i → j of a log, or undefined when the log has no such item. */
export function edgeItem(
  log: UpdateLog,
  i: number,
  j: number
): { ref: BlobRef; mediaType: string } | undefined {
  const entry = log.seqs.find((e) => e.seq === j)
  if (!entry) return undefined
  if (i === 0) return { ref: entry.snapshot, mediaType: log['media-type'] }
  const patch = entry['patch-from-prev']
  if (i === j - 1 && patch)
    return { ref: patch, mediaType: entry['patch-media-type'] ?? MEDIA_TYPES.mergePatch }
  return undefined
}
