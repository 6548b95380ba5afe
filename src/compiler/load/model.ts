/**
 * @module The loaded model of a map set: the normalized, validated shapes the loaders produce
 * and build.ts consumes, and the loader's constants. Types only (no logic), so every concern
 * module can import it without cycles.
 */
import type { BaseAdvertisementObject } from '../../alto/cdni.ts'
import type { CostType } from '../../alto/cost-types.ts'
import type { Origin } from '../source-error.ts'

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

/**
 * The config's lists of source files (docs/source-format.md), in load order, with the noun a
 * progress message uses. A new kind of source (e.g. RFC 9240 entity property maps) is a new row
 * here (referencedFiles then finds its files), its list in schema.ts configSchema, a loader
 * module beside property.ts, and a `forEachConfigEntry` call in map-set.ts.
 */
export const CONFIG_LISTS = {
  'network-maps': 'network map',
  'cost-maps': 'cost map',
  'cost-calendars': 'cost calendar',
  'endpoint-properties': 'endpoint property',
  'property-maps': 'property map',
  'cdni-advertisements': 'CDNI advertisement',
  'path-vectors': 'path vector',
} as const
export type ConfigList = keyof typeof CONFIG_LISTS

/** The keys under which a JSON source lists its CSV side files (paths relative to it). */
export const CSV_LISTS = ['prefix-csv', 'cost-csv', 'values-csv', 'pid-csv'] as const
export type CsvList = (typeof CSV_LISTS)[number]

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

/** A network map as read from its file, before its PIDs are ordered. */
export type NetworkMapRead = Omit<NetworkMapSource, 'pidNames' | 'pidIndex'>

export interface CostMapSource {
  id: string
  file: string
  origin: Origin
  networkMap: string
  costType: CostType
  costTypeName: string
  /** False when the config entry says `"testable": false` (RFC 8189 §3.6.4). */
  testable: boolean
  /** n × n row-major costs (row = source PID index), NaN = no entry. */
  cells: Float64Array
  n: number
  entries: number
  /** Its RFC 8896 cost calendar (load/calendar.ts), when a `cost-calendars` entry names it. */
  calendar?: CalendarSource
}

/** When a calendar's values hold: RFC 8896 §4.1's timing, the anchor as an ISO time. */
export interface CalendarTimingSource {
  intervals: number
  intervalSeconds: number
  /** ISO time at which an iteration starts (iterations of intervals × size follow from it). */
  anchor: string
  repeated?: number
}

/** An RFC 8896 cost calendar of one cost map: N values per pair, and when they hold. */
export interface CalendarSource extends CalendarTimingSource {
  file: string
  /**
   * The `costs` form: pair-major, cell (src, dst, k) at (src*n + dst)*intervals + k; NaN = no
   * entry. Absent for the `scale` form, which is never materialised as Float64 cells.
   */
  cells?: Float64Array
  /** The `scale` form: interval k of a pair = round(the cost map's cost × scale[k]). */
  scale?: readonly number[]
}

export interface PropertySource {
  name: string
  file: string
  origin: Origin
  entries: { prefix: PrefixItem; value: string }[]
}

/** RFC 9240 property map source: values per prefix entity and per PID entity (JSON texts). */
export interface PropertyMapSource {
  id: string
  file: string
  origin: Origin
  /** Every property name the map defines, sorted by code units (the table columns). */
  names: string[]
  prefixes: { prefix: PrefixItem; values: Map<string, string> }[]
  /** network map id → PID name → property → value (JSON text). */
  pids: Map<string, Map<string, Map<string, string>>>
  /** Network maps whose `pid` property (RFC 9240 §8.7) the prefix entities carry. */
  pidProperty: string[]
  /**
   * The self-defined `.ane` domain (RFC 9275 §6.2.4: persistent ANEs, defined by this map):
   * ANE name → property → value (JSON text).
   */
  anes: Map<string, Map<string, string>>
}

/** An RFC 9241 CDNI Advertisement resource (docs/cdni.md), values canonical. */
export interface CdniSource {
  id: string
  file: string
  origin: Origin
  /** The network map its `altopid` footprints name (RFC 9241 §4.1). */
  networkMap?: string
  /** In source order. */
  objects: BaseAdvertisementObject[]
}

/** RFC 9275 path vectors of one network map (docs/path-vector.md). */
export interface PathVectorSource {
  file: string
  origin: Origin
  networkMap: string
  /** In source order; index = ANE index in the path table. */
  anes: { name: string; maxReservableBandwidth?: number; persistentEntityId?: string }[]
  /** n × n row-major (source PID index major): ANE indices, or null = no path. */
  paths: (number[] | null)[]
  n: number
  /** Pairs with a path. */
  entries: number
  /** RFC 9275 §9.4: the path of every pair in each interval of a calendar, when given. */
  calendar?: PathCalendarSource
}

/** A path-vector calendar: `intervals` paths per pair and when they hold. */
export interface PathCalendarSource extends CalendarTimingSource {
  /** n × n × intervals, pair-major ((s*n + d)*intervals + k): ANE indices, or null = no path. */
  paths: (number[] | null)[]
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
  /** Sorted by resource id. */
  propertyMaps: PropertyMapSource[]
  cdniAdvertisements: CdniSource[]
  /** Sorted by network map id; at most one per network map. */
  pathVectors: PathVectorSource[]
}
