/**
 * @module Benchmark 4 (issue #4): a synthetic 2,500-PID cost map (6.25M entries). Generates a
 * map set under bench/.work/scale (native format: 2,499 PIDs with one /20 each + `default`;
 * costs.csv with seeded integer costs 1..250), compiles it with the real compiler (build time,
 * KV bytes), then serves it from our Worker in workerd: time for the full cost map and a
 * 100x100 filtered cost map, and the workerd process's peak RSS while serving.
 *
 * Memory, two ways. (1) The Worker runs in a fresh Miniflare instance over the persisted KV
 * (seeded by a previous instance); the workerd process's peak RSS is runtime + KV simulator +
 * Cache simulator + our isolate while serving, an upper bound of the isolate's memory.
 * (2) The isolate itself (the Workers limit is 128 MB per isolate): further fresh instances with
 * the V8 inspector enabled, polled with `Runtime.getHeapUsage` while the same requests run
 * (bench/lib/isolate-memory.ts says what the figures include). The edge cache is emptied before
 * each of them, so the first full-map GET is the KV-streaming path (cache miss: checksum
 * TransformStream + `tee` into `cache.put`) and the second one a cache hit. One instance samples
 * as is (live objects + uncollected garbage), one forces a full GC before every sample (live only).
 * The endpoint cost 1 x 1,000 request on the large ASN map is measured the same way over the KV
 * state of the e2e benchmark (seeded here if missing).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { resourceIds, resourcePaths } from '../src/alto/resources.ts'
import { PERSIST_DIR as E2E_PERSIST_DIR, e2eRequests } from './e2e.ts'
import {
  type BenchResult,
  SEED,
  log,
  lowerIsBetter,
  mulberry32,
  skipped,
  timeAsync,
} from './lib/harness.ts'
import { type MeasuredCall, connectIsolateInspector, isolateBytes } from './lib/isolate-memory.ts'
import {
  WORK_DIR,
  buildOurWorker,
  compileDir,
  ensureAsnMap,
  seedOurs,
  startWorker,
  workerdMemoryKb,
} from './lib/workers.ts'

const SCALE_PIDS = 2500
const NM = 'scale-network-map'
const DIR = join(WORK_DIR, 'scale')

const pidName = (i: number) => (i === SCALE_PIDS - 1 ? 'default' : `p${String(i).padStart(4, '0')}`)

/** Writes the synthetic map set; deterministic. */
export function writeScaleMapSet(dir = DIR): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'alto-edge.json'),
    JSON.stringify({
      'default-network-map': NM,
      history: { keep: 2 },
      'network-maps': [{ file: 'network-map.json' }],
      'cost-maps': [{ file: 'cost.json' }],
      'endpoint-properties': [],
    })
  )
  const pids: Record<string, { ipv4: string[]; ipv6?: string[] }> = {}
  for (let i = 0; i < SCALE_PIDS - 1; i++) {
    const base = (10 << 24) + i * 4096 // 10.0.0.0 onwards, one /20 each
    pids[pidName(i)] = {
      ipv4: [`${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.0/20`],
    }
  }
  pids.default = { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] }
  writeFileSync(join(dir, 'network-map.json'), JSON.stringify({ 'resource-id': NM, pids }))
  writeFileSync(
    join(dir, 'cost.json'),
    JSON.stringify({
      'network-map': NM,
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      'cost-csv': ['costs.csv'],
    })
  )
  const rand = mulberry32(SEED + 25)
  const fd = openSync(join(dir, 'costs.csv'), 'w')
  try {
    writeSync(fd, 'src,dst,cost\n')
    for (let s = 0; s < SCALE_PIDS; s++) {
      let row = ''
      for (let d = 0; d < SCALE_PIDS; d++)
        row += `${pidName(s)},${pidName(d)},${s === d ? 0 : 1 + (rand() % 250)}\n`
      writeSync(fd, row)
    }
  } finally {
    closeSync(fd)
  }
}

