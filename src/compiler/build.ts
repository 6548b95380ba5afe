/**
 * @module Turns a validated map set into content-addressed blobs and a manifest
 * (docs/storage-schema.md, docs/binary-format.md). Deterministic: PIDs, prefixes, resources and
 * JSON keys are emitted in a fixed order, so the same sources give byte-identical blobs, the same
 * vtags and the same version.
 */
import {
  NO_VALUE,
  PidValues,
  PrefixTree,
  buildLpm4,
  buildLpm6,
  decodeStringTable,
  encodePidValues,
  encodePrefixTree,
  nodeLpmValues,
  type TreePrefix,
  chooseCostEncoding,
  costEncodingName,
  encodeCostCalendar,
  encodeScaledCostCalendar,
  encodeCostMatrix,
  encodePathTable,
  encodeStringTable,
  PathTable,
} from '../tables/index.ts'
import {
  blobRefFor,
  MANIFEST_FORMAT,
  type BlobRef,
  type CalendarEntry,
  type CdniEntry,
  type CostMapEntry,
  type Manifest,
  type NetworkMapEntry,
  type PathVectorEntry,
  type PropertyEntry,
  type PropertyMapEntry,
  type PropertyMapPrefixes,
} from '../store/manifest.ts'
import {
  ANE_DOMAIN,
  pidDomain,
  writeFullPropertyMap,
  type AneDomain,
  type PidDomain,
} from '../alto/property-map.ts'
import { type CostType } from '../alto/cost-types.ts'
import { resourceIds, resourcePaths } from '../alto/resources.ts'
import { sha256Hex } from '../tables/bytes.ts'
import { canonicalJson, concatBytes, jsonString, TextChunks } from './canonical.ts'
import { costTypeJson } from '../alto/cost-types.ts'
import { networkMapOrder, renderIrd } from '../alto/ird.ts'
import { renderCdniAdvertisement } from '../alto/cdni.ts'
import { writeCdniPropertyMap } from '../alto/cdni-property-map.ts'
import { splitPersistentAneId } from '../alto/path-vector.ts'
import {
  type CdniSource,
  type CostMapSource,
  type LoadedMapSet,
  type NetworkMapSource,
  type PathVectorSource,
  type CalendarTimingSource,
  type PrefixItem,
  type PropertyMapSource,
  type PropertySource,
} from './load/index.ts'
import { byCodeUnits } from '../alto/identifiers.ts'
import { encodedKeys, JsonBytes } from '../alto/json-bytes.ts'
import { quotedNames } from '../alto/json-text.ts'

/** RFC 7285 §10.3: a tag is at most 64 characters of U+0021..U+007E; we use 40 hex digits. */
export const TAG_HEX_DIGITS = 40
/** docs/storage-schema.md: the version is the first 32 hex digits of the manifest hash. */
export const VERSION_HEX_DIGITS = 32

export interface NetworkMapSummary {
  id: string
  pids: number
  prefixes: { ipv4: number; ipv6: number }
  /** LPM table bytes per family (0 when the family is absent). */
  tableBytes: { ipv4: number; ipv6: number }
  /** tableBytes / prefixes per family (0 when absent). */
  bytesPerPrefix: { ipv4: number; ipv6: number }
  jsonBytes: number
  vtag: string
}

export interface CostMapSummary {
  id: string
  networkMap: string
  costType: string
  pids: number
  entries: number
  /** COST_MATRIX cell encoding name (U8, U16, U32, F32, F64). */
  encoding: string
  matrixBytes: number
  jsonBytes: number
  tag: string
}

export interface PropertySummary {
  name: string
  prefixes: { ipv4: number; ipv6: number }
  values: number
  tableBytes: number
  tag: string
}

export interface CdniSummary {
  id: string
  objects: number
  jsonBytes: number
  tag: string
}

