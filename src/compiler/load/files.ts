/**
 * @module The map set's files: resolving a file reference (relative, inside the map-set dir),
 * reading the CSV side files a JSON source lists, and discovering every file the map set
 * references (`referencedFiles`, for readers that fetch files on demand).
 */
import { forEachCsvRecord, type CsvRecord, type FastLine } from '../csv.ts'
import { dirname, resolveRelative } from '../paths.ts'
import { Diagnostics, joinPath, type Origin } from '../source-error.ts'
import { CONFIG_FILE, CONFIG_LISTS, CSV_LISTS, type CsvList, type SourceFiles } from './model.ts'

/** Resolves `rel` against `fromDir`; reports a path that is absolute or leaves the map set. */
export function resolveFileRef(
  diag: Diagnostics,
  fromDir: string,
  rel: string,
  at: Origin
): string | undefined {
  const path = resolveRelative(fromDir, rel)
  if (path === null) {
    diag.error(at, 'path must be relative and stay inside the map-set directory', rel)
    return undefined
  }
  return path
}

/**
 * Reads the CSV files a source lists under `key` (paths relative to the source): reports a bad
 * path, a missing file and every malformed line, and hands each record, with its file, to
 * `onRecord`, in line order (the record is a fresh object per call: keep it if you need it).
 */
export function readCsvFiles(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  key: CsvList,
  refs: readonly string[] | undefined,
  columns: string[],
  onRecord: (record: CsvRecord, csvFile: string) => void,
  /** Per file: a {@link FastLine} for the common lines (they then skip `onRecord`). */
  fastLine?: (csvFile: string) => FastLine
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
    forEachCsvRecord(
      text,
      columns,
      (fields, line) => onRecord({ line, fields }, csvFile),
      (p) => diag.error({ file: csvFile, path: '', line: p.line }, p.message, p.value),
      fastLine?.(csvFile)
    )
  })
}

/**
 * Every file the map set references that is not in `files` yet: the config's entries and the
 * CSV files named by the JSON files already present. A reader calls this until it returns
 * nothing new (two or three rounds), so it reads exactly the files the compiler will look at.
 * Lenient: what it cannot read, the loader reports.
 */
export function referencedFiles(files: SourceFiles): string[] {
  const wanted = new Set<string>()
  if (files[CONFIG_FILE] === undefined) return [CONFIG_FILE]
  const config = parseLeniently(files[CONFIG_FILE])
  if (config === undefined) return []
  const entryFile = (entry: unknown) => (entry as { file?: unknown } | null)?.file
  for (const list of Object.keys(CONFIG_LISTS)) {
    for (const rel of stringsAt(config, list, entryFile)) {
      const file = resolveRelative('', rel)
      if (file === null) continue
      wanted.add(file)
      const text = files[file]
      if (text === undefined) continue
      const data = parseLeniently(text)
      if (data === undefined) continue
      for (const key of CSV_LISTS) {
        for (const csv of stringsAt(data, key, (item) => item)) {
          const csvFile = resolveRelative(dirname(file), csv)
          if (csvFile !== null) wanted.add(csvFile)
        }
      }
    }
  }
  return [...wanted].filter((f) => files[f] === undefined)
}

/**
 * The files of the config's `"optional": true` entries, normalized as {@link referencedFiles}
 * names them (so `--skip-optional` leaves out `./gen/x.json` too). Lenient like it.
 */
export function optionalEntryFiles(configText: string): string[] {
  const config = parseLeniently(configText)
  const out: string[] = []
  for (const list of Object.keys(CONFIG_LISTS)) {
    const optionalFile = (entry: unknown) => {
      const e = entry as { optional?: unknown; file?: unknown } | null
      return e?.optional === true ? e.file : undefined
    }
    for (const rel of stringsAt(config, list, optionalFile)) {
      const file = resolveRelative('', rel)
      if (file !== null) out.push(file)
    }
  }
  return out
}

function parseLeniently(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The strings `pick` finds in the items of the array at `data[key]` (none if not an array). */
function stringsAt(data: unknown, key: string, pick: (item: unknown) => unknown): string[] {
  const list = (data as Record<string, unknown> | null)?.[key]
  if (!Array.isArray(list)) return []
  return list.map(pick).filter((s): s is string => typeof s === 'string')
}
