/**
 * @module RFC 9240 property map sources (docs/property-maps.md): values per prefix entity
 * (`ipv4` / `ipv6` domains, §6.1) and per PID entity of a network map (`<nm>.pid`, §6.2), from
 * JSON (`prefixes`, `pids`) and CSV (`prefix-csv`: `prefix,property,value`; `pid-csv`:
 * `network-map,pid,property,value`). A value is a JSON string, or `null` in JSON ("defined to
 * have no value", §6.1.3: it stops inheritance); a CSV value is a string.
 */
import { propertyMapNameProblem } from '../../alto/property-map.ts'
import { pidNameProblem, resourceIdProblem } from '../../alto/identifiers.ts'
import { MAX_VALUES } from '../../tables/index.ts'
import { Diagnostics, describeOrigin, joinPath, type Origin } from '../source-error.ts'
import { byCodeUnits } from '../../alto/identifiers.ts'
import { declaredResourceId, type EntrySource } from './config-entries.ts'
import { plain, type FastLine } from '../csv.ts'
import { readCsvFiles } from './files.ts'
import { checkSchema } from './json.ts'
import type { NetworkMapSource, PrefixItem, PropertyMapSource, SourceFiles } from './model.ts'
import { readPrefix } from './prefix.ts'
import { propertyMapSchema, type MapEntry } from './schema.ts'

/** Distinct values a property map may hold in all (the value table is indexed by u32, but a
 * map this large is not a sensible KV resource). */
const MAX_DISTINCT_VALUES = 16 * MAX_VALUES

/** An address without `/len` is its full-length prefix (RFC 9240 §6.1.1.2, §6.1.2.2). */
function withLength(text: string): string {
  if (text.includes('/')) return text
  return `${text}/${text.includes(':') ? 128 : 32}`
}

