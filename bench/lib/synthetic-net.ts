/**
 * @module The synthetic three-metric map set of the in-process multi-cost benches
 * (multi-cost-cpu.ts, sse-input-cpu.ts): 257 PIDs (256 × /16 + the default route) and three
 * numerical cost maps (routingcost, delay-ow, hopcount), values drawn from one seeded generator
 * in the order the caller asks for them, and the endpoint cost POST of the in-process Worker.
 */
import { mulberry32 } from './harness.ts'

export const NM = 'bench-net'

type Costs = Record<string, Record<string, number>>

export function syntheticNet(seed = 15) {
  const pids: Record<string, { ipv4: string[] }> = { default: { ipv4: ['0.0.0.0/0'] } }
  for (let i = 0; i < 256; i++) pids[`p${i}`] = { ipv4: [`10.${i}.0.0/16`] }
  const names = Object.keys(pids)
  const next = mulberry32(seed)
  const rand = () => next() / 2 ** 32
  /** A full PID × PID matrix of `value()`, row by row. */
  const matrix = (value: () => number): Costs => {
    const costs: Costs = {}
    for (const s of names) {
      costs[s] = {}
      for (const d of names) costs[s][d] = value()
    }
    return costs
  }
  const costMap = (metric: string, costs: Costs) =>
    JSON.stringify({
      'network-map': NM,
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': metric },
      costs,
    })
  /** The map set's source files with these three matrices. */
  const files = (costs: { rc: Costs; delay: Costs; hops: Costs }): Record<string, string> => ({
    'alto-edge.json': JSON.stringify({
      'default-network-map': NM,
      'network-maps': [{ file: 'net.json' }],
      'cost-maps': [{ file: 'rc.json' }, { file: 'delay.json' }, { file: 'hops.json' }],
    }),
    'net.json': JSON.stringify({ 'resource-id': NM, pids }),
    'rc.json': costMap('routingcost', costs.rc),
    'delay.json': costMap('delay-ow', costs.delay),
    'hops.json': costMap('hopcount', costs.hops),
  })
  const randomRc = () => matrix(() => Math.round(rand() * 100))
  const randomDelay = () => matrix(() => Math.round(rand() * 2e5) / 10)
  const randomHops = () => matrix(() => Math.floor(rand() * 20))
  /** `n` IPv4 endpoints inside the PIDs' /16s. */
  const endpoints = (n: number) =>
    Array.from(
      { length: n },
      () =>
        `ipv4:10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 250)}`
    )
  return { names, rand, files, randomRc, randomDelay, randomHops, endpoints }
}

export const numerical = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })

type App = { fetch(request: Request, env: never, ctx: never): Response | Promise<Response> }

/** POST `body` to network map `nm`'s endpoint cost service of the in-process app; the answer text (200 only). */
export async function postEndpointCost(
  app: App,
  env: unknown,
  ctx: unknown,
  nm: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<string> {
  const res = await app.fetch(
    new Request(`http://alto.bench/endpointcost/${nm}/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/alto-endpointcostparams+json', ...headers },
      body: JSON.stringify(body),
    }),
    env as never,
    ctx as never
  )
  const text = await res.text()
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`)
  return text
}
