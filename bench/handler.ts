/**
 * @module Benchmark 6 (issue #10): CPU of the handler itself. The real hono app
 * (src/worker/app.ts) runs in-process in Node 22: its KV binding is held in memory
 * (bench/lib/memory-platform.ts) and filled by the real compiler + publisher (compileMapSet,
 * publishBuild through kvStoreFromBinding) from maps/ with the generated ASN map, the Cache API
 * is shimmed (`globalThis.caches`), and `cloudflare:workers` is resolved to a stub
 * (bench/lib/cloudflare-workers-stub.ts). What is timed is `app.fetch` + reading the response
 * body, CPU (`process.cpuUsage`, user + system) and wall time over many sequential requests
 * after a warm-up (tables decoded and cached, as in a warm isolate), median of the runs.
 *
 * Phases come from the handler's own marks (src/worker/phases.ts, a no-op when no hook is set):
 * read+parse (body read, JSON parse), validate (schema, addresses, cost type), lookup (tables,
 * LPM, costs), serialise (the response text); "other" is the rest (routing, middleware, version,
 * Response). Phases are CPU time too (`process.cpuUsage` at each mark, about 0.3 µs a call).
 * The machine is shared: a row is the LOWEST CPU per request of the runs (interference only ever
 * adds time), phases are each the lowest of the runs, the median is in the note.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseMultipart } from '@remix-run/multipart-parser'
import { resourceIds, resourcePaths } from '../src/alto/resources.ts'
import type { Phase } from '../src/worker/phases.ts'
import { loadAsnMap, type AsnMapData } from './lib/asn-map-data.ts'
import { loadInProcessWorker } from './lib/in-process.ts'
import { type BenchResult, SEED, log, lowerIsBetter, median, mulberry32 } from './lib/harness.ts'
import { MemoryKv, memoryExecutionContext } from './lib/memory-platform.ts'

const NM = 'asn-network-map'
const COST_TYPE = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const ORIGIN = 'http://alto.bench'
const PM = 'asn-property-map'
const ACCEPT = ['endpointcost', 'costmap', 'endpointprop', 'networkmap', 'propmap', 'error']
  .map((t) => `application/alto-${t}+json`)
  .join(',')
const PHASES: readonly (Phase | 'other')[] = [
  'read+parse',
  'validate',
  'lookup',
  'serialise',
  'other',
]

interface Row {
  name: string
  target?: number
  path: string
  init: RequestInit
  status: number
  /** Run with edge signing on (issue 11: the signature cost of an edge answer). */
  signed?: boolean
  /** Checks the answer once before anything is timed (throws when it is wrong). */
  check?: (body: string) => void
}

const formatV4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
const maskOf = (len: number) => (len <= 0 ? 0 : len >= 32 ? 0xffffffff : (~0 << (32 - len)) >>> 0)

/** Seeded addresses inside the ASN map's prefixes (IPv4 `ipv4:…`, IPv6 `ipv6:…`). */
function addressMaker(asn: AsnMapData, seed: number) {
  const rand = mulberry32(seed)
  const v4 = () => {
    const p = asn.v4[1 + (rand() % (asn.v4.length - 1))]
    return `ipv4:${formatV4(((p.addr & maskOf(p.len)) | (rand() & ~maskOf(p.len))) >>> 0)}`
  }
  const v6 = () => {
    const p = asn.v6[1 + (rand() % (asn.v6.length - 1))]
    const words = p.words.map((w, k) => {
      const m = maskOf(p.len - 32 * k)
      return ((w & m) | (rand() & ~m)) >>> 0
    })
    const groups: string[] = []
    for (const w of words) groups.push((w >>> 16).toString(16), (w & 0xffff).toString(16))
    return `ipv6:${groups.join(':')}`
  }
  return { v4, v6, mixed: () => (rand() & 1 ? v4() : v6()), rand }
}

const post = (type: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': `application/alto-${type}+json`, accept: ACCEPT },
  body: JSON.stringify(body),
})

/**
 * The IPv4 `.asn` / `.country` of the generated property map, read from its CSV: the prefixes are
 * disjoint (trimmed ranges split into CIDRs), so a naive lookup tries each length in turn.
 */
function propertyReference(): (ip: number) => { '.asn'?: string; '.country'?: string } {
  const byPrefix = new Map<string, { '.asn'?: string; '.country'?: string }>()
  const text = readFileSync('maps/asn/generated/property-prefixes.csv', 'utf8')
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('prefix,') || line.includes(':'))
      continue
    const [prefix, name, value] = line.split(',')
    const rec = byPrefix.get(prefix) ?? byPrefix.set(prefix, {}).get(prefix)!
    rec[name as '.asn' | '.country'] = value
  }
  return (ip) => {
    for (let len = 32; len >= 0; len--) {
      const rec = byPrefix.get(`${formatV4((ip & maskOf(len)) >>> 0)}/${len}`)
      if (rec) return rec
    }
    return {}
  }
}

