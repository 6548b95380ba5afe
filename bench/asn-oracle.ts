/**
 * @module Oracle check on the REAL generated ASN map (issue 15 "Done when"): compiles
 * maps/asn/generated (network map, routingcost, the five RFC 9439 metric maps, the 24-hour
 * calendar), publishes it into the in-memory KV and asks the real hono app, on random PID pairs
 * (fixed seed), for calendared routingcost, multi-cost over all six types and each single cost.
 * Checks: each multi-cost array equals the single-cost answers (RFC 8189 §4.2), each single
 * answer equals the source CSV, each calendared array equals round(routingcost × scale[k])
 * (RFC 8896 §5.2). Heavy (~3 GB RSS, ~30 s CPU): a manual check, not part of `npm test`.
 *
 *   npm run maps:asn && node bench/asn-oracle.ts [pairs]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { mulberry32 } from './lib/harness.ts'
import { loadInProcessWorker } from './lib/in-process.ts'
import { MemoryKv, memoryExecutionContext } from './lib/memory-platform.ts'
import { postEndpointCost } from './lib/synthetic-net.ts'

const { compileMapSet, kvStoreFromBinding, publishBuild, app } = await loadInProcessWorker()

const DIR = 'maps/asn/generated'
const NM = 'asn-network-map'
const STEMS = ['routingcost', 'hopcount', 'delay-ow', 'delay-ow-p95', 'lossrate', 'tput']
const METRICS = ['routingcost', 'hopcount', 'delay-ow', 'delay-ow:p95', 'lossrate', 'tput']
const csvOf = (stem: string) => (stem === 'routingcost' ? 'costs.csv' : `costs-${stem}.csv`)
const read = (f: string) => readFileSync(join(DIR, f), 'utf8')

const files: Record<string, string> = {
  'alto-edge.json': JSON.stringify({
    'default-network-map': NM,
    'network-maps': [{ file: 'network-map.json' }],
    'cost-maps': STEMS.map((s) => ({ file: `cost-${s}.json` })),
    'cost-calendars': [{ file: 'calendar-routingcost.json' }],
  }),
  'network-map.json': read('network-map.json'),
  'prefixes.csv': read('prefixes.csv'),
  'calendar-routingcost.json': read('calendar-routingcost.json'),
}
for (const s of STEMS) {
  files[`cost-${s}.json`] = read(`cost-${s}.json`)
  files[csvOf(s)] = read(csvOf(s))
}
const t0 = performance.now()
const result = await compileMapSet(files)
if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 5)))
console.log(`compiled in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
const kv = new MemoryKv()
await publishBuild(kvStoreFromBinding(kv as never), result.build, { verify: false })
const env = { ALTO_KV: kv, ALTO_AUTH: 'off', ALTO_RATE_LIMIT: 'off', ALTO_MAX_AGE: '60' }
const ctx = memoryExecutionContext()

// One IPv4 address inside each PID (its first prefix; `default` is 0.0.0.0/0 and left out).
const addrOf = new Map<string, string>()
for (const line of files['prefixes.csv'].split('\n')) {
  const [pid, prefix] = line.split(',')
  if (!prefix || prefix.includes(':') || addrOf.has(pid) || pid === 'pid') continue
  const [ip, len] = prefix.split('/')
  const o = ip.split('.').map(Number)
  if (Number(len) < 32) o[3] += 1
  addrOf.set(pid, `ipv4:${o.join('.')}`)
}
const pidNames = [...addrOf.keys()]
const rng = mulberry32(0xa5a)
const pick = () => pidNames[Math.floor((rng() / 2 ** 32) * pidNames.length)]
const nPairs = Number(process.argv[2] ?? 200)
const srcs = Array.from({ length: Math.ceil(nPairs / 20) }, pick)
const dsts = Array.from({ length: 20 }, pick)

// The source values of the chosen pairs, from the CSVs.
const wanted = new Set(srcs.flatMap((s) => dsts.map((d) => `${s},${d}`)))
const source = STEMS.map((s) => {
  const m = new Map<string, number>()
  for (const line of files[csvOf(s)].split('\n')) {
    const c = line.lastIndexOf(',')
    const key = line.slice(0, c)
    if (wanted.has(key)) m.set(key, Number(line.slice(c + 1)))
  }
  return m
})
const scale: number[] = JSON.parse(files['calendar-routingcost.json']).scale

async function ecs(body: unknown): Promise<any> {
  return JSON.parse(await postEndpointCost(app, env, ctx, NM, body))
}
const types = METRICS.map((m) => ({ 'cost-mode': 'numerical', 'cost-metric': m }))
const endpoints = {
  srcs: [...new Set(srcs)].map((p) => addrOf.get(p)!),
  dsts: dsts.map((p) => addrOf.get(p)!),
}
const c0 = performance.now()
const calendared = await ecs({ 'cost-type': types[0], calendared: [true], endpoints })
console.log(
  `first calendared request ${(performance.now() - c0).toFixed(0)} ms (loads the 36.9 MB calendar)`
)
const multi = await ecs({ 'multi-cost-types': types, endpoints })
const singles = await Promise.all(types.map((t) => ecs({ 'cost-type': t, endpoints })))
let checked = 0
const fail = (msg: string) => {
  throw new Error(msg)
}
for (const s of new Set(srcs))
  for (const d of dsts) {
    const a = addrOf.get(s)!
    const b = addrOf.get(d)!
    const key = `${s},${d}`
    const want = STEMS.map((_, t) => source[t].get(key))
    const got = multi['endpoint-cost-map'][a][b]
    const one = singles.map((r) => r['endpoint-cost-map'][a][b])
    if (JSON.stringify(got) !== JSON.stringify(one)) fail(`${key}: multi ${got} != singles ${one}`)
    if (JSON.stringify(one) !== JSON.stringify(want))
      fail(`${key}: singles ${one} != source ${want}`)
    const cal = calendared['endpoint-cost-map'][a][b]
    const calWant = scale.map((f) => Math.round(want[0]! * f))
    if (JSON.stringify(cal) !== JSON.stringify(calWant))
      fail(`${key}: calendar ${cal} != ${calWant}`)
    checked++
  }
const mem = process.memoryUsage()
console.log(
  `OK: ${checked} pairs (multi-cost = singles = source CSV; calendar = round(routingcost × scale)); ` +
    `rss ${(mem.rss / 1e6).toFixed(0)} MB, arrayBuffers ${(mem.arrayBuffers / 1e6).toFixed(0)} MB`
)
