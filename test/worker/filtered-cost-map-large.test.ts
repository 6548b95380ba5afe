/**
 * Large filtered cost maps (GitHub issue 10): a request for the whole map is never refused.
 * RFC 7285 §11.3.2.3: "If a list is empty, the ALTO server MUST interpret it as the full set of
 * currently defined PIDs" (and §11.3.2.6 drops undefined PID names first) — without constraints
 * that is the full cost map, answered with the prebuilt one: the same bytes and ETag as
 * `GET /costmap/<id>`. With constraints the answer is computed; above STREAMED_COST_PAIRS pairs
 * it is streamed row by row, byte-identical to the text written in one piece.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { resourceIds, resourcePaths } from '../../src/alto/resources.ts'
import { STREAMED_COST_PAIRS } from '../../src/alto/responses.ts'
import { get, postFilteredCostMap } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet, publish } from './map-set.ts'

const NM = 'big-network-map'
/** PIDs of the generated map: PIDS² pairs is more than STREAMED_COST_PAIRS. */
const PIDS = 520
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const pidName = (i: number) => `p${String(i).padStart(3, '0')}`

/** The real map set plus a generated PIDS-PID map with every pair defined (costs 1..97). */
function mapSetWithBigMap(): Record<string, string> {
  const config = JSON.parse(MAP_SET_FILES['alto-edge.json']) as {
    'network-maps': { file: string }[]
    'cost-maps': { file: string }[]
  }
  config['network-maps'].push({ file: 'big/network-map.json' })
  config['cost-maps'].push({ file: 'big/cost.json' }, { file: 'big/cost-ordinal.json' })
  const pids: Record<string, { ipv4: string[] }> = {}
  for (let i = 0; i < PIDS; i++) pids[pidName(i)] = { ipv4: [`10.${i >> 8}.${i & 255}.0/24`] }
  pids[pidName(0)].ipv4.push('0.0.0.0/0')
  let csv = 'src,dst,cost\n'
  for (let s = 0; s < PIDS; s++)
    for (let d = 0; d < PIDS; d++) csv += `${pidName(s)},${pidName(d)},${1 + ((s * 31 + d) % 97)}\n`
  return {
    ...MAP_SET_FILES,
    'alto-edge.json': JSON.stringify(config),
    'big/network-map.json': JSON.stringify({ 'resource-id': NM, pids }),
    'big/cost.json': JSON.stringify({
      'network-map': NM,
      'cost-type': numericalRouting,
      'cost-csv': ['costs.csv'],
    }),
    // The same costs as ordinal ranks: a second cost type makes the map multi-cost (RFC 8189).
    'big/cost-ordinal.json': JSON.stringify({
      'network-map': NM,
      'cost-type': { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' },
      'cost-csv': ['costs.csv'],
    }),
    'big/costs.csv': csv,
  }
}

let fullBody: string
let fullEtag: string | null

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(mapSetWithBigMap()), {
    created: '2026-12-02T06:00:00.000Z',
  })
  const res = await get(resourcePaths.costMap(resourceIds.costMap(NM, 'num-routingcost')), {
    Accept: MEDIA_TYPES.costMap,
  })
  expect(res.status).toBe(200)
  fullEtag = res.headers.get('ETag')
  fullBody = await res.text()
}, 60_000)

describe('filtered cost map of the whole map (RFC 7285 §11.3.2.3, §11.3.2.6)', () => {
  it('has more pairs than are written in one piece', () => {
    expect(PIDS * PIDS).toBeGreaterThan(STREAMED_COST_PAIRS)
  })

  for (const [label, body] of [
    ['no pids', { 'cost-type': numericalRouting }],
    ['empty srcs and dsts', { 'cost-type': numericalRouting, pids: { srcs: [], dsts: [] } }],
    ['only undefined PID names', { 'cost-type': numericalRouting, pids: { srcs: ['NOPE'] } }],
    ['empty constraints', { 'cost-type': numericalRouting, constraints: [] }],
  ] as const) {
    it(`${label}: the full cost map, same bytes and ETag as GET`, async () => {
      const res = await postFilteredCostMap(NM, body)
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.costMap)
      expect(res.headers.get('ETag')).toBe(fullEtag)
      expect(await res.text()).toBe(fullBody)
    })
  }

  it('with a constraint every pair satisfies: streamed, byte-identical to the full map', async () => {
    const res = await postFilteredCostMap(NM, {
      'cost-type': numericalRouting,
      constraints: ['ge 0'],
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBeNull()
    expect(await res.text()).toBe(fullBody)
  })

  it('with a constraint: streamed, exactly the pairs that satisfy it', async () => {
    const res = await postFilteredCostMap(NM, {
      'cost-type': numericalRouting,
      constraints: ['le 3'],
      pids: { srcs: [], dsts: [] },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { 'cost-map': Record<string, Record<string, number>> }
    const full = JSON.parse(fullBody) as { 'cost-map': Record<string, Record<string, number>> }
    const expected: Record<string, Record<string, number>> = {}
    for (const [src, row] of Object.entries(full['cost-map'])) {
      for (const [dst, cost] of Object.entries(row)) {
        if (cost <= 3) (expected[src] ??= {})[dst] = cost
      }
    }
    expect(body['cost-map']).toEqual(expected)
  })
})

describe('multi-cost whole map (RFC 8189 §3.5: a full multi-cost map is a filtered request with empty lists)', () => {
  it('streamed above the piece limit: every pair is [numerical, ordinal] of the same cost', async () => {
    const res = await postFilteredCostMap(NM, {
      'multi-cost-types': [
        numericalRouting,
        { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' },
      ],
      pids: { srcs: [], dsts: [] },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBeNull()
    const body = (await res.json()) as { 'cost-map': Record<string, Record<string, number[]>> }
    const full = JSON.parse(fullBody) as { 'cost-map': Record<string, Record<string, number>> }
    const expected: Record<string, Record<string, number[]>> = {}
    for (const [src, row] of Object.entries(full['cost-map']))
      for (const [dst, cost] of Object.entries(row)) (expected[src] ??= {})[dst] = [cost, cost]
    expect(Object.keys(body['cost-map']).length).toBe(PIDS)
    expect(body['cost-map']).toEqual(expected)
  })
})