/** Filtered property map (RFC 9240 §8) for 1,000 IPv4 addresses; checked against the CSV. */
function propertyMapRow(make: ReturnType<typeof addressMaker>): Row {
  const entities = Array.from({ length: 1000 }, make.v4)
  return {
    name: 'filtered property map 1,000 entities (IPv4, .asn + .country)',
    path: resourcePaths.filteredPropertyMap(PM),
    init: post('propmapparams', { entities, properties: ['.asn', '.country'] }),
    status: 200,
    check: (body) => {
      const ref = propertyReference()
      const map = (JSON.parse(body) as { 'property-map': Record<string, unknown> })['property-map']
      for (const e of new Set(entities)) {
        const ip = e
          .slice(5)
          .split('.')
          .reduce((a, o) => a * 256 + Number(o), 0)
        const want = ref(ip)
        const got = map[e] ?? {}
        if (JSON.stringify(got) !== JSON.stringify(want))
          throw new Error(
            `property map: ${e} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`
          )
      }
    },
  }
}

/**
 * RFC 9275 §7.3 multipart endpoint cost (path vectors) 1×100 on the example map's path table
 * (maps/example/path-vectors.json: PID1 → PID2 crosses ANE1; the ASN map has no path-vector
 * source yet). The answer is parsed with the tests' multipart parser and checked before timing.
 */
function pathVectorRow(): Row {
  const dsts = Array.from({ length: 100 }, (_, i) => `ipv4:198.51.100.${128 + i}`)
  const src = 'ipv4:192.0.2.2'
  return {
    name: 'path-vector endpoint cost 1×100',
    path: resourcePaths.pathVectorEndpointCost('rfc-example-network-map'),
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/alto-endpointcostparams+json',
        accept: 'multipart/related, application/alto-error+json',
      },
      body: JSON.stringify({
        'cost-type': { 'cost-mode': 'array', 'cost-metric': 'ane-path' },
        endpoints: { srcs: [src], dsts },
        'ane-property-names': ['max-reservable-bandwidth'],
      }),
    },
    status: 200,
    check: (body) => {
      // The body opens with its first delimiter line, `--<boundary>` (RFC 2046 §5.1.1).
      const boundary = body.slice(2, body.indexOf('\r\n'))
      const parts = [...parseMultipart(new TextEncoder().encode(body), { boundary })]
      if (parts.length !== 2) throw new Error(`path vector: ${parts.length} parts, expected 2`)
      const ecs = JSON.parse(parts[0].text) as {
        'endpoint-cost-map': Record<string, Record<string, string[]>>
      }
      const row = ecs['endpoint-cost-map'][src] ?? {}
      for (const d of dsts)
        if (JSON.stringify(row[d]) !== '["ANE1"]')
          throw new Error(
            `path vector: ${src} → ${d} is ${JSON.stringify(row[d])}, expected ["ANE1"]`
          )
      const props = JSON.parse(parts[1].text) as { 'property-map': unknown }
      const want = { '.ane:ANE1': { 'max-reservable-bandwidth': 100000000 } }
      if (JSON.stringify(props['property-map']) !== JSON.stringify(want))
        throw new Error(`path vector: property part ${JSON.stringify(props['property-map'])}`)
    },
  }
}

export function rows(asn: AsnMapData, etag: string): Row[] {
  const make = addressMaker(asn, SEED + 10)
  const ecs = (family: 'v4' | 'v6' | 'mixed', n: number, target?: number): Row => ({
    name: `endpoint cost 1x${n.toLocaleString('en')} (${family === 'mixed' ? 'mixed' : family === 'v4' ? 'IPv4' : 'IPv6'})`,
    target,
    path: resourcePaths.endpointCost(NM),
    init: post('endpointcostparams', {
      'cost-type': COST_TYPE,
      endpoints: {
        srcs: [make[family]()],
        dsts: Array.from({ length: n }, () => make[family]()),
      },
    }),
    status: 200,
  })
  const pids = asn.pids.filter((p) => p !== 'default')
  const pick = (n: number) => Array.from({ length: n }, () => pids[make.rand() % pids.length])
  return [
    ecs('v4', 1000, 500),
    { ...ecs('v4', 1000), name: 'endpoint cost 1x1,000 (IPv4), signed (Ed25519)', signed: true },
    ecs('v6', 1000, 500),
    ecs('mixed', 1000, 500),
    ecs('v4', 5000, 2000),
    ecs('v6', 5000, 2000),
    ecs('mixed', 5000, 2000),
    {
      name: 'endpoint property 1,000 (IPv4, pid)',
      target: 500,
      path: resourcePaths.endpointProperty,
      init: post('endpointpropparams', {
        properties: [`${NM}.pid`],
        endpoints: Array.from({ length: 1000 }, make.v4),
      }),
      status: 200,
    },
    propertyMapRow(make),
    pathVectorRow(),
    {
      name: 'filtered cost map 100x100',
      target: 1000,
      path: resourcePaths.filteredCostMap(NM),
      init: post('costmapfilter', {
        'cost-type': COST_TYPE,
        pids: { srcs: pick(100), dsts: pick(100) },
      }),
      status: 200,
    },
    {
      name: 'filtered network map 10 PIDs',
      path: resourcePaths.filteredNetworkMap(NM),
      init: post('networkmapfilter', { pids: pick(10) }),
      status: 200,
    },
    {
      name: 'IRD (GET /)',
      path: '/',
      init: { headers: { accept: 'application/alto-directory+json' } },
      status: 200,
    },
    {
      name: '304 revalidation (network map, If-None-Match)',
      path: resourcePaths.networkMap(NM),
      init: { headers: { accept: 'application/alto-networkmap+json', 'if-none-match': etag } },
      status: 304,
    },
  ]
}

