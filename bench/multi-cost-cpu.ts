/**
 * @module In-process CPU of multi-cost endpoint cost (issue 15: "multi-cost endpoint cost
 * 1×1,000 with 3 metrics costs ≤ 2× the single-metric handler CPU"). The real hono app runs in
 * Node with the in-memory KV of bench/handler.ts, over a synthetic map set (no generated ASN map
 * needed): 257 PIDs (256 × /16 + the default route) and three numerical cost maps — routingcost,
 * delay-ow, hopcount. Rows: the single routingcost request and the same 1,000 addresses with
 * multi-cost-types of all three, with and without an or-constraint. A row is the lowest CPU per
 * request of the runs (the machine is shared; interference only adds time).
 *
 *   node bench/multi-cost-cpu.ts
 */
import { loadInProcessWorker } from './lib/in-process.ts'
import { MemoryKv, memoryExecutionContext } from './lib/memory-platform.ts'
import { NM, numerical as num, postEndpointCost, syntheticNet } from './lib/synthetic-net.ts'

const { compileMapSet, kvStoreFromBinding, publishBuild, app } = await loadInProcessWorker()

const net = syntheticNet()
const files = net.files({ rc: net.randomRc(), delay: net.randomDelay(), hops: net.randomHops() })
const result = await compileMapSet(files)
if (!result.ok) throw new Error(JSON.stringify(result.errors))
const kv = new MemoryKv()
await publishBuild(kvStoreFromBinding(kv as never), result.build, { verify: false })
const env = { ALTO_KV: kv, ALTO_AUTH: 'off', ALTO_RATE_LIMIT: 'off', ALTO_MAX_AGE: '60' }
const ctx = memoryExecutionContext()

const dsts = net.endpoints(1000)
const endpoints = { srcs: ['ipv4:10.1.2.3'], dsts }
const rows: [string, unknown][] = [
  ['single routingcost', { 'cost-type': num('routingcost'), endpoints }],
  [
    'multi-cost 3 metrics',
    { 'multi-cost-types': [num('routingcost'), num('delay-ow'), num('hopcount')], endpoints },
  ],
  [
    'multi-cost 3 metrics + or-constraints',
    {
      'multi-cost-types': [num('routingcost'), num('delay-ow'), num('hopcount')],
      'or-constraints': [['[0] le 50', '[2] le 10'], ['[1] lt 5000']],
      endpoints,
    },
  ],
]
async function call(body: unknown): Promise<void> {
  await postEndpointCost(app, env, ctx, NM, body, {
    accept: 'application/alto-endpointcost+json,application/alto-error+json',
  })
}
const results: Record<string, number> = {}
for (const [name, body] of rows) {
  for (let i = 0; i < 200; i++) await call(body)
  let best = Infinity
  for (let run = 0; run < 5; run++) {
    const c0 = process.cpuUsage()
    const n = 300
    for (let i = 0; i < n; i++) await call(body)
    const c = process.cpuUsage(c0)
    best = Math.min(best, (c.user + c.system) / n)
  }
  results[name] = best
  console.log(`${name.padEnd(40)} ${best.toFixed(0).padStart(6)} µs CPU/request`)
}
const single = results['single routingcost']
for (const [name, us] of Object.entries(results))
  if (name !== 'single routingcost') console.log(`${name}: ${(us / single).toFixed(2)}× single`)
