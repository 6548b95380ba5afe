/**
 * @module The KV storage contract: key names and the manifest shape.
 * Documented in docs/storage-schema.md; this file is the single source of truth in code.
 * Pure: no Workers or Node imports (shared by the Worker and the CLI).
 */
import type { CostType } from '../alto/cost-types.ts'
import { sha256Hex } from '../tables/bytes.ts'

/** Largest value we put in one KV entry (KV limit is 25 MiB; keep 1 KiB of headroom). */
export const KV_CHUNK_BYTES = 25 * 1024 * 1024 - 1024

export const MANIFEST_FORMAT = 1

/** KV key of the pointer to the current version: the only key ever overwritten by publish. */
export const CURRENT_KEY = 'current'
/** KV key of the publication history (newest first). */
export const HISTORY_KEY = 'history'

export const manifestKey = (version: string): string => `manifest/${version}`
export const blobKey = (sha256: string): string => `blob/${sha256}`
export const chunkKey = (sha256: string, index: number): string => `blob/${sha256}/${index}`

/** Reference to an immutable, content-addressed blob in KV. */
export interface BlobRef {
  /** `blob/<sha256>`; when chunks > 1 the bytes live at `<key>/<i>` instead. */
  key: string
  bytes: number
  sha256: string
  chunks: number
}

/** The BlobRef of a blob of `byteLength` bytes with this SHA-256 (chunked above KV_CHUNK_BYTES). */
export function blobRef(sha256: string, byteLength: number): BlobRef {
  return {
    key: blobKey(sha256),
    bytes: byteLength,
    sha256,
    chunks: Math.max(1, Math.ceil(byteLength / KV_CHUNK_BYTES)),
  }
}

/** The content-addressed BlobRef of `bytes`. */
export async function blobRefFor(bytes: Uint8Array): Promise<BlobRef> {
  return blobRef(await sha256Hex(bytes), bytes.length)
}

/** Keys a blob occupies in KV. */
export function blobKeys(ref: BlobRef): string[] {
  if (ref.chunks <= 1) return [ref.key]
  return Array.from({ length: ref.chunks }, (_, i) => chunkKey(ref.sha256, i))
}

export interface NetworkMapEntry {
  vtag: string
  'pid-count': number
  pids: BlobRef
  'lpm-v4': BlobRef | null
  'lpm-v6': BlobRef | null
  json: BlobRef
  'prefix-counts': { ipv4: number; ipv6: number }
}

export interface CostMapEntry {
  'network-map': string
  'cost-type-name': string
  'cost-type': CostType
  /**
   * `false`: constraint tests on this cost type are refused (RFC 8189 §3.6.4; the config
   * entry's `"testable": false`). Absent: testable.
   */
  testable?: false
  tag: string
  matrix: BlobRef
  json: BlobRef
  /** Its RFC 8896 cost calendar, served by POST only (§3.3.2: never in the GET map). */
  calendar?: CalendarEntry
}

/** An RFC 8896 cost calendar: COST_CALENDAR cells and when they hold (docs/source-format.md). */
export interface CalendarEntry {
  /** COST_CALENDAR (tables/calendar.ts). */
  table: BlobRef
  'number-of-intervals': number
  /** Seconds (RFC 8896 §4.1 `time-interval-size`). */
  'time-interval-size': number
  /** ISO time at which an iteration starts; iterations follow each other from it. */
  anchor: string
  /** RFC 8896 §4.1 `repeated`, when the source gives it. */
  repeated?: number
}

export interface PropertyEntry {
  values: BlobRef
  'lpm-v4': BlobRef | null
  'lpm-v6': BlobRef | null
  tag: string
}

/** One address family of a property map (docs/property-maps.md). */
export interface PropertyMapPrefixes {
  /** PREFIX_TREE of the defined prefix entities. */
  tree: BlobRef
  /** LPM over the same prefixes → entry index % 0x7FFF (tables/propmap.ts nodeLpmValues). */
  'lpm-lo': BlobRef
  /** LPM → floor(entry index / 0x7FFF); null when every index is below 0x7FFF. */
  'lpm-hi': BlobRef | null
}

/** An RFC 9240 property map and its filtered form `<id>-filtered`. */
export interface PropertyMapEntry {
  /** Content tag (ETag of the full map). */
  tag: string
  /** Column names of every table of the map. */
  properties: string[]
  /** STRING_TABLE of the value JSON texts. */
  values: BlobRef
  ipv4: PropertyMapPrefixes | null
  ipv6: PropertyMapPrefixes | null
  /** network map id → PID_VALUES (rows in the network map's PID order). */
  pids: Record<string, BlobRef>
  /** IRD `mappings` (RFC 9240 §7.4): entity domain → property names. */
  mappings: Record<string, string[]>
  /** IRD `uses` (§7.5): the network maps of the `<nm>.pid` domains. */
  uses: string[]
  /**
   * The self-defined `.ane` domain (RFC 9275 §6.2.4, persistent ANEs): STRING_TABLE of the ANE
   * names (sorted) and PID_VALUES rows in that order. Absent: the map defines no ANE.
   */
  ane?: { names: BlobRef; values: BlobRef }
  /** The full property map body (§7.6). */
  json: BlobRef
}

