/**
 * @module Loads a map set (config + network maps + cost maps + properties) from its source
 * texts into a validated, normalized model. Every rule of docs/source-format.md is checked here;
 * all problems are collected (not just the first) in a Diagnostics.
 */
import type { z } from 'zod'
import { formatIPv4, formatIPv6, MAX_VALUES, parsePrefix } from '../tables/index.ts'
import { costTypeName, type CostType } from '../alto/cost-types.ts'
import { resourceIds } from '../alto/resources.ts'
import { parseCsv, type CsvRecord } from './csv.ts'
import {
  COST_MODES,
  costMetricProblem,
  pidNameProblem,
  propertyNameProblem,
  resourceIdProblem,
} from '../alto/identifiers.ts'
import { dirname, resolveRelative } from './paths.ts'
import {
  configSchema,
  nativeCostMapSchema,
  nativeNetworkMapSchema,
  propertySchema,
  rfcCostMapSchema,
  rfcNetworkMapSchema,
  type MapSetConfig,
} from './schema.ts'
import { Diagnostics, joinPath, subPath, valueText, type Origin } from './source-error.ts'

/** The map set's files as text, keyed by path relative to the map-set dir. */
export type SourceFiles = Record<string, string>

/** File name of a map set's configuration. */
export const CONFIG_FILE = 'alto-edge.json'

/** Versions kept for rollback when the config does not say (`history.keep`). */
export const DEFAULT_KEEP = 5

/**
 * Largest cost matrix (n² cells) we build: 2^25 cells (a 5,792-PID map) is 256 MiB of doubles
 * while compiling and up to 256 MiB stored; beyond that a full cost map is not a sensible
 * KV resource.
 */
export const MAX_COST_CELLS = 1 << 25

export interface PrefixItem {
  family: 4 | 6
  /** 1 word for IPv4, 4 for IPv6 (w0 most significant), host bits zero. */
  words: number[]
  len: number
  /** Canonical text: dotted quad, or lowercase RFC 5952 IPv6, with `/len`. */
  text: string
  origin: Origin
}

export interface PidSource {
  name: string
  origin: Origin
  v4: PrefixItem[]
  v6: PrefixItem[]
}

export interface NetworkMapSource {
  id: string
  file: string
  /** Where the resource id is declared (errors about the map as a whole point here). */
  origin: Origin
  pids: Map<string, PidSource>
  /** PID names sorted by UTF-16 code units; index = PID index in every table. */
  pidNames: string[]
  pidIndex: Map<string, number>
}

export interface CostMapSource {
  id: string
  file: string
  origin: Origin
  networkMap: string
  costType: CostType
  costTypeName: string
  /** n × n row-major costs (row = source PID index), NaN = no entry. */
  cells: Float64Array
  n: number
  entries: number
}

export interface PropertySource {
  name: string
  file: string
  origin: Origin
  entries: { prefix: PrefixItem; value: string }[]
}

export interface LoadedMapSet {
  defaultNetworkMap: string
  keep: number
  /** Sorted by resource id. */
  networkMaps: NetworkMapSource[]
  /** Sorted by resource id. */
  costMaps: CostMapSource[]
  /** Sorted by property name. */
  properties: PropertySource[]
}

/** Parses JSON, reporting a syntax error with its line when the engine gives one. */
function parseJson(diag: Diagnostics, file: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const line = /line (\d+)/.exec(message)
    const at: Origin = { file, path: '' }
    if (line) at.line = Number(line[1])
    diag.error(at, `invalid JSON: ${message}`)
    return undefined
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[seg]
  }
  return v
}

/** Validates `data` against a zod schema; reports every issue (one per unknown key). */
function checkSchema<T extends z.ZodType>(
  diag: Diagnostics,
  file: string,
  schema: T,
  data: unknown,
): z.infer<T> | undefined {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  let onlyUnknownKeys = true
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        diag.error({ file, path: joinPath([...path, key]) }, 'unknown key', key)
      }
      continue
    }
    onlyUnknownKeys = false
    const value = valueAt(data, issue.path)
    diag.error({ file, path: joinPath(path) }, issue.message, value === undefined ? undefined : value)
  }
  if (!onlyUnknownKeys) return undefined
  // Unknown keys are reported; keep checking the rest of the file without them, so one typo
  // does not hide the file's other errors.
  const pruned = structuredClone(data)
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue
    const parent = valueAt(pruned, issue.path) as Record<string, unknown>
    for (const key of issue.keys) delete parent[key]
  }
  const retry = schema.safeParse(pruned)
  return retry.success ? retry.data : undefined
}

