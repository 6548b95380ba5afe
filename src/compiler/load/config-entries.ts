/**
 * @module The loop over one of the config's lists of source files (`network-maps`,
 * `cost-maps`, `endpoint-properties`): for each entry, resolve its file, read and parse it,
 * report a bad path, a missing file or invalid JSON once, skip a missing optional file with a
 * notice, and hand the rest to the kind's loader.
 */
import { Diagnostics, joinPath, subPathOrigin, type Origin } from '../source-error.ts'
import { resolveFileRef } from './files.ts'
import { readJson } from './json.ts'
import { CONFIG_FILE, CONFIG_LISTS, type ConfigList, type SourceFiles } from './model.ts'

/** What every loader gets: where to report, the files, and the progress callback. */
export interface LoadContext {
  diag: Diagnostics
  files: SourceFiles
  progress: (msg: string) => void
}

/** The part of a config entry the loop reads (schema.ts has the full entry schemas). */
export interface ConfigEntry {
  file: string
  optional?: boolean
}

/** One config entry whose file was found and parsed. */
export interface EntrySource<E extends ConfigEntry> {
  entry: E
  /** The entry in the config: `alto-edge.json network-maps[0]`. */
  at: Origin
  /** The entry's file, relative to the map-set dir. */
  file: string
  /** The file's parsed JSON (not checked against a schema yet). */
  data: unknown
}

/**
 * Calls `load` for each entry of the config list `list` whose file resolves, exists and is
 * valid JSON, in list order. A missing file is one error at `<list>[i].file`, or, when the
 * entry is `"optional": true` (the CLI's --skip-optional leaves such files out), a notice.
 */
export function forEachConfigEntry<E extends ConfigEntry>(
  ctx: LoadContext,
  list: ConfigList,
  entries: readonly E[] | undefined,
  load: (source: EntrySource<E>) => void
): void {
  entries?.forEach((entry, i) => {
    const at: Origin = { file: CONFIG_FILE, path: joinPath([list, i]) }
    const fileAt = subPathOrigin(at, 'file')
    const file = resolveFileRef(ctx.diag, '', entry.file, fileAt)
    if (file === undefined) return
    ctx.progress(`loading ${CONFIG_LISTS[list]} ${file}`)
    const data = readJson(ctx.diag, ctx.files, file, fileAt, entry.optional === true)
    if (data === undefined) return
    load({ entry, at, file, data })
  })
}

/**
 * A map's resource id and where it is declared: the config entry's `resource-id` when it has
 * one (it overrides the file's), else `idInFile` at `pathInFile` (undefined: none declared).
 */
export function declaredResourceId<T extends string | undefined>(
  { file, entry, at }: EntrySource<ConfigEntry & { 'resource-id'?: string }>,
  idInFile: T,
  pathInFile: string
): { id: string | T; at: Origin } {
  const override = entry['resource-id']
  if (override !== undefined) return { id: override, at: subPathOrigin(at, 'resource-id') }
  return { id: idInFile, at: { file, path: pathInFile } }
}
