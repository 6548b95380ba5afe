/**
 * @module Response bodies of the computed (POST) resources, written from decoded tables. Pure:
 * the Worker supplies the tables through the small interfaces below. Full maps are never built
 * here: they are served from the prebuilt JSON blobs.
 *
 * The hot bodies (filtered cost map, endpoint cost, endpoint properties) are written as JSON
 * text directly (json-text.ts: keys quoted once per distinct string, numbers as
 * `JSON.stringify` writes them, keys in JS object order), never as one object per pair; the
 * text is byte-identical to `JSON.stringify` of the objects the RFC describes (the object
 * builders they replaced are kept in test-helpers.ts and compared on random requests).
 */
import type { CostRow } from '../tables/index.ts'
import type { AddressBatch } from './address-batch.ts'
import type { CostType } from './cost-types.ts'
import { jsonNumber, jsonString, objectKeyOrder, quotedNames } from './json-text.ts'
import { JsonBytes, encodedKeys, encodedTexts } from './json-bytes.ts'
import { clausesPredicate, type IndexedConstraint } from './multi-cost.ts'

/** RFC 7285 §10.3 VersionTag. */
export interface VersionTag {
  'resource-id': string
  tag: string
}

/** A network map's PID names (index = PID index) and the reverse lookup. */
export interface PidTable {
  readonly names: readonly string[]
  readonly indexOf: ReadonlyMap<string, number>
}

/** Cost between two PID indexes; NaN when the pair has no defined cost (§6.2). */
export interface CostLookup {
  get(src: number, dst: number): number
  /** The costs from one source (index arithmetic done once per row). */
  row(src: number): CostRow
}

/** RFC 7285 §11.2.1.6 body: `{meta: {vtag}, network-map: {pid: {type: prefixes}}}`. */
export interface NetworkMapBody {
  meta: { vtag: VersionTag }
  'network-map': Record<string, Record<string, string[]>>
}

/**
 * The cost type echoed in responses: mode, metric and the RFC 9439 §3.1 `cost-context` when the
 * type has one (where the values come from, as the GET cost map's meta says); `description` is
 * informational and left out.
 */
export function responseCostType(t: CostType): Omit<CostType, 'description'> {
  const echoed: Omit<CostType, 'description'> = {
    'cost-mode': t['cost-mode'],
    'cost-metric': t['cost-metric'],
  }
  if (t['cost-context'] !== undefined) echoed['cost-context'] = t['cost-context']
  return echoed
}

/** Distinct strings in first-seen order ("duplicates ... MUST be treated as a single one"). */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)]
}

/** Address types this server knows (RFC 7285 §14.4 registry entries it can serve). */
export const KNOWN_ADDRESS_TYPES: ReadonlySet<string> = new Set(['ipv4', 'ipv6'])

/**
 * §11.3.1.6 filtered network map, the vtag of the FULL map, PIDs in the full map's order.
 * "If the input parameters contain a PID name that is not currently defined by the ALTO server,
 * the ALTO server MUST behave as if the PID did not appear in the input parameters" — and
 * §11.3.1.3: "If the list of PIDs is empty, the ALTO server MUST interpret the list as if it
 * contained a list of all currently defined PIDs". So unknown names are dropped FIRST, and a list
 * left empty means all PIDs (`{"pids":["NOPE"]}` is the full map). Address types likewise: an
 * unknown type is as if absent, and an empty list means all types.
 */
export function buildFilteredNetworkMap(
  full: NetworkMapBody,
  vtag: VersionTag,
  pids: readonly string[],
  addressTypes: readonly string[] | undefined
): NetworkMapBody {
  const knownPids = pids.filter((p) => Object.hasOwn(full['network-map'], p))
  const knownTypes = (addressTypes ?? []).filter((t) => KNOWN_ADDRESS_TYPES.has(t))
  const wantedPids = knownPids.length === 0 ? null : new Set(knownPids)
  const wantedTypes = knownTypes.length === 0 ? null : new Set(knownTypes)
  const map: Record<string, Record<string, string[]>> = {}
  for (const [pid, group] of Object.entries(full['network-map'])) {
    if (wantedPids && !wantedPids.has(pid)) continue
    const filtered: Record<string, string[]> = {}
    for (const [type, prefixes] of Object.entries(group)) {
      if (!wantedTypes || wantedTypes.has(type)) filtered[type] = prefixes
    }
    map[pid] = filtered
  }
  return { meta: { vtag }, 'network-map': map }
}

