/**
 * @module What an ALTO/SSE substream with `input` (RFC 8895 §6.5) costs per publication beyond
 * the POST it repeats: the merge patch between the last answer and the new one, for a multi-cost
 * endpoint cost request of 1 × 1,000 addresses with three metrics (the multi-cost-cpu.ts map set)
 * when 1 % of the routingcost cells change. The stream computes the answer once per distinct
 * input (the POST's CPU: multi-cost-cpu.ts) and then this diff once per distinct input too.
 *
 *   node bench/sse-input-cpu.ts
 */
import { createMergePatch } from '../src/updates/merge-patch.ts'
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
function matrix(value: () => number): Record<string, Record<string, number>> {
  const costs: Record<string, Record<string, number>> = {}
  for (const s of names) {
    costs[s] = {}
    for (const d of names) costs[s][d] = value()
  }
  return costs
}
const costMap = (metric: string, costs: Record<string, Record<string, number>>) =>
  JSON.stringify({
    'network-map': NM,
    'cost-type': { 'cost-mode': 'numerical', 'cost-metric': metric },
    costs,
  })
const rc1 = matrix(() => Math.round(rand() * 100))
const rc2 = structuredClone(rc1)
for (const s of names) for (const d of names) if (rand() < 0.01) rc2[s][d] = rc1[s][d] + 1
const common = {
  'alto-edge.json': JSON.stringify({
    'default-network-map': NM,
    'network-maps': [{ file: 'net.json' }],
    'cost-maps': [{ file: 'rc.json' }, { file: 'delay.json' }, { file: 'hops.json' }],
  }),
  'net.json': JSON.stringify({ 'resource-id': NM, pids }),
  'delay.json': costMap(
    'delay-ow',
    matrix(() => Math.round(rand() * 2e5) / 10)
  ),
  'hops.json': costMap(
    'hopcount',
    matrix(() => Math.floor(rand() * 20))
  ),
}
const dsts = Array.from(
  { length: 1000 },
  () =>
    `ipv4:10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 250)}`
)
const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
const body = {
  'multi-cost-types': [num('routingcost'), num('delay-ow'), num('hopcount')],
  endpoints: { srcs: ['ipv4:10.1.2.3'], dsts },
}

async function answerAt(rc: Record<string, Record<string, number>>): Promise<string> {
  const result = await compileMapSet({ ...common, 'rc.json': costMap('routingcost', rc) })
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  const kv = new MemoryKv()
  await publishBuild(kvStoreFromBinding(kv as never), result.build, { verify: false })
  const env = { ALTO_KV: kv, ALTO_AUTH: 'off', ALTO_RATE_LIMIT: 'off', ALTO_MAX_AGE: '60' }
  const res = await app.fetch(
    new Request(`http://alto.bench/endpointcost/${NM}/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/alto-endpointcostparams+json' },
      body: JSON.stringify(body),
    }),
    env as never,
    memoryExecutionContext()
  )
  const text = await res.text()
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`)
  return text
}
const [before, after] = [await answerAt(rc1), await answerAt(rc2)]
const diff = () => JSON.stringify(createMergePatch(JSON.parse(before), JSON.parse(after)))
for (let i = 0; i < 50; i++) diff()
let best = Infinity
for (let run = 0; run < 5; run++) {
  const c0 = process.cpuUsage()
  const n = 200
  for (let i = 0; i < n; i++) diff()
  const c = process.cpuUsage(c0)
  best = Math.min(best, (c.user + c.system) / n)
}
const patch = diff()
console.log(`answer ${before.length} B, merge patch ${patch.length} B`)
console.log(
  `merge patch (parse both, diff, stringify): ${best.toFixed(0)} µs CPU per distinct input`
)
