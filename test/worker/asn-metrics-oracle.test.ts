/**
 * Oracle tests over a small synthetic map built by the ASN generator's own rules
 * (scripts/lib/asn-map.ts: routingCost, pairMetrics, DIURNAL_SCALE; issue 15 "Done when"):
 * 40 PIDs in a spread of countries, one /24 each, the routingcost map with its 24-hour `scale`
 * calendar and the five RFC 9439 metric maps. On random pairs (fixed seed):
 * - RFC 8896 §5.2: each calendared answer equals the source's per-interval values,
 *   round(routingcost × factor k);
 * - RFC 8189 §4.2: each multi-cost answer equals the single-cost answers of its metrics, which
 *   equal the source values.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import worker from '../../src/worker/index.ts'
import {
  DIURNAL_SCALE,
  METRIC_MAPS,
  type PidInfo,
  pairMetrics,
  routingCost,
} from '../../scripts/lib/asn-map.ts'
import { regionOf } from '../../scripts/lib/regions.ts'
import { mulberry32 } from '../../src/tables/test-helpers.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'oracle-asn-net'
const COUNTRIES = ['US', 'US', 'CA', 'DE', 'DE', 'FR', 'JP', 'AU', 'BR', 'ZA', 'ZZ']
const PIDS: PidInfo[] = Array.from({ length: 40 }, (_, i): PidInfo => {
  const cc = COUNTRIES[i % COUNTRIES.length]
  return { name: `as${64500 + i}`, kind: 'asn', country: cc, region: regionOf(cc) }
})
const addr = (i: number) => `ipv4:10.0.${i}.7`
const ROUTING = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const TYPES = [
  ROUTING,
  ...METRIC_MAPS.map((m) => ({ 'cost-mode': 'numerical', 'cost-metric': m.metric })),
]
/** Source value of type t (0 = routingcost, then METRIC_MAPS order) for a pair. */
const sourceValue = (t: number, a: PidInfo, b: PidInfo): number =>
  t === 0 ? routingCost(a, b) : METRIC_MAPS[t - 1].value(pairMetrics(a, b))

function files(): Record<string, string> {
  const costsOf = (t: number) =>
    Object.fromEntries(
      PIDS.map((a) => [a.name, Object.fromEntries(PIDS.map((b) => [b.name, sourceValue(t, a, b)]))])
    )
  const out: Record<string, string> = {
    'alto-edge.json': JSON.stringify({
      'default-network-map': NM,
      'network-maps': [{ file: 'net.json' }],
      'cost-maps': TYPES.map((_, t) => ({ file: `cost-${t}.json` })),
      'cost-calendars': [{ file: 'calendar.json' }],
    }),
    'net.json': JSON.stringify({
      'resource-id': NM,
      pids: {
        ...Object.fromEntries(PIDS.map((p, i) => [p.name, { ipv4: [`10.0.${i}.0/24`] }])),
        default: { ipv4: ['0.0.0.0/0'] },
      },
    }),
    'calendar.json': JSON.stringify({
      'cost-map': `${NM}-num-routingcost`,
      'time-interval-size': 3600,
      'number-of-intervals': 24,
      anchor: '2026-01-05T00:00:00Z',
      scale: DIURNAL_SCALE,
    }),
  }
  TYPES.forEach((type, t) => {
    out[`cost-${t}.json`] = JSON.stringify({
      'network-map': NM,
      ...(type['cost-metric'].includes(':') ? { 'resource-id': `${NM}-p95` } : {}),
      'cost-type': type,
      costs: costsOf(t),
    })
  })
  return out
}

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(files()), {
    created: '2026-12-02T15:00:00.000Z',
  })
})

async function ecs(body: unknown): Promise<Record<string, any>> {
  const res = await worker.fetch(
    new Request(`${ORIGIN}/endpointcost/${NM}/lookup`, {
      method: 'POST',
      headers: { 'Content-Type': MEDIA_TYPES.endpointCostParams },
      body: JSON.stringify(body),
    }),
    env,
    testExecutionContext()
  )
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Record<string, any>
}

/** 6 sources × 12 destinations drawn with a fixed seed. */
function randomPairs(seed: number): { srcs: number[]; dsts: number[] } {
  const rng = mulberry32(seed)
  const pick = () => Math.floor(rng() * PIDS.length)
  return { srcs: Array.from({ length: 6 }, pick), dsts: Array.from({ length: 12 }, pick) }
}

describe('ASN-rule map: oracles on random pairs (issue 15)', () => {
  it('RFC 8896 §5.2: each calendared answer equals round(routingcost × DIURNAL_SCALE[k]) for all 24 intervals', async () => {
    for (const seed of [1, 2, 3]) {
      const { srcs, dsts } = randomPairs(seed)
      const body = await ecs({
        'cost-type': ROUTING,
        calendared: [true],
        endpoints: { srcs: srcs.map(addr), dsts: dsts.map(addr) },
      })
      expect(body.meta['calendar-response-attributes'][0]).toMatchObject({
        'time-interval-size': 3600,
        'number-of-intervals': 24,
      })
      for (const s of srcs)
        for (const d of dsts) {
          const want = DIURNAL_SCALE.map((f) => Math.round(routingCost(PIDS[s], PIDS[d]) * f))
          expect(body['endpoint-cost-map'][addr(s)][addr(d)], `${s} → ${d}`).toEqual(want)
        }
    }
  })

  it('RFC 8189 §4.2: multi-cost over routingcost and the five metrics equals the single-cost answers and the source', async () => {
    const { srcs, dsts } = randomPairs(4)
    const endpoints = { srcs: srcs.map(addr), dsts: dsts.map(addr) }
    const multi = await ecs({ 'multi-cost-types': TYPES, endpoints })
    expect(multi.meta['multi-cost-types']).toEqual(TYPES)
    const singles = await Promise.all(TYPES.map((type) => ecs({ 'cost-type': type, endpoints })))
    let checked = 0
    for (const s of srcs)
      for (const d of dsts) {
        const values = multi['endpoint-cost-map'][addr(s)][addr(d)]
        expect(values).toEqual(singles.map((b) => b['endpoint-cost-map'][addr(s)][addr(d)]))
        expect(values).toEqual(TYPES.map((_, t) => sourceValue(t, PIDS[s], PIDS[d])))
        checked++
      }
    expect(checked).toBe(72)
  })

  it('RFC 8896 §5.1 with RFC 8189: calendared routingcost next to single-valued metrics', async () => {
    const { srcs, dsts } = randomPairs(5)
    const endpoints = { srcs: srcs.map(addr), dsts: dsts.map(addr) }
    const body = await ecs({
      'multi-cost-types': [ROUTING, TYPES[2]],
      calendared: [true, false],
      endpoints,
    })
    for (const s of srcs)
      for (const d of dsts) {
        const rc = routingCost(PIDS[s], PIDS[d])
        expect(body['endpoint-cost-map'][addr(s)][addr(d)]).toEqual([
          DIURNAL_SCALE.map((f) => Math.round(rc * f)),
          pairMetrics(PIDS[s], PIDS[d]).delayOw,
        ])
      }
  })
})