export async function benchScale(opts: { quick: boolean }): Promise<BenchResult[]> {
  const runs = opts.quick ? { warmup: 1, runs: 3 } : { warmup: 1, runs: 5 }
  log(`writing the ${SCALE_PIDS}-PID map set`)
  writeScaleMapSet()
  const script = buildOurWorker()
  const { build, seconds } = await compileDir(DIR)
  const cm = build.manifest['cost-maps'][resourceIds.costMap(NM, 'num-routingcost')]
  if (!cm) throw new Error('scale cost map missing from the manifest')
  const nm = build.manifest['network-maps'][NM]
  const kvBytes =
    cm.matrix.bytes + nm.pids.bytes + (nm['lpm-v4']?.bytes ?? 0) + (nm['lpm-v6']?.bytes ?? 0)
  log(
    `compiled in ${seconds.toFixed(1)} s; matrix ${cm.matrix.bytes} B, JSON ${cm.json.bytes} B (${cm.json.chunks} chunks)`
  )

  const persist = join(WORK_DIR, 'scale-state')
  rmSync(persist, { recursive: true, force: true })
  const seeder = await startWorker({
    name: 'alto-edge',
    scriptPath: script,
    kvBinding: 'ALTO_KV',
    persistTo: persist,
  })
  try {
    await seedOurs(seeder, build)
  } finally {
    await seeder.mf.dispose()
  }

  const rand = mulberry32(SEED + 100)
  const pick = () => Array.from({ length: 100 }, () => pidName(rand() % (SCALE_PIDS - 1)))
  const filtered: RequestInit = {
    method: 'POST',
    headers: {
      'content-type': 'application/alto-costmapfilter+json',
      accept: 'application/alto-costmap+json,application/alto-error+json',
    },
    body: JSON.stringify({
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      pids: { srcs: pick(), dsts: pick() },
    }),
  }
  const fullPath = resourcePaths.costMap(resourceIds.costMap(NM, 'num-routingcost'))
  // Issue 10: the whole map through the filtered service — without constraints the prebuilt
  // full map, with one (every cost satisfies it) all 6.25 M pairs computed and streamed.
  const filteredAll = (constraints?: string[]): RequestInit => ({
    ...filtered,
    body: JSON.stringify({
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      ...(constraints ? { constraints } : {}),
    }),
  })

  const w = await startWorker({
    name: 'alto-edge',
    scriptPath: script,
    kvBinding: 'ALTO_KV',
    persistTo: persist,
  })
  const results: BenchResult[] = []
  try {
    const before = workerdMemoryKb()
    const filt = await timeAsync(async () => {
      const r = await w.fetch(resourcePaths.filteredCostMap(NM), filtered)
      if (r.status !== 200)
        throw new Error(
          `filtered cost map: HTTP ${r.status} ${new TextDecoder().decode(r.body).slice(0, 200)}`
        )
    }, runs)
    const afterFiltered = workerdMemoryKb()
    let streamedBytes = 0
    const streamed = await timeAsync(async () => {
      const r = await w.fetch(resourcePaths.filteredCostMap(NM), filteredAll(['ge 0']))
      if (r.status !== 200) throw new Error(`filtered all pairs: HTTP ${r.status}`)
      streamedBytes = r.body.byteLength
    }, runs)
    let fullBytes = 0
    const full = await timeAsync(async () => {
      const r = await w.fetch(fullPath)
      if (r.status !== 200) throw new Error(`full cost map: HTTP ${r.status}`)
      fullBytes = r.body.byteLength
    }, runs)
    const after = workerdMemoryKb()
    const peakMb = after.peakKb / 1024
    log(`workerd RSS before ${before.rssKb} kB, peak while serving ${after.peakKb} kB`)
    results.push(
      lowerIsBetter('Scale 2,500 PIDs: compile (build) time', 's', seconds, null, null, {
        note: '6.25M cost entries',
      }),
      lowerIsBetter(
        'Scale 2,500 PIDs: KV bytes (tables)',
        'bytes',
        kvBytes,
        cm.json.bytes,
        'RFC 7285 cost map JSON',
        {
          note: `matrix ${cm.matrix.bytes} B; JSON body also stored: ${cm.json.chunks} chunks`,
        }
      ),
      lowerIsBetter(
        'Scale 2,500 PIDs: full cost map (GET)',
        'ms/request',
        full.medianNs / 1e6,
        null,
        null,
        { note: `${fullBytes} B body` }
      ),
      lowerIsBetter(
        'Scale 2,500 PIDs: filtered cost map 100x100',
        'ms/request',
        filt.medianNs / 1e6,
        null,
        null
      ),
      lowerIsBetter(
        'Scale 2,500 PIDs: filtered all 6.25M pairs + constraint (streamed)',
        'ms/request',
        streamed.medianNs / 1e6,
        null,
        null,
        { note: `${streamedBytes} B body (refused before issue 10: 400 "2500×2500 pairs")` }
      ),
      lowerIsBetter(
        'Scale 2,500 PIDs: workerd peak RSS, filtered only',
        'MB',
        afterFiltered.peakKb / 1024,
        null,
        null,
        {
          target: '<128 MB',
          meets: afterFiltered.peakKb / 1024 < 128,
          note: 'process-wide, after the 100x100 requests',
        }
      ),
      lowerIsBetter(
        'Scale 2,500 PIDs: workerd peak RSS, + streamed filtered + full map',
        'MB',
        peakMb,
        null,
        null,
        {
          target: '<128 MB',
          meets: peakMb < 128,
          note: `process-wide (runtime + KV simulator + isolate); before serving ${(before.rssKb / 1024).toFixed(0)} MB`,
        }
      )
    )
  } finally {
    await w.mf.dispose()
  }

  // The isolate's own memory: same requests, fresh instances with the inspector on.
  const scenarios: IsolateScenario[] = [
    {
      label: 'filtered 100x100, 1st request',
      path: resourcePaths.filteredCostMap(NM),
      init: filtered,
    },
    {
      label: 'filtered 100x100, 2nd request',
      path: resourcePaths.filteredCostMap(NM),
      init: filtered,
    },
    { label: 'full map, cache miss', path: fullPath },
    { label: 'full map, cache hit', path: fullPath },
    {
      label: 'filtered, all pairs + constraint (streamed)',
      path: resourcePaths.filteredCostMap(NM),
      init: filteredAll(['ge 0']),
    },
    {
      label: 'filtered, no pids (prebuilt full map)',
      path: resourcePaths.filteredCostMap(NM),
      init: filteredAll(),
    },
  ]
  const sampled = await measureIsolate(script, persist, scenarios, {
    gcEachSample: false,
    emptyCache: true,
  })
  const live = await measureIsolate(script, persist, scenarios, {
    gcEachSample: true,
    emptyCache: true,
  })
  const row = (name: string, indexes: number[], what: string): BenchResult => {
    const worst = indexes
      .map((i) => sampled[i])
      .reduce((a, b) => (isolateBytes(b.peak) > isolateBytes(a.peak) ? b : a))
    const liveMax = Math.max(...indexes.map((i) => isolateBytes(live[i].peak)))
    const peak = isolateBytes(worst.peak) / MiB
    return lowerIsBetter(name, 'MB', peak, null, null, {
      target: '<128 MB',
      meets: peak < 128,
      note: `${what}; ${describePeak(worst)}; live only (GC before each sample) ${mib(liveMax)} MB`,
    })
  }
  results.push(
    row('Scale 2,500 PIDs: isolate peak, filtered 100x100', [0, 1], '1st + 2nd request'),
    row(
      'Scale 2,500 PIDs: isolate peak, full map GET (KV stream)',
      [2],
      'cache miss: KV chunks, checksum stream, tee to cache.put'
    ),
    row(
      'Scale 2,500 PIDs: isolate peak, full map GET (edge cache hit)',
      [3],
      'body streamed from the Cache API'
    ),
    row(
      'Scale 2,500 PIDs: isolate peak, filtered all 6.25M pairs + constraint (streamed)',
      [4],
      'rows written and streamed as the client reads'
    ),
    row(
      'Scale 2,500 PIDs: isolate peak, filtered without pids (prebuilt full map)',
      [5],
      'the full map blob, as GET'
    )
  )
  try {
    results.push(await isolateEndpointCostRow(script))
  } catch (e) {
    results.push(
      skipped('ASN map: isolate peak, endpoint cost 1x1,000', (e as Error).message.split('\n')[0])
    )
  }
  return results
}

