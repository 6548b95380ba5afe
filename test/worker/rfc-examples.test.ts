/**
 * The RFC 7285 examples, answered by the Worker from the real pipeline (maps/ compiled and
 * published into KV). The example map set uses the resource id `rfc-example-network-map` (the
 * RFC's `my-default-network-map` is the IETF-93 interop map here), so ids in the expected bodies
 * differ from the RFC text; version tags come from the published manifest.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import {
  get,
  postEndpointCost,
  postEndpointProperties,
  postFilteredCostMap,
  postFilteredNetworkMap,
} from './client.ts'
import { compileRealMapSet, expectedEndpointCostVtag, publish } from './map-set.ts'

const NM = 'rfc-example-network-map'
let manifest: Manifest
let vtag: { 'resource-id': string; tag: string }

beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(), {
    created: '2026-11-26T18:00:00.000Z',
  })
  vtag = { 'resource-id': NM, tag: manifest['network-maps'][NM].vtag }
})

const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const ordinalRouting = { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' }

describe('RFC 7285 examples', () => {
  it('§11.2.1.7 network map', async () => {
    const res = await get(`/networkmap/${NM}`, {
      Accept: `${MEDIA_TYPES.networkMap},${MEDIA_TYPES.error}`,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.networkMap)
    expect(await res.json()).toEqual({
      meta: { vtag },
      'network-map': {
        PID1: { ipv4: ['192.0.2.0/24', '198.51.100.0/25'] },
        PID2: { ipv4: ['198.51.100.128/25'] },
        PID3: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
      },
    })
  })

  it('§11.2.3.7 cost map (PID3 → PID3 has no cost and is omitted)', async () => {
    const res = await get('/costmap/rfc-example-num-routingcost', {
      Accept: `${MEDIA_TYPES.costMap},${MEDIA_TYPES.error}`,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.costMap)
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': numericalRouting },
      'cost-map': {
        PID1: { PID1: 1, PID2: 5, PID3: 10 },
        PID2: { PID1: 5, PID2: 1, PID3: 15 },
        PID3: { PID1: 20, PID2: 15 },
      },
    })
  })

  it('§11.3.1.7 filtered network map (corrected prefixes)', async () => {
    // The RFC's response shows PID1 198.51.100.0/24 and PID2 198.51.100.128/24, contradicting
    // its own full map (§11.2.1.7: /25 both) — and 198.51.100.128/24 is not even a canonical
    // prefix. The correct answer carries the full map's /25 prefixes.
    const res = await postFilteredNetworkMap(NM, { pids: ['PID1', 'PID2'] })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.networkMap)
    expect(await res.json()).toEqual({
      meta: { vtag },
      'network-map': {
        PID1: { ipv4: ['192.0.2.0/24', '198.51.100.0/25'] },
        PID2: { ipv4: ['198.51.100.128/25'] },
      },
    })
  })

  it('§11.3.2.7 filtered cost map', async () => {
    // The RFC's response (costs 0, 1, 2) is an independent example that does not match its own
    // §11.2.3.7 cost map; this map set holds the §11.2.3.7 costs, so PID1's row is 1, 5, 10.
    const res = await postFilteredCostMap(NM, {
      'cost-type': numericalRouting,
      pids: { srcs: ['PID1'], dsts: ['PID1', 'PID2', 'PID3'] },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.costMap)
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': numericalRouting },
      'cost-map': { PID1: { PID1: 1, PID2: 5, PID3: 10 } },
    })
  })

  it('§11.4.1.7 endpoint properties', async () => {
    // The RFC's request says `my-default-networkmap.pid` (a typo for the resource id
    // `my-default-network-map`, which its response uses); here the id is rfc-example-network-map.
    const res = await postEndpointProperties({
      properties: [`${NM}.pid`, 'priv:ietf-example-prop'],
      endpoints: ['ipv4:192.0.2.34', 'ipv4:203.0.113.129'],
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.endpointProp)
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [vtag] },
      'endpoint-properties': {
        'ipv4:192.0.2.34': { [`${NM}.pid`]: 'PID1', 'priv:ietf-example-prop': '1' },
        // 203.0.113.129 only matches 0.0.0.0/0 and has no priv:ietf-example-prop: omitted for
        // this endpoint only (§11.4.1.6).
        'ipv4:203.0.113.129': { [`${NM}.pid`]: 'PID3' },
      },
    })
  })

  it('§11.5.1.7 endpoint cost, ordinal (meta.vtag added, §8.3.7 lets clients ignore it)', async () => {
    const res = await postEndpointCost(NM, {
      'cost-type': ordinalRouting,
      endpoints: {
        srcs: ['ipv4:192.0.2.2'],
        dsts: ['ipv4:192.0.2.89', 'ipv4:198.51.100.34', 'ipv4:203.0.113.45'],
      },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.endpointCost)
    // The RFC ranks 198.51.100.34 second, but under its own network map (§11.2.1.7) that
    // address is in 198.51.100.0/25 = PID1, the source's PID, so it ranks with 192.0.2.89.
    // Costs here: PID1→PID1 = 1, PID1→PID3 = 3 (maps/example/cost-ordinal-routingcost.json).
    expect(await res.json()).toEqual({
      meta: {
        vtag: await expectedEndpointCostVtag(manifest, NM, ordinalRouting),
        'dependent-vtags': [vtag],
        'cost-type': ordinalRouting,
      },
      'endpoint-cost-map': {
        'ipv4:192.0.2.2': { 'ipv4:192.0.2.89': 1, 'ipv4:198.51.100.34': 1, 'ipv4:203.0.113.45': 3 },
      },
    })
  })

  it('§11.2.2 longest-prefix match: 198.51.100.200 is PID2, ::1 is PID3', async () => {
    const res = await postEndpointProperties({
      properties: [`${NM}.pid`],
      endpoints: ['ipv4:198.51.100.200', 'ipv6:::1', 'ipv4:198.51.100.127'],
    })
    expect(await res.json()).toMatchObject({
      'endpoint-properties': {
        'ipv4:198.51.100.200': { [`${NM}.pid`]: 'PID2' },
        'ipv6:::1': { [`${NM}.pid`]: 'PID3' },
        'ipv4:198.51.100.127': { [`${NM}.pid`]: 'PID1' },
      },
    })
  })
})

describe('filtering semantics', () => {
  it('filtered network map: [] = full map, duplicates once, unknown PIDs/types ignored', async () => {
    const full = await (await get(`/networkmap/${NM}`)).json()
    expect(await (await postFilteredNetworkMap(NM, { pids: [] })).json()).toEqual(full)
    expect(
      await (
        await postFilteredNetworkMap(NM, {
          pids: ['PID3', 'NOPE', 'PID3'],
          'address-types': ['ipv6', 'foo'],
        })
      ).json()
    ).toEqual({ meta: { vtag }, 'network-map': { PID3: { ipv6: ['::/0'] } } })
  })

  it('filtered cost map without pids equals the full cost map; constraints are ANDed', async () => {
    const full = await (await get('/costmap/rfc-example-num-routingcost')).json()
    expect(await (await postFilteredCostMap(NM, { 'cost-type': numericalRouting })).json()).toEqual(
      full
    )
    const constrained = await postFilteredCostMap(NM, {
      'cost-type': { ...numericalRouting, description: 'ignored' },
      constraints: ['ge 5', 'lt 15'],
      pids: { srcs: [], dsts: [] },
    })
    expect(await constrained.json()).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': numericalRouting },
      'cost-map': { PID1: { PID2: 5, PID3: 10 }, PID2: { PID1: 5 } },
    })
  })

  it('ordinal cost type selects the ordinal cost map', async () => {
    const res = await postFilteredCostMap(NM, {
      'cost-type': ordinalRouting,
      pids: { srcs: ['PID3'] },
    })
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': ordinalRouting },
      'cost-map': { PID3: { PID1: 5, PID2: 4 } },
    })
  })

  it('endpoint cost: an absent srcs list means the client address (CF-Connecting-IP)', async () => {
    const res = await postEndpointCost(
      NM,
      {
        'cost-type': numericalRouting,
        endpoints: { dsts: ['ipv4:198.51.100.200', 'ipv6:2001:db8::1'] },
      },
      { 'CF-Connecting-IP': '192.0.2.77' }
    )
    expect(await res.json()).toMatchObject({
      'endpoint-cost-map': {
        'ipv4:192.0.2.77': { 'ipv4:198.51.100.200': 5, 'ipv6:2001:db8::1': 10 },
      },
    })
    const v6 = await postEndpointCost(
      NM,
      { 'cost-type': numericalRouting, endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: [] } },
      { 'CF-Connecting-IP': '2001:DB8:0::5' }
    )
    expect(await v6.json()).toMatchObject({
      'endpoint-cost-map': { 'ipv4:192.0.2.1': { 'ipv6:2001:db8::5': 10 } },
    })
  })

  it('endpoint properties: duplicates once, keys echo the client string', async () => {
    const res = await postEndpointProperties({
      properties: [`${NM}.pid`, `${NM}.pid`],
      endpoints: ['ipv6:2001:DB8::1', 'ipv6:2001:DB8::1'],
    })
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [vtag] },
      'endpoint-properties': { 'ipv6:2001:DB8::1': { [`${NM}.pid`]: 'PID3' } },
    })
  })
})