/** Reads one property map source; reports every problem of the file. */
export function loadPropertyMap(
  diag: Diagnostics,
  files: SourceFiles,
  source: EntrySource<MapEntry>,
  networkMaps: ReadonlyMap<string, NetworkMapSource>
): PropertyMapSource | undefined {
  const { file, data } = source
  const src = checkSchema(diag, file, propertyMapSchema, data)
  if (!src) return undefined
  const { id, at: origin } = declaredResourceId(source, src['resource-id'], 'resource-id')
  const errorsBefore = diag.errors.length
  const idProblem = resourceIdProblem(id)
  if (idProblem) diag.error(origin, idProblem, id)
  const names = new Set<string>()
  const distinct = new Set<string>()
  const checkName = (name: string, at: Origin): boolean => {
    const problem = propertyMapNameProblem(name)
    if (problem) diag.error(at, problem, name)
    else names.add(name)
    return problem === null
  }

  // Prefix entities: one record per canonical prefix; (prefix, property) defined once. Hot for
  // large CSVs (the ASN map: 1.5M lines): origins are built only when reported or kept as the
  // first definition, names are checked once each, and a prefix repeated on consecutive lines
  // (one line per property) is parsed once.
  /**
   * Where a value was defined: an origin maker (JSON, derived values), or a CSV line packed into
   * one small integer (file index × 2^21 + line, see csvAt) — 1.2 million origin objects were
   * a large part of what the GC walked while the ASN map compiled.
   */
  type At = ((what: 'prefix' | 'property') => Origin) | number
  const csvFiles: string[] = []
  const CSV_LINES = 2 ** 21
  const csvAt = (csvFile: string, line: number): At => {
    let k = csvFiles.lastIndexOf(csvFile)
    if (k < 0) k = csvFiles.push(csvFile) - 1
    if (line < CSV_LINES && k < 256) return k * CSV_LINES + line
    return (path) => ({ file: csvFile, path, line })
  }
  const originOf = (at: At, what: 'prefix' | 'property'): Origin =>
    typeof at === 'number'
      ? { file: csvFiles[Math.floor(at / CSV_LINES)], path: what, line: at % CSV_LINES }
      : at(what)
  /** `at[k]`: where the k-th value (in `values` insertion order) was defined. */
  type PrefixRecord = { prefix: PrefixItem; values: Map<string, string>; at: At[] }
  const byPrefix = new Map<string, PrefixRecord>()
  const nameOk = new Map<string, boolean>()
  let lastText: string | undefined
  let lastPrefix: PrefixItem | undefined
  let lastRec: PrefixRecord | undefined
  const setPrefixValue = (
    prefixText: string,
    name: string,
    value: string,
    at: At,
    derived = false
  ) => {
    let prefix = prefixText === lastText ? lastPrefix : undefined
    if (!prefix) {
      prefix = readPrefix(diag, withLength(prefixText), originOf(at, 'prefix'))
      if (!prefix) return
      lastText = prefixText
      lastPrefix = prefix
      lastRec = undefined
    }
    if (derived) names.add(name)
    else {
      let ok = nameOk.get(name)
      if (ok === undefined || !ok) {
        ok = checkName(name, originOf(at, 'property'))
        nameOk.set(name, ok)
      }
      if (!ok) return
    }
    // The previous line's record when the prefix is the previous line's (one line per property).
    let rec = lastRec ?? byPrefix.get(prefix.text)
    if (!rec) byPrefix.set(prefix.text, (rec = { prefix, values: new Map(), at: [] }))
    lastRec = rec
    if (rec.values.has(name)) {
      const first = originOf(rec.at[[...rec.values.keys()].indexOf(name)], 'property')
      diag.error(
        originOf(at, 'property'),
        `${name} of ${prefix.text} is defined twice (first at ${describeOrigin(first)})`,
        value
      )
      return
    }
    rec.at.push(at)
    rec.values.set(name, value)
    distinct.add(value)
  }
  for (const [prefixText, props] of Object.entries(src.prefixes ?? {})) {
    const at: Origin = { file, path: joinPath(['prefixes', prefixText]) }
    for (const [name, value] of Object.entries(props)) {
      const vAt: Origin = { file, path: joinPath(['prefixes', prefixText, name]) }
      const text = jsonValue(diag, value, vAt)
      if (text !== undefined)
        setPrefixValue(prefixText, name, text, (what) => (what === 'prefix' ? at : vAt))
    }
  }
  /** A CSV value as JSON text, made once per distinct value (the ASN map: ~80k of 1.2M). */
  const jsonTexts = new Map<string, string>()
  const jsonText = (raw: string): string => {
    let text = jsonTexts.get(raw)
    if (text === undefined) {
      text = JSON.stringify(raw)
      if (jsonTexts.size < 1 << 20) jsonTexts.set(raw, text)
    }
    return text
  }
  /**
   * The common line, `prefix,property,value` with no space or other character that the generic
   * split would trim around a field, read in place: the prefix is usually the previous line's
   * (one line per property) and the property one of the last few names, so neither is sliced.
   * It hands setPrefixValue exactly the fields the generic record would have; anything else (an
   * empty field, a space, a missing comma) goes the generic way and gets its error there.
   */
  const recentNames: string[] = []
  const fastPrefixLine =
    (csvFile: string): FastLine =>
    (text, from, to, line) => {
      const c1 = text.indexOf(',', from)
      if (c1 <= from || c1 >= to) return false
      const c2 = text.indexOf(',', c1 + 1)
      if (c2 <= c1 + 1 || c2 + 1 >= to) return false
      if (
        !plain(text.charCodeAt(from)) ||
        text.charCodeAt(from) === 35 || // '#': a comment line
        !plain(text.charCodeAt(c1 - 1)) ||
        !plain(text.charCodeAt(c1 + 1)) ||
        !plain(text.charCodeAt(c2 - 1)) ||
        !plain(text.charCodeAt(c2 + 1)) ||
        !plain(text.charCodeAt(to - 1))
      )
        return false
      const prefixText =
        lastText !== undefined && c1 - from === lastText.length && text.startsWith(lastText, from)
          ? lastText
          : text.slice(from, c1)
      let name: string | undefined
      for (const n of recentNames)
        if (c2 - c1 - 1 === n.length && text.startsWith(n, c1 + 1)) {
          name = n
          break
        }
      if (name === undefined) {
        name = text.slice(c1 + 1, c2)
        recentNames.unshift(name)
        if (recentNames.length > 4) recentNames.pop()
      }
      setPrefixValue(prefixText, name, jsonText(text.slice(c2 + 1, to)), csvAt(csvFile, line))
      return true
    }
  readCsvFiles(
    diag,
    files,
    file,
    'prefix-csv',
    src['prefix-csv'],
    ['prefix', 'property', 'value'],
    (r, csvFile) =>
      setPrefixValue(r.fields[0], r.fields[1], jsonText(r.fields[2]), csvAt(csvFile, r.line)),
    fastPrefixLine
  )

  // PID entities: the network map and the PID must exist (§6.2.2: "the PID names of the
  // associated network map").
  const pids = new Map<string, Map<string, Map<string, string>>>()
  const firstAt = new Map<string, Origin>()
  const setPidValue = (
    nmId: string,
    pid: string,
    name: string,
    value: string,
    at: (k: string) => Origin
  ) => {
    const nm = networkMaps.get(nmId)
    if (!nm) {
      diag.error(at('network-map'), 'network map is not defined in this map set', nmId)
      return
    }
    if (!nm.pidIndex.has(pid)) {
      diag.error(at('pid'), `PID is not defined in network map ${nmId}`, pid)
      return
    }
    if (!checkName(name, at('property'))) return
    let byPid = pids.get(nmId)
    if (!byPid) pids.set(nmId, (byPid = new Map()))
    let values = byPid.get(pid)
    if (!values) byPid.set(pid, (values = new Map()))
    const key = `${nmId}\n${pid}\n${name}`
    const first = firstAt.get(key)
    if (first) {
      diag.error(
        at('property'),
        `${name} of ${nmId}.pid:${pid} is defined twice (first at ${describeOrigin(first)})`,
        value
      )
      return
    }
    firstAt.set(key, at('property'))
    values.set(name, value)
    distinct.add(value)
  }
  for (const [nmId, byPid] of Object.entries(src.pids ?? {})) {
    for (const [pid, props] of Object.entries(byPid)) {
      for (const [name, value] of Object.entries(props)) {
        const path = (k: string) =>
          k === 'network-map'
            ? ['pids', nmId]
            : k === 'pid'
              ? ['pids', nmId, pid]
              : ['pids', nmId, pid, name]
        const at = (k: string): Origin => ({ file, path: joinPath(path(k)) })
        const text = jsonValue(diag, value, at('property'))
        if (text !== undefined) setPidValue(nmId, pid, name, text, at)
      }
    }
  }
  readCsvFiles(
    diag,
    files,
    file,
    'pid-csv',
    src['pid-csv'],
    ['network-map', 'pid', 'property', 'value'],
    (r, csvFile) => {
      const at = (path: string): Origin => ({ file: csvFile, path, line: r.line })
      setPidValue(r.fields[0], r.fields[1], r.fields[2], JSON.stringify(r.fields[3]), at)
    }
  )

  // RFC 9240 §8.7 / §10.7: the `<nm>.pid` property of prefix entities — each prefix of the
  // network map carries its PID; addresses and other prefixes inherit it (§6.1.3), which is
  // exactly the network map's longest-prefix match.
  const pidProperty: string[] = []
  ;(src['pid-property'] ?? []).forEach((nmId, i) => {
    const at: Origin = { file, path: joinPath(['pid-property', i]) }
    const nm = networkMaps.get(nmId)
    if (!nm) {
      diag.error(at, 'network map is not defined in this map set', nmId)
      return
    }
    if (pidProperty.includes(nmId)) {
      diag.error(at, 'network map is listed twice', nmId)
      return
    }
    pidProperty.push(nmId)
    const name = `${nmId}.pid`
    for (const pid of nm.pidNames) {
      const value = JSON.stringify(pid)
      for (const p of [...nm.pids.get(pid)!.v4, ...nm.pids.get(pid)!.v6])
        setPrefixValue(p.text, name, value, () => p.origin, true)
    }
  })

  // RFC 9275 §6.2.4: persistent ANEs, the self-defined `.ane` domain of this map (RFC 9240
  // §5.1.2.3); entity ids are ANE names (§6.2.2: PIDName syntax, §6.1). No inheritance (§6.2.3).
  const anes = new Map<string, Map<string, string>>()
  for (const [ane, props] of Object.entries(src.anes ?? {})) {
    const aneAt: Origin = { file, path: joinPath(['anes', ane]) }
    const problem = pidNameProblem(ane)
    if (problem) {
      diag.error(aneAt, `ANE name: ${problem} (RFC 9275 §6.1)`, ane)
      continue
    }
    const values = new Map<string, string>()
    for (const [name, value] of Object.entries(props)) {
      const at: Origin = { file, path: joinPath(['anes', ane, name]) }
      const text = jsonValue(diag, value, at, true)
      if (text === undefined || !checkName(name, at)) continue
      values.set(name, text)
      distinct.add(text)
    }
    if (values.size > 0) anes.set(ane, values)
    else diag.error(aneAt, 'an ANE entity needs at least one property', ane)
  }

  // RFC 9240 §7.4: every domain in `mappings` has at least one property (`<1..*>`).
  if (names.size === 0 && diag.errors.length === errorsBefore)
    diag.error(origin, 'property map defines no property on any entity', id)
  if (distinct.size > MAX_DISTINCT_VALUES)
    diag.error(
      origin,
      `property map has ${distinct.size} distinct values; at most ${MAX_DISTINCT_VALUES} are supported`,
      id
    )
  if (diag.errors.length > errorsBefore) return undefined
  return {
    id,
    file,
    origin,
    names: [...names].sort(byCodeUnits),
    prefixes: [...byPrefix.values()],
    pids,
    pidProperty,
    anes,
  }
}

/**
 * A property value as JSON text: a string or null (RFC 9240 §7.6: "a JSONString or a JSON
 * 'null'"); on ANE entities also a finite number (RFC 9240 §10.9's `.ane:dc21` values, RFC 9275
 * §6.4.1's numeric ANE properties).
 */
function jsonValue(
  diag: Diagnostics,
  value: unknown,
  at: Origin,
  numbers = false
): string | undefined {
  if (typeof value === 'string' || value === null) return JSON.stringify(value)
  if (numbers && typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value)
  diag.error(
    at,
    numbers
      ? 'ANE property values are strings, finite numbers or null (RFC 9240 §7.6, §10.9)'
      : 'property values are strings or null (RFC 9240 §7.6)',
    value
  )
  return undefined
}
