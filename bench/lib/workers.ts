/**
 * @module Building and running the two Workers for the end-to-end benchmarks: ours (built with
 * `wrangler deploy --dry-run`, KV seeded by the real compiler + publisher) and the naive
 * baseline (bench/naive-worker.ts bundled with esbuild, KV holding the RFC 7285 JSON bodies the
 * same build produced).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'
import { compileMapSet, type Build } from '../../src/compiler/index.ts'
import { publishBuild } from '../../src/compiler/publish.ts'
import { kvStoreFromBinding, type KvNamespaceLike } from '../../src/compiler/kv-binding.ts'
import { readMapSet } from '../../src/cli/read-map-set.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { log } from './harness.ts'

export const WORK_DIR = 'bench/.work'
const BIN = 'node_modules/.bin'
const COMPATIBILITY_DATE = /compatibility_date\s*=\s*"([^"]+)"/.exec(
  readFileSync('wrangler.toml', 'utf8')
)![1]
const KV_NAMESPACE_ID = /id\s*=\s*"([^"]+)"/.exec(readFileSync('wrangler.toml', 'utf8'))![1]

export function buildOurWorker(): string {
  const outdir = join(WORK_DIR, 'dist')
  execFileSync(join(BIN, 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
    stdio: 'ignore',
  })
  return join(outdir, 'index.js')
}

export function buildNaiveWorker(): string {
  const out = join(WORK_DIR, 'naive', 'index.js')
  execFileSync(join(BIN, 'esbuild'), [
    'bench/naive-worker.ts',
    '--bundle',
    '--format=esm',
    `--outfile=${out}`,
    '--log-level=warning',
  ])
  return out
}

/** Compiles a map set directory with the real compiler. */
export async function compileDir(dir: string): Promise<{ build: Build; seconds: number }> {
  const t0 = performance.now()
  const result = await compileMapSet(await readMapSet(dir), {
    onProgress: (m) => log(`compile: ${m}`),
  })
  if (!result.ok)
    throw new Error(`map set ${dir} does not compile: ${JSON.stringify(result.errors.slice(0, 3))}`)
  return { build: result.build, seconds: (performance.now() - t0) / 1000 }
}

/** Makes sure maps/asn/generated exists (scripts/gen-asn-map.ts, ~5 s). */
export function ensureAsnMap(): void {
  // property-map.json: maps generated before the RFC 9240 property map lack it.
  if (
    !existsSync('maps/asn/generated/prefixes.csv') ||
    !existsSync('maps/asn/generated/property-map.json')
  ) {
    execFileSync(process.execPath, ['scripts/gen-asn-map.ts'], { stdio: 'inherit' })
  }
}

export interface RunningWorker {
  mf: Miniflare
  url: string
  fetch(
    path: string,
    init?: RequestInit
  ): Promise<{ status: number; body: Uint8Array; etag: string | null }>
}

export async function startWorker(opts: {
  name: string
  scriptPath: string
  kvBinding: string
  persistTo?: string
  /** Enables workerd's V8 inspector (0 = any free port; see bench/lib/isolate-memory.ts). */
  inspectorPort?: number
}): Promise<RunningWorker> {
  if (opts.persistTo) mkdirSync(opts.persistTo, { recursive: true })
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...(opts.persistTo ? { resourcePersistencePath: opts.persistTo } : {}),
      ...(opts.inspectorPort !== undefined ? { inspectorPort: opts.inspectorPort } : {}),
      workers: [
        {
          name: opts.name,
          modules: true,
          scriptPath: opts.scriptPath,
          compatibilityDate: COMPATIBILITY_DATE,
          kvNamespaces: { [opts.kvBinding]: KV_NAMESPACE_ID },
          bindings: { ALTO_MAX_AGE: '60' },
        },
      ],
    } as never)
  )
  const url = String(await mf.ready)
  return {
    mf,
    url,
    async fetch(path, init) {
      const res = await mf.dispatchFetch(
        new URL(path, 'http://alto.bench').toString(),
        init as never
      )
      const body = new Uint8Array(await res.arrayBuffer())
      return { status: res.status, body, etag: res.headers.get('etag') }
    },
  }
}

export async function seedOurs(w: RunningWorker, build: Build): Promise<Manifest> {
  const kv = (await w.mf.getKVNamespace('ALTO_KV')) as unknown as KvNamespaceLike
  const result = await publishBuild(kvStoreFromBinding(kv), build, { verify: false })
  log(
    `published version ${result.version}: ${result.keysWritten} keys, ${result.bytesWritten} bytes`
  )
  return build.manifest
}

/** Whole bytes of a blob of the build (by its manifest reference). */
export function blobBytes(build: Build, sha256: string): Uint8Array {
  const b = build.blobs.get(sha256)
  if (!b) throw new Error(`blob ${sha256} missing from the build`)
  return b
}

/** Workers KV's largest value (25 MiB). */
const NAIVE_KV_VALUE_LIMIT = 25 * 1024 * 1024

/** Seeds the naive Worker's KV with the RFC 7285 JSON bodies of the build. */
export async function seedNaive(w: RunningWorker, build: Build): Promise<void> {
  const kv = (await w.mf.getKVNamespace('NAIVE_KV')) as unknown as KvNamespaceLike
  const m = build.manifest
  for (const [id, nm] of Object.entries(m['network-maps'])) {
    await kv.put(`networkmap/${id}`, blobBytes(build, nm.json.sha256))
  }
  for (const cm of Object.values(m['cost-maps'])) {
    const bytes = blobBytes(build, cm.json.sha256)
    // KV's value limit (25 MiB): the naive Worker has no chunking, and the rows compare the
    // routingcost maps only. The ASN map's lossrate map JSON (27 MB) is left out of its KV.
    if (bytes.byteLength > NAIVE_KV_VALUE_LIMIT) {
      log(
        `naive KV: ${cm['cost-type-name']} of ${cm['network-map']} (${bytes.byteLength} B) skipped`
      )
      continue
    }
    await kv.put(`costmap/${cm['network-map']}/${cm['cost-type-name']}`, bytes)
  }
}

/** Peak and current RSS (kB) of the workerd processes that are children of this process. */
export function workerdMemoryKb(): { peakKb: number; rssKb: number } {
  let peakKb = 0
  let rssKb = 0
  try {
    const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
      encoding: 'utf8',
    })
    for (const line of out.trim().split('\n')) {
      const [pid, comm] = line.trim().split(/\s+/)
      if (!comm?.startsWith('workerd')) continue
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      peakKb += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    }
  } catch {
    // ps or /proc unavailable: report zeros
  }
  return { peakKb, rssKb }
}
