/**
 * @module Endpoint property sources (RFC 7285 §11.4.1: a property of IPv4/IPv6 endpoints) →
 * one value per prefix. Two parts, so either can change alone:
 * - the domain (which entities carry values): here the prefixes of the `ipv4`/`ipv6` domains,
 *   each at most once; RFC 9240 entity property maps add a `pid` domain (and per-domain
 *   resources) as another key reader beside `readPrefixKey`;
 * - the value type: a string, at most MAX_VALUES distinct per property (the table encoding);
 *   a property with other values gets its own check beside `checkValues`.
 * The property name's uniqueness across the map set is map-set.ts.
 */
import { propertyNameProblem } from '../../alto/identifiers.ts'
import { MAX_VALUES } from '../../tables/index.ts'
import { Diagnostics, describeOrigin, joinPath, type Origin } from '../source-error.ts'
import type { EntrySource } from './config-entries.ts'
import { readCsvFiles } from './files.ts'
import { checkSchema } from './json.ts'
import type { PrefixItem, PropertySource, SourceFiles } from './model.ts'
import { readPrefix } from './prefix.ts'
import { propertySchema, type PropertyEntry } from './schema.ts'

/** Reads one config entry's property; reports every problem of the file. */
export function loadProperty(
  diag: Diagnostics,
  files: SourceFiles,
  { file, data }: EntrySource<PropertyEntry>
): PropertySource | undefined {
  const src = checkSchema(diag, file, propertySchema, data)
  if (!src) return undefined
  const origin: Origin = { file, path: 'property' }
  const problem = propertyNameProblem(src.property)
  if (problem) diag.error(origin, problem, src.property)
  const entries: PropertySource['entries'] = []
  const readKey = readPrefixKey(diag)
  const add = (prefixText: string, value: string, at: Origin): void => {
    const prefix = readKey(prefixText, at)
    if (prefix) entries.push({ prefix, value })
  }
  for (const [prefixText, value] of Object.entries(src.values ?? {})) {
    add(prefixText, value, { file, path: joinPath(['values', prefixText]) })
  }
  readCsvFiles(
    diag,
    files,
    file,
    'values-csv',
    src['values-csv'],
    ['prefix', 'value'],
    (r, csvFile) => add(r.fields[0], r.fields[1], { file: csvFile, path: 'prefix', line: r.line })
  )
  checkValues(diag, origin, src.property, entries)
  return problem ? undefined : { name: src.property, file, origin, entries }
}

/** The ipv4/ipv6 domain: a prefix key, reported when malformed or given a second value. */
function readPrefixKey(diag: Diagnostics): (text: string, at: Origin) => PrefixItem | undefined {
  const seen = new Map<string, Origin>()
  return (text, at) => {
    const prefix = readPrefix(diag, text, at)
    if (!prefix) return undefined
    const first = seen.get(prefix.text)
    if (first) {
      diag.error(
        at,
        `prefix ${prefix.text} has two values (first at ${describeOrigin(first)})`,
        text
      )
      return undefined
    }
    seen.set(prefix.text, at)
    return prefix
  }
}

/** String values: at most MAX_VALUES distinct ones (the value table's index range). */
function checkValues(
  diag: Diagnostics,
  at: Origin,
  name: string,
  entries: PropertySource['entries']
): void {
  const distinct = new Set(entries.map((e) => e.value)).size
  if (distinct > MAX_VALUES)
    diag.error(
      at,
      `property has ${distinct} distinct values; at most ${MAX_VALUES} are supported`,
      name
    )
}
