/**
 * @module Cost map sources → an n × n cost matrix over their network map's PIDs, in either
 * format: native JSON (with `cost-csv` side files) or an imported RFC 7285 §11.2.3.6 cost map
 * response. Both formats are first read into one CostMapInput; the cost type's rules are
 * cost-type.ts (a new cost type or metric rule goes there); the (network map, cost type)
 * uniqueness across the map set is map-set.ts.
 */
import { costTypeName, type CostType } from '../../alto/cost-types.ts'
import { resourceIdProblem } from '../../alto/identifiers.ts'
import { resourceIds } from '../../alto/resources.ts'
import { Diagnostics, joinPath, subPath, subPathOrigin, type Origin } from '../source-error.ts'
import { declaredResourceId, type EntrySource } from './config-entries.ts'
import { checkCostType, cleanCostType, costChecker, type CostChecker } from './cost-type.ts'
import { readCsvFiles } from './files.ts'
import type { CsvRecord, FastLine } from '../csv.ts'
import { checkSchema, hasKey } from './json.ts'
import {
  MAX_COST_CELLS,
  type CostMapSource,
  type NetworkMapSource,
  type SourceFiles,
} from './model.ts'
import {
  nativeCostMapSchema,
  rfcCostMapSchema,
  type CostMapConfigEntry,
  type MapEntry,
} from './schema.ts'
import { JSON_NUMBER } from '../../alto/constraints.ts'

/** What a cost map source says, whichever its format, with where each part is declared. */
interface CostMapInput {
  nmId: string
  nmAt: Origin
  costType: CostType
  costTypeAt: Origin
  /** The resource id the config entry or the file gives (else it is generated). */
  explicitId: string | undefined
  idAt: Origin
  /** src PID → dst PID → raw cost (checked cell by cell, so each bad cell is its own error). */
  rows: Record<string, Record<string, unknown>>
  rowsPath: string
  csvRefs: string[]
}

/** The map set's network maps so far, for resolving a cost map's `network-map`. */
export interface NetworkMapsLoaded {
  byId: Map<string, NetworkMapSource>
  /** A network map file could not be read (its id is unknown, so do not report it missing). */
  someFailed: boolean
}

/** Reads one config entry's cost map over its network map; reports every problem. */
export function loadCostMap(
  diag: Diagnostics,
  files: SourceFiles,
  source: EntrySource<CostMapConfigEntry>,
  networkMaps: NetworkMapsLoaded
): CostMapSource | undefined {
  const { file, at: entryAt } = source
  const input = (hasKey(source.data, 'cost-map') ? readRfcCostMap : readNativeCostMap)(diag, source)
  if (!input) return undefined
  const { nmId, nmAt, costType, explicitId, idAt } = input
  let ok = checkCostType(diag, costType, input.costTypeAt)
  const typeName = costTypeName(costType)
  const id = explicitId ?? resourceIds.costMap(nmId, typeName)
  const idProblem = resourceIdProblem(id)
  if (idProblem) {
    diag.error(
      explicitId !== undefined ? idAt : subPathOrigin(entryAt, 'file'),
      `${idProblem}${explicitId === undefined ? ' (generated cost map id; set "resource-id")' : ''}`,
      id
    )
    ok = false
  }
  const nm = networkMaps.byId.get(nmId)
  if (!nm) {
    // When a network map file could not be read at all, its id is unknown: its error is
    // already reported, so do not add one per cost map.
    if (!networkMaps.someFailed)
      diag.error(nmAt, `network map ${nmId} is not defined in this map set`, nmId)
    return undefined
  }
  const n = nm.pidNames.length
  if (n * n > MAX_COST_CELLS) {
    diag.error(
      nmAt,
      `a cost map over ${n} PIDs needs ${n * n} cells; at most ${MAX_COST_CELLS} are supported`,
      nmId
    )
    return undefined
  }
  const { cells, entries } = fillCells(diag, files, file, input, nm, costChecker(costType))
  if (!ok) return undefined
  return {
    id,
    file,
    origin: explicitId !== undefined ? idAt : nmAt,
    networkMap: nmId,
    costType: cleanCostType(costType),
    costTypeName: typeName,
    testable: source.entry.testable !== false,
    cells,
    n,
    entries,
  }
}

/** Reads a cost map in one source format; reports the file's schema problems. */
type CostMapReader = (diag: Diagnostics, source: EntrySource<MapEntry>) => CostMapInput | undefined

/** An RFC 7285 §11.2.3.6 cost map response (the id: the config entry's, or generated). */
const readRfcCostMap: CostMapReader = (diag, source) => {
  const { file } = source
  const rfc = checkSchema(diag, file, rfcCostMapSchema, source.data)
  if (!rfc) return undefined
  const { id, at } = declaredResourceId(source, undefined, 'resource-id')
  return {
    nmId: rfc.meta['dependent-vtags'][0]['resource-id'],
    nmAt: { file, path: 'meta.dependent-vtags[0].resource-id' },
    costType: rfc.meta['cost-type'],
    costTypeAt: { file, path: 'meta.cost-type' },
    explicitId: id,
    idAt: at,
    rows: rfc['cost-map'],
    rowsPath: 'cost-map',
    csvRefs: [],
  }
}

