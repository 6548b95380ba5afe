#!/usr/bin/env node
/**
 * @module The operator CLI: `alto-edge <command>` (docs/operator-cli.md).
 *
 *   validate [dir]                         check the map set, print every error
 *   build    [dir] [--out build/]          compile; write manifest.json + kv-bulk.json; summary
 *   diff     [dir] --local|--remote        compare with the published version
 *   publish  [dir] --local|--remote [--keep N] [--persist-to DIR] [--no-verify]
 *   rollback [--to VERSION] --local|--remote [--persist-to DIR]
 *   prune    [--keep N] --local|--remote [--persist-to DIR]
 *   versions --local|--remote [--persist-to DIR]
 *   watch    <server-url> --resource ID [--via tips|sse] [--count N]
 *
 * Exit codes: 0 ok, 1 validation errors, 2 usage, 3 publish/storage failure.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  blobEntries,
  compileMapSet,
  DEFAULT_KEEP,
  diffBuild,
  formatDiff,
  formatSourceError,
  prune,
  publishBuild,
  PublishError,
  readCurrentManifest,
  readPointerAndHistory,
  rollback,
  validateMapSet,
  type Build,
} from '../compiler/index.ts'
import { manifestKey } from '../store/manifest.ts'
import { DEFAULT_UPDATE_WINDOW } from '../updates/history.ts'
import type { ResourceUpdate } from '../compiler/publish.ts'
import { formatBytes, formatSummary } from './format.ts'
import { watch } from './watch.ts'
import { readMapSet } from './read-map-set.ts'
import { WranglerError, WranglerKvStore } from './wrangler-kv.ts'

export const EXIT_OK = 0
export const EXIT_VALIDATION = 1
export const EXIT_USAGE = 2
export const EXIT_PUBLISH = 3

/** Printed (stdout) when ALTO_EDGE_TEST_PAUSE_AFTER_BLOBS=1 makes publish wait before history/current. */
export const PAUSE_MARKER = 'ALTO_EDGE_TEST_PAUSED_AFTER_BLOBS'

const USAGE = `usage: alto-edge <command> [options]

  validate [dir]                       check the map set (default dir: maps)
  build    [dir] [--out DIR]           compile; write DIR/manifest.json and DIR/kv-bulk.json (default build/)
  diff     [dir] --local|--remote      compare the map set with the published version
  publish  [dir] --local|--remote [--keep N] [--no-verify] [--updates-window N] [--notify URL]
  rollback [--to VERSION] --local|--remote [--updates-window N] [--notify URL]
  prune    [--keep N] --local|--remote
  versions --local|--remote
  watch    <server-url> --resource ID [--via tips|sse] [--count N]
                                       follow a map through TIPS (default) or SSE, print each change

  --updates-window N versions kept per resource for TIPS/SSE updates (default ${DEFAULT_UPDATE_WINDOW})
  --notify URL       after the pointer flips, POST the new update logs to URL/_alto/notify
                     (bearer: env ALTO_OPERATOR_TOKEN) so long polls and streams wake at once
  --persist-to DIR   local KV state directory (default: wrangler's .wrangler/state)
  --skip-optional    leave out config entries marked "optional" (e.g. the generated ASN map)
  --quiet            no progress output on stderr

exit codes: 0 ok, 1 validation errors, 2 usage, 3 publish failure`

class UsageError extends Error {}

interface Io {
  out: (line: string) => void
  err: (line: string) => void
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      local: { type: 'boolean' },
      remote: { type: 'boolean' },
      keep: { type: 'string' },
      'persist-to': { type: 'string' },
      to: { type: 'string' },
      'no-verify': { type: 'boolean' },
      'skip-optional': { type: 'boolean' },
      'updates-window': { type: 'string' },
      notify: { type: 'string' },
      resource: { type: 'string' },
      via: { type: 'string' },
      count: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  return { values, positionals }
}

type Parsed = ReturnType<typeof parse>

function storeFor(p: Parsed, io: Io): WranglerKvStore {
  const { local, remote } = p.values
  if (local === remote) throw new UsageError('choose exactly one of --local or --remote')
  if (remote && p.values['persist-to']) throw new UsageError('--persist-to only applies to --local')
  return new WranglerKvStore({
    mode: local ? 'local' : 'remote',
    persistTo: p.values['persist-to'],
    onCommand: p.values.quiet ? undefined : (args) => io.err(`  wrangler ${args.slice(0, 3).join(' ')}`),
  })
}

function keepOption(p: Parsed, fallback: number): number {
  if (p.values.keep === undefined) return fallback
  const keep = Number(p.values.keep)
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep must be a positive integer, got ${p.values.keep}`)
  return keep
}

function positiveInt(p: Parsed, name: 'updates-window' | 'count'): number | undefined {
  const raw = p.values[name]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${raw}`)
  return n
}

