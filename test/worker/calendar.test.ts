/**
 * RFC 8896 cost calendars on the filtered cost map and endpoint cost services (issue 15 item 3;
 * maps/example/rfc8896-*: the RFC 7285 example network map with a numerical routingcost map,
 * calendared hourly over 24 intervals, and a hopcount map without a calendar).
 */
import { env, exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { resourceIds } from '../../src/alto/resources.ts'
import {
  anyCostMapResponseSchema,
  anyEndpointCostResponseSchema,
  calendaredEndpointCostResponseSchema,
} from '../../src/alto/response-schemas.ts'
import { AltoClient, AltoClientError, type FetchLike } from '../../src/client/index.ts'
import type { Env } from '../../src/worker/env.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc8896-network-map'
const ROUTING = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const HOPS = { 'cost-mode': 'numerical', 'cost-metric': 'hopcount' }
/** RFC 8896 §5.2.3: the calendar of ipv4:192.0.2.2 → ipv4:192.0.2.89 (both in PID1). */
const RFC_VALUES = [
  100, 100, 100, 100, 100, 150, 200, 300, 300, 300, 300, 250, 250, 300, 300, 300, 300, 300, 400,
  250, 250, 200, 150, 150,
]
const source = JSON.parse(MAP_SET_FILES['example/rfc8896-calendar-routingcost.json']) as {
  costs: Record<string, Record<string, number[]>>
}

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-12-02T15:00:00.000Z' })
})

function post(path: string, type: string, body: unknown, overrides: Partial<Env> = {}) {
  return worker.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': type },
      body: JSON.stringify(body),
    }),
    { ...env, ...overrides },
    testExecutionContext()
  )
}
const ecs = (body: unknown) =>
  post(`/endpointcost/${NM}/lookup`, MEDIA_TYPES.endpointCostParams, body)
const fcm = (body: unknown, nm = NM) =>
  post(`/costmap/${nm}/filtered`, MEDIA_TYPES.costMapFilter, body)

/** The start of today's iteration (anchor 2019-06-30T00:00Z, one day per iteration). */
function expectedStart(before: number, after: number): string[] {
  const day = 86_400_000
  return [before, after].map((t) => new Date(Math.floor(t / day) * day).toUTCString())
}

describe('RFC 8896 §4.1 calendar-attributes in the IRD', () => {
  it('on the filtered cost map and the endpoint cost service of the network map, for its calendared types only', async () => {
    const ird = (await (
      await worker.fetch(new Request(`${ORIGIN}/directory`), env, testExecutionContext())
    ).json()) as { resources: Record<string, { capabilities?: Record<string, unknown> }> }
    // RFC 8896 §4.1: one element per distinct (interval size, count); rfc8896-examples.test.ts
    // compares them with the §4.3 example IRD.
    const want = [
      { 'cost-type-names': ['num-owdelay'], 'time-interval-size': 300, 'number-of-intervals': 12 },
      {
        'cost-type-names': ['num-routingcost'],
        'time-interval-size': 3600,
        'number-of-intervals': 24,
      },
      {
        'cost-type-names': ['num-throughputrating'],
        'time-interval-size': 7200,
        'number-of-intervals': 12,
      },
    ]
    for (const id of [resourceIds.filteredCostMap(NM), resourceIds.endpointCost(NM)])
      expect(ird.resources[id]?.capabilities?.['calendar-attributes'], id).toEqual(want)
    const withCalendars = Object.entries(ird.resources).filter(
      ([, r]) => r.capabilities?.['calendar-attributes'] !== undefined
    )
    // Besides NM's two services: the RFC 9275 §8.1 sample's (its routing cost calendar, and its
    // path-vector resources with the path calendar, path-vector.test.ts).
    const PV_NM = 'rfc9275-netmap'
    expect(withCalendars.map(([id]) => id).sort()).toEqual(
      [
        resourceIds.filteredCostMap(NM),
        resourceIds.endpointCost(NM),
        resourceIds.filteredCostMap(PV_NM),
        resourceIds.endpointCost(PV_NM),
        resourceIds.pathVectorCostMap(PV_NM),
        resourceIds.pathVectorEndpointCost(PV_NM),
      ].sort()
    )
    for (const [id, r] of withCalendars)
      if (!id.includes(PV_NM)) expect(r.capabilities!['calendar-attributes']).toEqual(want)
  })
})