export interface BuildSummary {
  version: string
  networkMaps: NetworkMapSummary[]
  costMaps: CostMapSummary[]
  properties: PropertySummary[]
  propertyMaps: PropertyMapSummary[]
  cdniAdvertisements: CdniSummary[]
  irdBytes: number
  blobCount: number
  totalBlobBytes: number
  buildMs: number
}

/** A compiled map set: the manifest (seq 0, created '' — publish fills these) and its blobs. */
export interface Build {
  manifest: Manifest
  /** sha256 hex → whole blob (publish splits blobs larger than KV_CHUNK_BYTES into chunks). */
  blobs: Map<string, Uint8Array>
  summary: BuildSummary
}

const encoder = new TextEncoder()

class BlobSet {
  readonly blobs = new Map<string, Uint8Array>()

  async add(bytes: Uint8Array): Promise<BlobRef> {
    const ref = await blobRefFor(bytes)
    this.blobs.set(ref.sha256, bytes)
    return ref
  }
}

/** First `digits` hex of SHA-256 over a domain label, fields and a body. */
async function contentTag(
  label: string,
  fields: string[],
  body: Uint8Array,
  digits = TAG_HEX_DIGITS
): Promise<string> {
  const head = encoder.encode(`alto-edge ${label} v1\n${fields.join('\n')}\n`)
  return (await sha256Hex(concatBytes([head, body]))).slice(0, digits)
}

function comparePrefixes(a: PrefixItem, b: PrefixItem): number {
  for (let i = 0; i < a.words.length; i++) {
    if (a.words[i] !== b.words[i]) return a.words[i] - b.words[i]
  }
  return a.len - b.len
}

// ---------------------------------------------------------------------------------------------

async function buildNetworkMap(
  nm: NetworkMapSource,
  blobs: BlobSet
): Promise<{ entry: NetworkMapEntry; summary: NetworkMapSummary }> {
  const data = new TextChunks()
  const lpm4: { addr: number; len: number; value: number }[] = []
  const lpm6: { words: number[]; len: number; value: number }[] = []
  data.push('{')
  nm.pidNames.forEach((name, index) => {
    const pid = nm.pids.get(name)!
    const groups: string[] = []
    for (const [family, list] of [
      ['ipv4', pid.v4],
      ['ipv6', pid.v6],
    ] as const) {
      if (list.length === 0) continue
      list.sort(comparePrefixes)
      groups.push(`"${family}":[${list.map((p) => `"${p.text}"`).join(',')}]`)
      for (const p of list) {
        if (p.family === 4) lpm4.push({ addr: p.words[0], len: p.len, value: index })
        else lpm6.push({ words: p.words, len: p.len, value: index })
      }
    }
    data.push(`${index === 0 ? '' : ','}${jsonString(name)}:{${groups.join(',')}}`)
  })
  data.push('}')
  const dataBytes = data.toBytes()
  const vtag = await contentTag('network-map', [nm.id], dataBytes)
  const head = encoder.encode(
    `{"meta":{"vtag":{"resource-id":${jsonString(nm.id)},"tag":${jsonString(vtag)}}},"network-map":`
  )
  const json = concatBytes([head, dataBytes, encoder.encode('}')])
  const v4 = lpm4.length > 0 ? buildLpm4(lpm4) : null
  const v6 = lpm6.length > 0 ? buildLpm6(lpm6) : null
  const entry: NetworkMapEntry = {
    vtag,
    'pid-count': nm.pidNames.length,
    pids: await blobs.add(encodeStringTable(nm.pidNames)),
    'lpm-v4': v4 ? await blobs.add(v4) : null,
    'lpm-v6': v6 ? await blobs.add(v6) : null,
    json: await blobs.add(json),
    'prefix-counts': { ipv4: lpm4.length, ipv6: lpm6.length },
  }
  const perPrefix = (bytes: number, count: number) =>
    count === 0 ? 0 : Math.round((bytes / count) * 100) / 100
  const summary: NetworkMapSummary = {
    id: nm.id,
    pids: nm.pidNames.length,
    prefixes: { ipv4: lpm4.length, ipv6: lpm6.length },
    tableBytes: { ipv4: v4?.length ?? 0, ipv6: v6?.length ?? 0 },
    bytesPerPrefix: {
      ipv4: perPrefix(v4?.length ?? 0, lpm4.length),
      ipv6: perPrefix(v6?.length ?? 0, lpm6.length),
    },
    jsonBytes: json.length,
    vtag,
  }
  return { entry, summary }
}

