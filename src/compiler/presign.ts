/**
 * @module Build-time signatures of the full GET resources (issue 11 item 1; docs/signing.md).
 *
 * The IRD and every full network map, cost map, property map (RFC 9240) and CDNI advertisement
 * (RFC 9241) is the same body for every client, so
 * it is signed once, here, with the OPERATOR's key (which stays with the CLI and never reaches the
 * edge), under the ALTO profile's GET components (`@status content-type content-digest`, no
 * request binding). The headers are stored in the manifest (`signatures`, keyed by the blob's
 * SHA-256) and the Worker sends them with the blob as they are: a cached full map is never
 * re-signed per request.
 *
 * Re-signing changes the manifest and so its version. To keep an unchanged republish a no-op, a
 * signature of the current version is reused while it is by the same key, over the same bytes and
 * type, and still valid for more than half of the lifetime asked for; otherwise it is renewed.
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { signAltoResponse, type SigningKey } from '../alto/signing/profile.ts'
import type { BlobRef, Manifest, PresignedSignature } from '../store/manifest.ts'
import type { UpdateLog } from '../store/update-log.ts'
import { computeVersion, type Build } from './build.ts'

/** Default lifetime of a build-time signature: republish (or re-sign) within this time. */
export const DEFAULT_PRESIGN_TTL_SECONDS = 30 * 24 * 60 * 60

/** The operator key and the lifetime of what it signs. */
export interface SigningOptions {
  key: SigningKey
  /** `expires - created`, seconds (default {@link DEFAULT_PRESIGN_TTL_SECONDS}). */
  ttlSeconds?: number
  /** Unix seconds; defaults to now. */
  now?: number
}

export interface PresignOptions extends SigningOptions {
  /** The version that is current in the store, whose still-fresh signatures are kept. */
  previous?: Manifest | null
}

/** Kept rather than renewed: same key, same type, more than half the lifetime left. */
function stillFresh(
  old: PresignedSignature | undefined,
  mediaType: string,
  key: SigningKey,
  now: number,
  ttl: number
): old is PresignedSignature {
  return (
    old !== undefined &&
    old.keyid === key.keyid &&
    old['media-type'] === mediaType &&
    old.expires - now > ttl / 2
  )
}

async function presign(
  bytes: Uint8Array,
  mediaType: string,
  key: SigningKey,
  now: number,
  ttl: number
): Promise<PresignedSignature> {
  const headers = await signAltoResponse({
    status: 200,
    contentType: mediaType,
    body: bytes,
    key,
    created: now,
    expires: now + ttl,
  })
  return { 'media-type': mediaType, keyid: key.keyid, expires: now + ttl, ...headers }
}

export interface FullResourceBlob {
  sha256: string
  mediaType: string
  /** For messages: `ird`, `networkmap/<id>`, `costmap/<id>`, `propmap/<id>`, `cdni/<id>`. */
  label: string
}

/** The blobs served whole by GET, with the media type each is served as. */
export function fullResourceBlobs(m: Manifest): FullResourceBlob[] {
  const out: FullResourceBlob[] = [
    { sha256: m.ird.sha256, mediaType: MEDIA_TYPES.directory, label: 'ird' },
  ]
  for (const [id, nm] of Object.entries(m['network-maps']))
    out.push({
      sha256: nm.json.sha256,
      mediaType: MEDIA_TYPES.networkMap,
      label: `networkmap/${id}`,
    })
  for (const [id, cm] of Object.entries(m['cost-maps']))
    out.push({ sha256: cm.json.sha256, mediaType: MEDIA_TYPES.costMap, label: `costmap/${id}` })
  for (const [id, pm] of Object.entries(m['property-maps'] ?? {}))
    out.push({ sha256: pm.json.sha256, mediaType: MEDIA_TYPES.propMap, label: `propmap/${id}` })
  for (const [id, cdni] of Object.entries(m['cdni-advertisements'] ?? {}))
    out.push({ sha256: cdni.json.sha256, mediaType: MEDIA_TYPES.cdni, label: `cdni/${id}` })
  return out
}

/** The build with `manifest.signatures` set (and its version recomputed). */
export async function presignBuild(build: Build, opts: PresignOptions): Promise<Build> {
  const ttl = opts.ttlSeconds ?? DEFAULT_PRESIGN_TTL_SECONDS
  const now = opts.now ?? Math.floor(Date.now() / 1000)
  const kept = opts.previous?.signatures ?? {}
  const signatures: Record<string, PresignedSignature> = {}
  for (const { sha256, mediaType, label } of fullResourceBlobs(build.manifest)) {
    const old = kept[sha256]
    if (stillFresh(old, mediaType, opts.key, now, ttl)) {
      signatures[sha256] = old
      continue
    }
    const bytes = build.blobs.get(sha256)
    if (!bytes) throw new Error(`build has no bytes for ${label} (blob ${sha256})`)
    signatures[sha256] = await presign(bytes, mediaType, opts.key, now, ttl)
  }
  const manifest: Manifest = { ...build.manifest, signatures }
  manifest.version = await computeVersion(manifest)
  return { ...build, manifest, summary: { ...build.summary, version: manifest.version } }
}

/** Every item of an update log (TIPS RFC 9569 / SSE RFC 8895) with the media type it is served as. */
export function updateLogItems(log: UpdateLog): { ref: BlobRef; mediaType: string }[] {
  const items: { ref: BlobRef; mediaType: string }[] = []
  for (const e of log.seqs) {
    items.push({ ref: e.snapshot, mediaType: log['media-type'] })
    const patch = e['patch-from-prev']
    if (patch)
      items.push({ ref: patch, mediaType: e['patch-media-type'] ?? MEDIA_TYPES.mergePatch })
  }
  return items
}

/**
 * The signatures of an update log's items (snapshots and patches, served by TIPS as they are):
 * with `signing`, fresh ones kept and the rest signed; without, the previous log's signatures of
 * items it still holds are carried over (a rollback or an unsigned publish loses none). Undefined
 * when there are none.
 */
export async function signUpdateLog(
  log: UpdateLog,
  previous: Record<string, PresignedSignature> | undefined,
  signing: SigningOptions | undefined,
  loadBytes: (ref: BlobRef) => Promise<Uint8Array>
): Promise<Record<string, PresignedSignature> | undefined> {
  const out: Record<string, PresignedSignature> = {}
  const ttl = signing?.ttlSeconds ?? DEFAULT_PRESIGN_TTL_SECONDS
  const now = signing?.now ?? Math.floor(Date.now() / 1000)
  for (const { ref, mediaType } of updateLogItems(log)) {
    if (out[ref.sha256]?.['media-type'] === mediaType) continue
    const old = previous?.[ref.sha256]
    if (!signing) {
      if (old && old['media-type'] === mediaType) out[ref.sha256] = old
    } else if (stillFresh(old, mediaType, signing.key, now, ttl)) {
      out[ref.sha256] = old
    } else {
      out[ref.sha256] = await presign(await loadBytes(ref), mediaType, signing.key, now, ttl)
    }
  }
  return Object.keys(out).length ? out : undefined
}