const MiB = 1024 * 1024
const mib = (bytes: number) => (bytes / MiB).toFixed(1)

function describePeak(m: MeasuredCall<unknown>): string {
  return (
    `peak = JS heap ${mib(m.peak.usedSize)} + ArrayBuffers ${mib(m.peak.backingStorageSize)} MB ` +
    `(cppgc heap ${mib(m.peakEmbedderBytes)} MB not included); before ${mib(isolateBytes(m.before))} MB after GC, ` +
    `retained after GC ${mib(isolateBytes(m.retained))} MB; ${m.samples} samples, longest gap ${m.maxGapMs.toFixed(0)} ms`
  )
}

interface IsolateScenario {
  label: string
  path: string
  init?: RequestInit
}

type MeasuredFetch = MeasuredCall<{ status: number; body: Uint8Array }>

/**
 * Runs the scenarios in order in one fresh Miniflare instance with the V8 inspector on, each
 * measured by bench/lib/isolate-memory.ts (a full GC first; `GET /` pumps workerd's GC task).
 */
async function measureIsolate(
  script: string,
  persistTo: string,
  scenarios: readonly IsolateScenario[],
  opts: { gcEachSample: boolean; emptyCache: boolean }
): Promise<MeasuredFetch[]> {
  if (opts.emptyCache) rmSync(join(persistTo, 'cache'), { recursive: true, force: true })
  const w = await startWorker({
    name: 'alto-edge',
    scriptPath: script,
    kvBinding: 'ALTO_KV',
    persistTo,
    inspectorPort: 0,
  })
  try {
    const inspector = await connectIsolateInspector(w.mf, 'alto-edge')
    try {
      const out: MeasuredFetch[] = []
      for (const s of scenarios) {
        const m = await inspector.measure(
          () => w.fetch(s.path, s.init),
          () => w.fetch('/'),
          { gcEachSample: opts.gcEachSample }
        )
        if (m.result.status !== 200) throw new Error(`${s.label}: HTTP ${m.result.status}`)
        log(
          `isolate${opts.gcEachSample ? ' (live)' : ''}, ${s.label}: ${mib(isolateBytes(m.peak))} MB peak; ${describePeak(m)}`
        )
        out.push(m)
      }
      return out
    } finally {
      inspector.close()
    }
  } finally {
    await w.mf.dispose()
  }
}

