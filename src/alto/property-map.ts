/**
 * @module RFC 9240 entity property maps: entity and property name syntax (§5), entity ids of the
 * domains this server offers — `ipv4`, `ipv6` (§6.1) and `<network-map>.pid` (§6.2) — and the
 * answers (§7.6 full map, §8.6 filtered map) written as JSON text from the decoded tables
 * (tables/propmap.ts). Pure: the caller supplies the tables.
 *
 * Inheritance (§6.1.3): an address or prefix P takes property p from the longest defined prefix
 * containing P that defines p (a `null` value counts as defined: "no value", which stops
 * inheritance). The longest defined prefix containing P's first address is one LPM lookup
 * (`deepest`); its parents, longest first, are the other candidates — no scan.
 */
import {
  NO_VALUE,
  parseIPv4,
  parseIPv6,
  parsePrefix,
  formatIPv4,
  formatIPv6,
  type PidValues,
  type PrefixTree,
} from '../tables/index.ts'
import { pidNameProblem } from './identifiers.ts'
import { jsonString } from './json-text.ts'
import type { VersionTag } from './responses.ts'

/** RFC 9240 §5.1.1 / §5.2.1 type characters (`.` excluded: it separates the resource id). */
const ENTITY_PROPERTY_TYPE = /^[0-9A-Za-z\-:_]{1,32}$/

/**
 * Why `name` is not a property name a property map source may define, or null. Self-defined
 * names (`.type`, §5.2.2: "the ResourceID SHOULD be omitted") and bare types are allowed;
 * resource-specific names (`R.type`) name values another resource defines, so a source cannot.
 */
export function propertyMapNameProblem(name: string): string | null {
  const type = name.startsWith('.') ? name.slice(1) : name
  if (type.includes('.'))
    return 'resource-specific property names (<resource-id>.<type>) cannot be defined in a property map source; use a self-defined name such as ".asn" (RFC 9240 §5.2.2)'
  if (!ENTITY_PROPERTY_TYPE.test(type))
    return 'property type must be 1-32 characters of [0-9A-Za-z-:_] (RFC 9240 §5.2.1)'
  if (type === 'priv:') return 'property type "priv:" needs a suffix (RFC 9240 §5.2.1)'
  return null
}

/**
 * RFC 9275 §6.2.4: the self-defined entity domain (RFC 9240 §5.1.2.3) of the persistent ANEs a
 * property map defines; elsewhere they are named `<property-map>.ane:<name>` (§6.4.2).
 */
export const ANE_DOMAIN = '.ane'

/** The entity domain name of the PID domain of network map `nm` (§5.1.2.1). */
export const pidDomain = (nm: string): string => `${nm}.pid`

export type Entity =
  | { kind: 'prefix'; family: 4 | 6; words: number[]; len: number; key: string }
  | { kind: 'pid'; networkMap: string; pid: string; key: string }
  | { kind: 'ane'; name: string; key: string }

/** Canonical entity id of a prefix: a full-length prefix is written as its address (§6.1.1.2). */
export function prefixEntityKey(family: 4 | 6, words: ArrayLike<number>, len: number): string {
  if (family === 4) {
    const a = formatIPv4(words[0] >>> 0)
    return len === 32 ? `ipv4:${a}` : `ipv4:${a}/${len}`
  }
  const a = formatIPv6([words[0] >>> 0, words[1] >>> 0, words[2] >>> 0, words[3] >>> 0])
  return len === 128 ? `ipv6:${a}` : `ipv6:${a}/${len}`
}

/**
 * Parses an entity id (§5.1.3) against the domains of a property map: `ipv4:` / `ipv6:` (when
 * `prefixDomains`), `<nm>.pid:` for a network map in `pidNetworkMaps`. Null: unknown domain or
 * an id that is invalid for its domain (§8.6: both `E_INVALID_FIELD_VALUE`). An address is the
 * full-length prefix (§6.1.1.2, §6.1.2.2); a prefix with host bits set is invalid. `.ane:<name>`
 * (when `aneDomain`) is a persistent ANE of this map (RFC 9275 §6.2.4, §6.4.3), `<name>` an
 * ANEName (RFC 9275 §6.1: PIDName syntax).
 */
