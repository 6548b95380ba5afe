/**
 * @module Reads a map set from disk: the config, the files it lists and the CSV files those
 * name — exactly what the compiler will look at (nothing else in the directory is read).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CONFIG_FILE,
  optionalEntryFiles,
  referencedFiles,
  type SourceFiles,
} from '../compiler/index.ts'

export interface ReadMapSetOptions {
  /** Leave out the config entries marked `"optional": true` even when their files exist. */
  skipOptional?: boolean
}

export async function readMapSet(dir: string, opts: ReadMapSetOptions = {}): Promise<SourceFiles> {
  const files: SourceFiles = {}
  const tried = new Set<string>(opts.skipOptional ? await optionalFiles(dir) : [])
  for (;;) {
    const wanted = referencedFiles(files).filter((f) => !tried.has(f))
    if (wanted.length === 0) return files
    for (const file of wanted) {
      tried.add(file)
      try {
        files[file] = await readFile(join(dir, file), 'utf8')
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
        // Missing: the compiler reports it (or notes it, for optional entries).
      }
    }
  }
}

/** Files of the config's `"optional": true` entries (none when the config cannot be read). */
async function optionalFiles(dir: string): Promise<string[]> {
  try {
    return optionalEntryFiles(await readFile(join(dir, CONFIG_FILE), 'utf8'))
  } catch {
    return []
  }
}
