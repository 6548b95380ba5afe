/**
 * @module The map compiler: map-set sources (docs/source-format.md) → validated model →
 * content-addressed blobs + manifest (docs/storage-schema.md). PURE: no `node:` imports, so it
 * runs in workerd too (Worker tests seed KV with it). File access, wrangler and process
 * handling live in src/cli/.
 */
import { buildMapSet, type Build } from './build.ts'
import { loadMapSet, type SourceFiles } from './load/index.ts'
import { addJsonLines } from './json-lines.ts'
import { Diagnostics, type SourceError } from './source-error.ts'

export type CompileResult =
  | { ok: true; build: Build; notices: string[]; keep: number }
  | { ok: false; errors: SourceError[]; notices: string[] }

export interface CompileOptions {
  /** Called with a short message at each stage (large builds take seconds). */
  onProgress?: (msg: string) => void
}

/**
 * Validates and compiles a map set. On any source error nothing is built and every error is
 * returned (not just the first). `keep` is the config's `history.keep` (versions to retain).
 */
export async function compileMapSet(
  files: SourceFiles,
  opts: CompileOptions = {}
): Promise<CompileResult> {
  const startedAt = Date.now()
  const diag = new Diagnostics()
  const progress = opts.onProgress ?? (() => {})
  const set = loadMapSet(diag, files, progress)
  if (!set) {
    addJsonLines(diag.errors, files)
    return { ok: false, errors: diag.errors, notices: diag.notices }
  }
  const build = await buildMapSet(set, progress, startedAt)
  return { ok: true, build, notices: diag.notices, keep: set.keep }
}

/** Validates only (no tables are built). */
export function validateMapSet(files: SourceFiles): { errors: SourceError[]; notices: string[] } {
  const diag = new Diagnostics()
  loadMapSet(diag, files)
  addJsonLines(diag.errors, files)
  return { errors: diag.errors, notices: diag.notices }
}

export type {
  Build,
  BuildSummary,
  CostMapSummary,
  NetworkMapSummary,
  PropertySummary,
} from './build.ts'
export { computeVersion } from './build.ts'
export {
  CONFIG_FILE,
  DEFAULT_KEEP,
  optionalEntryFiles,
  referencedFiles,
  type SourceFiles,
} from './load/index.ts'
export { formatSourceError, type SourceError } from './source-error.ts'
export { canonicalJson } from './canonical.ts'
export { sha256Hex } from '../tables/bytes.ts'
export {
  publishBuild,
  rollback,
  prune,
  readCurrent,
  readHistory,
  readPointerAndHistory,
  readManifest,
  readCurrentManifest,
  readBlob,
  blobEntries,
  PublishError,
  type PublishOptions,
  type PublishResult,
  type RollbackResult,
  type PruneResult,
} from './publish.ts'
export { MemoryKvStore, type KvStore } from './kv-store.ts'
export { diffBuild, formatDiff, type DiffReport, type ResourceDiff } from './diff.ts'
export { kvStoreFromBinding, type KvNamespaceLike } from './kv-binding.ts'