/**
 * PID indexes of a request list, without repeats. §11.3.2.6: an undefined PID name is treated
 * "as if the PID did not appear in the input parameters", and §11.3.2.3: "If a list is empty,
 * the ALTO server MUST interpret it as the full set of currently defined PIDs" — so unknown
 * names are dropped first and a list left empty (or absent) selects every PID.
 */
export function selectPids(table: PidTable, names: readonly string[] | undefined): number[] {
  const selected: number[] = []
  const seen = new Set<number>()
  for (const name of names ?? []) {
    const index = table.indexOf.get(name)
    if (index === undefined || seen.has(index)) continue
    seen.add(index)
    selected.push(index)
  }
  return selected.length > 0 ? selected : table.names.map((_, i) => i)
}

export interface FilteredCostMapInput {
  pids: PidTable
  costs: CostLookup
  srcs: readonly number[]
  dsts: readonly number[]
  accept: (cost: number) => boolean
  dependentVtag: VersionTag
  costType: CostType
}

/** Pair count above which a filtered cost map is streamed row by row instead of buffered. */
export const STREAMED_COST_PAIRS = 250_000

/** PID indexes in the order a JS object keyed by their names lists them. */
function inObjectOrder(pids: PidTable, indexes: readonly number[]): number[] {
  return objectKeyOrder(indexes.map((i) => pids.names[i])).map((k) => indexes[k])
}

/**
 * §11.3.2.6 filtered cost map: `{meta: {dependent-vtags: [nm vtag], cost-type}, cost-map}` with
 * only the requested pairs that have a defined cost and satisfy every constraint. A source whose
 * every pair is dropped does not appear. Yields the text in pieces: the head, one piece per
 * source row that appears, the tail (a caller may stream them).
 */
export function* filteredCostMapPieces(input: FilteredCostMapInput): Generator<string> {
  const meta = {
    'dependent-vtags': [input.dependentVtag],
    'cost-type': responseCostType(input.costType),
  }
  yield `{"meta":${JSON.stringify(meta)},"cost-map":{`
  const quoted = quotedNames(input.pids.names)
  const srcs = inObjectOrder(input.pids, input.srcs)
  const dsts = inObjectOrder(input.pids, input.dsts)
  const keys = dsts.map((dst) => `${quoted[dst]}:`)
  const { accept } = input
  // Each row is built with `+=` (a rope V8 flattens once, linearly, when the text is encoded):
  // ~4x less CPU than pushing the entries into an array and joining it (bench/handler.ts).
  let first = true
  for (const src of srcs) {
    const row = input.costs.row(src)
    let entries = ''
    for (let k = 0; k < dsts.length; k++) {
      const cost = row.get(dsts[k])
      if (cost !== cost || !accept(cost)) continue
      entries += (entries === '' ? '' : ',') + keys[k] + jsonNumber(cost)
    }
    if (entries === '') continue
    yield `${first ? '' : ','}${quoted[src]}:{${entries}}`
    first = false
  }
  yield '}}'
}

/**
 * {@link filteredCostMapPieces} written as UTF-8 bytes (json-bytes.ts): the same answer, byte for
 * byte, without a rope node per pair or the encoding of the text afterwards.
 */
export function filteredCostMapBytes(input: FilteredCostMapInput): Uint8Array {
  const meta = {
    'dependent-vtags': [input.dependentVtag],
    'cost-type': responseCostType(input.costType),
  }
  const srcs = inObjectOrder(input.pids, input.srcs)
  const dsts = inObjectOrder(input.pids, input.dsts)
  const keys = encodedKeys(quotedNames(input.pids.names))
  const dstKeys = dsts.map((dst) => keys[dst])
  const out = new JsonBytes(64 + srcs.length * dsts.length * 12)
  out.text(`{"meta":${JSON.stringify(meta)},"cost-map":{`)
  const { accept } = input
  let first = true
  for (const src of srcs) {
    const row = input.costs.row(src)
    const rowStart = out.pos
    if (!first) out.byte(COMMA)
    out.bytes(keys[src])
    out.byte(OPEN_BRACE)
    let empty = true
    for (let k = 0; k < dsts.length; k++) {
      const cost = row.get(dsts[k])
      if (cost !== cost || !accept(cost)) continue
      if (!empty) out.byte(COMMA)
      out.bytes(dstKeys[k])
      out.number(cost)
      empty = false
    }
    if (empty) {
      out.pos = rowStart // a source whose every pair is dropped does not appear
      continue
    }
    out.byte(CLOSE_BRACE)
    first = false
  }
  out.text('}}')
  return out.done()
}