export interface HandlerBenchOptions {
  quick: boolean
  /** Only the rows whose name contains this (profiling one row). */
  only?: string
  /** Write a V8 CPU profile of the timed runs (warm-up excluded) to this .cpuprofile file. */
  profile?: string
}

export async function benchHandler(opts: HandlerBenchOptions): Promise<BenchResult[]> {
  const { kvStoreFromBinding, publishBuild, app } = await loadInProcessWorker()
  const { compileDir, ensureAsnMap } = await import('./lib/workers.ts')
  const { setPhaseHook } = await import('../src/worker/phases.ts')
  ensureAsnMap()
  const asn = loadAsnMap()
  const { build } = await compileDir('maps')
  const kv = new MemoryKv()
  await publishBuild(kvStoreFromBinding(kv as never), build, { verify: false })
  log(
    `handler: published ${kv.store.size} keys in memory; JS heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB used`
  )
  const env = { ALTO_KV: kv, ALTO_AUTH: 'off', ALTO_RATE_LIMIT: 'off', ALTO_MAX_AGE: '60' }
  // Edge signing (src/worker/middleware/signing.ts) for the signed rows: a fresh Ed25519 key.
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const signingKey = { ...(await crypto.subtle.exportKey('jwk', pair.privateKey)), kid: 'bench' }
  const signedEnv = {
    ...env,
    ALTO_SIGNING: 'on',
    ALTO_SIGNATURE_TTL: '300',
    ALTO_SIGNING_KEY: JSON.stringify(signingKey),
  }
  const ctx = memoryExecutionContext()
  /**
   * The row's request, made before the clock starts: in workerd the runtime builds the Request
   * (and its body stream) before the handler runs, so it is not the handler's CPU. The body is
   * given as UTF-8 bytes, as a request body arrives.
   */
  const encoded = new Map<Row, RequestInit>()
  const request = (row: Row): Request => {
    let init = encoded.get(row)
    if (!init) {
      const body = row.init.body
      init =
        typeof body === 'string' ? { ...row.init, body: new TextEncoder().encode(body) } : row.init
      encoded.set(row, init)
    }
    return new Request(ORIGIN + row.path, init)
  }
  const call = async (row: Row, req: Request = request(row)): Promise<number> => {
    const res = await app.fetch(req, (row.signed ? signedEnv : env) as never, ctx)
    const body = await res.arrayBuffer()
    if (res.status !== row.status)
      throw new Error(
        `${row.name}: HTTP ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`
      )
    if (!!row.signed !== !!res.headers.get('Signature'))
      throw new Error(
        `${row.name}: signed ${!!row.signed}, Signature header ${res.headers.get('Signature')}`
      )
    return body.byteLength
  }
  const nmRes = await app.fetch(
    new Request(ORIGIN + resourcePaths.networkMap(NM), { headers: { accept: ACCEPT } }),
    env as never,
    ctx
  )
  const etag = nmRes.headers.get('etag')!
  await nmRes.arrayBuffer()
  if (nmRes.status !== 200) throw new Error(`network map GET: HTTP ${nmRes.status}`)

  // Phase accounting: each mark charges the time since the previous mark to its phase.
  const phaseUs = new Map<string, number>()
  let last = 0
  const cpuNow = () => {
    const u = process.cpuUsage()
    return u.user + u.system
  }
  setPhaseHook((phase) => {
    const now = cpuNow()
    phaseUs.set(phase, (phaseUs.get(phase) ?? 0) + (now - last))
    last = now
  })

  const runs = opts.quick ? 3 : 7
  const budgetMs = opts.quick ? 150 : 400
  const results: BenchResult[] = []
  try {
    for (const row of rows(asn, etag).filter((r) => !opts.only || r.name.includes(opts.only!))) {
      if (row.check) {
        const res = await app.fetch(new Request(ORIGIN + row.path, row.init), env as never, ctx)
        const text = await res.text()
        if (res.status !== row.status)
          throw new Error(`${row.name}: HTTP ${res.status} ${text.slice(0, 300)}`)
        row.check(text)
        log(`handler ${row.name}: answer checked`)
      }
      let bytes = 0
      for (let i = 0; i < 20; i++) bytes = await call(row)
      await ctx.settle()
      // Requests per run: about budgetMs of work.
      const t0 = performance.now()
      for (let i = 0; i < 10; i++) await call(row)
      const count = Math.max(20, Math.round((budgetMs / (performance.now() - t0)) * 10))
      const cpu: number[] = []
      const wall: number[] = []
      const phaseRuns = new Map<string, number[]>()
      const profiler = opts.profile ? await startProfiler() : null
      for (let r = 0; r < runs; r++) {
        phaseUs.clear()
        let marked = 0
        const requests = Array.from({ length: count }, () => request(row))
        const c0 = process.cpuUsage()
        const w0 = performance.now()
        for (let i = 0; i < count; i++) {
          const start = (last = cpuNow())
          await call(row, requests[i])
          marked += cpuNow() - start
        }
        const w = performance.now() - w0
        const c = process.cpuUsage(c0)
        cpu.push((c.user + c.system) / count)
        wall.push((w * 1e3) / count)
        let phased = 0
        for (const p of PHASES) {
          if (p === 'other') continue
          const v = (phaseUs.get(p) ?? 0) / count
          phased += v
          ;(phaseRuns.get(p) ?? phaseRuns.set(p, []).get(p)!).push(v)
        }
        ;(phaseRuns.get('other') ?? phaseRuns.set('other', []).get('other')!).push(
          marked / count - phased
        )
        await ctx.settle()
      }
      if (profiler) await profiler.stop(opts.profile!)
      const cpuUs = Math.min(...cpu)
      const breakdown = PHASES.map(
        (p) => `${p} ${Math.min(...(phaseRuns.get(p) ?? [0])).toFixed(0)}`
      )
      log(
        `handler ${row.name}: ${cpuUs.toFixed(0)} µs CPU, ${median(wall).toFixed(0)} µs wall; ${breakdown.join(', ')}`
      )
      results.push(
        lowerIsBetter(`Handler CPU: ${row.name}`, 'µs/request', cpuUs, null, null, {
          ...(row.target === undefined
            ? {}
            : { target: `≤ ${row.target} µs CPU`, meets: cpuUs <= row.target }),
          note: `median ${median(cpu).toFixed(0)} µs CPU, ${median(wall).toFixed(0)} µs wall; phases (µs) ${breakdown.join(', ')}; ${bytes} B answer; ${count}×${runs} requests`,
        })
      )
    }
  } finally {
    setPhaseHook(null)
  }
  return results
}