/** Reads and parses a JSON source file; a missing file is an error unless optional. */
function readJson(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  referencedAt: Origin,
  optional = false,
): unknown {
  const text = files[file]
  if (text === undefined) {
    if (optional) diag.notice(`skipped optional ${file}: file not found`)
    else diag.error(referencedAt, 'file not found', file)
    return undefined
  }
  return parseJson(diag, file, text)
}

function resolveFileRef(diag: Diagnostics, fromDir: string, rel: string, at: Origin): string | undefined {
  const path = resolveRelative(fromDir, rel)
  if (path === null) {
    diag.error(at, 'path must be relative and stay inside the map-set directory', rel)
    return undefined
  }
  return path
}

/** Parses one prefix text; reports a syntax/host-bit/family problem and returns undefined. */
function readPrefix(
  diag: Diagnostics,
  text: unknown,
  at: Origin,
  expectedFamily?: 4 | 6,
): PrefixItem | undefined {
  if (typeof text !== 'string') {
    diag.error(at, 'prefix must be a string', text)
    return undefined
  }
  const parsed = parsePrefix(text)
  if (!parsed.ok) {
    diag.error(at, parsed.error, text)
    return undefined
  }
  if (expectedFamily !== undefined && parsed.family !== expectedFamily) {
    diag.error(at, `IPv${parsed.family} prefix listed under ipv${expectedFamily}`, text)
    return undefined
  }
  const address = parsed.family === 4 ? formatIPv4(parsed.words[0]) : formatIPv6(parsed.words)
  return { family: parsed.family, words: parsed.words, len: parsed.len, text: `${address}/${parsed.len}`, origin: at }
}

// ---------------------------------------------------------------------------------------------
// Network maps

function pidEntry(diag: Diagnostics, map: Map<string, PidSource>, name: string, at: Origin): PidSource | undefined {
  let pid = map.get(name)
  if (pid) return pid
  const problem = pidNameProblem(name)
  if (problem) {
    diag.error(at, problem, name)
    return undefined
  }
  pid = { name, origin: at, v4: [], v6: [] }
  map.set(name, pid)
  return pid
}

function addPrefixTo(pid: PidSource, prefix: PrefixItem | undefined): void {
  if (!prefix) return
  if (prefix.family === 4) pid.v4.push(prefix)
  else pid.v6.push(prefix)
}

/**
 * Reads the CSV files a source lists under `key` (paths relative to the source): reports a bad
 * path, a missing file and every malformed line, and hands each record, with its file, to
 * `onRecord`.
 */
function readCsvFiles(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  key: string,
  refs: readonly string[] | undefined,
  columns: string[],
  onRecord: (record: CsvRecord, csvFile: string) => void,
): void {
  refs?.forEach((rel, i) => {
    const at: Origin = { file, path: joinPath([key, i]) }
    const csvFile = resolveFileRef(diag, dirname(file), rel, at)
    if (csvFile === undefined) return
    const text = files[csvFile]
    if (text === undefined) {
      diag.error(at, 'file not found', csvFile)
      return
    }
    const { records, problems } = parseCsv(text, columns)
    for (const p of problems) diag.error({ file: csvFile, path: '', line: p.line }, p.message, p.value)
    for (const r of records) onRecord(r, csvFile)
  })
}

