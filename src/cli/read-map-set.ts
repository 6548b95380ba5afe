/**
 * @module Reads a map set from disk: the config, the files it lists and the CSV files those
 * name — exactly what the compiler will look at (nothing else in the directory is read).
 *
 * Hostile or broken trees are refused before anything is read (docs/source-format.md, "Limits"):
 * a file larger than {@link MAX_SOURCE_FILE_BYTES}, a file that is not a regular file (a FIFO
 * would block the read forever, a device would never end), and a path that leaves the map-set
 * directory through a symbolic link (`..` paths are already refused by the compiler). Every
 * refusal is reported, as a source error naming the file; then nothing is compiled.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import {
  CONFIG_FILE,
  optionalEntryFiles,
  referencedFiles,
  type SourceError,
  type SourceFiles,
} from '../compiler/index.ts'

/** Largest source file read (the ASN map's largest generated file is ~35 MB). */
export const MAX_SOURCE_FILE_BYTES = 256 * 1024 * 1024

export interface ReadMapSetOptions {
  /** Leave out the config entries marked `"optional": true` even when their files exist. */
  skipOptional?: boolean
}

/** Files of the map set that were refused before being read; nothing was compiled. */
export class MapSetReadError extends Error {
  readonly errors: SourceError[]
  constructor(errors: SourceError[]) {
    super(errors.map((e) => `${e.file}: ${e.message}`).join('; '))
    this.name = 'MapSetReadError'
    this.errors = errors
  }
}

/** Why `file` (inside `root`, a real path) must not be read, or null; undefined when absent. */
async function refusal(root: string, file: string): Promise<string | null | undefined> {
  let real: string
  try {
    real = await realpath(join(root, file))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  if (!real.startsWith(root + sep)) return `leaves the map set (a symbolic link to ${real})`
  const info = await stat(real)
  if (!info.isFile()) return 'is not a regular file'
  if (info.size > MAX_SOURCE_FILE_BYTES) {
    return `is ${info.size} bytes; source files are limited to ${MAX_SOURCE_FILE_BYTES} bytes`
  }
  return null
}

export async function readMapSet(dir: string, opts: ReadMapSetOptions = {}): Promise<SourceFiles> {
  const root = await realpath(dir).catch(() => dir)
  const files: SourceFiles = {}
  const refused: SourceError[] = []
  const tried = new Set<string>(opts.skipOptional ? await optionalFiles(root) : [])
  for (;;) {
    const wanted = referencedFiles(files).filter((f) => !tried.has(f))
    if (wanted.length === 0) break
    for (const file of wanted) {
      tried.add(file)
      const problem = await refusal(root, file)
      // Missing (undefined): the compiler reports it (or notes it, for optional entries).
      if (problem === undefined) continue
      if (problem !== null) refused.push({ file, path: '', message: `refused: ${problem}` })
      else files[file] = await readFile(join(root, file), 'utf8')
    }
  }
  if (refused.length > 0) throw new MapSetReadError(refused)
  return files
}

/** Files of the config's `"optional": true` entries (none when the config cannot be read). */
async function optionalFiles(root: string): Promise<string[]> {
  if ((await refusal(root, CONFIG_FILE)) !== null) return []
  try {
    return optionalEntryFiles(await readFile(join(root, CONFIG_FILE), 'utf8'))
  } catch {
    return []
  }
}
