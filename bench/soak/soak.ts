/**
 * @module The soak run and the subscriber-scale run (issue #14), against `wrangler dev` on
 * 127.0.0.1 (server.ts); bench/soak/run.ts is their command line, test/e2e/soak.test.ts runs a
 * short soak in `npm test`.
 *
 * Soak: minutes of mixed load (load.ts) while every `stepSeconds` a publish of new content or
 * (every third step) a rollback happens, each flipping the version's parity (variants.ts), with
 * `--notify` (the publish hook) as an operator runs it, and KV reads on the request path fail at
 * `faultRate` (worker.ts). Counted: answers by status per kind (5xx other than 503 are failures;
 * every 503 must carry Retry-After and be explained by an injected fault), mixed-version answers
 * (0 allowed), versions subscribers missed or saw out of order (0 allowed), the isolate's live
 * memory every 15 s (after a forced GC), p50/p99 latency per kind. `broken` lists every rule
 * that did not hold.
 *
 * Scale: N ALTO/SSE streams and N TIPS long polls hold version 0; one publish; when did each
 * learn of it, from the first answer of the new version (the pointer is written)?
 */
import { connectInspectorAt, isolateBytes, type IsolateInspector } from '../lib/isolate-memory.ts'
import { KINDS, emptyStats, percentile, runLoad, type LoadStats } from './load.ts'
import { startSoakServer, type SoakServer } from './server.ts'
import { judgeSubscribers, startSubscribers, type Subscriber } from './subscribers.ts'
import { CM, costOf, judge } from './variants.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const log = (s: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}`)

