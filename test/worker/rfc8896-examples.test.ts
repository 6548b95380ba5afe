/**
 * The RFC 8896 examples against maps/example/rfc8896-* (issue 15 item 4): the example requests
 * of §5.1.3, §5.2.3 and §5.2.4, sent as the RFC writes them at the RFC's request time (Tuesday,
 * July 1st 2019 at 13:15 GMT, a fake clock), get the RFC's values. The network map puts each
 * example destination in a PID of its own (192.0.2.0/24, 198.51.100.0/24, the IPv4 default and
 * the IPv6 default), since the server answers per PID pair.
 *
 * Where the answer differs from the RFC's, the test says why (docs/multi-cost.md, "The RFC 8896
 * examples"): the RFC's own inconsistencies, and one calendar per (network map, cost type)
 * serving both services.
 */
import { env } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { resourceIds } from '../../src/alto/resources.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc8896-network-map'
const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
/**
 * RFC 8896 §5.1.3, §5.2.3, §5.2.4: "the ALTO Client sends its request on Tuesday, July 1st 2019
 * at 13:15" (a Monday, in fact).
 */
const REQUEST_TIME = new Date('2019-07-01T13:15:00Z')

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-12-02T15:00:00.000Z' })
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(REQUEST_TIME)
})
afterAll(() => {
  vi.useRealTimers()
})

async function post(path: string, type: string, body: unknown): Promise<Record<string, any>> {
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': type },
      body: JSON.stringify(body),
    }),
    env,
    testExecutionContext()
  )
  if (res.status !== 200) throw new Error(`${res.status}: ${await res.text()}`)
  return (await res.json()) as Record<string, any>
}

/** The four destinations of §5.2.3 and §5.2.4. */
const DSTS = ['ipv4:192.0.2.89', 'ipv4:198.51.100.34', 'ipv4:203.0.113.45', 'ipv6:2001:db8::10']
/** §5.2.3's routingcost calendars of ipv4:192.0.2.2 → DSTS. */
const ROUTING_5_2_3 = {
  'ipv4:192.0.2.89': [
    100, 100, 100, 100, 100, 150, 200, 300, 300, 300, 300, 250, 250, 300, 300, 300, 300, 300, 400,
    250, 250, 200, 150, 150,
  ],
  'ipv4:198.51.100.34': [
    80, 80, 80, 80, 150, 150, 250, 400, 400, 450, 400, 200, 200, 350, 400, 400, 400, 350, 500, 200,
    200, 200, 100, 100,
  ],
  'ipv4:203.0.113.45': [
    300, 400, 250, 250, 200, 150, 150, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 150, 200,
    300, 300, 300, 300, 250,
  ],
  'ipv6:2001:db8::10': [
    200, 250, 300, 300, 300, 300, 250, 300, 300, 300, 300, 350, 300, 400, 250, 150, 100, 100, 100,
    150, 200, 250, 250, 300,
  ],
}
/** §5.2.4's owdelay calendars of ipv4:192.0.2.2 → DSTS. */
const OWDELAY_5_2_4 = {
  'ipv4:192.0.2.89': [20, 400, 20, 80, 80, 90, 100, 90, 60, 40, 30, 20],
  'ipv4:198.51.100.34': [20, 20, 50, 30, 30, 30, 30, 40, 40, 30, 20, 20],
  'ipv4:203.0.113.45': [100, 90, 80, 60, 50, 50, 40, 40, 60, 90, 100, 80],
  'ipv6:2001:db8::10': [40, 40, 40, 40, 50, 50, 50, 20, 10, 15, 30, 40],
}

