/**
 * @module Build-time signatures of the full GET resources (issue 11 item 1; docs/signing.md).
 *
 * The IRD, every full network map and every full cost map is the same body for every client, so
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
import type { Manifest, PresignedSignature } from '../store/manifest.ts'
import { computeVersion, type Build } from './build.ts'

/** Default lifetime of a build-time signature: republish (or re-sign) within this time. */
export const DEFAULT_PRESIGN_TTL_SECONDS = 30 * 24 * 60 * 60

export interface PresignOptions {
  key: SigningKey
  /** `expires - created`, seconds. */
  ttlSeconds?: number
  /** Unix seconds; defaults to now. */
  now?: number
  /** The version that is current in the store, whose still-fresh signatures are kept. */
  previous?: Manifest | null
}

export interface FullResourceBlob {
  sha256: string
  mediaType: string
  /** For messages: `ird`, `networkmap/<id>`, `costmap/<id>`. */
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
    if (
      old &&
      old.keyid === opts.key.keyid &&
      old['media-type'] === mediaType &&
      old.expires - now > ttl / 2
    ) {
      signatures[sha256] = old
      continue
    }
    const bytes = build.blobs.get(sha256)
    if (!bytes) throw new Error(`build has no bytes for ${label} (blob ${sha256})`)
    const headers = await signAltoResponse({
      status: 200,
      contentType: mediaType,
      body: bytes,
      key: opts.key,
      created: now,
      expires: now + ttl,
    })
    signatures[sha256] = {
      'media-type': mediaType,
      keyid: opts.key.keyid,
      expires: now + ttl,
      ...headers,
    }
  }
  const manifest: Manifest = { ...build.manifest, signatures }
  manifest.version = await computeVersion(manifest)
  return { ...build, manifest, summary: { ...build.summary, version: manifest.version } }
}