const COMMA = 0x2c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/** {@link filteredCostMapPieces} as one text. */
export function writeFilteredCostMap(input: FilteredCostMapInput): string {
  let text = ''
  for (const piece of filteredCostMapPieces(input)) text += piece
  return text
}

/** A list of endpoints with the value index each maps to (-1: no prefix covers it). */
export interface MappedEndpoints {
  batch: AddressBatch
  /** Per entry of `batch`: the PID (or property value) index, -1 for none. */
  indexes: Int32Array
}

export interface EndpointCostInput {
  srcs: MappedEndpoints
  dsts: MappedEndpoints
  costs: CostLookup
  accept: (cost: number) => boolean
  /** The endpoint cost resource's own version tag (`meta.vtag`, see below). */
  vtag: VersionTag
  dependentVtag: VersionTag
  costType: CostType
}

/**
 * §11.5.1.6 endpoint cost map: cost(src, dst) = cost between the PIDs the two addresses map to
 * (§11.5.1.5 leaves the computation to the server; PID-to-PID is the RFC's own model). Pairs with
 * no PID or no defined cost are omitted ("MAY be omitted"), as are pairs failing a constraint.
 * `meta.dependent-vtags` is not required by §11.5.1.6; it names the network map used so a client
 * can tell which version answered. `meta.vtag` is not required either: clients that expect one
 * (the openalto client reads `meta.vtag` of every response) get the endpoint cost resource's id
 * and a tag derived from the network map's and cost map's tags ("ALTO implementations MUST
 * ignore unknown fields", §8.3.7, so other clients are unaffected).
 */
export function writeEndpointCostMap(input: EndpointCostInput): string {
  const meta = {
    vtag: input.vtag,
    'dependent-vtags': [input.dependentVtag],
    'cost-type': responseCostType(input.costType),
  }
  const { srcs, dsts, accept } = input
  const dstCount = dsts.batch.count
  // A parsed typed address is `ipv4:`/`ipv6:` and digits, hex, '.' and ':' only (address-batch.ts
  // refuses anything else): its JSON string is the text in quotes, no escape needed.
  const dstKeys: string[] = new Array<string>(dstCount)
  for (let j = 0; j < dstCount; j++) {
    if (dsts.indexes[j] >= 0) dstKeys[j] = `"${dsts.batch.texts[j]}":`
  }
  // `+=`, not arrays joined: see filteredCostMapPieces.
  let text = `{"meta":${JSON.stringify(meta)},"endpoint-cost-map":{`
  let firstRow = true
  for (let i = 0; i < srcs.batch.count; i++) {
    const srcPid = srcs.indexes[i]
    if (srcPid < 0) continue
    const row = input.costs.row(srcPid)
    let entries = ''
    for (let j = 0; j < dstCount; j++) {
      const dstPid = dsts.indexes[j]
      if (dstPid < 0) continue
      const cost = row.get(dstPid)
      if (cost !== cost || !accept(cost)) continue
      entries += (entries === '' ? '' : ',') + dstKeys[j] + jsonNumber(cost)
    }
    if (entries === '') continue
    text += `${firstRow ? '' : ','}"${srcs.batch.texts[i]}":{${entries}}`
    firstRow = false
  }
  return text + '}}'
}

/**
 * Entry i of `batch` as an object key `"…":`: copied from the request body's bytes when the batch
 * was read from them (address-scan.ts), else from its text (ASCII, no escape: address-batch.ts).
 */
function addressKey(out: JsonBytes, batch: AddressBatch, i: number): void {
  const b = batch.bytes
  if (b) out.asciiKeyRange(b.bytes, b.view, b.start[i], b.end[i])
  else out.asciiKey(batch.texts[i])
}

/**
 * {@link writeEndpointCostMap} written as UTF-8 bytes (json-bytes.ts), byte for byte the same
 * answer. A typed address text is ASCII (address-batch.ts), so it is copied code unit by code
 * unit between quotes.
 */