export function parseEntity(
  text: string,
  prefixDomains: boolean,
  pidNetworkMaps: ReadonlySet<string>,
  aneDomain = false
): Entity | null {
  const colon = text.indexOf(':')
  if (colon < 0) return null
  const domain = text.slice(0, colon)
  const id = text.slice(colon + 1)
  if (domain === ANE_DOMAIN) {
    if (!aneDomain || pidNameProblem(id) !== null) return null
    return { kind: 'ane', name: id, key: text }
  }
  if (domain === 'ipv4' || domain === 'ipv6') {
    if (!prefixDomains) return null
    const family = domain === 'ipv4' ? 4 : 6
    let words: number[]
    let len: number
    if (id.includes('/')) {
      const p = parsePrefix(id)
      if (!p.ok || p.family !== family) return null
      words = p.words
      len = p.len
    } else if (family === 4) {
      const a = parseIPv4(id)
      if (a === null) return null
      words = [a]
      len = 32
    } else {
      const a = parseIPv6(id)
      if (a === null) return null
      words = a
      len = 128
    }
    return { kind: 'prefix', family, words, len, key: prefixEntityKey(family, words, len) }
  }
  if (!domain.endsWith('.pid')) return null
  const networkMap = domain.slice(0, -'.pid'.length)
  if (!pidNetworkMaps.has(networkMap) || pidNameProblem(id) !== null) return null
  return { kind: 'pid', networkMap, pid: id, key: text }
}

/** One address family of a property map: its prefix tree and the deepest-entry lookup. */
export interface PrefixDomain {
  tree: PrefixTree
  /** Index of the longest defined prefix containing the address (1 or 4 words), or -1. */
  deepest: (words: ArrayLike<number>) => number
}

/** One network map's PID domain: PID names (index order) and their values. */
export interface PidDomain {
  networkMap: string
  pidNames: readonly string[]
  pidIndex: ReadonlyMap<string, number>
  table: PidValues
}

/** The `.ane` domain of a property map: ANE names (row order) and their values. */
export interface AneDomain {
  names: readonly string[]
  index: ReadonlyMap<string, number>
  table: PidValues
}

/** The decoded tables of one property map. */
export interface PropertyMapTables {
  /** Column names (every property of the map). */
  names: readonly string[]
  /** Value texts (JSON) by value index. */
  values: readonly string[]
  v4: PrefixDomain | null
  v6: PrefixDomain | null
  pids: readonly PidDomain[]
  /** The `.ane` domain; absent or null: the map defines no ANE (or it is not needed). */
  ane?: AneDomain | null
}

/** What to write: the columns (indexes into `names`); null = `properties` absent (§8.3: `{}`). */
export type Columns = readonly number[] | null

function metaText(dependentVtags: readonly VersionTag[]): string {
  return dependentVtags.length === 0 ? '{}' : JSON.stringify({ 'dependent-vtags': dependentVtags })
}

class Writer {
  /** The entries written so far, `+=` (cheaper than an array joined; see responses.ts). */
  private written = ''
  private readonly seen = new Set<string>()
  private readonly quoted: string[]
  private readonly tables: PropertyMapTables
  private readonly columns: Columns

  constructor(tables: PropertyMapTables, columns: Columns) {
    this.tables = tables
    this.columns = columns
    this.quoted = tables.names.map(jsonString)
  }

  has(key: string): boolean {
    return this.seen.has(key)
  }

  /**
   * Writes an entity with value indexes per column (`get(c)`); skipped when it has none or was
   * written as a requested entity. `requested`: remember it (requested entities are distinct, and
   * so are the covered entries of merged runs, so only requested keys need remembering). Keys are
   * canonical entity ids — [0-9A-Za-z.:/@_-] only — and need no JSON escaping.
   */
  entity(key: string, get: (c: number) => number, requested = false): void {
    if (this.seen.has(key)) return
    let body = ''
    let any = false
    if (this.columns === null) {
      for (let c = 0; c < this.tables.names.length && !any; c++) any = get(c) !== NO_VALUE
    } else {
      for (const c of this.columns) {
        const v = get(c)
        if (v === NO_VALUE) continue
        body += `${any ? ',' : ''}${this.quoted[c]}:${this.tables.values[v]}`
        any = true
      }
    }
    if (!any) return
    if (requested) this.seen.add(key)
    this.written += (this.written === '' ? '"' : ',"') + key + '":{' + body + '}'
  }

  text(dependentVtags: readonly VersionTag[]): string {
    return `{"meta":${metaText(dependentVtags)},"property-map":{${this.written}}}`
  }
}

/** The entity id of tree entry i. */
function entryKey(tree: PrefixTree, i: number): string {
  const len = tree.len[i]
  if (tree.family === 4) {
    const a = formatIPv4(tree.words[i])
    return len === 32 ? `ipv4:${a}` : `ipv4:${a}/${len}`
  }
  const w = tree.words
  const a = formatIPv6([w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]])
  return len === 128 ? `ipv6:${a}` : `ipv6:${a}/${len}`
}

