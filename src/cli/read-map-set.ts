/**
 * @module Reads a map set from disk: the config, the files it lists and the CSV files those
 * name — exactly what the compiler will look at (nothing else in the directory is read).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CONFIG_FILE, referencedFiles, type SourceFiles } from '../compiler/index.ts'

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

/** Files named by `"optional": true` entries of the map set config (read leniently: the
 * compiler validates the config itself). */
async function optionalFiles(dir: string): Promise<string[]> {
  let config: unknown
  try {
    config = JSON.parse(await readFile(join(dir, CONFIG_FILE), 'utf8'))
  } catch {
    return []
  }
  const out: string[] = []
  if (typeof config !== 'object' || config === null) return out
  for (const list of Object.values(config as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue
    for (const entry of list as unknown[]) {
      const e = entry as { optional?: unknown; file?: unknown }
      if (e && e.optional === true && typeof e.file === 'string') out.push(e.file)
    }
  }
  return out
}
