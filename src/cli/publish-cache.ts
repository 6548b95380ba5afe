/**
 * @module Lets an unchanged `publish --local` skip the compile (~6 s idle for the full `maps/`
 * set, most of an unchanged publish; docs/operator-cli.md). After each successful local publish
 * the state directory records which version the inputs compiled to; the next publish with the
 * same inputs, while that version is still `current`, has nothing to write and says so without
 * compiling.
 *
 * The inputs are everything the version depends on: every source file the compiler is given
 * (read-map-set.ts reads exactly those) and the code that compiles them — every file under
 * `src/` and `package-lock.json` (so a changed compiler or dependency recompiles). The record is
 * only a hint: it is believed only while `current` in the store names its version, so a wiped,
 * rolled back or otherwise republished store compiles as before.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { SourceFiles } from '../compiler/index.ts'
import { localPersistRoot } from './local-kv.ts'
import { PROJECT_ROOT } from './wrangler-kv.ts'

interface Record_ {
  inputs: string
  version: string
}

/** The record file: beside the `v3` directory in the state directory (not part of Miniflare's). */
function recordPath(persistTo: string | undefined): string {
  return join(dirname(localPersistRoot(persistTo)), 'alto-edge-last-publish.json')
}

/** SHA-256 over the source files and the compiling code, each named and length-prefixed. */
export async function inputsHash(files: SourceFiles): Promise<string> {
  const h = createHash('sha256')
  const add = (name: string, content: string | Buffer) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content
    h.update(`${name}\0${bytes.length}\0`).update(bytes)
  }
  for (const name of Object.keys(files).sort()) add(`maps:${name}`, files[name])
  const code = (await readdir(join(PROJECT_ROOT, 'src'), { recursive: true })).sort()
  for (const rel of code) {
    const path = join(PROJECT_ROOT, 'src', rel)
    const content = await readFile(path).catch(() => null) // null: a directory
    if (content) add(`src:${rel}`, content)
  }
  add('package-lock.json', await readFile(join(PROJECT_ROOT, 'package-lock.json')).catch(() => ''))
  return h.digest('hex')
}

/** The version these inputs last published to this state directory, if recorded. */
export async function recordedVersion(
  persistTo: string | undefined,
  inputs: string
): Promise<string | null> {
  try {
    const r = JSON.parse(await readFile(recordPath(persistTo), 'utf8')) as Partial<Record_>
    return r.inputs === inputs && typeof r.version === 'string' ? r.version : null
  } catch {
    return null
  }
}

/** Records that `inputs` compile to `version`, now current in this state directory. */
export async function recordVersion(
  persistTo: string | undefined,
  inputs: string,
  version: string
): Promise<void> {
  const path = recordPath(persistTo)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify({ inputs, version } satisfies Record_)}\n`)
}