/** Every defined entity with its own (not inherited) values: the full map (§7.6). */
function writeAll(out: Writer, tables: PropertyMapTables): void {
  for (const domain of [tables.v4, tables.v6]) {
    if (!domain) continue
    const { tree } = domain
    for (let i = 0; i < tree.count; i++) {
      out.entity(entryKey(tree, i), (c) => tree.value(i, c))
    }
  }
  for (const d of tables.pids) {
    d.pidNames.forEach((pid, p) =>
      out.entity(`${pidDomain(d.networkMap)}:${pid}`, (c) => d.table.value(p, c))
    )
  }
  const ane = tables.ane
  if (ane) ane.names.forEach((name, i) => out.entity(aneKey(name), (c) => ane.table.value(i, c)))
}

/** The entity id of a persistent ANE in its defining map (RFC 9275 §6.4.3: `.ane:<name>`). */
const aneKey = (name: string): string => `${ANE_DOMAIN}:${name}`

/** The last address of a prefix, as words. */
function lastAddress(words: readonly number[], len: number): number[] {
  return words.map((w, i) => {
    const bits = len - 32 * i
    if (bits >= 32) return w >>> 0
    if (bits <= 0) return 0xffffffff
    return (w | (0xffffffff >>> bits)) >>> 0
  })
}

/** The defined prefixes strictly inside a prefix entity: indexes [from, to) of its tree. */
function insideRange(tree: PrefixTree, e: Extract<Entity, { kind: 'prefix' }>): [number, number] {
  if (e.len === (e.family === 4 ? 32 : 128)) return [0, 0]
  return tree.inside(e.words, e.len, lastAddress(e.words, e.len))
}

/** The full property map body (§7.6): every defined entity with its own values. */
export function writeFullPropertyMap(
  tables: PropertyMapTables,
  dependentVtags: readonly VersionTag[]
): string {
  const out = new Writer(
    tables,
    tables.names.map((_, c) => c)
  )
  writeAll(out, tables)
  return out.text(dependentVtags)
}

/**
 * The filtered property map body (§8.6) for parsed, distinct entities (`null`: `entities` was
 * empty, meaning every entity, §8.3) and the requested columns.
 */
export function writeFilteredPropertyMap(
  tables: PropertyMapTables,
  entities: readonly Entity[] | null,
  columns: Columns,
  dependentVtags: readonly VersionTag[]
): string {
  const out = new Writer(tables, columns)
  if (entities === null) {
    writeAll(out, tables)
    return out.text(dependentVtags)
  }
  // §8.6: a requested prefix gets the values it holds or inherits ("the property P MUST be
  // included in the response for A"); the defined prefixes inside it follow with their own values
  // ("If there are entities covered by a requested entity but they have different values ... the
  // response MUST include all those entities"), and a client applies §6.1.3 within the answer.
  // Requested entities are written first, so one that another request covers keeps its
  // inherited values. Without `properties` (§8.3) a requested entity is listed with `{}` when
  // some property is defined on it or inside it, and nothing else is listed.
  // The covered entries of all requested prefixes, as [from, to) runs per tree: written once
  // each, so nested or repeated requests cost no more than their union (at most the whole tree).
  const runs = new Map<PrefixTree, [number, number][]>()
  for (const e of entities) {
    if (e.kind === 'pid') {
      const d = tables.pids.find((x) => x.networkMap === e.networkMap)
      const p = d?.pidIndex.get(e.pid)
      if (d !== undefined && p !== undefined) out.entity(e.key, (c) => d.table.value(p, c), true)
      continue
    }
    if (e.kind === 'ane') {
      const ane = tables.ane
      const i = ane?.index.get(e.name)
      if (ane && i !== undefined) out.entity(e.key, (c) => ane.table.value(i, c), true)
      continue
    }
    const domain = e.family === 4 ? tables.v4 : tables.v6
    if (!domain) continue
    const { tree } = domain
    const covering = tree.covering(domain.deepest(e.words), e.len)
    const [from, to] = insideRange(tree, e)
    // Every tree entry holds at least one value (the compiler stores no empty prefixes).
    out.entity(
      e.key,
      (c) => {
        const v = covering >= 0 ? tree.inherited(covering, c) : NO_VALUE
        return v === NO_VALUE && columns === null && to > from ? 0 : v
      },
      true
    )
    if (columns !== null && to > from) {
      const list = runs.get(tree) ?? runs.set(tree, []).get(tree)!
      list.push([from, to])
    }
  }
  for (const [tree, list] of runs) {
    list.sort((a, b) => a[0] - b[0])
    let done = 0
    for (const [from, to] of list) {
      for (let i = Math.max(from, done); i < to; i++) {
        out.entity(entryKey(tree, i), (c) => tree.value(i, c))
      }
      done = Math.max(done, to)
    }
  }
  return out.text(dependentVtags)
}