/** An RFC 9241 CDNI Advertisement resource (docs/cdni.md). */
export interface CdniEntry {
  tag: string
  /** The network map its `altopid` footprints name (RFC 9241 §4.1: `uses`); absent: none. */
  'network-map'?: string
  /** The whole `application/alto-cdni+json` body. */
  json: BlobRef
  /**
   * RFC 9241 §6: the full property map of `<id>.cdni-capabilities` (resource `<id>-propmap`) and
   * its tag; absent in manifests written before it.
   */
  propmap?: { json: BlobRef; tag: string }
}

/** RFC 9275 path vectors of one network map (docs/path-vector.md). */
export interface PathVectorEntry {
  tag: string
  /**
   * The property maps defining the persistent ANEs of the table's `persistent-entity-id`
   * values (RFC 9275 §6.4.2), sorted; absent or empty: none, and `persistent-entity-id` is not
   * offered (§7.2.5 / §7.3.5 would need them in `uses`).
   */
  'persistent-maps'?: string[]
  /** PATH_TABLE (docs/binary-format.md). */
  table: BlobRef
  'ane-count': number
  'path-count': number
  /**
   * RFC 9275 §9.4 with RFC 8896: a PATH_TABLE of `number-of-intervals` paths per pair (same ANE
   * table) and when they hold; served to POST requests with `calendared`, as cost calendars.
   */
  calendar?: CalendarEntry
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT
  version: string
  seq: number
  created: string
  'default-network-map': string
  'cost-types': Record<string, CostType>
  'network-maps': Record<string, NetworkMapEntry>
  'cost-maps': Record<string, CostMapEntry>
  properties: Record<string, PropertyEntry>
  /** RFC 9240 property maps; absent in manifests written before them. */
  'property-maps'?: Record<string, PropertyMapEntry>
  /** RFC 9241 CDNI Advertisement resources by resource id; absent when the map set has none. */
  'cdni-advertisements'?: Record<string, CdniEntry>
  /** RFC 9275 path tables by network map id; absent when the map set has none. */
  'path-vectors'?: Record<string, PathVectorEntry>
  ird: BlobRef
  'ird-tag': string
  /**
   * Build-time signatures of the full GET resources (compiler/presign.ts; docs/signing.md), by
   * the blob's SHA-256. Absent when the map set was published without an operator key.
   */
  signatures?: Record<string, PresignedSignature>
}

/** The headers a full GET resource is served with when it was signed at build time. */
export interface PresignedSignature {
  /** The Content-Type the signature covers (the blob is only served with it as it is). */
  'media-type': string
  keyid: string
  /** Unix seconds (the signature's `expires`). */
  expires: number
  'content-digest': string
  'signature-input': string
  signature: string
}

export interface CurrentPointer {
  version: string
  seq: number
  manifest: string
}

export interface History {
  versions: { version: string; seq: number; created: string }[]
}

/** Every blob a manifest references (for publish, verify and prune). */
export function manifestBlobs(m: Manifest): BlobRef[] {
  const refs: BlobRef[] = [m.ird]
  for (const nm of Object.values(m['network-maps'])) {
    refs.push(nm.pids, nm.json)
    if (nm['lpm-v4']) refs.push(nm['lpm-v4'])
    if (nm['lpm-v6']) refs.push(nm['lpm-v6'])
  }
  for (const cm of Object.values(m['cost-maps'])) {
    refs.push(cm.matrix, cm.json)
    if (cm.calendar) refs.push(cm.calendar.table)
  }
  for (const p of Object.values(m.properties)) {
    refs.push(p.values)
    if (p['lpm-v4']) refs.push(p['lpm-v4'])
    if (p['lpm-v6']) refs.push(p['lpm-v6'])
  }
  for (const pm of Object.values(m['property-maps'] ?? {})) {
    refs.push(pm.values, pm.json, ...Object.values(pm.pids))
    if (pm.ane) refs.push(pm.ane.names, pm.ane.values)
    for (const f of [pm.ipv4, pm.ipv6]) {
      if (!f) continue
      refs.push(f.tree, f['lpm-lo'])
      if (f['lpm-hi']) refs.push(f['lpm-hi'])
    }
  }
  for (const cdni of Object.values(m['cdni-advertisements'] ?? {})) {
    refs.push(cdni.json)
    if (cdni.propmap) refs.push(cdni.propmap.json)
  }
  for (const pv of Object.values(m['path-vectors'] ?? {})) {
    refs.push(pv.table)
    if (pv.calendar) refs.push(pv.calendar.table)
  }
  return refs
}
