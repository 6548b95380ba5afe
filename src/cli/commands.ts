/**
 * @module What each `alto-edge` command does, once program.ts has parsed and checked its command
 * line. Each returns the exit code (exit-codes.ts); `--json` shapes are in docs/operator-cli.md.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  blobEntries,
  compileMapSet,
  DEFAULT_KEEP,
  diffBuild,
  formatDiff,
  formatSourceError,
  prune,
  publishBuild,
  readCurrentManifest,
  readCurrent,
  readPointerAndHistory,
  rollback,
  validateMapSet,
  type Build,
  type KvStore,
  type SourceError,
  type SourceFiles,
} from '../compiler/index.ts'
import type { ResourceUpdate } from '../compiler/publish.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { blobRef, manifestKey } from '../store/manifest.ts'
import {
  EXIT_DIFFERENCES,
  EXIT_OK,
  EXIT_SERVER,
  EXIT_UNREACHABLE,
  EXIT_USAGE,
  EXIT_VALIDATION,
} from './exit-codes.ts'
import { formatBytes, formatSummary } from './format.ts'
import { MapSetReadError, readMapSet } from './read-map-set.ts'
import { ServerUnreachableError, watch } from './watch.ts'
import { LocalKvStore, localPersistRoot } from './local-kv.ts'
import { buildCacheDir, cachedBuild, storeBuild } from './build-cache.ts'
import { inputsHash, recordedVersion, recordVersion } from './publish-cache.ts'
import { WranglerKvStore } from './wrangler-kv.ts'
import { KeyFileError, readSigningKey } from './signing-key.ts'
import { presignBuild } from '../compiler/presign.ts'
import type { SigningKey } from '../alto/signing/profile.ts'
import type { Manifest } from '../store/manifest.ts'

export interface Io {
  out: (line: string) => void
  err: (line: string) => void
}

/** Printed (stdout) when ALTO_EDGE_TEST_PAUSE_AFTER_BLOBS=1 makes publish wait before history/current. */
export const PAUSE_MARKER = 'ALTO_EDGE_TEST_PAUSED_AFTER_BLOBS'

export interface KvTarget {
  mode: 'local' | 'remote'
  persistTo?: string
  quiet?: boolean
}

interface SourceOptions {
  skipOptional?: boolean
  quiet?: boolean
  json?: boolean
}

/** `--signing-key FILE [--signature-ttl S]` of build and publish (compiler/presign.ts). */
export interface SigningCliOptions {
  signingKey?: string
  signatureTtl?: number
}

/** The operator key of `--signing-key`, undefined without it, or the exit code after reporting. */
async function operatorKey(
  opts: SigningCliOptions,
  io: Io
): Promise<{ ok: true; key?: SigningKey } | { ok: false; code: number }> {
  if (opts.signingKey === undefined) return { ok: true }
  try {
    return { ok: true, key: await readSigningKey(opts.signingKey) }
  } catch (e) {
    if (!(e instanceof KeyFileError)) throw e
    io.err(`--signing-key ${e.message}`)
    return { ok: false, code: EXIT_USAGE }
  }
}

/** The build with its full GET resources signed by `key` (nothing changes without a key). */
async function signed(
  build: Build,
  key: SigningKey | undefined,
  opts: SourceOptions & SigningCliOptions,
  previous: Manifest | null,
  io: Io
): Promise<Build> {
  if (!key) return build
  const out = await presignBuild(build, { key, ttlSeconds: opts.signatureTtl, previous })
  const sigs = Object.entries(out.manifest.signatures ?? {})
  const kept = sigs.filter(([sha, s]) => previous?.signatures?.[sha] === s).length
  if (!opts.quiet && !opts.json)
    io.err(
      `  signed ${sigs.length} full resources with ${key.keyid}${kept ? ` (${kept} kept)` : ''}`
    )
  return out
}

/**
 * `--local`: the state `wrangler dev` reads, in-process (local-kv.ts; workerd starts now, while the
 * map set compiles). `--remote`: one wrangler process per bulk call (wrangler-kv.ts).
 */
