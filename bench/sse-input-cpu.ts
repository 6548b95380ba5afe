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
import { loadInProcessWorker } from './lib/in-process.ts'
import { MemoryKv, memoryExecutionContext } from './lib/memory-platform.ts'
import { NM, numerical as num, postEndpointCost, syntheticNet } from './lib/synthetic-net.ts'

const { compileMapSet, kvStoreFromBinding, publishBuild, app } = await loadInProcessWorker()

const { names, rand, files, randomRc, randomDelay, randomHops, endpoints } = syntheticNet()
const rc1 = randomRc()
const rc2 = structuredClone(rc1)
for (const s of names) for (const d of names) if (rand() < 0.01) rc2[s][d] = rc1[s][d] + 1
const delay = randomDelay()
const hops = randomHops()
const dsts = endpoints(1000)
const body = {
  'multi-cost-types': [num('routingcost'), num('delay-ow'), num('hopcount')],
  endpoints: { srcs: ['ipv4:10.1.2.3'], dsts },
}

async function answerAt(rc: Record<string, Record<string, number>>): Promise<string> {
  const result = await compileMapSet(files({ rc, delay, hops }))
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  const kv = new MemoryKv()
  await publishBuild(kvStoreFromBinding(kv as never), result.build, { verify: false })
  const env = { ALTO_KV: kv, ALTO_AUTH: 'off', ALTO_RATE_LIMIT: 'off', ALTO_MAX_AGE: '60' }
  return postEndpointCost(app, env, memoryExecutionContext(), NM, body)
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