describe('RFC 8896 §5.2 calendared endpoint cost', () => {
  it('§5.2.3 example: the pair gets exactly number-of-intervals values, start time an IMF-fixdate', async () => {
    const before = Date.now()
    const res = await ecs({
      'cost-type': ROUTING,
      calendared: [true],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89', 'ipv4:198.51.100.200'] },
    })
    const after = Date.now()
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      meta: { 'cost-type': unknown; 'calendar-response-attributes': Record<string, unknown>[] }
      'endpoint-cost-map': Record<string, Record<string, number[]>>
    }
    expect(body.meta['cost-type']).toEqual(ROUTING)
    const [attrs] = body.meta['calendar-response-attributes']
    expect(body.meta['calendar-response-attributes']).toHaveLength(1)
    expect(attrs).toMatchObject({
      'time-interval-size': 3600,
      'number-of-intervals': 24,
      repeated: 4,
    })
    expect(attrs['cost-type-names']).toBeUndefined() // one calendared type
    // RFC 9110 §5.6.7 IMF-fixdate, never later than the request.
    expect(attrs['calendar-start-time']).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/
    )
    expect(expectedStart(before, after)).toContain(attrs['calendar-start-time'])
    expect(Date.parse(attrs['calendar-start-time'] as string)).toBeLessThanOrEqual(after)
    const row = body['endpoint-cost-map']['ipv4:192.0.2.2']
    expect(row['ipv4:192.0.2.89']).toEqual(RFC_VALUES)
    expect(row['ipv4:198.51.100.200']).toEqual(source.costs.PID1.PID2)
  })

  it('§5.1.1: absent or false → single values; true on a type without a calendar is ignored', async () => {
    for (const calendared of [undefined, [false]]) {
      const res = await ecs({
        'cost-type': ROUTING,
        ...(calendared ? { calendared } : {}),
        endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
      })
      const body = (await res.json()) as Record<string, any>
      expect(body.meta['calendar-response-attributes']).toBeUndefined()
      expect(body['endpoint-cost-map']['ipv4:192.0.2.2']['ipv4:192.0.2.89']).toBe(100)
    }
    const hops = await ecs({
      'cost-type': HOPS,
      calendared: [true],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.200'] },
    })
    const body = (await hops.json()) as Record<string, any>
    expect(body['endpoint-cost-map']['ipv4:192.0.2.2']['ipv4:198.51.100.200']).toBe(2)
    expect(body.meta['calendar-response-attributes']).toBeUndefined()
  })

  it('§5.1.1: a calendared array of the wrong length is E_INVALID_FIELD_VALUE "calendared"', async () => {
    for (const calendared of [
      [true, true],
      [true, false, true],
    ]) {
      const res = await ecs({
        'cost-type': ROUTING,
        calendared,
        endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
      })
      expect(res.status).toBe(400)
      expect(res.headers.get('Content-Type')).toBe('application/alto-error+json')
      expect(((await res.json()) as { meta: Record<string, unknown> }).meta).toMatchObject({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'calendared',
      })
    }
    const notBool = await ecs({
      'cost-type': ROUTING,
      calendared: ['yes'],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
    })
    expect(notBool.status).toBe(400)
  })

  it('§5.2.1: constraints in a calendared request are ignored', async () => {
    const res = await ecs({
      'cost-type': ROUTING,
      calendared: [true],
      constraints: ['lt 1'],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
    })
    const body = (await res.json()) as Record<string, any>
    expect(body['endpoint-cost-map']['ipv4:192.0.2.2']['ipv4:192.0.2.89']).toEqual(RFC_VALUES)
  })

  it('§5.2.4 with RFC 8189 multi-cost: the calendared component is an array, the other a number', async () => {
    const res = await ecs({
      'multi-cost-types': [ROUTING, HOPS],
      calendared: [true, false],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.200'] },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, any>
    expect(body.meta['cost-type']).toEqual({})
    expect(body.meta['multi-cost-types']).toEqual([ROUTING, HOPS])
    expect(body['endpoint-cost-map']['ipv4:192.0.2.2']['ipv4:198.51.100.200']).toEqual([
      source.costs.PID1.PID2,
      2,
    ])
  })
})

describe('RFC 8896 §5.1 calendared filtered cost map', () => {
  it('every pair equals the source calendar (oracle: the source file)', async () => {
    const res = await fcm({
      'cost-type': ROUTING,
      calendared: [true],
      pids: { srcs: [], dsts: [] },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { 'cost-map': Record<string, Record<string, number[]>> }
    expect(body['cost-map']).toEqual(source.costs)
  })

  it('§3.3.2: the GET full cost map stays single-valued', async () => {
    const res = await worker.fetch(
      new Request(`${ORIGIN}/costmap/rfc8896-num-routingcost`),
      env,
      testExecutionContext()
    )
    const body = (await res.json()) as Record<string, any>
    expect(body['cost-map'].PID1.PID1).toBe(100)
    expect(body.meta['calendar-response-attributes']).toBeUndefined()
  })
})

describe('the response schemas (served as /schemas/alto-*.json) admit calendared answers', () => {
  it('§5.2.3 and §5.2.4 endpoint cost answers and a §5.1 filtered cost map answer parse', async () => {
    const single = await ecs({
      'cost-type': ROUTING,
      calendared: [true],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
    })
    const multi = await ecs({
      'multi-cost-types': [ROUTING, HOPS],
      calendared: [true, false],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.200'] },
    })
    for (const res of [single, multi]) {
      const body = await res.json()
      expect(anyEndpointCostResponseSchema.safeParse(body).success).toBe(true)
      expect(calendaredEndpointCostResponseSchema.safeParse(body).success).toBe(true)
    }
    const map = await fcm({ 'cost-type': ROUTING, calendared: [true] })
    expect(anyCostMapResponseSchema.safeParse(await map.json()).success).toBe(true)
    // A plain answer is not mistaken for a calendared one.
    const plain = await ecs({
      'cost-type': ROUTING,
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
    })
    expect(calendaredEndpointCostResponseSchema.safeParse(await plain.json()).success).toBe(false)
  })
})

describe('the client library: calendaredEndpointCost (RFC 8896 §5.2)', () => {
  const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)

  it('picks the service whose calendar-attributes name the type and returns the typed answer', async () => {
    const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    const answer = await alto.calendaredEndpointCost({
      'multi-cost-types': [ROUTING, HOPS],
      calendared: [true, false],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
    })
    expect(answer.meta['calendar-response-attributes'][0]['number-of-intervals']).toBe(24)
    expect(answer['endpoint-cost-map']['ipv4:192.0.2.2']['ipv4:192.0.2.89']).toEqual([
      RFC_VALUES,
      0,
    ])
  })

  it('refuses, before any request, a calendared type no service has a calendar for', async () => {
    const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    await expect(
      alto.calendaredEndpointCost({
        'cost-type': HOPS,
        calendared: [true],
        endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.89'] },
      })
    ).rejects.toBeInstanceOf(AltoClientError)
  })
})
