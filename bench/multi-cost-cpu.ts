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
import { mulberry32 } from './lib/harness.ts'
import { loadInProcessWorker } from './lib/in-process.ts'
import { MemoryKv, memoryExecutionContext } from './lib/memory-platform.ts'

const { compileMapSet, kvStoreFromBinding, publishBuild, app } = await loadInProcessWorker()

const NM = 'bench-net'
const pids: Record<string, { ipv4: string[] }> = { default: { ipv4: ['0.0.0.0/0'] } }
for (let i = 0; i < 256; i++) pids[`p${i}`] = { ipv4: [`10.${i}.0.0/16`] }
const names = Object.keys(pids)
const next = mulberry32(15)
const rand = () => next() / 2 ** 32
function costMap(metric: string, value: () => number) {
  const costs: Record<string, Record<string, number>> = {}
  for (const s of names) {
    costs[s] = {}
    for (const d of names) costs[s][d] = value()
  }
  return JSON.stringify({
    'network-map': NM,
    'cost-type': { 'cost-mode': 'numerical', 'cost-metric': metric },
    costs,
  })
}
const files = {
  'alto-edge.json': JSON.stringify({
    'default-network-map': NM,
    'network-maps': [{ file: 'net.json' }],
    'cost-maps': [{ file: 'rc.json' }, { file: 'delay.json' }, { file: 'hops.json' }],
  }),
  'net.json': JSON.stringify({ 'resource-id': NM, pids }),
  'rc.json': costMap('routingcost', () => Math.round(rand() * 100)),
  'delay.json': costMap('delay-ow', () => Math.round(rand() * 2e5) / 10),
  'hops.json': costMap('hopcount', () => Math.floor(rand() * 20)),
}
const result = await compileMapSet(files)
if (!result.ok) throw new Error(JSON.stringify(result.errors))
const kv = new MemoryKv()
await publishBuild(kvStoreFromBinding(kv as never), result.build, { verify: false })
const env = { ALTO_KV: kv, ALTO_AUTH: 'off', ALTO_RATE_LIMIT: 'off', ALTO_MAX_AGE: '60' }
const ctx = memoryExecutionContext()

const dsts = Array.from(
  { length: 1000 },
  () =>
    `ipv4:10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 250)}`
)
const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
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
  const res = await app.fetch(
    new Request(`http://alto.bench/endpointcost/${NM}/lookup`, {
      method: 'POST',
      headers: {
        'content-type': 'application/alto-endpointcostparams+json',
        accept: 'application/alto-endpointcost+json,application/alto-error+json',
      },
      body: JSON.stringify(body),
    }),
    env as never,
    ctx
  )
  const text = await res.text()
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`)
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
