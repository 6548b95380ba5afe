/**
 * @module Decoded tables of the current version, cached per isolate.
 *
 * Blobs are immutable and content-addressed, so a decoded table is cached under its blob key
 * forever (no expiry, no version check) — only evicted, least recently used first, when the total
 * exceeds {@link TABLE_CACHE_BYTES}. The weight of a decoded table is the blob's byte length
 * (decoders take zero-copy views over the blob), except for parsed JSON and string tables, which
 * are weighted with a factor for their JS object overhead.
 */
import { FAMILY_V4, type AddressBatch } from '../alto/address-batch.ts'
import type { CalendarLookup, CostLookup, NetworkMapBody, PidTable } from '../alto/responses.ts'
import {
  CostCalendar,
  CostMatrix,
  Lpm4,
  Lpm6,
  NO_MATCH,
  PathTable,
  PidValues,
  PrefixTree,
  TableFormatError,
  decodeStringTable,
  nodeIndex,
} from '../tables/index.ts'
import type { AneDomain, PrefixDomain, PropertyMapTables } from '../alto/property-map.ts'
import type { CdniAdvertisementBody } from '../alto/cdni.ts'
import type {
  BlobRef,
  CdniEntry,
  CostMapEntry,
  Manifest,
  NetworkMapEntry,
  PropertyEntry,
  PropertyMapEntry,
  PropertyMapPrefixes,
} from '../store/manifest.ts'
import { ByteLru } from './byte-lru.ts'
import { StorageFault, readBlobBytes } from './store.ts'

/** Budget of the per-isolate table cache (isolates have 128 MB). */
export const TABLE_CACHE_BYTES = 64 * 1024 * 1024
/** Estimated heap bytes per source byte of parsed JSON / decoded strings. */
const OBJECT_OVERHEAD_FACTOR = 4

const cache = new ByteLru<unknown>(TABLE_CACHE_BYTES)

/** Test hook: forget every decoded table (the next read goes to KV). */
export function clearTableCache(): void {
  cache.clear()
}