/** The cost map's PID1 → PID2 cost as served now (retries through 503s). */
async function servedCost(base: string): Promise<number> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${base}/costmap/${CM}`)
    if (res.status === 200) {
      const body = (await res.json()) as { 'cost-map': Record<string, Record<string, number>> }
      return body['cost-map'].PID1.PID2
    }
    if (i > 50) throw new Error(`cost map answers ${res.status}`)
    await sleep(200)
  }
}

/** Waits until every subscriber holds the newest version (or `ms` passed). */
async function catchUp(subs: Subscriber[], cost: number, ms: number): Promise<number> {
  const until = Date.now() + ms
  const behind = () => subs.filter((s) => s.received.at(-1)?.cost !== cost).length
  while (behind() > 0 && Date.now() < until) await sleep(100)
  return behind()
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([p, t])
  } finally {
    clearTimeout(timer)
  }
}

interface MemorySample {
  seconds: number
  liveBytes: number
}

async function sampleMemory(
  server: SoakServer,
  started: number,
  signal: AbortSignal,
  out: MemorySample[]
): Promise<void> {
  let inspector: IsolateInspector
  try {
    inspector = await connectInspectorAt(server.inspector, 'alto-edge')
  } catch (e) {
    log(`memory not sampled: ${(e as Error).message}`)
    return
  }
  const nudge = () => fetch(`${server.base}/health`).then((r) => r.text())
  try {
    while (!signal.aborted) {
      await inspector.collectGarbage(nudge)
      const u = await inspector.heapUsage()
      out.push({ seconds: Math.round((Date.now() - started) / 1000), liveBytes: isolateBytes(u) })
      await sleep(15_000)
    }
  } catch (e) {
    log(`memory sampling stopped: ${(e as Error).message}`)
  } finally {
    inspector.close()
  }
}

export interface SoakOptions {
  durationSeconds: number
  stepSeconds: number
  workers: number
  /** Subscribers per update service (TIPS and ALTO/SSE). */
  subscribers: number
  faultRate: number
  maxRequests: number
  /**
   * 0: every publish is new content (caches keyed by content keep filling). N (even): contents
   * cycle through 0…N-1, so after one cycle every blob is one the isolate has seen — memory that
   * still grows then is a leak, not a cache filling.
   */
  contentCycle?: number
}

export async function runSoak(opts: SoakOptions) {
  const durationMs = opts.durationSeconds * 1000
  const stepMs = opts.stepSeconds * 1000
  const faultRate = opts.faultRate
  log(`starting wrangler dev (fault rate ${faultRate})`)
  const server = await startSoakServer({ faultRate })
  const stop = new AbortController()
  try {
    const subs = await startSubscribers(server.base, ['tips', 'sse'], opts.subscribers, stop.signal)
    await withTimeout(Promise.all(subs.map((s) => s.ready)), 120_000, 'subscribers ready')
    log(`${subs.length} subscribers hold version 0; load for ${opts.durationSeconds} s`)
    const started = Date.now()
    const deadline = started + durationMs
    const stats = emptyStats()
    const memory: MemorySample[] = []
    const memoryDone = sampleMemory(server, started, stop.signal, memory)
    const load = runLoad(server.base, {
      workers: opts.workers,
      deadline,
      maxRequests: opts.maxRequests,
      stats,
    })
    const sequence = [costOf(0)]
    const steps: {
      at: number
      action: string
      code: number | null
      ms: number
      visibleMs: number
    }[] = []
    let nextK = 1
    const contents = [0]
    for (let step = 1; started + step * stepMs < deadline; step++) {
      await sleep(started + step * stepMs - Date.now())
      const rollback = step % 3 === 0
      const before = performance.now()
      let r
      if (rollback) {
        r = await server.rollback()
        contents.push(contents.at(-2)!)
      } else {
        // New content whose parity differs from the current one.
        const cur = contents.at(-1)!
        while (nextK % 2 === cur % 2) nextK++
        const k = opts.contentCycle ? nextK % opts.contentCycle : nextK
        nextK++
        r = await server.publish(k)
        contents.push(k)
      }
      const want = costOf(contents.at(-1)!)
      let visibleMs = NaN
      for (let i = 0; i < 100; i++) {
        if ((await servedCost(server.base)) === want) {
          visibleMs = performance.now() - before
          break
        }
        await sleep(100)
      }
      sequence.push(want)
      steps.push({
        at: Math.round((Date.now() - started) / 1000),
        action: rollback ? 'rollback' : `publish ${contents.at(-1)}`,
        code: r.code,
        ms: Math.round(r.ms),
        visibleMs: Math.round(visibleMs),
      })
      log(`step ${step}: ${steps.at(-1)!.action} exit ${r.code} in ${Math.round(r.ms)} ms`)
      if (r.code !== 0) log(r.out.slice(-2000))
    }
    await load
    const behind = await catchUp(subs, sequence.at(-1)!, 20_000)
    stop.abort()
    await memoryDone
    const faults = (await (await fetch(`${server.base}/_soak/faults`)).json()) as {
      injected: number
      reads: number
    }
    return summarize({ stats, subs, sequence, steps, memory, faults, behind, started })
  } finally {
    stop.abort()
    server.stop()
  }
}

function summarize(r: {
  stats: LoadStats
  subs: Subscriber[]
  sequence: number[]
  steps: { at: number; action: string; code: number | null; ms: number; visibleMs: number }[]
  memory: MemorySample[]
  faults: { injected: number; reads: number }
  behind: number
  started: number
}) {
  const { stats } = r
  const versions = judge(stats.observations)
  const updates = judgeSubscribers(r.subs, r.sequence)
  let s503 = 0
  let s5xx = 0
  const perKind = KINDS.map((k) => {
    const codes = stats.status[k]
    for (const [code, n] of Object.entries(codes)) {
      if (code === '503') s503 += n
      else if (Number(code) >= 500) s5xx += n
    }
    return {
      kind: k,
      status: codes,
      p50: +percentile(stats.latency[k], 50).toFixed(1),
      p99: +percentile(stats.latency[k], 99).toFixed(1),
    }
  })
  const failedSteps = r.steps.filter((s) => s.code !== 0).length
  const mem = r.memory.map((m) => m.liveBytes)
  const summary = {
    seconds: Math.round((Date.now() - r.started) / 1000),
    requests: stats.requests,
    networkErrors: stats.networkErrors,
    malformed: stats.malformed,
    perKind,
    unexpected5xx: s5xx,
    injected503: s503,
    faults: r.faults,
    steps: r.steps,
    failedSteps,
    mixedVersions: versions,
    subscribers: { ...updates, behindAtEnd: r.behind },
    memory: {
      samples: r.memory,
      firstMiB: mem.length ? +(mem[0] / 2 ** 20).toFixed(2) : null,
      lastMiB: mem.length ? +(mem.at(-1)! / 2 ** 20).toFixed(2) : null,
      maxMiB: mem.length ? +(Math.max(...mem) / 2 ** 20).toFixed(2) : null,
    },
  }
  const broken: string[] = []
  if (s5xx) broken.push(`${s5xx} 5xx answers other than 503`)
  if (s503 > r.faults.injected) broken.push(`${s503} 503s but only ${r.faults.injected} faults`)
  if (stats.networkErrors) broken.push(`${stats.networkErrors} network errors`)
  if (stats.malformed.length) broken.push(`${stats.malformed.length} malformed answers`)
  if (versions.mixed) broken.push(`${versions.mixed} mixed-version answers`)
  if (updates.missed || updates.outOfOrder || updates.seqGaps)
    broken.push(`subscribers: ${updates.missed} missed, ${updates.outOfOrder} out of order`)
  if (failedSteps) broken.push(`${failedSteps} publishes/rollbacks failed`)
  return { ...summary, broken }
}

export type SoakSummary = ReturnType<typeof summarize>

/** N SSE streams + N TIPS long polls hold version 0; one publish; when did each learn of it? */
export async function runScale(n: number) {
  log(`starting wrangler dev for ${n} SSE + ${n} TIPS subscribers`)
  const server = await startSoakServer({ faultRate: 0 })
  const stop = new AbortController()
  try {
    const opened = Date.now()
    const subs = await startSubscribers(server.base, ['sse', 'tips'], n, stop.signal)
    await withTimeout(Promise.all(subs.map((s) => s.ready)), 300_000, 'subscribers ready')
    const openSeconds = (Date.now() - opened) / 1000
    log(`${subs.length} subscribers hold version 0 after ${openSeconds.toFixed(1)} s; publishing`)
    await sleep(2000)
    // Time zero: the first moment the Worker serves the new version (polled every 50 ms while
    // the publish runs) — the pointer is written; from then on a subscriber may learn of it.
    const startedPublish = Date.now()
    let visible = 0
    const publishing = server.publish(1)
    let finished = false
    void publishing.finally(() => (finished = true))
    while (!visible && !finished) {
      if ((await servedCost(server.base)) === costOf(1)) visible = Date.now()
      else await sleep(50)
    }
    const r = await publishing
    const published = Date.now()
    if (r.code !== 0) throw new Error(`publish failed: ${r.out}`)
    if (!visible && (await servedCost(server.base)) === costOf(1)) visible = Date.now()
    const behind = await catchUp(subs, costOf(1), 30_000)
    stop.abort()
    const lag = (via: string, from: number) =>
      subs
        .filter((s) => s.via === via)
        .map((s) => s.received.find((x) => x.cost === costOf(1))?.at)
        .map((at) => (at === undefined ? Infinity : Math.max(0, at - from)))
    const row = (via: string) => {
      const l = lag(via, visible)
      const within5 = l.filter((x) => x <= 5000).length
      return {
        via,
        subscribers: l.length,
        learnedWithin5s: within5,
        p50ms: percentile(l, 50),
        p99ms: percentile(l, 99),
        maxMs: Math.max(...l),
        errors: subs.filter((s) => s.via === via).reduce((a, s) => a + s.errors.length, 0),
      }
    }
    const summary = {
      subscribersPerKind: n,
      openSeconds,
      publishCommandMs: published - startedPublish,
      visibleAfterMs: visible - startedPublish,
      hookAfterVisibleMs: published - visible,
      measuredFrom: 'the first answer of the new version (pointer written)',
      rows: [row('sse'), row('tips')],
      behindAfter30s: behind,
    }
    const broken = summary.rows
      .filter((x) => x.learnedWithin5s < x.subscribers)
      .map((x) => `${x.subscribers - x.learnedWithin5s} ${x.via} subscribers not within 5 s`)
    return { ...summary, broken }
  } finally {
    stop.abort()
    server.stop()
  }
}

export type ScaleSummary = Awaited<ReturnType<typeof runScale>>
