/**
 * @module Benchmark 3 (issue #4): end to end in workerd via Miniflare `dispatchFetch`, our
 * Worker (KV seeded by the real compiler + publisher, maps/ including the generated ASN map) vs
 * the naive Worker (bench/naive-worker.ts: RFC 7285 JSON in KV, JSON.parse per request, linear
 * LPM), on the large `asn-network-map`. Both answers are compared before timing.
 */
import { resourcePaths, resourceIds } from '../src/alto/resources.ts'
import { loadAsnMap } from './lib/asn-map-data.ts'
import { type BenchResult, SEED, log, lowerIsBetter, mulberry32, timeAsync } from './lib/harness.ts'
import {
  WORK_DIR,
  buildNaiveWorker,
  buildOurWorker,
  compileDir,
  ensureAsnMap,
  seedNaive,
  seedOurs,
  startWorker,
  type RunningWorker,
} from './lib/workers.ts'

const NM = 'asn-network-map'
const COST_TYPE = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
export const PERSIST_DIR = `${WORK_DIR}/state/v3` // shared with `wrangler dev --persist-to bench/.work/state`

const ACCEPT = ['endpointcost', 'costmap', 'endpointprop', 'error']
  .map((t) => `application/alto-${t}+json`)
  .join(',')

const post = (type: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': `application/alto-${type}+json`, accept: ACCEPT },
  body: JSON.stringify(body),
})

function formatV4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

export interface E2eRequests {
  ecs: RequestInit
  filtered: RequestInit
  eps: RequestInit
  ecsPath: string
  filteredPath: string
  epsPath: string
  networkMapPath: string
  costMapPath: string
}

