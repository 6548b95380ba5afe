/**
 * @module Update logs in KV (docs/storage-schema.md, "Update logs"; docs/updates.md): per
 * resource, `updates/<resource-id>` names the immutable blobs of its TIPS (RFC 9569) and ALTO/SSE
 * (RFC 8895) update items. The shape and its structural check live here, with the other stored
 * records; how logs advance at publish is src/updates/history.ts.
 *
 *     updates/<rid> ──▶ { seqs: [ { seq: s,   snapshot ─────────────▶ blob/<sha> (manifest json) },
 *                                 { seq: s+1, snapshot, patch-from-prev ─▶ blob/<sha> (patch) }, … ] }
 */
import type { BlobRef, PresignedSignature } from './manifest.ts'

export const UPDATE_LOG_FORMAT = 1

/** KV key of a resource's update log. Resource ids never contain `/` (RFC 7285 §10.2). */
export const updateLogKey = (resourceId: string): string => `updates/${resourceId}`
/** Prefix to list every update log (`list({ prefix })`). */
export const UPDATE_LOG_PREFIX = 'updates/'

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
  /**
   * Build-time signatures of its items by blob SHA-256 (compiler/presign.ts; docs/signing.md),
   * sent with them by TIPS. Absent when nothing was signed.
   */
  signatures?: Record<string, PresignedSignature>
}

/** Structural validation of a stored log (for the Worker reading KV and for tests). */
export function checkUpdateLog(log: UpdateLog): string[] {
  const problems: string[] = []
  if (log.format !== UPDATE_LOG_FORMAT) problems.push(`format ${String(log.format)}`)
  if (log.seqs.length === 0) problems.push('no seqs')
  if (log.seqs.length > log.window)
    problems.push(`${log.seqs.length} seqs exceed window ${log.window}`)
  log.seqs.forEach((e, k) => {
    if (k > 0 && e.seq !== log.seqs[k - 1].seq + 1)
      problems.push(`seq ${e.seq} does not follow ${log.seqs[k - 1].seq}`)
    if (k > 0 && !e['patch-from-prev']) problems.push(`seq ${e.seq} has no patch-from-prev`)
    if (k > 0 && e.tag === log.seqs[k - 1].tag)
      problems.push(`seq ${e.seq} repeats the tag of seq ${e.seq - 1}`)
    if (e.seq < 1) problems.push(`seq ${e.seq} < 1`)
  })
  return problems
}