export function endpointCostMapBytes(input: EndpointCostInput): Uint8Array {
  const meta = {
    vtag: input.vtag,
    'dependent-vtags': [input.dependentVtag],
    'cost-type': responseCostType(input.costType),
  }
  const { srcs, dsts, accept } = input
  const dstIndexes = dsts.indexes
  const dstCount = dsts.batch.count
  const out = new JsonBytes(256 + srcs.batch.count * dstCount * 56)
  out.text(`{"meta":${JSON.stringify(meta)},"endpoint-cost-map":{`)
  let firstRow = true
  for (let i = 0; i < srcs.batch.count; i++) {
    const srcPid = srcs.indexes[i]
    if (srcPid < 0) continue
    const row = input.costs.row(srcPid)
    const rowStart = out.pos
    if (!firstRow) out.byte(COMMA)
    addressKey(out, srcs.batch, i)
    out.byte(OPEN_BRACE)
    let empty = true
    for (let j = 0; j < dstCount; j++) {
      const dstPid = dstIndexes[j]
      if (dstPid < 0) continue
      const cost = row.get(dstPid)
      if (cost !== cost || !accept(cost)) continue
      if (!empty) out.byte(COMMA)
      addressKey(out, dsts.batch, j)
      out.number(cost)
      empty = false
    }
    if (empty) {
      out.pos = rowStart
      continue
    }
    out.byte(CLOSE_BRACE)
    firstRow = false
  }
  out.text('}}')
  return out.done()
}

/**
 * What an RFC 8189 answer reads: the matrices of the returned cost types and of the tested ones,
 * and the filter. Every cell is written from these matrices directly, no object per pair.
 */
export interface CostColumns {
  /** Matrices of the returned cost types, in request order (one when not `multi`). */
  values: readonly CostLookup[]
  /** The returned cost types, same order (meta `multi-cost-types`, or `cost-type`). */
  costTypes: readonly CostType[]
  /** Matrices of the tested cost types (`testable-cost-types`, else the returned ones). */
  tests: readonly CostLookup[]
  /** OR of ANDs of predicates on `tests` (multi-cost.ts); `[]`: every pair passes. */
  clauses: readonly (readonly IndexedConstraint[])[]
  /** RFC 8189 §4.1.3: array-valued costs (`multi-cost-types`) instead of numbers. */
  multi: boolean
  /**
   * RFC 8896: per returned type (aligned with `values`), its calendar when the request asked for
   * it calendared — that type's cost is then the array of the calendar's values — else null.
   */
  calendars?: readonly (CalendarLookup | null)[]
  /** JSON text of meta `calendar-response-attributes` (alto/calendar.ts), with `calendars`. */
  calendarMeta?: string
}

/** A cost calendar (tables/calendar.ts CostCalendar): N values per pair. */
export interface CalendarLookup {
  readonly intervals: number
  /** The pair's values into out[0..intervals) (NaN: none); false when it has none at all. */
  pair(src: number, dst: number, out: Float64Array): boolean
}

/**
 * The cost members of `meta`: `"cost-type":…` for a single cost type, else (§4.1.3, §4.2.3)
 * `"cost-type":{}` and `"multi-cost-types"` with the requested types in request order.
 */
function costMetaMembers(columns: CostColumns): string {
  const calendar =
    columns.calendarMeta !== undefined
      ? `,"calendar-response-attributes":${columns.calendarMeta}`
      : ''
  if (!columns.multi)
    return `"cost-type":${JSON.stringify(responseCostType(columns.costTypes[0]))}${calendar}`
  // §4.1.3: "the field multi-cost-types is added with the same value as the multi-cost-types
  // input parameter": the requested mode and metric, as matched.
  const echoed = columns.costTypes.map((t) => ({
    'cost-mode': t['cost-mode'],
    'cost-metric': t['cost-metric'],
  }))
  return `"cost-type":{},"multi-cost-types":${JSON.stringify(echoed)}${calendar}`
}

/**
 * The JSON text of one pair's calendar (RFC 8896 §3.3: "an array of values, one per time
 * interval"), `null` where an interval has no value; null when it has none at all.
 */
export function calendarCell(
  cal: CalendarLookup,
  src: number,
  dst: number,
  buf: Float64Array
): string | null {
  if (!cal.pair(src, dst, buf)) return null
  let text = '['
  for (let k = 0; k < cal.intervals; k++) {
    const v = buf[k]
    text += (k > 0 ? ',' : '') + (v === v ? jsonNumber(v) : 'null')
  }
  return `${text}]`
}