function loadNetworkMap(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  data: unknown,
  idOverride: string | undefined,
  entryAt: Origin,
): Omit<NetworkMapSource, 'pidNames' | 'pidIndex'> | undefined {
  const pids = new Map<string, PidSource>()
  const isRfc = data !== null && typeof data === 'object' && 'network-map' in data
  let id: string | undefined
  let origin: Origin
  if (isRfc) {
    const rfc = checkSchema(diag, file, rfcNetworkMapSchema, data)
    if (!rfc) return undefined
    id = idOverride ?? rfc.meta?.vtag?.['resource-id']
    origin = idOverride !== undefined ? subPathOrigin(entryAt, 'resource-id') : { file, path: 'meta.vtag.resource-id' }
    if (id === undefined) {
      diag.error({ file, path: 'meta.vtag' }, 'no resource id: set meta.vtag.resource-id or "resource-id" in the config entry')
      return undefined
    }
    for (const [pidName, group] of Object.entries(rfc['network-map'])) {
      const pidAt: Origin = { file, path: joinPath(['network-map', pidName]) }
      const pid = pidEntry(diag, pids, pidName, pidAt)
      for (const [addressType, list] of Object.entries(group)) {
        const listPath = subPath(pidAt.path, addressType)
        if (addressType !== 'ipv4' && addressType !== 'ipv6') {
          // RFC 7285 §11.2.1.6: clients "MUST ignore" address types they do not know.
          diag.notice(`${file} ${listPath}: unknown address type ignored`)
          continue
        }
        if (!Array.isArray(list)) {
          diag.error({ file, path: listPath }, 'expected an array of prefixes', list)
          continue
        }
        list.forEach((text, i) => {
          const prefix = readPrefix(diag, text, { file, path: subPath(listPath, i) }, addressType === 'ipv4' ? 4 : 6)
          if (pid) addPrefixTo(pid, prefix)
        })
      }
    }
  } else {
    const native = checkSchema(diag, file, nativeNetworkMapSchema, data)
    if (!native) return undefined
    id = idOverride ?? native['resource-id']
    origin = idOverride !== undefined ? subPathOrigin(entryAt, 'resource-id') : { file, path: 'resource-id' }
    for (const [pidName, group] of Object.entries(native.pids ?? {})) {
      const pidAt: Origin = { file, path: joinPath(['pids', pidName]) }
      const pid = pidEntry(diag, pids, pidName, pidAt)
      for (const family of [4, 6] as const) {
        const key = family === 4 ? 'ipv4' : 'ipv6'
        group[key]?.forEach((text, i) => {
          const prefix = readPrefix(diag, text, { file, path: subPath(pidAt.path, key, i) }, family)
          if (pid) addPrefixTo(pid, prefix)
        })
      }
    }
    readCsvFiles(diag, files, file, 'prefix-csv', native['prefix-csv'], ['pid', 'prefix'], (r, csvFile) => {
      const [pidName, prefixText] = r.fields
      const pid = pidEntry(diag, pids, pidName, { file: csvFile, path: 'pid', line: r.line })
      const prefix = readPrefix(diag, prefixText, { file: csvFile, path: 'prefix', line: r.line })
      if (pid) addPrefixTo(pid, prefix)
    })
  }
  const idProblem = resourceIdProblem(id)
  if (idProblem) diag.error(origin, idProblem, id)
  return { id, file, origin, pids }
}

function subPathOrigin(at: Origin, ...segments: (string | number)[]): Origin {
  return { ...at, path: subPath(at.path, ...segments) }
}