/** The manifest entry of a calendar (cost map or path table): its table and its timing. */
function calendarEntry(timing: CalendarTimingSource, table: BlobRef): CalendarEntry {
  return {
    table,
    'number-of-intervals': timing.intervals,
    'time-interval-size': timing.intervalSeconds,
    anchor: timing.anchor,
    ...(timing.repeated !== undefined ? { repeated: timing.repeated } : {}),
  }
}

async function buildCostMap(
  cm: CostMapSource,
  nm: NetworkMapSource,
  nmVtag: string,
  blobs: BlobSet
): Promise<{ entry: CostMapEntry; summary: CostMapSummary }> {
  const n = cm.n
  // Written as bytes (keys encoded once, integers digit by digit): 1.5 million pairs per
  // generated map made the per-pair template strings most of its build time.
  const keys = encodedKeys(quotedNames(nm.pidNames))
  const data = new JsonBytes(1 << 16)
  data.byte(0x7b)
  let firstRow = true
  const cells = cm.cells
  const numberTexts = new Map<number, Uint8Array>()
  for (let src = 0; src < n; src++) {
    const base = src * n
    let dst = 0
    while (dst < n && cells[base + dst] !== cells[base + dst]) dst++
    // RFC 7285 §11.2.3.6: pairs without a defined cost may be omitted; so are empty rows.
    if (dst === n) continue
    if (!firstRow) data.byte(0x2c)
    firstRow = false
    data.bytes(keys[src])
    data.byte(0x7b)
    let firstCell = true
    for (; dst < n; dst++) {
      const cost = cells[base + dst]
      if (cost !== cost) continue
      if (!firstCell) data.byte(0x2c)
      firstCell = false
      data.bytes(keys[dst])
      if ((cost | 0) === cost && cost >= 0) data.number(cost)
      else {
        // A metric such as loss rate has a few dozen distinct values: format each once.
        let text = numberTexts.get(cost)
        if (text === undefined) {
          text = encoder.encode(JSON.stringify(cost))
          if (numberTexts.size < 65536) numberTexts.set(cost, text)
        }
        data.bytes(text)
      }
    }
    data.byte(0x7d)
  }
  data.byte(0x7d)
  const dataBytes = data.done()
  const typeJson = costTypeJson(cm.costType)
  const tag = await contentTag('cost-map', [cm.id, cm.networkMap, nmVtag, typeJson], dataBytes)
  const head = encoder.encode(
    `{"meta":{"dependent-vtags":[{"resource-id":${jsonString(cm.networkMap)},"tag":${jsonString(nmVtag)}}],"cost-type":${typeJson}},"cost-map":`
  )
  const json = concatBytes([head, dataBytes, encoder.encode('}')])
  const encoding = chooseCostEncoding(cm.cells)
  const matrix = encodeCostMatrix(n, cm.cells, encoding)
  const entry: CostMapEntry = {
    'network-map': cm.networkMap,
    'cost-type-name': cm.costTypeName,
    'cost-type': cm.costType,
    ...(cm.testable ? {} : { testable: false as const }),
    tag,
    matrix: await blobs.add(matrix),
    json: await blobs.add(json),
  }
  const cal = cm.calendar
  if (cal) {
    entry.calendar = calendarEntry(
      cal,
      await blobs.add(
        cal.scale !== undefined
          ? encodeScaledCostCalendar(n, cm.cells, cal.scale)
          : encodeCostCalendar(n, cal.intervals, cal.cells!)
      )
    )
  }
  const summary: CostMapSummary = {
    id: cm.id,
    networkMap: cm.networkMap,
    costType: cm.costTypeName,
    pids: n,
    entries: cm.entries,
    encoding: costEncodingName(encoding),
    matrixBytes: matrix.length,
    jsonBytes: json.length,
    tag,
  }
  return { entry, summary }
}