function openStore(t: KvTarget, io: Io): KvStore & { close(): Promise<void> } {
  if (t.mode === 'local') {
    if (!t.quiet) io.err(`  local KV in ${localPersistRoot(t.persistTo)} (in-process)`)
    return new LocalKvStore({ persistTo: t.persistTo })
  }
  return new WranglerKvStore({
    mode: t.mode,
    persistTo: t.persistTo,
    onCommand: t.quiet ? undefined : (args) => io.err(`  wrangler ${args.slice(0, 3).join(' ')}`),
  })
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** A source error in `--json` output: every field present (`null` when unknown). */
function errorJson(e: SourceError) {
  return {
    file: e.file,
    line: e.line ?? null,
    path: e.path,
    value: e.value ?? null,
    message: e.message,
  }
}

/** Reports validation errors (text on stdout + count on stderr, or the `--json` document). */
function reportInvalid(
  dir: string,
  errors: SourceError[],
  notices: string[],
  opts: SourceOptions,
  io: Io
): number {
  if (opts.json) {
    io.out(JSON.stringify({ ok: false, dir, errors: errors.map(errorJson), notices }))
  } else {
    for (const e of errors) io.out(formatSourceError(e))
  }
  io.err(`${plural(errors.length, 'error')} in ${dir}`)
  return EXIT_VALIDATION
}

type Compiled =
  { ok: true; build: Build; keep: number; notices: string[] } | { ok: false; code: number }

/** Compiles the map set; on validation failure reports it and returns the exit code. */
/** The map set's files, or the exit code after reporting the files that were refused. */
async function readSources(
  dir: string,
  opts: SourceOptions,
  io: Io
): Promise<{ ok: true; files: SourceFiles } | { ok: false; code: number }> {
  try {
    return { ok: true, files: await readMapSet(dir, { skipOptional: opts.skipOptional === true }) }
  } catch (error) {
    if (!(error instanceof MapSetReadError)) throw error
    return { ok: false, code: reportInvalid(dir, error.errors, [], opts, io) }
  }
}

async function compile(
  dir: string,
  opts: SourceOptions,
  io: Io,
  sources?: SourceFiles
): Promise<Compiled> {
  let files = sources
  if (!files) {
    const read = await readSources(dir, opts, io)
    if (!read.ok) return read
    files = read.files
  }
  const progress = opts.quiet ? undefined : (msg: string) => io.err(`  ${msg}`)
  const result = await compileMapSet(files, { onProgress: progress })
  if (!opts.json) for (const n of result.notices) io.err(`notice: ${n}`)
  if (!result.ok)
    return { ok: false, code: reportInvalid(dir, result.errors, result.notices, opts, io) }
  return { ok: true, build: result.build, keep: result.keep, notices: result.notices }
}

export async function cmdValidate(dirArg: string, opts: SourceOptions, io: Io): Promise<number> {
  const dir = resolve(dirArg)
  const read = await readSources(dir, opts, io)
  if (!read.ok) return read.code
  const { errors, notices } = validateMapSet(read.files)
  if (!opts.json) for (const n of notices) io.err(`notice: ${n}`)
  if (errors.length > 0) return reportInvalid(dir, errors, notices, opts, io)
  io.out(opts.json ? JSON.stringify({ ok: true, dir, errors: [], notices }) : `${dir}: OK`)
  return EXIT_OK
}

export async function cmdBuild(
  dirArg: string,
  opts: SourceOptions & SigningCliOptions & { out: string },
  io: Io
): Promise<number> {
  const dir = resolve(dirArg)
  const key = await operatorKey(opts, io)
  if (!key.ok) return key.code
  const compiled = await compile(dir, opts, io)
  if (!compiled.ok) return compiled.code
  const build = await signed(compiled.build, key.key, opts, null, io)
  const outDir = resolve(opts.out)
  await mkdir(outDir, { recursive: true })
  const manifestFile = join(outDir, 'manifest.json')
  const bulkFile = join(outDir, 'kv-bulk.json')
  await writeFile(manifestFile, `${JSON.stringify(build.manifest, null, 2)}\n`)
  // wrangler bulk-put file: every blob key plus the manifest. `current`/`history` are left to
  // `publish`, which writes them last.
  const bulk: { key: string; value: string; base64: true }[] = []
  for (const [sha, bytes] of build.blobs) {
    for (const e of blobEntries(blobRef(sha, bytes.length), bytes))
      bulk.push({ key: e.key, value: Buffer.from(e.value).toString('base64'), base64: true })
  }
  bulk.push({
    key: manifestKey(build.manifest.version),
    value: Buffer.from(JSON.stringify(build.manifest)).toString('base64'),
    base64: true,
  })
  await writeFile(bulkFile, JSON.stringify(bulk))
  if (opts.json) {
    io.out(
      JSON.stringify({
        ok: true,
        dir,
        version: build.manifest.version,
        manifest: manifestFile,
        bulk: bulkFile,
        keys: bulk.length,
        notices: compiled.notices,
        summary: build.summary,
      })
    )
    return EXIT_OK
  }
  for (const line of formatSummary(build.summary)) io.out(line)
  io.out('')
  io.out(`wrote ${manifestFile} and ${bulkFile} (${bulk.length} keys)`)
  return EXIT_OK
}

export async function cmdDiff(
  dirArg: string,
  opts: SourceOptions & { exitCode?: boolean },
  target: KvTarget,
  io: Io
): Promise<number> {
  const dir = resolve(dirArg)
  const kv = openStore(target, io)
  try {
    const compiled = await compile(dir, opts, io)
    if (!compiled.ok) return compiled.code
    const report = diffBuild(compiled.build, await readCurrentManifest(kv))
    if (opts.json)
      io.out(
        JSON.stringify({
          ok: true,
          dir,
          changed: !report.identical,
          ...report,
          notices: compiled.notices,
        })
      )
    else for (const line of formatDiff(report)) io.out(line)
    return opts.exitCode && !report.identical ? EXIT_DIFFERENCES : EXIT_OK
  } finally {
    await kv.close()
  }
}

/** One line per tracked resource: its seq, and the patch against the previous seq. */
function printUpdates(updates: ResourceUpdate[] | undefined, io: Io): void {
  for (const u of updates ?? []) {
    const change = !u.changed
      ? 'unchanged'
      : u.patch
        ? `${u.patch.mediaType === MEDIA_TYPES.mergePatch ? 'merge patch' : u.patch.mediaType} ${formatBytes(u.patch.bytes)} (full ${formatBytes(u.fullBytes)})`
        : `first seq (full ${formatBytes(u.fullBytes)})`
    io.out(`  ${u.resourceId}: seq ${u.seq}, ${change}`)
  }
}

/** `--notify URL`: the Worker's publish hook (src/worker/updates/notify.ts). Failure only warns. */
async function notifyServer(
  url: string | undefined,
  updates: ResourceUpdate[] | undefined,
  io: Io
): Promise<void> {
  if (!url) return
  const token = process.env.ALTO_OPERATOR_TOKEN
  if (!token) {
    io.err('warning: --notify needs ALTO_OPERATOR_TOKEN in the environment; not notified')
    return
  }
  const logs = (updates ?? []).filter((u) => u.changed).map((u) => u.log)
  try {
    const res = await fetch(new URL('/_alto/notify', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ logs }),
    })
    if (res.ok) io.out(`notified ${url}: ${await res.text()}`)
    else
      io.err(
        `warning: notify ${url} answered ${res.status}; clients learn of the version at the next poll`
      )
  } catch (e) {
    io.err(
      `warning: notify ${url} failed (${(e as Error).message}); clients learn of the version at the next poll`
    )
  }
}