describe('RFC 8896 §4.3 example IRD', () => {
  it('calendar-attributes as the example groups them: one element per distinct (interval size, count), each type once (§4.1)', async () => {
    const res = await worker.fetch(new Request(`${ORIGIN}/directory`), env, testExecutionContext())
    const ird = (await res.json()) as Record<string, any>
    const want = [
      // §4.3's endpoint-cost-map-calendar: owdelay 300 × 12 and routingcost 3600 × 24, as here.
      { 'cost-type-names': ['num-owdelay'], 'time-interval-size': 300, 'number-of-intervals': 12 },
      {
        'cost-type-names': ['num-routingcost'],
        'time-interval-size': 3600,
        'number-of-intervals': 24,
      },
      // §4.3 gives throughputrating 7200 × 12 on the filtered cost map but 60 × 60 on the endpoint
      // cost service; here one calendar per (network map, cost type) serves both, so both say the
      // filtered cost map's 7200 × 12 (the one §5.1.3's answer uses).
      {
        'cost-type-names': ['num-throughputrating'],
        'time-interval-size': 7200,
        'number-of-intervals': 12,
      },
    ]
    for (const id of [resourceIds.filteredCostMap(NM), resourceIds.endpointCost(NM)]) {
      const capabilities = ird.resources[id].capabilities
      expect(capabilities['calendar-attributes'], id).toEqual(want)
      // §4.3: "cost-constraints" true: constraints apply to the types not asked as calendars.
      expect(capabilities['cost-constraints']).toBe(true)
      expect(capabilities['cost-type-names']).toEqual([
        'num-hopcount',
        'num-owdelay',
        'num-routingcost',
        'num-throughputrating',
      ])
    }
    for (const name of ['num-routingcost', 'num-owdelay', 'num-throughputrating'])
      expect(ird.meta['cost-types'][name]).toEqual(num(name.slice(4)))
  })
})

describe('RFC 8896 §5.1.3 FCM with a bandwidth calendar', () => {
  it('the example request gets the example’s 12 values per pair and start time', async () => {
    const body = await post(`/costmap/${NM}/filtered`, MEDIA_TYPES.costMapFilter, {
      'cost-type': num('throughputrating'),
      calendared: [true],
      pids: { srcs: ['PID1', 'PID2'], dsts: ['PID1', 'PID2', 'PID3'] },
    })
    expect(body).toEqual({
      meta: {
        // Our network map's vtag, not the example's "3ee2cb7e…".
        'dependent-vtags': [{ 'resource-id': NM, tag: expect.any(String) }],
        'cost-type': num('throughputrating'),
        'calendar-response-attributes': [
          {
            // The RFC writes "Tue, 1 Jul 2019 13:00:00 GMT": 2019-07-01 was a Monday, and an
            // IMF-fixdate (RFC 9110 §5.6.7) has a 2-digit day.
            'calendar-start-time': 'Mon, 01 Jul 2019 13:00:00 GMT',
            'time-interval-size': 7200,
            'number-of-intervals': 12,
          },
        ],
      },
      'cost-map': {
        PID1: {
          PID1: [1, 12, 14, 18, 14, 14, 14, 18, 19, 20, 11, 12],
          PID2: [13, 4, 15, 16, 17, 18, 19, 20, 11, 12, 13, 14],
          PID3: [20, 20, 18, 14, 12, 12, 14, 14, 12, 12, 14, 16],
        },
        PID2: {
          PID1: [17, 18, 19, 10, 11, 12, 13, 14, 15, 16, 17, 18],
          PID2: [20, 20, 18, 16, 14, 14, 14, 16, 16, 16, 14, 16],
          PID3: [20, 20, 18, 14, 12, 12, 14, 14, 12, 12, 14, 16],
        },
      },
    })
  })
})