async function buildProperty(
  prop: PropertySource,
  blobs: BlobSet
): Promise<{ entry: PropertyEntry; summary: PropertySummary }> {
  const entries = [...prop.entries].sort(
    (a, b) => a.prefix.family - b.prefix.family || comparePrefixes(a.prefix, b.prefix)
  )
  const values = [...new Set(entries.map((e) => e.value))].sort(byCodeUnits)
  const valueIndex = new Map(values.map((v, i) => [v, i]))
  const lpm4: { addr: number; len: number; value: number }[] = []
  const lpm6: { words: number[]; len: number; value: number }[] = []
  for (const { prefix, value } of entries) {
    const v = valueIndex.get(value)!
    if (prefix.family === 4) lpm4.push({ addr: prefix.words[0], len: prefix.len, value: v })
    else lpm6.push({ words: prefix.words, len: prefix.len, value: v })
  }
  const canonical = new TextChunks()
  for (const { prefix, value } of entries) canonical.push(`${prefix.text}\t${jsonString(value)}\n`)
  const tag = await contentTag('property', [prop.name], canonical.toBytes())
  const v4 = lpm4.length > 0 ? buildLpm4(lpm4) : null
  const v6 = lpm6.length > 0 ? buildLpm6(lpm6) : null
  const valuesTable = encodeStringTable(values)
  const entry: PropertyEntry = {
    values: await blobs.add(valuesTable),
    'lpm-v4': v4 ? await blobs.add(v4) : null,
    'lpm-v6': v6 ? await blobs.add(v6) : null,
    tag,
  }
  return {
    entry,
    summary: {
      name: prop.name,
      prefixes: { ipv4: lpm4.length, ipv6: lpm6.length },
      values: values.length,
      tableBytes: valuesTable.length + (v4?.length ?? 0) + (v6?.length ?? 0),
      tag,
    },
  }
}

/** One family of a property map: PREFIX_TREE plus the LPM pair that finds an entry by address. */
async function buildPrefixDomain(
  family: 4 | 6,
  columns: number,
  prefixes: TreePrefix[],
  blobs: BlobSet
): Promise<{ refs: PropertyMapPrefixes; tree: PrefixTree }> {
  const { blob, sorted } = encodePrefixTree(family, columns, prefixes)
  const lo: { words: readonly number[]; len: number; value: number }[] = []
  const hi: typeof lo = []
  let needHi = false
  sorted.forEach((p, i) => {
    const v = nodeLpmValues(i)
    if (v.hi > 0) needHi = true
    lo.push({ words: p.words, len: p.len, value: v.lo })
    hi.push({ words: p.words, len: p.len, value: v.hi })
  })
  const lpm = (list: typeof lo) =>
    family === 4
      ? buildLpm4(list.map((p) => ({ addr: p.words[0], len: p.len, value: p.value })))
      : buildLpm6(list.map((p) => ({ words: [...p.words], len: p.len, value: p.value })))
  return {
    refs: {
      tree: await blobs.add(blob),
      'lpm-lo': await blobs.add(lpm(lo)),
      'lpm-hi': needHi ? await blobs.add(lpm(hi)) : null,
    },
    tree: PrefixTree.open(blob),
  }
}

export interface PropertyMapSummary {
  id: string
  properties: number
  prefixes: { ipv4: number; ipv6: number }
  pids: number
  values: number
  tableBytes: number
  jsonBytes: number
  tag: string
}