/** A native cost map (docs/source-format.md), with its `cost-csv` files. */
const readNativeCostMap: CostMapReader = (diag, source) => {
  const { file } = source
  const native = checkSchema(diag, file, nativeCostMapSchema, source.data)
  if (!native) return undefined
  const { id, at } = declaredResourceId(source, native['resource-id'], 'resource-id')
  return {
    nmId: native['network-map'],
    nmAt: { file, path: 'network-map' },
    costType: native['cost-type'],
    costTypeAt: { file, path: 'cost-type' },
    explicitId: id,
    idAt: at,
    rows: native.costs ?? {},
    rowsPath: 'costs',
    csvRefs: native['cost-csv'] ?? [],
  }
}

/** `name` followed by a comma at `at` (before `to`). */
function hasField(text: string, at: number, to: number, name: string): boolean {
  return (
    at + name.length < to && text.charCodeAt(at + name.length) === 44 && text.startsWith(name, at)
  )
}

/**
 * The integer `text.slice(from, to)` spells as a JSON number (digits, no leading zero, at most
 * 15 of them so it is exact), else -1.
 */
function integerAt(text: string, from: number, to: number): number {
  const digits = to - from
  if (digits < 1 || digits > 15 || (digits > 1 && text.charCodeAt(from) === 48)) return -1
  let v = 0
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

/**
 * Fills the matrix from the JSON rows, then the CSV files: reports unknown PIDs, bad costs and
 * a pair defined twice (the first definition stays).
 */
function fillCells(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  { nmId, rows, rowsPath, csvRefs }: CostMapInput,
  nm: NetworkMapSource,
  checkCost: CostChecker
): { cells: Float64Array; entries: number } {
  const n = nm.pidNames.length
  const cells = new Float64Array(n * n).fill(Number.NaN)
  let entries = 0
  // Origins are built only to report: a generated CSV has 1.5 million lines.
  type At = Origin | (() => Origin)
  const origin = (at: At) => (typeof at === 'function' ? at() : at)
  const setCell = (src: string, dst: string, raw: unknown, srcAt: At, dstAt: At, costAt: At) => {
    const si = nm.pidIndex.get(src)
    const di = nm.pidIndex.get(dst)
    if (si === undefined)
      diag.error(origin(srcAt), `source PID ${src} is not in network map ${nmId}`, src)
    if (di === undefined)
      diag.error(origin(dstAt), `destination PID ${dst} is not in network map ${nmId}`, dst)
    const cost = checkCost(diag, raw, costAt)
    if (si === undefined || di === undefined || cost === undefined) return
    const cell = si * n + di
    if (!Number.isNaN(cells[cell])) {
      diag.error(origin(costAt), `cost ${src} -> ${dst} is defined twice`, cost)
      return
    }
    cells[cell] = cost
    entries++
  }
  for (const [src, row] of Object.entries(rows)) {
    const srcAt: Origin = { file, path: joinPath([rowsPath, src]) }
    for (const [dst, raw] of Object.entries(row)) {
      const dstAt: Origin = { file, path: subPath(srcAt.path, dst) }
      setCell(src, dst, raw, srcAt, dstAt, dstAt)
    }
  }
  const readRecord = (r: CsvRecord, csvFile: string) => {
    const [src, dst, costText] = r.fields
    const line = r.line
    const cost = JSON_NUMBER.test(costText) ? Number(costText) : costText
    setCell(
      src,
      dst,
      cost,
      () => ({ file: csvFile, path: 'src', line }),
      () => ({ file: csvFile, path: 'dst', line }),
      () => ({ file: csvFile, path: 'cost', line })
    )
  }
  /**
   * The common line, `src,dst,<integer>` with known PIDs and no space, read in place: the source
   * is usually the previous line's and the destination the PID after the previous one (files
   * written row by row in PID order), so both are matched without slicing. Anything else — an
   * unknown PID, another number form, a space — goes the generic way and gets its error there.
   */
  const fastLine = (csvFile: string): FastLine => {
    let line = 0
    const costAt = () => ({ file: csvFile, path: 'cost', line })
    let si = -1
    let di = -1
    return (text, from, to, lineNo) => {
      let at = from
      if (si < 0 || !hasField(text, at, to, nm.pidNames[si])) {
        const comma = text.indexOf(',', at)
        if (comma < 0 || comma >= to) return false
        const s = nm.pidIndex.get(text.slice(at, comma))
        if (s === undefined) return false
        si = s
      }
      at += nm.pidNames[si].length + 1
      if (!(di + 1 < n && hasField(text, at, to, nm.pidNames[di + 1]))) {
        const comma = text.indexOf(',', at)
        if (comma < 0 || comma >= to) return false
        const d = nm.pidIndex.get(text.slice(at, comma))
        if (d === undefined) return false
        di = d
      } else di++
      at += nm.pidNames[di].length + 1
      const cost = integerAt(text, at, to)
      if (cost < 0) return false
      line = lineNo
      const checked = checkCost(diag, cost, costAt)
      if (checked === undefined) return true
      const cell = si * n + di
      if (!Number.isNaN(cells[cell])) {
        diag.error(costAt(), `cost ${nm.pidNames[si]} -> ${nm.pidNames[di]} is defined twice`, cost)
        return true
      }
      cells[cell] = checked
      entries++
      return true
    }
  }
  readCsvFiles(diag, files, file, 'cost-csv', csvRefs, ['src', 'dst', 'cost'], readRecord, fastLine)
  return { cells, entries }
}
