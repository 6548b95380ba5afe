/**
 * rank() (draft-kiesel-alto-h12 "alternative service") against a scripted ALTO server: primary
 * criterion then tie-breakers, PID groups, deterministic ties, missing costs last, batching past
 * the list limit, and RFC 8189 multi-cost in one request when the resource offers it.
 */
import { describe, expect, it } from 'vitest'
import { AltoClient } from './client.ts'
import type { FetchLike } from './http.ts'
import { rank } from './rank.ts'

const PID: Record<string, string> = {
  'ipv4:10.0.0.1': 'A',
  'ipv4:10.0.0.2': 'A',
  'ipv4:10.1.0.1': 'B',
  'ipv4:10.2.0.1': 'C',
  'ipv4:10.3.0.1': 'D',
}
// From A: B and C tie on hopcount and differ on routingcost; D has no cost at all.
const COST: Record<string, Record<string, number>> = {
  hopcount: { A: 1, B: 3, C: 3 },
  routingcost: { A: 5, B: 20, C: 10 },
}

function server(opts: { maxCostTypes?: number }) {
  const bodies: { dsts: string[]; multi: boolean }[] = []
  const ird = {
    meta: {
      'default-alto-network-map': 'net',
      'cost-types': {
        'num-hopcount': { 'cost-mode': 'numerical', 'cost-metric': 'hopcount' },
        'num-routingcost': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      },
    },
    resources: {
      net: { uri: '/nm', 'media-type': 'application/alto-networkmap+json' },
      ecs: {
        uri: '/ecs',
        'media-type': 'application/alto-endpointcost+json',
        accepts: 'application/alto-endpointcostparams+json',
        capabilities: {
          'cost-type-names': ['num-hopcount', 'num-routingcost'],
          ...(opts.maxCostTypes ? { 'max-cost-types': opts.maxCostTypes } : {}),
        },
      },
      props: {
        uri: '/props',
        'media-type': 'application/alto-endpointprop+json',
        accepts: 'application/alto-endpointpropparams+json',
        capabilities: { 'prop-types': ['net.pid'] },
      },
    },
  }
  const json = (body: unknown, type: string) =>
    Promise.resolve(new Response(JSON.stringify(body), { headers: { 'Content-Type': type } }))
  const fetch: FetchLike = async (input, init) => {
    const path = new URL(String(input)).pathname
    if (path === '/directory') return json(ird, 'application/alto-directory+json')
    const req = JSON.parse(String(init?.body)) as Record<string, never>
    if (path === '/props') {
      const props = Object.fromEntries(
        (req.endpoints as string[]).map((e) => [e, PID[e] ? { 'net.pid': PID[e] } : {}])
      )
      return json({ 'endpoint-properties': props }, 'application/alto-endpointprop+json')
    }
    const { srcs, dsts } = req.endpoints as { srcs: string[]; dsts: string[] }
    const types = (req['multi-cost-types'] ?? [req['cost-type']]) as { 'cost-metric': string }[]
    bodies.push({ dsts, multi: 'multi-cost-types' in req })
    const row: Record<string, unknown> = {}
    for (const d of dsts) {
      const costs = types.map((t) => COST[t['cost-metric']][PID[d]])
      if (costs.every((c) => c === undefined)) continue
      row[d] = 'multi-cost-types' in req ? costs.map((c) => c ?? null) : costs[0]
    }
    return json(
      { meta: { 'cost-type': types[0] }, 'endpoint-cost-map': { [srcs[0]]: row } },
      'application/alto-endpointcost+json'
    )
  }
  return { fetch, bodies }
}

const CANDIDATES = [
  'ipv4:10.3.0.1',
  'ipv4:10.1.0.1',
  'ipv4:10.0.0.2',
  'ipv4:10.2.0.1',
  'ipv4:10.0.0.1',
]
const CRITERIA = ['num-hopcount', 'num-routingcost']
const EXPECTED = [
  ['ipv4:10.0.0.1', 1, 'A'],
  ['ipv4:10.0.0.2', 1, 'A'],
  ['ipv4:10.2.0.1', 2, 'C'], // ties with B on hopcount; routingcost 10 < 20 decides
  ['ipv4:10.1.0.1', 3, 'B'],
  ['ipv4:10.3.0.1', 4, 'D'], // no cost: last
]

describe('rank', () => {
  it('primary criterion, then the tie-breaker; a PID shares its rank; no cost ranks last', async () => {
    const s = server({})
    const alto = await AltoClient.discover('https://alto.example', { fetch: s.fetch })
    const r = await rank(alto, 'ipv4:10.0.0.9', CANDIDATES, CRITERIA)
    expect(r.ranked.map((c) => [c.candidate, c.rank, c.pid])).toEqual(EXPECTED)
    expect(r.ranked[2].costs).toEqual([3, 10])
    expect(r.requests).toBe(3)
    // Deterministic whatever the input order.
    const again = await rank(alto, 'ipv4:10.0.0.9', [...CANDIDATES].reverse(), CRITERIA)
    expect(again.ranked).toEqual(r.ranked)
  })

  it('batches beyond the list limit: every request within batchSize, same ranking', async () => {
    const s = server({})
    const alto = await AltoClient.discover('https://alto.example', { fetch: s.fetch })
    const r = await rank(alto, 'ipv4:10.0.0.9', CANDIDATES, CRITERIA, { batchSize: 2 })
    expect(r.ranked.map((c) => [c.candidate, c.rank, c.pid])).toEqual(EXPECTED)
    expect(s.bodies.map((b) => b.dsts.length)).toEqual([2, 2, 2, 2, 1, 1])
    expect(r.requests).toBe(9) // 3 batches × (2 criteria + 1 PID lookup)
  })

  it('RFC 8189 multi-cost: one request carries every criterion when max-cost-types allows', async () => {
    const s = server({ maxCostTypes: 2 })
    const alto = await AltoClient.discover('https://alto.example', { fetch: s.fetch })
    const r = await rank(alto, 'ipv4:10.0.0.9', CANDIDATES, CRITERIA)
    expect(r.ranked.map((c) => [c.candidate, c.rank, c.pid])).toEqual(EXPECTED)
    expect(s.bodies).toEqual([{ dsts: CANDIDATES, multi: true }])
    expect(r.requests).toBe(2)
  })
})
