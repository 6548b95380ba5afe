/**
 * @module Reads a map set from disk: the config, the files it lists and the CSV files those
 * name — exactly what the compiler will look at (nothing else in the directory is read).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { referencedFiles, type SourceFiles } from '../compiler/index.ts'

export async function readMapSet(dir: string): Promise<SourceFiles> {
  const files: SourceFiles = {}
  const tried = new Set<string>()
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