/** One line per tracked resource: its seq, and the patch against the previous seq. */
function printUpdates(updates: ResourceUpdate[] | undefined, io: Io): void {
  for (const u of updates ?? []) {
    const change = !u.changed
      ? 'unchanged'
      : u.patch
        ? `${u.patch.mediaType === 'application/merge-patch+json' ? 'merge patch' : u.patch.mediaType} ${formatBytes(u.patch.bytes)} (full ${formatBytes(u.fullBytes)})`
        : `first seq (full ${formatBytes(u.fullBytes)})`
    io.out(`  ${u.resourceId}: seq ${u.seq}, ${change}`)
  }
}

/** `--notify URL`: the Worker's publish hook (src/worker/updates/notify.ts). Failure only warns. */
async function notifyServer(p: Parsed, updates: ResourceUpdate[] | undefined, io: Io): Promise<void> {
  const url = p.values.notify
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
    else io.err(`warning: notify ${url} answered ${res.status}; clients learn of the version at the next poll`)
  } catch (e) {
    io.err(`warning: notify ${url} failed (${(e as Error).message}); clients learn of the version at the next poll`)
  }
}

function mapSetDir(p: Parsed): string {
  if (p.positionals.length > 2) throw new UsageError(`unexpected arguments: ${p.positionals.slice(2).join(' ')}`)
  return resolve(p.positionals[1] ?? 'maps')
}

/** Compiles the map set; prints errors and returns null on validation failure. */
async function compile(dir: string, p: Parsed, io: Io): Promise<{ build: Build; keep: number } | null> {
  const files = await readMapSet(dir, { skipOptional: p.values['skip-optional'] === true })
  const progress = p.values.quiet ? undefined : (msg: string) => io.err(`  ${msg}`)
  const result = await compileMapSet(files, { onProgress: progress })
  for (const n of result.notices) io.err(`notice: ${n}`)
  if (!result.ok) {
    for (const e of result.errors) io.out(formatSourceError(e))
    io.err(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in ${dir}`)
    return null
  }
  return { build: result.build, keep: result.keep }
}

async function cmdValidate(p: Parsed, io: Io): Promise<number> {
  const dir = mapSetDir(p)
  const { errors, notices } = validateMapSet(await readMapSet(dir, { skipOptional: p.values['skip-optional'] === true }))
  for (const n of notices) io.err(`notice: ${n}`)
  for (const e of errors) io.out(formatSourceError(e))
  if (errors.length > 0) {
    io.err(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${dir}`)
    return EXIT_VALIDATION
  }
  io.out(`${dir}: OK`)
  return EXIT_OK
}