/** RFC 7285 §11.2.2 rules over one map: non-overlap, completeness, PID count. */
function checkNetworkMap(diag: Diagnostics, nm: Omit<NetworkMapSource, 'pidNames' | 'pidIndex'>): void {
  const seen = new Map<string, { pid: string; origin: Origin }>()
  const hasDefault = { 4: false, 6: false }
  const count = { 4: 0, 6: 0 }
  for (const pid of nm.pids.values()) {
    for (const prefix of [...pid.v4, ...pid.v6]) {
      count[prefix.family]++
      if (prefix.len === 0) hasDefault[prefix.family] = true
      const first = seen.get(prefix.text)
      if (!first) {
        seen.set(prefix.text, { pid: pid.name, origin: prefix.origin })
      } else if (first.pid === pid.name) {
        diag.error(prefix.origin, `prefix ${prefix.text} is listed twice in PID ${pid.name} (first at ${describeOrigin(first.origin)})`, prefix.text)
      } else {
        // RFC 7285 §11.2.2: "the network map MUST NOT contain identical prefixes in two or more PIDs".
        diag.error(
          prefix.origin,
          `prefix ${prefix.text} is in PIDs ${first.pid} and ${pid.name}; RFC 7285 §11.2.2 forbids identical prefixes in two PIDs (first at ${describeOrigin(first.origin)})`,
          prefix.text,
        )
      }
    }
  }
  for (const family of [4, 6] as const) {
    if (count[family] > 0 && !hasDefault[family]) {
      const route = family === 4 ? '0.0.0.0/0' : '::/0'
      // RFC 7285 §11.2.2: "the ALTO server MUST define PIDs for every address of every address
      // type" the map contains; we require the default route so completeness is evident.
      diag.error(
        nm.origin,
        `network map ${nm.id} has IPv${family} prefixes but no IPv${family} default route ${route}; RFC 7285 §11.2.2 requires every IPv${family} address to map to a PID`,
        nm.id,
      )
    }
  }
  if (nm.pids.size > MAX_VALUES) {
    diag.error(nm.origin, `network map ${nm.id} has ${nm.pids.size} PIDs; at most ${MAX_VALUES} are supported`, nm.id)
  }
}

function describeOrigin(o: Origin): string {
  return `${o.file}${o.line !== undefined ? `:${o.line}` : ''}${o.path ? ` ${o.path}` : ''}`
}

// ---------------------------------------------------------------------------------------------
// Cost maps

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

function checkCost(diag: Diagnostics, value: unknown, mode: string, at: Origin): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    diag.error(at, 'cost must be a finite number', value)
    return undefined
  }
  // RFC 7285 §6.1.2.2: ordinal costs are "non-negative integers".
  if (mode === 'ordinal' && (!Number.isInteger(value) || value < 0)) {
    diag.error(at, 'ordinal cost must be a non-negative integer (RFC 7285 §6.1.2.2)', value)
    return undefined
  }
  return value
}