async function cached<T>(
  kv: KVNamespace,
  ref: BlobRef,
  kind: string,
  weightFactor: number,
  decode: (bytes: Uint8Array) => T
): Promise<T> {
  const key = `${kind}:${ref.key}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit as T
  const bytes = await readBlobBytes(kv, ref)
  let value: T
  try {
    value = decode(bytes)
  } catch (error) {
    // The bytes passed their checksum, so the publisher stored an undecodable table (a
    // compiler/format mismatch): as unusable as a missing blob.
    if (error instanceof TableFormatError || error instanceof SyntaxError) {
      throw new StorageFault(`${ref.key} cannot be decoded as ${kind}: ${error.message}`)
    }
    throw error
  }
  cache.set(key, value, ref.bytes * weightFactor)
  return value
}

/** The PID names of a network map and their index. */
export function pidTable(kv: KVNamespace, nm: NetworkMapEntry): Promise<PidTable> {
  return cached(kv, nm.pids, 'pids', OBJECT_OVERHEAD_FACTOR, (bytes) => {
    const names = decodeStringTable(bytes)
    return { names, indexOf: new Map(names.map((name, index) => [name, index])) }
  })
}

/** Value index per entry of an address batch (-1: no prefix covers it). */
export type BatchLookup = (batch: AddressBatch) => Int32Array

/** Longest-prefix match of every address of a batch over both families of an LPM pair. */
async function batchLookup(
  kv: KVNamespace,
  v4: BlobRef | null,
  v6: BlobRef | null
): Promise<BatchLookup> {
  const [lpm4, lpm6] = await Promise.all([
    v4 ? cached(kv, v4, 'lpm4', 1, (b) => Lpm4.open(b)) : null,
    v6 ? cached(kv, v6, 'lpm6', 1, (b) => Lpm6.open(b)) : null,
  ])
  // Halves, not the word: small integers all the way from the typed array (Lpm4.lookupHalves).
  const lookup4 = lpm4 ? lpm4.lookupHalves : null
  const lookup6 = lpm6 ? lpm6.lookup : null
  return (batch) => {
    const { family, words } = batch
    const out = new Int32Array(family.length)
    for (let i = 0; i < family.length; i++) {
      let value = NO_MATCH
      if (family[i] === FAMILY_V4) {
        if (lookup4 !== null) {
          const w = words[4 * i]
          value = lookup4(w >>> 16, w & 0xffff)
        }
      } else if (lookup6 !== null) {
        const w = 4 * i
        value = lookup6(words[w], words[w + 1], words[w + 2], words[w + 3])
      }
      out[i] = value === NO_MATCH ? -1 : value
    }
    return out
  }
}

/** Address batch → PID indexes of a network map. */
export function pidIndexes(kv: KVNamespace, nm: NetworkMapEntry): Promise<BatchLookup> {
  return batchLookup(kv, nm['lpm-v4'], nm['lpm-v6'])
}

/** An operator-defined endpoint property: its value table and the batch lookup into it. */
export async function propertyValues(
  kv: KVNamespace,
  property: PropertyEntry
): Promise<{ values: readonly string[]; lookup: BatchLookup }> {
  const [values, lookup] = await Promise.all([
    cached(kv, property.values, 'strings', OBJECT_OVERHEAD_FACTOR, (b) => decodeStringTable(b)),
    batchLookup(kv, property['lpm-v4'], property['lpm-v6']),
  ])
  return { values, lookup }
}

/** The cost matrix of a cost map. */
export function costMatrix(kv: KVNamespace, cm: CostMapEntry): Promise<CostLookup> {
  return cached(kv, cm.matrix, 'costs', 1, (b) => CostMatrix.open(b))
}

/** The RFC 9275 PATH_TABLE of a network map (docs/path-vector.md). */
export function pathTable(kv: KVNamespace, ref: BlobRef): Promise<PathTable> {
  return cached(kv, ref, 'paths', 1, (b) => PathTable.open(b))
}

/** The RFC 8896 calendar of a cost map (COST_CALENDAR), when it has one. */
export function costCalendar(kv: KVNamespace, cm: CostMapEntry): Promise<CalendarLookup> {
  if (!cm.calendar) throw new Error(`cost map ${cm['cost-type-name']} has no calendar`)
  return cached(kv, cm.calendar.table, 'calendar', 1, (b) => CostCalendar.open(b))
}

/** The parsed full network map body (for filtering). */
export function networkMapBody(kv: KVNamespace, nm: NetworkMapEntry): Promise<NetworkMapBody> {
  return cached(kv, nm.json, 'json', OBJECT_OVERHEAD_FACTOR, (bytes) => {
    return JSON.parse(new TextDecoder().decode(bytes)) as NetworkMapBody
  })
}

/** The parsed IRD of a version (relative URIs), for per-client filtering. */
export function irdBody(kv: KVNamespace, manifest: Manifest): Promise<unknown> {
  return cached(
    kv,
    manifest.ird,
    'ird',
    OBJECT_OVERHEAD_FACTOR,
    (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown
  )
}

/**
 * One family of a property map: its PREFIX_TREE and the deepest-entry lookup — the LPM pair
 * over the same prefixes, whose values are the entry index split in two (tables/propmap.ts).
 */
async function prefixDomain(
  kv: KVNamespace,
  family: 4 | 6,
  refs: PropertyMapPrefixes | null
): Promise<PrefixDomain | null> {
  if (!refs) return null
  const tree = cached(kv, refs.tree, 'prefix-tree', 1, (b) => PrefixTree.open(b))
  if (family === 4) {
    const [t, lo, hi] = await Promise.all([
      tree,
      cached(kv, refs['lpm-lo'], 'lpm4', 1, (b) => Lpm4.open(b)),
      refs['lpm-hi'] ? cached(kv, refs['lpm-hi'], 'lpm4', 1, (b) => Lpm4.open(b)) : null,
    ])
    return {
      tree: t,
      deepest: (w) => {
        const l = lo.lookup(w[0])
        return l === NO_MATCH ? -1 : nodeIndex(l, hi ? hi.lookup(w[0]) : 0)
      },
    }
  }
  const [t, lo, hi] = await Promise.all([
    tree,
    cached(kv, refs['lpm-lo'], 'lpm6', 1, (b) => Lpm6.open(b)),
    refs['lpm-hi'] ? cached(kv, refs['lpm-hi'], 'lpm6', 1, (b) => Lpm6.open(b)) : null,
  ])
  return {
    tree: t,
    deepest: (w) => {
      const l = lo.lookup(w[0], w[1], w[2], w[3])
      return l === NO_MATCH ? -1 : nodeIndex(l, hi ? hi.lookup(w[0], w[1], w[2], w[3]) : 0)
    },
  }
}

/** The `.ane` domain of a property map (RFC 9275 §6.2.4): ANE names and their values. */
async function aneDomain(
  kv: KVNamespace,
  refs: NonNullable<PropertyMapEntry['ane']>
): Promise<AneDomain> {
  const [names, table] = await Promise.all([
    cached(kv, refs.names, 'strings', OBJECT_OVERHEAD_FACTOR, (b) => decodeStringTable(b)),
    cached(kv, refs.values, 'pid-values', 1, (b) => PidValues.open(b)),
  ])
  return { names, index: new Map(names.map((n, i) => [n, i])), table }
}

/** The decoded tables of a property map (only the PID domains in `networkMaps`, when given). */
export async function propertyMapTables(
  kv: KVNamespace,
  manifest: Manifest,
  pm: PropertyMapEntry,
  withPrefixes = true,
  networkMaps: readonly string[] = Object.keys(pm.pids),
  withAnes = true
): Promise<PropertyMapTables> {
  const [values, v4, v6, pids, ane] = await Promise.all([
    cached(kv, pm.values, 'strings', OBJECT_OVERHEAD_FACTOR, (b) => decodeStringTable(b)),
    withPrefixes ? prefixDomain(kv, 4, pm.ipv4) : null,
    withPrefixes ? prefixDomain(kv, 6, pm.ipv6) : null,
    Promise.all(
      networkMaps.map(async (nmId) => {
        const [names, table] = await Promise.all([
          pidTable(kv, manifest['network-maps'][nmId]),
          cached(kv, pm.pids[nmId], 'pid-values', 1, (b) => PidValues.open(b)),
        ])
        return { networkMap: nmId, pidNames: names.names, pidIndex: names.indexOf, table }
      })
    ),
    withAnes && pm.ane ? aneDomain(kv, pm.ane) : null,
  ])
  return { names: pm.properties, values, v4, v6, pids, ane }
}

/** The parsed body of an RFC 9241 CDNI Advertisement resource (for filtering, §5). */
export function cdniBody(kv: KVNamespace, cdni: CdniEntry): Promise<CdniAdvertisementBody> {
  return cached(kv, cdni.json, 'json', OBJECT_OVERHEAD_FACTOR, (bytes) => {
    return JSON.parse(new TextDecoder().decode(bytes)) as CdniAdvertisementBody
  })
}