async function cmdBuild(p: Parsed, io: Io): Promise<number> {
  const compiled = await compile(mapSetDir(p), p, io)
  if (!compiled) return EXIT_VALIDATION
  const { build } = compiled
  const outDir = resolve(p.values.out ?? 'build')
  await mkdir(outDir, { recursive: true })
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(build.manifest, null, 2)}\n`)
  // wrangler bulk-put file: every blob key plus the manifest. `current`/`history` are left to
  // `publish`, which writes them last.
  const bulk: { key: string; value: string; base64: true }[] = []
  for (const [sha, bytes] of build.blobs) {
    const ref = { key: `blob/${sha}`, bytes: bytes.length, sha256: sha, chunks: Math.max(1, Math.ceil(bytes.length / (25 * 1024 * 1024 - 1024))) }
    for (const e of blobEntries(ref, bytes)) bulk.push({ key: e.key, value: Buffer.from(e.value).toString('base64'), base64: true })
  }
  bulk.push({ key: manifestKey(build.manifest.version), value: Buffer.from(JSON.stringify(build.manifest)).toString('base64'), base64: true })
  await writeFile(join(outDir, 'kv-bulk.json'), JSON.stringify(bulk))
  for (const line of formatSummary(build.summary)) io.out(line)
  io.out('')
  io.out(`wrote ${join(outDir, 'manifest.json')} and ${join(outDir, 'kv-bulk.json')} (${bulk.length} keys)`)
  return EXIT_OK
}

async function cmdDiff(p: Parsed, io: Io): Promise<number> {
  const kv = storeFor(p, io)
  try {
    const compiled = await compile(mapSetDir(p), p, io)
    if (!compiled) return EXIT_VALIDATION
    const report = diffBuild(compiled.build, await readCurrentManifest(kv))
    for (const line of formatDiff(report)) io.out(line)
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

async function pauseForTest(io: Io): Promise<void> {
  io.out(PAUSE_MARKER)
  // Wait (for the test to kill us); a timer keeps the event loop alive.
  await new Promise((r) => setTimeout(r, 600_000))
}

async function cmdPublish(p: Parsed, io: Io): Promise<number> {
  const kv = storeFor(p, io)
  try {
    const compiled = await compile(mapSetDir(p), p, io)
    if (!compiled) return EXIT_VALIDATION
    for (const line of formatSummary(compiled.build.summary)) io.out(line)
    io.out('')
    const pause = process.env.ALTO_EDGE_TEST_PAUSE_AFTER_BLOBS === '1'
    const result = await publishBuild(kv, compiled.build, {
      keep: keepOption(p, compiled.keep),
      verify: !p.values['no-verify'],
      updates: { window: positiveInt(p, 'updates-window') },
      hooks: pause ? { afterBlobs: () => pauseForTest(io) } : undefined,
      onProgress: p.values.quiet ? undefined : (msg) => io.err(`  ${msg}`),
    })
    if (result.unchanged) io.out(`version ${result.version} is already published (seq ${result.seq}): nothing written`)
    else
      io.out(
        `published version ${result.version} as seq ${result.seq} (previous: ${result.previous ?? 'none'}); ${result.keysWritten} keys, ${formatBytes(result.bytesWritten)} written`,
      )
    printUpdates(result.updates, io)
    if (!result.unchanged) await notifyServer(p, result.updates, io)
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

async function cmdRollback(p: Parsed, io: Io): Promise<number> {
  const kv = storeFor(p, io)
  try {
    const r = await rollback(kv, p.values.to, { updates: { window: positiveInt(p, 'updates-window') } })
    io.out(`rolled back from ${r.previous} to ${r.version} (seq ${r.seq})`)
    printUpdates(r.updates, io)
    await notifyServer(p, r.updates, io)
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

async function cmdPrune(p: Parsed, io: Io): Promise<number> {
  const kv = storeFor(p, io)
  try {
    const r = await prune(kv, keepOption(p, DEFAULT_KEEP))
    io.out(`kept ${r.kept.length} versions (${r.kept.join(', ')}); deleted ${r.manifestsDeleted.length} manifests and ${r.blobKeysDeleted} blob keys`)
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

async function cmdVersions(p: Parsed, io: Io): Promise<number> {
  const kv = storeFor(p, io)
  try {
    const { current, history } = await readPointerAndHistory(kv)
    if (!current) {
      io.out('nothing published')
      return EXIT_OK
    }
    io.out(`current: ${current.version} (seq ${current.seq})`)
    for (const v of history.versions) {
      io.out(`${v.version === current.version ? '*' : ' '} ${String(v.seq).padStart(4)}  ${v.version}  ${v.created}`)
    }
    return EXIT_OK
  } finally {
    await kv.close()
  }
}

async function cmdWatch(p: Parsed, io: Io): Promise<number> {
  const server = p.positionals[1]
  if (!server || p.positionals.length > 2) throw new UsageError('watch takes one server URL')
  const resourceId = p.values.resource
  if (!resourceId) throw new UsageError('watch needs --resource ID (a network map or cost map)')
  const via = p.values.via ?? 'tips'
  if (via !== 'tips' && via !== 'sse') throw new UsageError(`--via must be tips or sse, got ${via}`)
  try {
    await watch({ server, resourceId, via, count: positiveInt(p, 'count'), token: process.env.ALTO_CLIENT_TOKEN }, io.out)
  } catch (e) {
    io.err(`error: ${(e as Error).message}`)
    return EXIT_PUBLISH
  }
  return EXIT_OK
}

const COMMANDS: Record<string, (p: Parsed, io: Io) => Promise<number>> = {
  validate: cmdValidate,
  build: cmdBuild,
  diff: cmdDiff,
  publish: cmdPublish,
  rollback: cmdRollback,
  prune: cmdPrune,
  versions: cmdVersions,
  watch: cmdWatch,
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let parsed: Parsed
  try {
    parsed = parse(argv)
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`)
    return EXIT_USAGE
  }
  const command = parsed.positionals[0]
  if (parsed.values.help || command === undefined || command === 'help') {
    io.out(USAGE)
    return command === undefined && !parsed.values.help ? EXIT_USAGE : EXIT_OK
  }
  const run = COMMANDS[command]
  if (!run) {
    io.err(`unknown command ${command}\n\n${USAGE}`)
    return EXIT_USAGE
  }
  if (command !== 'validate' && command !== 'build' && command !== 'diff' && command !== 'publish' && command !== 'watch' && parsed.positionals.length > 1) {
    io.err(`${command} takes no directory\n\n${USAGE}`)
    return EXIT_USAGE
  }
  try {
    return await run(parsed, io)
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${USAGE}`)
      return EXIT_USAGE
    }
    if (e instanceof PublishError || e instanceof WranglerError) {
      io.err(`error: ${e.message}`)
      return EXIT_PUBLISH
    }
    throw e
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      process.exit(EXIT_PUBLISH)
    },
  )
}