async function buildPropertyMap(
  pm: PropertyMapSource,
  nmById: ReadonlyMap<string, NetworkMapSource>,
  networkMaps: Record<string, NetworkMapEntry>,
  defaultNetworkMap: string,
  blobs: BlobSet
): Promise<{ entry: PropertyMapEntry; summary: PropertyMapSummary }> {
  const columns = pm.names
  const column = new Map(columns.map((name, c) => [name, c]))
  const distinct = new Set<string>()
  for (const p of pm.prefixes) for (const v of p.values.values()) distinct.add(v)
  for (const byPid of pm.pids.values())
    for (const values of byPid.values()) for (const v of values.values()) distinct.add(v)
  for (const props of pm.anes.values()) for (const v of props.values()) distinct.add(v)
  const values = [...distinct].sort(byCodeUnits)
  const valueIndex = new Map(values.map((v, i) => [v, i]))
  const valuesBlob = encodeStringTable(values)
  let tableBytes = valuesBlob.length
  const row = (props: ReadonlyMap<string, string>): number[] => {
    const out = new Array<number>(columns.length).fill(NO_VALUE)
    for (const [name, v] of props) out[column.get(name)!] = valueIndex.get(v)!
    return out
  }
  const families: Record<4 | 6, { refs: PropertyMapPrefixes; tree: PrefixTree } | null> = {
    4: null,
    6: null,
  }
  const counts = { ipv4: 0, ipv6: 0 }
  const prefixNames = new Set<string>()
  for (const family of [4, 6] as const) {
    const list = pm.prefixes.filter((p) => p.prefix.family === family)
    if (list.length === 0) continue
    for (const p of list) for (const name of p.values.keys()) prefixNames.add(name)
    const built = await buildPrefixDomain(
      family,
      columns.length,
      list.map((p) => ({ words: p.prefix.words, len: p.prefix.len, values: row(p.values) })),
      blobs
    )
    families[family] = built
    counts[family === 4 ? 'ipv4' : 'ipv6'] = list.length
    tableBytes +=
      built.refs.tree.bytes + built.refs['lpm-lo'].bytes + (built.refs['lpm-hi']?.bytes ?? 0)
  }
  const mappings: Record<string, string[]> = {}
  if (prefixNames.size > 0) {
    const names = [...prefixNames].sort(byCodeUnits)
    mappings.ipv4 = names
    mappings.ipv6 = names
  }
  // §7.5 `uses` / §7.6 dependent-vtags: the network maps of the PID domains, default first.
  const order = networkMapOrder({
    'default-network-map': defaultNetworkMap,
    'network-maps': networkMaps,
  })
  const uses = order.filter((id) => pm.pids.has(id) || pm.pidProperty.includes(id))
  const pids: Record<string, BlobRef> = {}
  const pidDomains: PidDomain[] = []
  let pidCount = 0
  for (const nmId of uses) {
    if (!pm.pids.has(nmId)) continue
    const nm = nmById.get(nmId)!
    const cells = new Uint32Array(nm.pidNames.length * columns.length).fill(NO_VALUE)
    const names = new Set<string>()
    for (const [pid, props] of pm.pids.get(nmId)!) {
      const base = nm.pidIndex.get(pid)! * columns.length
      row(props).forEach((v, c) => (cells[base + c] = v))
      for (const name of props.keys()) names.add(name)
      pidCount++
    }
    const blob = encodePidValues(nm.pidNames.length, columns.length, cells)
    pids[nmId] = await blobs.add(blob)
    tableBytes += blob.length
    mappings[pidDomain(nmId)] = [...names].sort(byCodeUnits)
    pidDomains.push({
      networkMap: nmId,
      pidNames: nm.pidNames,
      pidIndex: nm.pidIndex,
      table: PidValues.open(blob),
    })
  }
  // RFC 9275 §6.2.4: the `.ane` domain of persistent ANEs, rows in ANE name order.
  let ane: PropertyMapEntry['ane']
  let aneDomain: AneDomain | null = null
  if (pm.anes.size > 0) {
    const aneNames = [...pm.anes.keys()].sort(byCodeUnits)
    const cells = new Uint32Array(aneNames.length * columns.length).fill(NO_VALUE)
    const names = new Set<string>()
    aneNames.forEach((name, i) => {
      const props = pm.anes.get(name)!
      row(props).forEach((v, c) => (cells[i * columns.length + c] = v))
      for (const p of props.keys()) names.add(p)
    })
    const namesBlob = encodeStringTable(aneNames)
    const valuesTable = encodePidValues(aneNames.length, columns.length, cells)
    ane = { names: await blobs.add(namesBlob), values: await blobs.add(valuesTable) }
    tableBytes += namesBlob.length + valuesTable.length
    mappings[ANE_DOMAIN] = [...names].sort(byCodeUnits)
    aneDomain = {
      names: aneNames,
      index: new Map(aneNames.map((n, i) => [n, i])),
      table: PidValues.open(valuesTable),
    }
  }
  const dependentVtags = uses.map((id) => ({ 'resource-id': id, tag: networkMaps[id].vtag }))
  const noLookup = () => -1
  const body = writeFullPropertyMap(
    {
      names: columns,
      values: decodeStringTable(valuesBlob),
      v4: families[4] ? { tree: families[4].tree, deepest: noLookup } : null,
      v6: families[6] ? { tree: families[6].tree, deepest: noLookup } : null,
      pids: pidDomains,
      ane: aneDomain,
    },
    dependentVtags
  )
  const json = encoder.encode(body)
  const tag = await contentTag('property-map', [pm.id], json)
  const entry: PropertyMapEntry = {
    tag,
    properties: columns,
    values: await blobs.add(valuesBlob),
    ipv4: families[4]?.refs ?? null,
    ipv6: families[6]?.refs ?? null,
    pids,
    mappings,
    uses,
    ...(ane ? { ane } : {}),
    json: await blobs.add(json),
  }
  return {
    entry,
    summary: {
      id: pm.id,
      properties: columns.length,
      prefixes: counts,
      pids: pidCount,
      values: values.length,
      tableBytes,
      jsonBytes: json.length,
      tag,
    },
  }
}