/**
 * Per source row, the JSON text of each destination's cell, or null when the pair is left out:
 * it fails the filter, or (§4.1.3) its value is undefined — for an array, every component is
 * ("If none of the cost types are available ... the ALTO Server MAY omit the entry"); a single
 * undefined component is `null` ("the ALTO Server MUST use the JSON 'null' value").
 */
function rowCells(columns: CostColumns): (src: number) => (dst: number) => string | null {
  const { values, tests, multi } = columns
  const filtered = columns.clauses.length > 0
  const pass = clausesPredicate(columns.clauses)
  const tested = new Float64Array(tests.length)
  const calendars = columns.calendars
  if (calendars?.some((c) => c !== null)) {
    const buf = new Float64Array(Math.max(...calendars.map((c) => c?.intervals ?? 0)))
    return (src) => {
      const valueRows = values.map((v) => v.row(src))
      // RFC 8896 §3.3: constraints and calendars are exclusive (ignored here, see cost-plan.ts).
      const component = (i: number, dst: number): string | null => {
        const cal = calendars[i]
        if (cal) return calendarCell(cal, src, dst, buf)
        const cost = valueRows[i].get(dst)
        return cost !== cost ? null : jsonNumber(cost)
      }
      return (dst) => {
        if (!multi) return component(0, dst)
        const parts = values.map((_, i) => component(i, dst))
        return parts.some((p) => p !== null) ? `[${parts.map((p) => p ?? 'null').join(',')}]` : null
      }
    }
  }
  return (src) => {
    const valueRows = values.map((v) => v.row(src))
    const testRows = filtered ? tests.map((t) => t.row(src)) : []
    const last = valueRows.length - 1
    return (dst) => {
      if (filtered) {
        for (let i = 0; i < testRows.length; i++) tested[i] = testRows[i].get(dst)
        if (!pass(tested)) return null
      }
      if (!multi) {
        const cost = valueRows[0].get(dst)
        return cost !== cost ? null : jsonNumber(cost)
      }
      let text = '['
      let defined = false
      for (let i = 0; i <= last; i++) {
        const cost = valueRows[i].get(dst)
        if (cost === cost) {
          defined = true
          text += jsonNumber(cost)
        } else text += 'null'
        if (i < last) text += ','
      }
      return defined ? `${text}]` : null
    }
  }
}

export interface MultiCostMapInput {
  pids: PidTable
  srcs: readonly number[]
  dsts: readonly number[]
  dependentVtag: VersionTag
  columns: CostColumns
}

/**
 * RFC 8189 §4.1.3 filtered (multi-)cost map: as {@link filteredCostMapPieces}, with the cells of
 * `columns` (array-valued for `multi-cost-types`, filtered by the tested types).
 */
export function* multiCostMapPieces(input: MultiCostMapInput): Generator<string> {
  const meta = JSON.stringify({ 'dependent-vtags': [input.dependentVtag] })
  yield `{"meta":${meta.slice(0, -1)},${costMetaMembers(input.columns)}},"cost-map":{`
  const quoted = quotedNames(input.pids.names)
  const srcs = inObjectOrder(input.pids, input.srcs)
  const dsts = inObjectOrder(input.pids, input.dsts)
  const keys = dsts.map((dst) => `${quoted[dst]}:`)
  const cellsOf = rowCells(input.columns)
  let first = true
  for (const src of srcs) {
    const cell = cellsOf(src)
    let entries = ''
    for (let k = 0; k < dsts.length; k++) {
      const text = cell(dsts[k])
      if (text !== null) entries += (entries === '' ? '' : ',') + keys[k] + text
    }
    if (entries === '') continue
    yield `${first ? '' : ','}${quoted[src]}:{${entries}}`
    first = false
  }
  yield '}}'
}

/** {@link multiCostMapPieces} as one text. */
export function writeMultiCostMap(input: MultiCostMapInput): string {
  let text = ''
  for (const piece of multiCostMapPieces(input)) text += piece
  return text
}

export interface MultiEndpointCostInput {
  srcs: MappedEndpoints
  dsts: MappedEndpoints
  vtag: VersionTag
  dependentVtag: VersionTag
  columns: CostColumns
}

/**
 * RFC 8189 §4.2.3 endpoint (multi-)cost map: as {@link writeEndpointCostMap}, with the cells of
 * `columns`.
 */