/** Endpoint cost 1 x 1,000 on the large ASN map, over the e2e benchmark's KV state. */
async function isolateEndpointCostRow(script: string): Promise<BenchResult> {
  ensureAsnMap()
  if (!existsSync(join(E2E_PERSIST_DIR, 'kv'))) {
    log('seeding the e2e KV state (ASN map)')
    const { build } = await compileDir('maps')
    const seeder = await startWorker({
      name: 'alto-edge',
      scriptPath: script,
      kvBinding: 'ALTO_KV',
      persistTo: E2E_PERSIST_DIR,
    })
    try {
      await seedOurs(seeder, build)
    } finally {
      await seeder.mf.dispose()
    }
  }
  const req = e2eRequests()
  const scenarios = [1, 2].map((n) => ({
    label: `endpoint cost 1x1,000, request ${n}`,
    path: req.ecsPath,
    init: req.ecs,
  }))
  const sampled = await measureIsolate(script, E2E_PERSIST_DIR, scenarios, {
    gcEachSample: false,
    emptyCache: false,
  })
  const live = await measureIsolate(script, E2E_PERSIST_DIR, scenarios, {
    gcEachSample: true,
    emptyCache: false,
  })
  const worst = sampled.reduce((a, b) => (isolateBytes(b.peak) > isolateBytes(a.peak) ? b : a))
  const peak = isolateBytes(worst.peak) / MiB
  return lowerIsBetter('ASN map: isolate peak, endpoint cost 1x1,000', 'MB', peak, null, null, {
    target: '<128 MB',
    meets: peak < 128,
    note: `1st + 2nd request; ${describePeak(worst)}; live only (GC before each sample) ${mib(Math.max(...live.map((m) => isolateBytes(m.peak))))} MB`,
  })
}