describe('RFC 8896 §5.2.3 ECS with a routingcost calendar', () => {
  it('the example request gets the example’s calendars; the start time is the day’s', async () => {
    const body = await post(`/endpointcost/${NM}/lookup`, MEDIA_TYPES.endpointCostParams, {
      'cost-type': num('routingcost'),
      calendared: [true],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: DSTS },
    })
    expect(body['endpoint-cost-map']).toEqual({ 'ipv4:192.0.2.2': ROUTING_5_2_3 })
    expect(body.meta['cost-type']).toEqual(num('routingcost'))
    expect(body.meta['calendar-response-attributes']).toEqual([
      {
        // The RFC says "Mon, 30 Jun 2019 00:00:00 GMT" (2019-06-30 was a Sunday), the start of
        // its four-day weekday calendar; here it is the start of the iteration holding the
        // request (iterations of 24 h from the anchor), and `repeated` is the source's 4.
        // (The RFC's "Tuesday, July 1st 2019" was a Monday too.)
        'calendar-start-time': 'Mon, 01 Jul 2019 00:00:00 GMT',
        'time-interval-size': 3600,
        'number-of-intervals': 24,
        repeated: 4,
      },
    ])
  })
})

describe('RFC 8896 §5.2.4 ECS with a multi-cost calendar for routingcost and owdelay', () => {
  it('the example request, "cost-type": {} included, gets the example’s calendars and attributes', async () => {
    const body = await post(`/endpointcost/${NM}/lookup`, MEDIA_TYPES.endpointCostParams, {
      'cost-type': {},
      'multi-cost-types': [num('routingcost'), num('owdelay')],
      calendared: [true, true],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: DSTS },
    })
    const row = Object.fromEntries(
      DSTS.map((d) => [
        d,
        [
          ROUTING_5_2_3[d as keyof typeof ROUTING_5_2_3],
          OWDELAY_5_2_4[d as keyof typeof OWDELAY_5_2_4],
        ],
      ])
    )
    expect(body['endpoint-cost-map']).toEqual({ 'ipv4:192.0.2.2': row })
    expect(body.meta['multi-cost-types']).toEqual([num('routingcost'), num('owdelay')])
    // §5.2.2 requires "cost-type": {} in a multi-cost answer; the example's answer leaves it out.
    expect(body.meta['cost-type']).toEqual({})
    expect(body.meta['calendar-response-attributes']).toEqual([
      {
        'cost-type-names': ['num-routingcost'],
        'calendar-start-time': 'Mon, 01 Jul 2019 00:00:00 GMT', // the RFC: "Mon, 30 Jun" (§5.2.3)
        'time-interval-size': 3600,
        'number-of-intervals': 24,
        repeated: 4,
      },
      {
        'cost-type-names': ['num-owdelay'],
        'calendar-start-time': 'Mon, 01 Jul 2019 13:00:00 GMT', // the RFC: "Tue, 1 Jul" (wrong weekday, 1-digit day)
        'time-interval-size': 300,
        'number-of-intervals': 12,
      },
    ])
  })

  it('"cost-type": {} is read as absent only beside multi-cost-types (RFC 8189 §4.1.2)', async () => {
    const res = await worker.fetch(
      new Request(`${ORIGIN}/endpointcost/${NM}/lookup`, {
        method: 'POST',
        headers: { 'Content-Type': MEDIA_TYPES.endpointCostParams },
        body: JSON.stringify({
          'cost-type': {},
          endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: DSTS },
        }),
      }),
      env,
      testExecutionContext()
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { meta: Record<string, string> }).meta).toMatchObject({
      code: 'E_MISSING_FIELD',
      field: 'cost-type/cost-mode',
    })
    const both = await worker.fetch(
      new Request(`${ORIGIN}/endpointcost/${NM}/lookup`, {
        method: 'POST',
        headers: { 'Content-Type': MEDIA_TYPES.endpointCostParams },
        body: JSON.stringify({
          'cost-type': num('routingcost'),
          'multi-cost-types': [num('routingcost'), num('owdelay')],
          endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: DSTS },
        }),
      }),
      env,
      testExecutionContext()
    )
    expect(((await both.json()) as { meta: Record<string, string> }).meta).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'multi-cost-types',
    })
  })
})