export function writeMultiEndpointCostMap(input: MultiEndpointCostInput): string {
  const meta = JSON.stringify({ vtag: input.vtag, 'dependent-vtags': [input.dependentVtag] })
  const { srcs, dsts } = input
  const dstCount = dsts.batch.count
  const dstKeys: string[] = new Array<string>(dstCount)
  for (let j = 0; j < dstCount; j++) {
    if (dsts.indexes[j] >= 0) dstKeys[j] = `"${dsts.batch.texts[j]}":` // no escape: see above
  }
  const cellsOf = rowCells(input.columns)
  let text = `{"meta":${meta.slice(0, -1)},${costMetaMembers(input.columns)}},"endpoint-cost-map":{`
  let firstRow = true
  for (let i = 0; i < srcs.batch.count; i++) {
    const srcPid = srcs.indexes[i]
    if (srcPid < 0) continue
    const cell = cellsOf(srcPid)
    let entries = ''
    for (let j = 0; j < dstCount; j++) {
      const dstPid = dsts.indexes[j]
      if (dstPid < 0) continue
      const value = cell(dstPid)
      if (value !== null) entries += (entries === '' ? '' : ',') + dstKeys[j] + value
    }
    if (entries === '') continue
    text += `${firstRow ? '' : ','}"${srcs.batch.texts[i]}":{${entries}}`
    firstRow = false
  }
  return text + '}}'
}

/** One requested property: the value index per endpoint (-1: undefined there) and the values. */
export interface PropertyColumn {
  name: string
  indexes: Int32Array
  values: readonly string[]
}

/**
 * §11.4.1.6 endpoint properties: one member per requested endpoint (keyed by the client's own
 * string), each with the requested properties that are defined for it ("If the ALTO server does
 * not define a requested property's value for a particular endpoint, then it MUST omit that
 * property from the response for only that endpoint").
 */
export function writeEndpointProperties(
  endpoints: AddressBatch,
  properties: readonly PropertyColumn[],
  dependentVtags: readonly VersionTag[]
): string {
  const columns = objectKeyOrder(properties.map((p) => p.name)).map((k) => properties[k])
  const names = columns.map((p) => jsonString(p.name))
  const values = columns.map((p) => quotedNames(p.values))
  // `+=`, not arrays joined: see filteredCostMapPieces.
  let text = `{"meta":${JSON.stringify({ 'dependent-vtags': dependentVtags })},"endpoint-properties":{`
  for (let i = 0; i < endpoints.count; i++) {
    let entries = ''
    for (let k = 0; k < columns.length; k++) {
      const v = columns[k].indexes[i]
      if (v < 0) continue
      entries += (entries === '' ? '' : ',') + names[k] + ':' + values[k][v]
    }
    text += (i === 0 ? '"' : ',"') + endpoints.texts[i] + '":{' + entries + '}' // no escape: see above
  }
  return text + '}}'
}

/**
 * {@link writeEndpointProperties} written as UTF-8 bytes (json-bytes.ts), byte for byte the same
 * answer: property names and values encoded once per table, each endpoint's key copied from the
 * request body's bytes when the batch came from them (address-scan.ts).
 */
export function endpointPropertiesBytes(
  endpoints: AddressBatch,
  properties: readonly PropertyColumn[],
  dependentVtags: readonly VersionTag[]
): Uint8Array {
  const columns = objectKeyOrder(properties.map((p) => p.name)).map((k) => properties[k])
  const names = encodedKeys(columns.map((p) => jsonString(p.name)))
  const values = columns.map((p) => encodedTexts(quotedNames(p.values)))
  const out = new JsonBytes(256 + endpoints.count * (48 + 24 * columns.length))
  out.text(
    `{"meta":${JSON.stringify({ 'dependent-vtags': dependentVtags })},"endpoint-properties":{`
  )
  for (let i = 0; i < endpoints.count; i++) {
    if (i > 0) out.byte(COMMA)
    addressKey(out, endpoints, i)
    out.byte(OPEN_BRACE)
    let first = true
    for (let k = 0; k < columns.length; k++) {
      const v = columns[k].indexes[i]
      if (v < 0) continue
      if (!first) out.byte(COMMA)
      out.bytes(names[k])
      out.bytes(values[k][v])
      first = false
    }
    out.byte(CLOSE_BRACE)
  }
  out.text('}}')
  return out.done()
}