/** A V8 CPU profile through node:inspector (sampling every 50 µs), written as a .cpuprofile. */
async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  await session.post('Profiler.start')
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
      log(`handler: CPU profile of the timed runs written to ${file}`)
    },
  }
}

// Run alone: node bench/handler.ts [--quick] [--row=<substring>] [--profile=<file.cpuprofile>]
// [--json=<file>] (the results as JSON: how bench/run.ts runs this section in a process of its
// own, see runHandlerSection).
if (import.meta.main) {
  const { formatTable } = await import('./lib/harness.ts')
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
  const results = await benchHandler({
    quick: process.argv.includes('--quick'),
    only: arg('row'),
    profile: arg('profile'),
  })
  const json = arg('json')
  if (json) writeFileSync(json, JSON.stringify(results))
  else console.log(formatTable(results))
}

/**
 * The handler section as bench/run.ts runs it: in a fresh Node process, so that the handler's
 * heap holds what a Worker isolate holds (its tables and caches) and not what the earlier
 * sections left behind. In one process with them (the LPM section's million strings, the load
 * and scale sections' maps), the same rows took 20–40 % more CPU: V8's collector works in
 * proportion to the live heap, which an isolate (≤ 128 MB) never has at that size.
 */
export async function runHandlerSection(opts: { quick: boolean }): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'alto-edge-bench-'))
  const out = join(dir, 'handler.json')
  try {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), `--json=${out}`, ...(opts.quick ? ['--quick'] : [])],
      { stdio: ['ignore', 'inherit', 'inherit'] }
    )
    if (r.status !== 0) throw new Error(`bench/handler.ts exited with ${r.status ?? r.signal}`)
    return JSON.parse(readFileSync(out, 'utf8')) as BenchResult[]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