/**
 * RFC 9241 §3.6: the whole body, `meta.vtag` always, `dependent-vtags` with the network map of
 * `altopid` footprints (§4.1). The tag covers the objects and that network map's vtag.
 */
async function buildCdniAdvertisement(
  cdni: CdniSource,
  nmVtag: string | undefined,
  blobs: BlobSet
): Promise<{ entry: CdniEntry; summary: CdniSummary }> {
  const objects = encoder.encode(JSON.stringify(cdni.objects))
  const fields = cdni.networkMap !== undefined ? [cdni.id, cdni.networkMap, nmVtag!] : [cdni.id]
  const tag = await contentTag('cdni', fields, objects)
  const dependent =
    cdni.networkMap !== undefined ? [{ 'resource-id': cdni.networkMap, tag: nmVtag! }] : undefined
  const json = encoder.encode(
    renderCdniAdvertisement({ 'resource-id': cdni.id, tag }, dependent, cdni.objects)
  )
  // RFC 9241 §6: the footprints as property map entities; dependent-vtags in `uses` order.
  const propmapJson = encoder.encode(
    writeCdniPropertyMap(cdni.id, cdni.objects, cdni.networkMap, null, true, [
      { 'resource-id': cdni.id, tag },
      ...(dependent ?? []),
    ])
  )
  const entry: CdniEntry = {
    tag,
    ...(cdni.networkMap !== undefined ? { 'network-map': cdni.networkMap } : {}),
    json: await blobs.add(json),
    propmap: {
      json: await blobs.add(propmapJson),
      tag: await contentTag('cdni-propmap', [cdni.id], propmapJson),
    },
  }
  return {
    entry,
    summary: { id: cdni.id, objects: cdni.objects.length, jsonBytes: json.length, tag },
  }
}

