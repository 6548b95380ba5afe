/**
 * @module The compiled build of `publish --local`, kept by its inputs (publish-cache.ts
 * `inputsHash`: every source file, every file under `src/`, package-lock.json), so that a
 * publish to a fresh or wiped local KV with inputs that were compiled before writes the stored
 * build instead of compiling again (the full `maps/` set: ~16 s of compile, most of a fresh
 * publish; docs/operator-cli.md).
 *
 * Where: `node_modules/.cache/alto-edge/builds/<inputs>/` (the convention of build caches; gone
 * with `node_modules`, never committed; see buildCacheDir): `build.json` (manifest, summary, history keep, compile
 * notices, blob list) and one file per blob, named by its SHA-256. Only the newest entry is
 * kept (the ASN map set is ~275 MiB). Written into a temporary directory and renamed, so a
 * crashed write leaves no entry. Read back, every blob is hashed again: an entry whose bytes do
 * not match their names (a damaged disk, a hand edit) is not used and the build is compiled.
 * Unsigned builds only: a signed build's signatures are due for renewal (presign decides), and
 * the key is the operator's.
 */
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Build } from '../compiler/index.ts'
import { PROJECT_ROOT } from './wrangler-kv.ts'

/** The default cache directory. */
const DEFAULT_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'alto-edge', 'builds')

/**
 * The cache directory: env `ALTO_EDGE_BUILD_CACHE_DIR` when set (`off`: no cache; the test
 * projects set it, so that a test's publish neither reads another's build nor evicts yours),
 * else node_modules/.cache/alto-edge/builds.
 */
export function buildCacheDir(): string | null {
  const dir = process.env.ALTO_EDGE_BUILD_CACHE_DIR
  if (dir === 'off') return null
  return dir ? dir : DEFAULT_DIR
}

const FORMAT = 1
const INDEX = 'build.json'
/** An entry's directory name: its inputs hash. */
const ENTRY = /^[0-9a-f]{64}$/

/** What a compile returns besides the build, kept with it. */
export interface CachedCompile {
  build: Build
  keep: number
  notices: string[]
}

interface Index {
  format: number
  inputs: string
  manifest: Build['manifest']
  summary: Build['summary']
  keep: number
  notices: string[]
  blobs: string[]
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** The build compiled from `inputs`, or null (none kept, another format, or damaged). */
export async function cachedBuild(inputs: string, dir: string): Promise<CachedCompile | null> {
  const entry = join(dir, inputs)
  let index: Index
  try {
    index = JSON.parse(await readFile(join(entry, INDEX), 'utf8')) as Index
  } catch {
    return null
  }
  if (index.format !== FORMAT || index.inputs !== inputs || !Array.isArray(index.blobs)) return null
  const blobs = new Map<string, Uint8Array>()
  for (const name of index.blobs) {
    if (!ENTRY.test(name)) return null // blob names are SHA-256 hex too
    const bytes = await readFile(join(entry, name)).catch(() => null)
    if (!bytes || sha256(bytes) !== name) return null
    blobs.set(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }
  return {
    build: { manifest: index.manifest, summary: index.summary, blobs },
    keep: index.keep,
    notices: index.notices,
  }
}

/** Keeps `compiled` as the build of `inputs`, replacing every other entry. */
export async function storeBuild(
  inputs: string,
  compiled: CachedCompile,
  dir: string
): Promise<void> {
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `.tmp-${randomUUID()}`)
  try {
    await mkdir(tmp)
    const { build } = compiled
    for (const [name, bytes] of build.blobs) await writeFile(join(tmp, name), bytes)
    const index: Index = {
      format: FORMAT,
      inputs,
      manifest: build.manifest,
      summary: build.summary,
      keep: compiled.keep,
      notices: compiled.notices,
      blobs: [...build.blobs.keys()],
    }
    await writeFile(join(tmp, INDEX), JSON.stringify(index))
    await rm(join(dir, inputs), { recursive: true, force: true })
    await rename(tmp, join(dir, inputs))
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  // Older entries go; another publish's temporary directory (being written) stays.
  for (const name of await readdir(dir))
    if (name !== inputs && ENTRY.test(name))
      await rm(join(dir, name), { recursive: true, force: true })
}