/** Deterministic request bodies over the ASN map. */
export function e2eRequests(): E2eRequests {
  const asn = loadAsnMap()
  const rand = mulberry32(SEED + 3)
  const addr = () => {
    const p = asn.v4[1 + (rand() % (asn.v4.length - 1))]
    const mask = p.len === 0 ? 0 : (~0 << (32 - p.len)) >>> 0
    return `ipv4:${formatV4(((p.addr & mask) | (rand() & ~mask)) >>> 0)}`
  }
  const dsts = Array.from({ length: 1000 }, addr)
  const pids = asn.pids.filter((p) => p !== 'default')
  const pick = (n: number) => Array.from({ length: n }, () => pids[rand() % pids.length])
  return {
    ecs: post('endpointcostparams', {
      'cost-type': COST_TYPE,
      endpoints: { srcs: [addr()], dsts },
    }),
    filtered: post('costmapfilter', {
      'cost-type': COST_TYPE,
      pids: { srcs: pick(50), dsts: pick(50) },
    }),
    eps: post('endpointpropparams', {
      properties: [`${NM}.pid`],
      endpoints: Array.from({ length: 1000 }, addr),
    }),
    ecsPath: resourcePaths.endpointCost(NM),
    filteredPath: resourcePaths.filteredCostMap(NM),
    epsPath: resourcePaths.endpointProperty,
    networkMapPath: resourcePaths.networkMap(NM),
    costMapPath: resourcePaths.costMap(resourceIds.costMap(NM, 'num-routingcost')),
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b)

function expectSame(what: string, ours: unknown, naive: unknown): void {
  if (JSON.stringify(ours) !== JSON.stringify(naive)) {
    throw new Error(`${what}: our answer differs from the naive Worker's`)
  }
}

/** Sorted-key copy of a nested record, so JSON comparison ignores key order. */
function sortDeep(x: unknown): unknown {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return x
  return Object.fromEntries(
    Object.keys(x as object)
      .sort()
      .map((k) => [k, sortDeep((x as Record<string, unknown>)[k])])
  )
}

export async function benchE2e(opts: { quick: boolean }): Promise<BenchResult[]> {
  ensureAsnMap()
  const runs = opts.quick ? { warmup: 1, runs: 3 } : { warmup: 1, runs: 5 }
  log('building workers')
  const ourScript = buildOurWorker()
  const naiveScript = buildNaiveWorker()
  const { build, seconds } = await compileDir('maps')
  log(`compiled maps/ in ${seconds.toFixed(1)} s`)
  const req = e2eRequests()

  const ours = await startWorker({
    name: 'alto-edge',
    scriptPath: ourScript,
    kvBinding: 'ALTO_KV',
    persistTo: PERSIST_DIR,
  })
  const naive = await startWorker({ name: 'naive', scriptPath: naiveScript, kvBinding: 'NAIVE_KV' })
  const results: BenchResult[] = []
  try {
    await seedOurs(ours, build)
    await seedNaive(naive, build)

    // Correctness: same costs / PIDs from both before any timing.
    const check = async (w: RunningWorker, path: string, init: RequestInit, key: string) => {
      const r = await w.fetch(path, init)
      if (r.status !== 200)
        throw new Error(`${path}: HTTP ${r.status} ${text(r.body).slice(0, 300)}`)
      return sortDeep(JSON.parse(text(r.body))[key])
    }
    expectSame(
      'ECS',
      await check(ours, req.ecsPath, req.ecs, 'endpoint-cost-map'),
      await check(naive, req.ecsPath, req.ecs, 'endpoint-cost-map')
    )
    expectSame(
      'filtered cost map',
      await check(ours, req.filteredPath, req.filtered, 'cost-map'),
      await check(naive, req.filteredPath, req.filtered, 'cost-map')
    )
    expectSame(
      'EPS',
      await check(ours, req.epsPath, req.eps, 'endpoint-properties'),
      await check(naive, req.epsPath, req.eps, 'endpoint-properties')
    )
    log('ECS, filtered cost map and EPS answers identical (ours vs naive)')

    const cases: {
      name: string
      path: string
      init?: RequestInit
      target?: string
      goal?: number
    }[] = [
      {
        name: 'E2E endpoint cost 1 src x 1,000 dsts',
        path: req.ecsPath,
        init: req.ecs,
        target: '≥20x faster than naive',
        goal: 20,
      },
      { name: 'E2E filtered cost map 50x50', path: req.filteredPath, init: req.filtered },
      { name: 'E2E endpoint property, 1,000 endpoints', path: req.epsPath, init: req.eps },
      { name: 'E2E full network map (GET)', path: req.networkMapPath },
      { name: 'E2E full cost map (GET)', path: req.costMapPath },
    ]
    for (const c of cases) {
      const call = (w: RunningWorker) => async () => {
        const r = await w.fetch(c.path, c.init)
        if (r.status !== 200) throw new Error(`${c.name}: HTTP ${r.status}`)
      }
      const o = await timeAsync(call(ours), runs)
      const n = await timeAsync(call(naive), runs)
      const ratio = n.medianNs / o.medianNs
      log(
        `${c.name}: ours ${(o.medianNs / 1e6).toFixed(1)} ms, naive ${(n.medianNs / 1e6).toFixed(1)} ms`
      )
      results.push(
        lowerIsBetter(
          c.name,
          'ms/request',
          o.medianNs / 1e6,
          n.medianNs / 1e6,
          'naive JSON Worker',
          c.target ? { target: c.target, meets: ratio >= c.goal! } : {}
        )
      )
    }

    // If-None-Match revalidation of the full network map.
    const revalidate = (w: RunningWorker, etag: string) => async () => {
      const r = await w.fetch(req.networkMapPath, { headers: { 'if-none-match': etag } })
      if (r.status !== 304) throw new Error(`If-None-Match: HTTP ${r.status}, expected 304`)
    }
    const ourEtag = (await ours.fetch(req.networkMapPath)).etag
    const naiveEtag = (await naive.fetch(req.networkMapPath)).etag
    if (!ourEtag || !naiveEtag) throw new Error('network map response has no ETag')
    const o = await timeAsync(revalidate(ours, ourEtag), runs)
    const n = await timeAsync(revalidate(naive, naiveEtag), runs)
    results.push(
      lowerIsBetter(
        'E2E If-None-Match → 304 (network map)',
        'ms/request',
        o.medianNs / 1e6,
        n.medianNs / 1e6,
        'naive JSON Worker'
      )
    )
  } finally {
    await ours.mf.dispose()
    await naive.mf.dispose()
  }
  return results
}