/** RFC 9275 path vectors of a network map → one PATH_TABLE blob; the tag covers its vtag. */
async function buildPathVector(
  pv: PathVectorSource,
  nmVtag: string,
  blobs: BlobSet
): Promise<PathVectorEntry> {
  const table = encodePathTable({ n: pv.n, paths: pv.paths, anes: pv.anes })
  // RFC 9275 §9.4: a calendar is a second PATH_TABLE of `intervals` paths per pair over the same
  // ANE table; its timing lives in the manifest (as a cost calendar's) and in the tag.
  const cal = pv.calendar
  const calendarTable =
    cal && encodePathTable({ n: pv.n, intervals: cal.intervals, paths: cal.paths, anes: pv.anes })
  const tag = await contentTag(
    'path-vector',
    [
      pv.networkMap,
      nmVtag,
      ...(cal
        ? [`calendar ${cal.intervals} ${cal.intervalSeconds} ${cal.anchor} ${cal.repeated ?? ''}`]
        : []),
    ],
    calendarTable ? concatBytes([table, calendarTable]) : table
  )
  // RFC 9275 §7.2.5 / §7.3.5: the defining property maps of the persistent ANEs (checked to
  // exist by the loader) go into the PV resources' `uses`.
  const persistent = new Set<string>()
  for (const ane of pv.anes)
    if (ane.persistentEntityId !== undefined)
      persistent.add(splitPersistentAneId(ane.persistentEntityId)[0])
  return {
    tag,
    ...(persistent.size > 0 ? { 'persistent-maps': [...persistent].sort(byCodeUnits) } : {}),
    table: await blobs.add(table),
    'ane-count': pv.anes.length,
    'path-count': PathTable.open(table).pathCount,
    ...(cal && calendarTable
      ? { calendar: calendarEntry(cal, await blobs.add(calendarTable)) }
      : {}),
  }
}

// ---------------------------------------------------------------------------------------------

/** The hash input of a manifest's version: canonical JSON without version, seq and created. */
export function manifestVersionInput(m: Manifest): string {
  const { version: _v, seq: _s, created: _c, ...content } = m
  return canonicalJson(content)
}

export async function computeVersion(m: Manifest): Promise<string> {
  return (await sha256Hex(manifestVersionInput(m))).slice(0, VERSION_HEX_DIGITS)
}

