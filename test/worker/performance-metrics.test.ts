/**
 * RFC 9439 performance metrics served by the Worker: a map set with one network map and five
 * metric cost maps (maps/ plus these sources, compiled and published by the real pipeline).
 * The Rucio use case: hop count and one-way delay of replicas in one multi-cost request.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { get, postEndpointCost, postFilteredCostMap } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet, publish } from './map-set.ts'

const NM = 'metrics-network-map'
const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
const estimation = { 'cost-source': 'estimation', parameters: { method: 'TWAMP' } }
const costs = (ab: number, ba: number) => ({ A: { A: 0, B: ab }, B: { A: ba, B: 0 } })
const SOURCES: Record<string, unknown> = {
  'metrics/network-map.json': {
    'resource-id': NM,
    pids: { A: { ipv4: ['192.0.2.0/24'] }, B: { ipv4: ['0.0.0.0/0'] } },
  },
  'metrics/delay-ow.json': {
    'network-map': NM,
    'cost-type': { ...num('delay-ow'), 'cost-context': estimation },
    costs: costs(4200, 4350.5),
  },
  'metrics/delay-ow-p95.json': {
    'network-map': NM,
    'cost-type': { ...num('delay-ow:p95'), 'cost-context': estimation },
    costs: costs(9800, 11000),
  },
  'metrics/lossrate.json': {
    'network-map': NM,
    'cost-type': num('lossrate'),
    costs: costs(0.5, 1),
  },
  'metrics/hopcount.json': { 'network-map': NM, 'cost-type': num('hopcount'), costs: costs(7, 8) },
  'metrics/tput.json': { 'network-map': NM, 'cost-type': num('tput'), costs: costs(1.25e8, 9e7) },
}

beforeAll(async () => {
  const config = JSON.parse(MAP_SET_FILES['alto-edge.json']) as {
    'network-maps': { file: string }[]
    'cost-maps': { file: string; testable?: boolean }[]
  }
  config['network-maps'].push({ file: 'metrics/network-map.json' })
  // Throughput is not testable (RFC 8189 §3.6.4): the services announce testable-cost-type-names.
  for (const file of Object.keys(SOURCES).slice(1))
    config['cost-maps'].push(file.endsWith('tput.json') ? { file, testable: false } : { file })
  const files: Record<string, string> = {
    ...MAP_SET_FILES,
    'alto-edge.json': JSON.stringify(config),
  }
  for (const [file, data] of Object.entries(SOURCES)) files[file] = JSON.stringify(data)
  await publish(env.ALTO_KV, await compileRealMapSet(files), {
    created: '2026-12-02T16:00:00.000Z',
  })
})

describe('RFC 9439 metrics in the IRD', () => {
  it('§3.1: meta.cost-types announces each metric, with its cost-context; the services are multi-cost with an untestable tput (RFC 8189 §4.1.1)', async () => {
    const ird = (await (await get('/directory')).json()) as {
      meta: { 'cost-types': Record<string, unknown> }
      resources: Record<string, { capabilities?: Record<string, unknown> }>
    }
    expect(ird.meta['cost-types']).toMatchObject({
      'num-delay-ow': { ...num('delay-ow'), 'cost-context': estimation },
      'num-delay-ow:p95': { ...num('delay-ow:p95'), 'cost-context': estimation },
      'num-lossrate': num('lossrate'),
      'num-hopcount': num('hopcount'),
      'num-tput': num('tput'),
    })
    expect(ird.meta['cost-types']['num-tput']).not.toHaveProperty('cost-context')
    expect(ird.resources[`${NM}-endpoint-cost`].capabilities).toEqual({
      'cost-type-names': [
        'num-delay-ow',
        'num-delay-ow:p95',
        'num-hopcount',
        'num-lossrate',
        'num-tput',
      ],
      'max-cost-types': 5,
      // §3.6.5: without cost-constraints, which MUST NOT appear with it.
      'testable-cost-type-names': [
        'num-delay-ow',
        'num-delay-ow:p95',
        'num-hopcount',
        'num-lossrate',
      ],
    })
  })

  it('the GET cost map of a metric carries the cost type with its context in meta', async () => {
    const res = await get(`/costmap/${NM}-num-delay-ow:p95`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { meta: { 'cost-type': unknown }; 'cost-map': unknown }
    expect(body.meta['cost-type']).toEqual({ ...num('delay-ow:p95'), 'cost-context': estimation })
    expect(body['cost-map']).toEqual(costs(9800, 11000))
  })
})

describe('RFC 9439 metrics answered by the cost services', () => {
  it('a filtered cost map of delay-ow keeps fractional microseconds exact', async () => {
    const res = await postFilteredCostMap(NM, {
      'cost-type': num('delay-ow'),
      pids: { srcs: ['B'], dsts: ['A'] },
    })
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.costMap)
    expect(((await res.json()) as { 'cost-map': unknown })['cost-map']).toEqual({
      B: { A: 4350.5 },
    })
  })

  it('hop count and p95 one-way delay of candidates in one multi-cost request, filtered on loss (RFC 8189 §4.2)', async () => {
    const res = await postEndpointCost(NM, {
      'multi-cost-types': [num('hopcount'), num('delay-ow:p95')],
      'testable-cost-types': [num('lossrate')],
      constraints: ['[0] lt 0.5'],
      endpoints: { srcs: ['ipv4:192.0.2.1', 'ipv4:203.0.113.9'], dsts: ['ipv4:198.51.100.1'] },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      meta: Record<string, unknown>
      'endpoint-cost-map': unknown
    }
    expect(body.meta['multi-cost-types']).toEqual([num('hopcount'), num('delay-ow:p95')])
    // 192.0.2.1 is in A, the others in B. A→B has loss 0.5 (dropped by "lt 0.5"), B→B loss 0.
    expect(body['endpoint-cost-map']).toEqual({
      'ipv4:203.0.113.9': { 'ipv4:198.51.100.1': [0, 0] },
    })
    const unfiltered = await postEndpointCost(NM, {
      'multi-cost-types': [num('hopcount'), num('delay-ow:p95')],
      endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:198.51.100.1'] },
    })
    expect(
      ((await unfiltered.json()) as { 'endpoint-cost-map': unknown })['endpoint-cost-map']
    ).toEqual({
      'ipv4:192.0.2.1': { 'ipv4:198.51.100.1': [7, 9800] },
    })
  })
})

describe('RFC 8189 §4.1.2 tests restricted to testable-cost-type-names', () => {
  const endpoints = { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:198.51.100.1'] }
  const errorOf = async (body: Record<string, unknown>) => {
    const res = await postEndpointCost(NM, { ...body, endpoints })
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.error)
    return ((await res.json()) as { meta: unknown }).meta
  }

  it('a testable-cost-types entry outside testable-cost-type-names is an invalid value', async () => {
    expect(
      await errorOf({
        'multi-cost-types': [num('hopcount')],
        'testable-cost-types': [num('tput')],
        constraints: ['ge 1'],
      })
    ).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'testable-cost-types/cost-metric',
      value: 'tput',
    })
  })

  it('a predicate on an untestable requested type is an invalid value (also the legacy form)', async () => {
    expect(
      await errorOf({
        'multi-cost-types': [num('hopcount'), num('tput')],
        constraints: ['[1] ge 1'],
      })
    ).toEqual({ code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: '[1] not testable' })
    expect(await errorOf({ 'cost-type': num('tput'), constraints: ['ge 1'] })).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'constraints',
      value: '[0] not testable',
    })
  })

  it('an untestable type is still returned, filtered by a testable one', async () => {
    const res = await postEndpointCost(NM, {
      'multi-cost-types': [num('tput')],
      'testable-cost-types': [num('hopcount')],
      constraints: ['gt 5'],
      endpoints,
    })
    expect(((await res.json()) as { 'endpoint-cost-map': unknown })['endpoint-cost-map']).toEqual({
      'ipv4:192.0.2.1': { 'ipv4:198.51.100.1': [1.25e8] },
    })
  })
})