function loadCostMap(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  data: unknown,
  idOverride: string | undefined,
  entryAt: Origin,
  networkMaps: Map<string, NetworkMapSource>,
  someNetworkMapFailed: boolean,
): CostMapSource | undefined {
  const isRfc = data !== null && typeof data === 'object' && 'cost-map' in data
  let nmId: string
  let nmAt: Origin
  let costType: CostType
  let costTypeAt: Origin
  let explicitId: string | undefined
  let idAt: Origin
  let rows: Record<string, Record<string, unknown>>
  let rowsPath: string
  let csvRefs: string[] = []
  if (isRfc) {
    const rfc = checkSchema(diag, file, rfcCostMapSchema, data)
    if (!rfc) return undefined
    nmId = rfc.meta['dependent-vtags'][0]['resource-id']
    nmAt = { file, path: 'meta.dependent-vtags[0].resource-id' }
    costType = rfc.meta['cost-type']
    costTypeAt = { file, path: 'meta.cost-type' }
    explicitId = idOverride
    idAt = subPathOrigin(entryAt, 'resource-id')
    rows = rfc['cost-map']
    rowsPath = 'cost-map'
  } else {
    const native = checkSchema(diag, file, nativeCostMapSchema, data)
    if (!native) return undefined
    nmId = native['network-map']
    nmAt = { file, path: 'network-map' }
    costType = native['cost-type']
    costTypeAt = { file, path: 'cost-type' }
    explicitId = idOverride ?? native['resource-id']
    idAt = idOverride !== undefined ? subPathOrigin(entryAt, 'resource-id') : { file, path: 'resource-id' }
    rows = native.costs ?? {}
    rowsPath = 'costs'
    csvRefs = native['cost-csv'] ?? []
  }
  let ok = true
  const mode = costType['cost-mode']
  if (!(COST_MODES as readonly string[]).includes(mode)) {
    diag.error(subPathOrigin(costTypeAt, 'cost-mode'), 'cost mode must be "numerical" or "ordinal" (RFC 7285 §10.5)', mode)
    ok = false
  }
  const metricProblem = costMetricProblem(costType['cost-metric'])
  if (metricProblem) {
    diag.error(subPathOrigin(costTypeAt, 'cost-metric'), metricProblem, costType['cost-metric'])
    ok = false
  }
  const typeName = costTypeName(costType)
  const id = explicitId ?? resourceIds.costMap(nmId, typeName)
  const idProblem = resourceIdProblem(id)
  if (idProblem) {
    diag.error(explicitId !== undefined ? idAt : subPathOrigin(entryAt, 'file'), `${idProblem}${explicitId === undefined ? ' (generated cost map id; set "resource-id")' : ''}`, id)
    ok = false
  }
  const nm = networkMaps.get(nmId)
  if (!nm) {
    // When a network map file could not be read at all, its id is unknown: its error is
    // already reported, so do not add one per cost map.
    if (!someNetworkMapFailed) diag.error(nmAt, `network map ${nmId} is not defined in this map set`, nmId)
    return undefined
  }
  const n = nm.pidNames.length
  if (n * n > MAX_COST_CELLS) {
    diag.error(nmAt, `a cost map over ${n} PIDs needs ${n * n} cells; at most ${MAX_COST_CELLS} are supported`, nmId)
    return undefined
  }
  const cells = new Float64Array(n * n).fill(Number.NaN)
  let entries = 0
  const setCell = (src: string, dst: string, raw: unknown, srcAt: Origin, dstAt: Origin, costAt: Origin): void => {
    const si = nm.pidIndex.get(src)
    const di = nm.pidIndex.get(dst)
    if (si === undefined) diag.error(srcAt, `source PID ${src} is not in network map ${nmId}`, src)
    if (di === undefined) diag.error(dstAt, `destination PID ${dst} is not in network map ${nmId}`, dst)
    const cost = checkCost(diag, raw, mode, costAt)
    if (si === undefined || di === undefined || cost === undefined) return
    const cell = si * n + di
    if (!Number.isNaN(cells[cell])) {
      diag.error(costAt, `cost ${src} -> ${dst} is defined twice`, cost)
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
  readCsvFiles(diag, files, file, 'cost-csv', csvRefs, ['src', 'dst', 'cost'], (r, csvFile) => {
    const [src, dst, costText] = r.fields
    const line = r.line
    const costAt: Origin = { file: csvFile, path: 'cost', line }
    const cost = JSON_NUMBER.test(costText) ? Number(costText) : costText
    setCell(src, dst, cost, { file: csvFile, path: 'src', line }, { file: csvFile, path: 'dst', line }, costAt)
  })
  if (!ok) return undefined
  const cleanType: CostType = { 'cost-mode': mode, 'cost-metric': costType['cost-metric'] }
  if (costType.description !== undefined) cleanType.description = costType.description
  return { id, file, origin: explicitId !== undefined ? idAt : nmAt, networkMap: nmId, costType: cleanType, costTypeName: typeName, cells, n, entries }
}

// ---------------------------------------------------------------------------------------------
// Endpoint properties

function loadProperty(diag: Diagnostics, files: SourceFiles, file: string, data: unknown): PropertySource | undefined {
  const src = checkSchema(diag, file, propertySchema, data)
  if (!src) return undefined
  const origin: Origin = { file, path: 'property' }
  const problem = propertyNameProblem(src.property)
  if (problem) diag.error(origin, problem, src.property)
  const entries: PropertySource['entries'] = []
  const seen = new Map<string, Origin>()
  const add = (prefixText: string, value: string, at: Origin): void => {
    const prefix = readPrefix(diag, prefixText, at)
    if (!prefix) return
    const first = seen.get(prefix.text)
    if (first) {
      diag.error(at, `prefix ${prefix.text} has two values (first at ${describeOrigin(first)})`, prefixText)
      return
    }
    seen.set(prefix.text, at)
    entries.push({ prefix, value })
  }
  for (const [prefixText, value] of Object.entries(src.values ?? {})) {
    add(prefixText, value, { file, path: joinPath(['values', prefixText]) })
  }
  readCsvFiles(diag, files, file, 'values-csv', src['values-csv'], ['prefix', 'value'], (r, csvFile) =>
    add(r.fields[0], r.fields[1], { file: csvFile, path: 'prefix', line: r.line }),
  )
  const distinct = new Set(entries.map((e) => e.value)).size
  if (distinct > MAX_VALUES) diag.error(origin, `property has ${distinct} distinct values; at most ${MAX_VALUES} are supported`, src.property)
  return problem ? undefined : { name: src.property, file, origin, entries }
}

// ---------------------------------------------------------------------------------------------
// The map set

/** Sorts by UTF-16 code units (JavaScript's default order), the order of every PID table. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Loads and validates a whole map set. Returns undefined when there were errors. */
export function loadMapSet(
  diag: Diagnostics,
  files: SourceFiles,
  progress: (msg: string) => void = () => {},
): LoadedMapSet | undefined {
  const configAt: Origin = { file: CONFIG_FILE, path: '' }
  const configData = readJson(diag, files, CONFIG_FILE, configAt)
  if (configData === undefined) return undefined
  const config: MapSetConfig | undefined = checkSchema(diag, CONFIG_FILE, configSchema, configData)
  if (!config) return undefined

  // Network maps
  const networkMaps = new Map<string, NetworkMapSource>()
  let someNetworkMapFailed = false
  const idOwners = new Map<string, Origin>()
  const claimId = (id: string, at: Origin, what: string): void => {
    const owner = idOwners.get(id)
    if (owner) diag.error(at, `resource id ${id} (${what}) is already used at ${describeOrigin(owner)}; resource ids must be unique (RFC 7285 §9.1.1)`, id)
    else idOwners.set(id, at)
  }
  claimId(resourceIds.endpointProperty, { file: CONFIG_FILE, path: '' }, 'endpoint property service')
  config['network-maps'].forEach((entry, i) => {
    const entryAt: Origin = { file: CONFIG_FILE, path: joinPath(['network-maps', i]) }
    const file = resolveFileRef(diag, '', entry.file, subPathOrigin(entryAt, 'file'))
    if (file === undefined) return
    progress(`loading network map ${file}`)
    const data = readJson(diag, files, file, subPathOrigin(entryAt, 'file'), entry.optional === true)
    if (data === undefined) return
    const nm = loadNetworkMap(diag, files, file, data, entry['resource-id'], entryAt)
    if (!nm) {
      someNetworkMapFailed = true
      return
    }
    checkNetworkMap(diag, nm)
    if (networkMaps.has(nm.id)) {
      claimId(nm.id, nm.origin, 'network map')
      return
    }
    claimId(nm.id, nm.origin, 'network map')
    // Kept even when its prefixes have errors, so its cost maps are still checked.
    const pidNames = [...nm.pids.keys()].sort(byCodeUnits)
    const pidIndex = new Map(pidNames.map((p, k) => [p, k]))
    networkMaps.set(nm.id, { ...nm, pidNames, pidIndex })
  })
  const defaultId = config['default-network-map']
  if (!networkMaps.has(defaultId) && !someNetworkMapFailed) {
    diag.error({ file: CONFIG_FILE, path: 'default-network-map' }, 'default network map is not defined in this map set', defaultId)
  }

  // Cost maps
  const costMaps: CostMapSource[] = []
  const byKey = new Map<string, CostMapSource>()
  ;(config['cost-maps'] ?? []).forEach((entry, i) => {
    const entryAt: Origin = { file: CONFIG_FILE, path: joinPath(['cost-maps', i]) }
    const file = resolveFileRef(diag, '', entry.file, subPathOrigin(entryAt, 'file'))
    if (file === undefined) return
    progress(`loading cost map ${file}`)
    const data = readJson(diag, files, file, subPathOrigin(entryAt, 'file'), entry.optional === true)
    if (data === undefined) return
    const cm = loadCostMap(diag, files, file, data, entry['resource-id'], entryAt, networkMaps, someNetworkMapFailed)
    if (!cm) return
    // RFC 7285 §11.2.3.5: "... the ALTO server MUST NOT provide two cost maps with the same
    // cost type and network map".
    const key = `${cm.networkMap}\n${cm.costTypeName}`
    const other = byKey.get(key)
    if (other) {
      diag.error(cm.origin, `cost maps ${other.id} (${other.file}) and ${cm.id} (${cm.file}) both have cost type ${cm.costTypeName} over network map ${cm.networkMap}; RFC 7285 §11.2.3.5 forbids two cost maps with the same (network map, cost type)`, cm.costTypeName)
      return
    }
    byKey.set(key, cm)
    claimId(cm.id, cm.origin, 'cost map')
    costMaps.push(cm)
  })

  // Generated resource ids (docs/storage-schema.md, "IRD resource naming").
  for (const nm of networkMaps.values()) {
    const generated = [resourceIds.filteredNetworkMap(nm.id)]
    if (costMaps.some((c) => c.networkMap === nm.id)) {
      generated.push(resourceIds.filteredCostMap(nm.id), resourceIds.endpointCost(nm.id))
    }
    for (const id of generated) {
      const problem = resourceIdProblem(id)
      if (problem) diag.error(nm.origin, `${problem}: generated resource id ${id} of network map ${nm.id}; shorten the network map id`, id)
      else claimId(id, nm.origin, `generated for network map ${nm.id}`)
    }
  }

  // Endpoint properties
  const properties: PropertySource[] = []
  const propertyFiles = new Map<string, string>()
  ;(config['endpoint-properties'] ?? []).forEach((entry, i) => {
    const entryAt: Origin = { file: CONFIG_FILE, path: joinPath(['endpoint-properties', i]) }
    const file = resolveFileRef(diag, '', entry.file, subPathOrigin(entryAt, 'file'))
    if (file === undefined) return
    progress(`loading endpoint property ${file}`)
    const data = readJson(diag, files, file, subPathOrigin(entryAt, 'file'), entry.optional === true)
    if (data === undefined) return
    const prop = loadProperty(diag, files, file, data)
    if (!prop) return
    const other = propertyFiles.get(prop.name)
    if (other !== undefined) {
      diag.error(prop.origin, `property ${prop.name} is also defined in ${other}`, prop.name)
      return
    }
    propertyFiles.set(prop.name, file)
    properties.push(prop)
  })

  if (diag.errors.length > 0) return undefined
  return {
    defaultNetworkMap: defaultId,
    keep: config.history?.keep ?? DEFAULT_KEEP,
    networkMaps: [...networkMaps.values()].sort((a, b) => byCodeUnits(a.id, b.id)),
    costMaps: costMaps.sort((a, b) => byCodeUnits(a.id, b.id)),
    properties: properties.sort((a, b) => byCodeUnits(a.name, b.name)),
  }
}

/**
 * Every file the map set references that is not in `files` yet: the config's entries and the
 * CSV files named by the JSON files already present. A reader calls this until it returns
 * nothing new (two or three rounds), so it reads exactly the files the compiler will look at.
 */
export function referencedFiles(files: SourceFiles): string[] {
  const wanted = new Set<string>()
  const configText = files[CONFIG_FILE]
  if (configText === undefined) return [CONFIG_FILE]
  let config: unknown
  try {
    config = JSON.parse(configText)
  } catch {
    return []
  }
  const entries: unknown[] = []
  for (const key of ['network-maps', 'cost-maps', 'endpoint-properties']) {
    const list = (config as Record<string, unknown>)?.[key]
    if (Array.isArray(list)) entries.push(...list)
  }
  for (const entry of entries) {
    const rel = (entry as { file?: unknown } | null)?.file
    if (typeof rel !== 'string') continue
    const file = resolveRelative('', rel)
    if (file === null) continue
    wanted.add(file)
    const text = files[file]
    if (text === undefined) continue
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      continue
    }
    for (const key of ['prefix-csv', 'cost-csv', 'values-csv']) {
      const list = (data as Record<string, unknown> | null)?.[key]
      if (!Array.isArray(list)) continue
      for (const csv of list) {
        if (typeof csv !== 'string') continue
        const csvFile = resolveRelative(dirname(file), csv)
        if (csvFile !== null) wanted.add(csvFile)
      }
    }
  }
  return [...wanted].filter((f) => files[f] === undefined)
}

export { valueText }