async function pauseForTest(io: Io): Promise<void> {
  io.out(PAUSE_MARKER)
  // Wait (for the test to kill us); a timer keeps the event loop alive.
  await new Promise((r) => setTimeout(r, 600_000))
}

export interface PublishCliOptions extends SourceOptions, SigningCliOptions {
  keep?: number
  verify: boolean
  /** `--no-build-cache`: false (compile even when the build cache holds these inputs). */
  buildCache?: boolean
  updatesWindow?: number
  notify?: string
}

export async function cmdPublish(
  dirArg: string,
  opts: PublishCliOptions,
  target: KvTarget,
  io: Io
): Promise<number> {
  const dir = resolve(dirArg)
  const key = await operatorKey(opts, io)
  if (!key.ok) return key.code
  // Sources first: a refused file (docs/source-format.md "Limits") stops before any store opens.
  const read = await readSources(dir, opts, io)
  if (!read.ok) return read.code
  const files = read.files
  const kv = openStore(target, io)
  try {
    // --local: inputs unchanged since they were published here, and still current → no compile.
    // Not with a signing key: the signatures may be due for renewal (presignBuild decides).
    const inputs = target.mode === 'local' && !key.key ? await inputsHash(files) : undefined
    const recorded = inputs ? await recordedVersion(target.persistTo, inputs) : null
    const pointer = recorded ? await readCurrent(kv) : null
    if (recorded && pointer?.version === recorded) {
      io.out(
        `version ${recorded} is already published (seq ${pointer.seq}): nothing written (map set and compiler unchanged since it was published; not recompiled)`
      )
      return EXIT_OK
    }
    // --local, unsigned: a build compiled from exactly these inputs before is written as it is.
    const cacheDir = inputs !== undefined && opts.buildCache !== false ? buildCacheDir() : null
    const started = Date.now()
    const fromCache = cacheDir ? await cachedBuild(inputs!, cacheDir) : null
    if (fromCache) {
      for (const n of fromCache.notices) if (!opts.json) io.err(`notice: ${n}`)
      io.err(
        `compiled build of these inputs read from the build cache in ${Date.now() - started} ms (${cacheDir}; --no-build-cache compiles)`
      )
    }
    const compiled: Compiled = fromCache
      ? { ok: true, ...fromCache }
      : await compile(dir, opts, io, files)
    if (!compiled.ok) return compiled.code
    const previous = key.key ? await readCurrentManifest(kv) : null
    const build = await signed(compiled.build, key.key, opts, previous, io)
    for (const line of formatSummary(build.summary)) io.out(line)
    io.out('')
    const pause = process.env.ALTO_EDGE_TEST_PAUSE_AFTER_BLOBS === '1'
    const result = await publishBuild(kv, build, {
      keep: opts.keep ?? compiled.keep,
      verify: opts.verify,
      updates: {
        window: opts.updatesWindow,
        signing: key.key && { key: key.key, ttlSeconds: opts.signatureTtl },
      },
      hooks: pause ? { afterBlobs: () => pauseForTest(io) } : undefined,
      onProgress: opts.quiet ? undefined : (msg) => io.err(`  ${msg}`),
    })
    if (result.unchanged)
      io.out(`version ${result.version} is already published (seq ${result.seq}): nothing written`)
    else
      io.out(
        `published version ${result.version} as seq ${result.seq} (previous: ${result.previous ?? 'none'}); ${result.keysWritten} keys, ${formatBytes(result.bytesWritten)} written`
      )
    printUpdates(result.updates, io)
    if (inputs) await recordVersion(target.persistTo, inputs, result.version)
    if (cacheDir && !fromCache)
      await storeBuild(inputs!, compiled, cacheDir).catch((error: unknown) =>
        io.err(`notice: the build cache was not written (${String(error)}); the publish stands`)
      )
    if (!result.unchanged) await notifyServer(opts.notify, result.updates, io)
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

export async function cmdRollback(
  opts: { to?: string; updatesWindow?: number; notify?: string },
  target: KvTarget,
  io: Io
): Promise<number> {
  const kv = openStore(target, io)
  try {
    const r = await rollback(kv, opts.to, { updates: { window: opts.updatesWindow } })
    io.out(`rolled back from ${r.previous} to ${r.version} (seq ${r.seq})`)
    printUpdates(r.updates, io)
    await notifyServer(opts.notify, r.updates, io)
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

export async function cmdPrune(opts: { keep?: number }, target: KvTarget, io: Io): Promise<number> {
  const kv = openStore(target, io)
  try {
    const r = await prune(kv, opts.keep ?? DEFAULT_KEEP)
    io.out(
      `kept ${r.kept.length} versions (${r.kept.join(', ')}); deleted ${r.manifestsDeleted.length} manifests and ${r.blobKeysDeleted} blob keys`
    )
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

export async function cmdVersions(
  opts: { json?: boolean },
  target: KvTarget,
  io: Io
): Promise<number> {
  const kv = openStore(target, io)
  try {
    const { current, history } = await readPointerAndHistory(kv)
    if (opts.json) {
      io.out(
        JSON.stringify({
          ok: true,
          current: current ? { version: current.version, seq: current.seq } : null,
          versions: history.versions.map((v) => ({
            version: v.version,
            seq: v.seq,
            created: v.created,
            current: v.version === current?.version,
          })),
        })
      )
      return EXIT_OK
    }
    if (!current) {
      io.out('nothing published')
      return EXIT_OK
    }
    io.out(`current: ${current.version} (seq ${current.seq})`)
    for (const v of history.versions) {
      io.out(
        `${v.version === current.version ? '*' : ' '} ${String(v.seq).padStart(4)}  ${v.version}  ${v.created}`
      )
    }
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

export async function cmdWatch(
  server: string,
  opts: { resource: string; via: 'tips' | 'sse'; count?: number },
  io: Io
): Promise<number> {
  try {
    await watch(
      {
        server,
        resourceId: opts.resource,
        via: opts.via,
        count: opts.count,
        token: process.env.ALTO_CLIENT_TOKEN,
      },
      io.out
    )
  } catch (e) {
    io.err(`error: ${(e as Error).message}`)
    return e instanceof ServerUnreachableError ? EXIT_UNREACHABLE : EXIT_SERVER
  }
  return EXIT_OK
}
