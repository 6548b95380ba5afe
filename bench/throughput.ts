/**
 * @module Benchmark 5 (issue #4): throughput over real HTTP against `wrangler dev` on
 * 127.0.0.1 with autocannon, endpoint cost on the large ASN map. KV comes from the persisted
 * local state the e2e benchmark seeded (bench/.work/state, the layout `wrangler dev
 * --persist-to` reads); if it is missing it is seeded here first.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import autocannon from 'autocannon'
import { PERSIST_DIR, e2eRequests } from './e2e.ts'
import { type BenchResult, higherIsBetter, log, lowerIsBetter } from './lib/harness.ts'
import {
  WORK_DIR,
  buildOurWorker,
  compileDir,
  ensureAsnMap,
  seedOurs,
  startWorker,
} from './lib/workers.ts'

const PORT = 8797

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`)
    try {
      const r = await fetch(url)
      if (r.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms`)
}

export async function benchThroughput(opts: { quick: boolean }): Promise<BenchResult[]> {
  ensureAsnMap()
  if (!existsSync(`${PERSIST_DIR}/kv`)) {
    log('seeding persisted KV state for wrangler dev')
    const script = buildOurWorker()
    const { build } = await compileDir('maps')
    const w = await startWorker({
      name: 'alto-edge',
      scriptPath: script,
      kvBinding: 'ALTO_KV',
      persistTo: PERSIST_DIR,
    })
    try {
      await seedOurs(w, build)
    } finally {
      await w.mf.dispose()
    }
  }
  const req = e2eRequests()
  const base = `http://127.0.0.1:${PORT}`
  const child = spawn(
    'node_modules/.bin/wrangler',
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(PORT),
      '--persist-to',
      `${WORK_DIR}/state`,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true }
  )
  const results: BenchResult[] = []
  try {
    await waitForHttp(`${base}/directory`, child, 90_000)
    // First request loads the tables into the isolate; not part of the measurement.
    const warm = await fetch(`${base}${req.ecsPath}`, req.ecs as RequestInit)
    if (warm.status !== 200) throw new Error(`endpoint cost via wrangler dev: HTTP ${warm.status}`)
    await warm.arrayBuffer()
    const duration = opts.quick ? 5 : 10
    for (const connections of [1, 8]) {
      log(
        `autocannon: ${duration} s, ${connections} connection(s), POST ${req.ecsPath} (1 x 1,000)`
      )
      const r = await autocannon({
        url: `${base}${req.ecsPath}`,
        method: 'POST',
        headers: (req.ecs.headers ?? {}) as Record<string, string>,
        body: req.ecs.body as string,
        connections,
        duration,
      })
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(`autocannon: ${r.non2xx} non-2xx, ${r.errors} errors`)
      const note = `${r.requests.total} requests in ${duration} s`
      results.push(
        higherIsBetter(
          `HTTP endpoint cost 1x1,000, ${connections} conn: throughput`,
          'req/s',
          r.requests.average,
          null,
          null,
          { note }
        ),
        lowerIsBetter(
          `HTTP endpoint cost 1x1,000, ${connections} conn: p50 latency`,
          'ms',
          r.latency.p50,
          null,
          null
        ),
        lowerIsBetter(
          `HTTP endpoint cost 1x1,000, ${connections} conn: p99 latency`,
          'ms',
          r.latency.p99,
          null,
          null
        )
      )
    }
  } finally {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM') // the group we started: wrangler and its workerd
      } catch {
        // already gone
      }
    }
  }
  return results
}