export async function buildMapSet(
  set: LoadedMapSet,
  progress: (msg: string) => void = () => {},
  startedAt = Date.now()
): Promise<Build> {
  const blobs = new BlobSet()
  const networkMaps: Record<string, NetworkMapEntry> = {}
  const nmSummaries: NetworkMapSummary[] = []
  const nmById = new Map(set.networkMaps.map((nm) => [nm.id, nm]))
  for (const nm of set.networkMaps) {
    progress(`building network map ${nm.id} (${nm.pidNames.length} PIDs)`)
    const { entry, summary } = await buildNetworkMap(nm, blobs)
    networkMaps[nm.id] = entry
    nmSummaries.push(summary)
  }
  const costMaps: Record<string, CostMapEntry> = {}
  const costTypes: Record<string, CostType> = {}
  const cmSummaries: CostMapSummary[] = []
  const describedDifferently = new Set<string>()
  for (const cm of set.costMaps) {
    progress(`building cost map ${cm.id} (${cm.entries} entries)`)
    const { entry, summary } = await buildCostMap(
      cm,
      nmById.get(cm.networkMap)!,
      networkMaps[cm.networkMap].vtag,
      blobs
    )
    costMaps[cm.id] = entry
    cmSummaries.push(summary)
    // The IRD's cost types are shared by every cost map of that type: a description is kept
    // only when all of them agree on it (each cost map's own meta keeps its description).
    const known = costTypes[cm.costTypeName]
    if (!known) costTypes[cm.costTypeName] = cm.costType
    else if (known.description !== cm.costType.description) {
      costTypes[cm.costTypeName] = {
        'cost-mode': known['cost-mode'],
        'cost-metric': known['cost-metric'],
      }
      describedDifferently.add(cm.costTypeName)
    }
  }
  for (const name of describedDifferently) delete costTypes[name].description
  const properties: Record<string, PropertyEntry> = {}
  const propSummaries: PropertySummary[] = []
  for (const prop of set.properties) {
    progress(`building endpoint property ${prop.name}`)
    const { entry, summary } = await buildProperty(prop, blobs)
    properties[prop.name] = entry
    propSummaries.push(summary)
  }
  const propertyMaps: Record<string, PropertyMapEntry> = {}
  const pmSummaries: PropertyMapSummary[] = []
  for (const pm of set.propertyMaps) {
    progress(`building property map ${pm.id}`)
    const { entry, summary } = await buildPropertyMap(
      pm,
      nmById,
      networkMaps,
      set.defaultNetworkMap,
      blobs
    )
    propertyMaps[pm.id] = entry
    pmSummaries.push(summary)
  }
  const cdniAdvertisements: Record<string, CdniEntry> = {}
  const cdniSummaries: CdniSummary[] = []
  for (const cdni of set.cdniAdvertisements) {
    progress(`building CDNI advertisement ${cdni.id}`)
    const nmVtag = cdni.networkMap !== undefined ? networkMaps[cdni.networkMap].vtag : undefined
    const { entry, summary } = await buildCdniAdvertisement(cdni, nmVtag, blobs)
    cdniAdvertisements[cdni.id] = entry
    cdniSummaries.push(summary)
  }
  const pathVectors: Record<string, PathVectorEntry> = {}
  for (const pv of set.pathVectors) {
    progress(`building path vectors of ${pv.networkMap} (${pv.entries} paths)`)
    pathVectors[pv.networkMap] = await buildPathVector(pv, networkMaps[pv.networkMap].vtag, blobs)
  }
  const partial: Omit<Manifest, 'ird' | 'ird-tag' | 'version'> = {
    format: MANIFEST_FORMAT,
    seq: 0,
    created: '',
    'default-network-map': set.defaultNetworkMap,
    'cost-types': costTypes,
    'network-maps': networkMaps,
    'cost-maps': costMaps,
    properties,
    // Only when the map set has property maps: manifests (and versions) of map sets without
    // them stay byte-identical to those written before property maps existed.
    ...(set.propertyMaps.length > 0 ? { 'property-maps': propertyMaps } : {}),
    // Absent when there are none, so map sets without CDNI keep their versions.
    ...(cdniSummaries.length > 0 ? { 'cdni-advertisements': cdniAdvertisements } : {}),
    ...(set.pathVectors.length > 0 ? { 'path-vectors': pathVectors } : {}),
  }
  const irdBytes = encoder.encode(renderIrd(partial))
  const irdTag = (await sha256Hex(irdBytes)).slice(0, TAG_HEX_DIGITS)
  const manifest: Manifest = {
    ...partial,
    version: '',
    ird: await blobs.add(irdBytes),
    'ird-tag': irdTag,
  }
  manifest.version = await computeVersion(manifest)
  let totalBlobBytes = 0
  for (const b of blobs.blobs.values()) totalBlobBytes += b.length
  return {
    manifest,
    blobs: blobs.blobs,
    summary: {
      version: manifest.version,
      networkMaps: nmSummaries,
      costMaps: cmSummaries,
      properties: propSummaries,
      propertyMaps: pmSummaries,
      cdniAdvertisements: cdniSummaries,
      irdBytes: irdBytes.length,
      blobCount: blobs.blobs.size,
      totalBlobBytes,
      buildMs: Date.now() - startedAt,
    },
  }
}
