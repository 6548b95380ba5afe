/**
 * The client library (src/client) against the real Worker in workerd: every service the IRD
 * announces, the ETag cache, delegated IRDs, typed failures, and following a resource through
 * TIPS and ALTO/SSE while publications happen. KV is seeded by the real compiler and publisher.
 */
import { exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Build } from '../../src/compiler/index.ts'
import { AltoClient, AltoClientError, type FetchLike } from '../../src/client/index.ts'
import { rank } from '../../src/client/rank.ts'

import { ORIGIN } from './client.ts'
import { MAP_SET_FILES } from './map-set.ts'
import {
  NM,
  exampleCostMapId,
  fourVersions,
  publishWithUpdates,
  snapshotThenChange,
} from './tips-helpers.ts'

const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)
const numRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const ordRouting = { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' }

let builds: Build[]
let alto: AltoClient

beforeAll(async () => {
  builds = await fourVersions()
  await publishWithUpdates(builds[0])
  alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
})

/** The value a failing call rejects with. */
async function failureOf(p: Promise<unknown>) {
  const e = await p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e
  )
  if (!(e instanceof AltoClientError)) throw e
  return e.failure
}

describe('discovery (RFC 7285 §9)', () => {
  it('reads /directory for a bare origin and resolves every URI against it (§9.2.2)', () => {
    expect(alto.directory.uri).toBe(`${ORIGIN}/directory`)
    expect(alto.directory.defaultNetworkMap).toBe('my-default-network-map')
    expect(alto.resource(NM).uri).toBe(`${ORIGIN}/networkmap/${NM}`)
    expect(alto.resource('tips').uri).toBe(`${ORIGIN}/tips`)
    expect([...alto.directory.resources.values()].every((r) => r.uri.startsWith(ORIGIN))).toBe(true)
  })

  it('follows a delegated IRD (§9.2.4) and keeps a repeated id apart', async () => {
    // A root IRD elsewhere that delegates to this server's IRD and repeats one of its ids.
    const root = {
      meta: { 'cost-types': {} },
      resources: {
        [NM]: { uri: 'https://other.example/nm', 'media-type': 'application/alto-networkmap+json' },
        edge: { uri: `${ORIGIN}/directory`, 'media-type': 'application/alto-directory+json' },
      },
    }
    const fetchBoth: FetchLike = (input, init) =>
      String(input) === 'https://root.example/ird'
        ? Promise.resolve(
            new Response(JSON.stringify(root), {
              headers: { 'Content-Type': 'application/alto-directory+json' },
            })
          )
        : viaWorker(input, init)
    const client = await AltoClient.discover('https://root.example/ird', { fetch: fetchBoth })
    expect(client.directory.directories).toEqual([
      'https://root.example/ird',
      `${ORIGIN}/directory`,
    ])
    expect(client.resource(NM).uri).toBe('https://other.example/nm')
    expect(client.resource(`edge/${NM}`).uri).toBe(`${ORIGIN}/networkmap/${NM}`)
    // `uses` of the delegated IRD's entries point at its own (renamed) network map.
    expect(client.resource(`${NM}-filtered`).uses).toEqual([`edge/${NM}`])
    const body = await client.filteredNetworkMap({ pids: ['PID2'] }, { networkMap: `edge/${NM}` })
    expect(Object.keys(body['network-map'])).toEqual(['PID2'])
  })
})

describe('information services (RFC 7285 §11)', () => {
  it('§11.2.1 network map, revalidated with If-None-Match (304 serves the cached body)', async () => {
    const client = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    const first = await client.networkMap(NM)
    expect(first.meta.vtag['resource-id']).toBe(NM)
    expect(first['network-map'].PID1.ipv4).toEqual(['192.0.2.0/24', '198.51.100.0/25'])
    const again = await client.networkMap(NM)
    expect(client.transport.revalidated).toBe(1)
    expect(again).toBe(first)
  })

  it('§11.3.1 filtered network map', async () => {
    const body = await alto.filteredNetworkMap(
      { pids: ['PID3'], 'address-types': ['ipv6'] },
      { networkMap: NM }
    )
    expect(body['network-map']).toEqual({ PID3: { ipv6: ['::/0'] } })
  })

  it('§11.2.3 cost map chosen by cost type, and §11.3.2 filtered cost map', async () => {
    const expected = JSON.parse(MAP_SET_FILES['example/cost-routingcost.json']).costs
    const full = await alto.costMap('num-routingcost', { networkMap: NM })
    expect(full.meta['cost-type']).toEqual(numRouting)
    expect(full['cost-map'].PID1.PID2).toBe(11) // builds[0] is the variant with PID1 → PID2 = 11
    expect(full['cost-map'].PID2).toEqual(expected.PID2)
    const ord = await alto.filteredCostMap(
      { 'cost-type': ordRouting, pids: { srcs: ['PID1'], dsts: ['PID2', 'PID3'] } },
      { networkMap: NM }
    )
    expect(ord['cost-map']).toEqual({ PID1: { PID2: 2, PID3: 3 } })
  })

  it('§11.4.1 endpoint properties and PIDs of addresses (§7.1.1 `<map>.pid`)', async () => {
    const pids = await alto.pidsOf(
      ['ipv4:192.0.2.34', 'ipv4:198.51.100.200', 'ipv6:2001:db8::1'],
      NM
    )
    expect([...pids]).toEqual([
      ['ipv4:192.0.2.34', 'PID1'],
      ['ipv4:198.51.100.200', 'PID2'],
      ['ipv6:2001:db8::1', 'PID3'],
    ])
  })

  it('§11.5.1 endpoint cost', async () => {
    const body = await alto.endpointCost(
      {
        'cost-type': ordRouting,
        endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.130', 'ipv4:203.0.113.9'] },
      },
      { resourceId: `${NM}-endpoint-cost` }
    )
    expect(body['endpoint-cost-map']).toEqual({
      'ipv4:192.0.2.2': { 'ipv4:198.51.100.130': 2, 'ipv4:203.0.113.9': 3 },
    })
  })
})

describe('failures are typed values', () => {
  it('§8.5.2 an ALTO error keeps its code, field and value', async () => {
    const failure = await failureOf(
      alto.endpointProperties({ properties: [`${NM}.pid`], endpoints: ['ipv4:not-an-address'] })
    )
    expect(failure).toMatchObject({
      kind: 'alto',
      status: 400,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'endpoints', value: 'ipv4:not-an-address' },
    })
  })

  it('HTTP-level failures keep the status and Retry-After; no resource is a no-resource failure', async () => {
    const gone = await failureOf(
      alto.transport.get(`${ORIGIN}/networkmap/nope`, 'application/alto-networkmap+json', {
        safeParse: () => ({ success: true, data: null }),
      } as never)
    )
    expect(gone).toMatchObject({ kind: 'http', status: 404, method: 'GET' })
    const none = await failureOf(Promise.resolve().then(() => alto.costMap('num-nosuchmetric')))
    expect(none.kind).toBe('no-resource')
  })

  it('no HTTP answer is `unreachable`; a body that is not the announced message is `invalid-response`', async () => {
    const refused = await failureOf(
      AltoClient.discover(ORIGIN, {
        fetch: () =>
          Promise.reject(
            Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })
          ),
      })
    )
    expect(refused).toEqual({
      kind: 'unreachable',
      url: `${ORIGIN}/directory`,
      reason: 'ECONNREFUSED',
    })
    const wrong = await failureOf(
      AltoClient.discover(ORIGIN, {
        fetch: () =>
          Promise.resolve(
            new Response('{"resources": 7}', {
              headers: { 'Content-Type': 'application/alto-directory+json' },
            })
          ),
      })
    )
    expect(wrong).toMatchObject({
      kind: 'invalid-response',
      reason: expect.stringContaining('resources'),
    })
  })
})

describe('multi-cost (RFC 8189) through the client', () => {
  const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
  const MC = 'rfc8189-network-map'

  it("§5.2: filteredMultiCostMap picks the network map's multi-cost resource and parses array costs", async () => {
    const body = await alto.filteredMultiCostMap(
      { 'multi-cost-types': [num('routingcost'), num('shoesize')], pids: { srcs: ['PID2'] } },
      { networkMap: MC }
    )
    expect(body.meta['multi-cost-types']).toEqual([num('routingcost'), num('shoesize')])
    expect(body['cost-map']).toEqual({ PID2: { PID1: [15, 5], PID2: [1, 0], PID3: [null, 9] } })
  })

  it('§4.2: endpointMultiCost finds the only endpoint cost service offering both types', async () => {
    const body = await alto.endpointMultiCost({
      'multi-cost-types': [num('shoesize'), num('routingcost')],
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.34'] },
    })
    expect(body.meta.vtag).toMatchObject({ 'resource-id': `${MC}-endpoint-cost` })
    expect(body['endpoint-cost-map']).toEqual({
      'ipv4:192.0.2.2': { 'ipv4:198.51.100.34': [3, 4] },
    })
  })

  it('§4.1.1: more types than any max-cost-types is a no-resource failure, before any request', async () => {
    const types = [num('routingcost'), num('shoesize'), num('sceneryrate'), num('routingcost')]
    let failure: unknown
    try {
      await alto.endpointMultiCost({
        'multi-cost-types': types,
        endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.34'] },
      })
    } catch (e) {
      failure = e instanceof AltoClientError ? e.failure : e
    }
    expect(failure).toMatchObject({ kind: 'no-resource' })
  })
})

describe('ranking (draft-kiesel-alto-h12) over endpoint cost', () => {
  it('ranks by the primary criterion, breaks ties by the next, groups by PID, one RFC 8189 multi-cost request for all criteria', async () => {
    const candidates = [
      'ipv4:203.0.113.9',
      'ipv4:198.51.100.130',
      'ipv4:192.0.2.77',
      'ipv4:192.0.2.5',
      'ipv6:2001:db8::1',
    ]
    const result = await rank(alto, 'ipv4:192.0.2.2', candidates, [ordRouting, numRouting], {
      networkMap: NM,
      resourceId: `${NM}-endpoint-cost`,
    })
    expect(result.criteria).toEqual(['ord-routingcost', 'num-routingcost'])
    // The service announces max-cost-types 2 (RFC 8189 §4.2.1): both criteria in one
    // multi-cost request, plus one PID lookup, whatever the candidate count.
    expect(result.requests).toBe(2)
    expect(result.ranked.map((r) => [r.candidate, r.rank, r.pid])).toEqual([
      ['ipv4:192.0.2.5', 1, 'PID1'],
      ['ipv4:192.0.2.77', 1, 'PID1'],
      ['ipv4:198.51.100.130', 2, 'PID2'],
      ['ipv4:203.0.113.9', 3, 'PID3'],
      ['ipv6:2001:db8::1', 3, 'PID3'],
    ])
  })
})

describe('following a resource (RFC 9569 TIPS, RFC 8895 SSE)', () => {
  for (const [k, via] of (['tips', 'sse'] as const).entries()) {
    it(`${via}: a snapshot equal to the full map, then the change a publication makes`, async () => {
      const costMapId = exampleCostMapId(builds[0])
      const full = await alto.costMap('num-routingcost', { networkMap: NM })
      const controller = new AbortController()
      const updates = alto.follow(costMapId, { via, signal: controller.signal })
      // PID1 → PID2 changes: 11 → 22, then 22 → 33.
      const { snapshot, change } = await snapshotThenChange(
        updates,
        () => publishWithUpdates(builds[k + 1]),
        NM
      )
      expect(snapshot).toMatchObject({ type: 'update', kind: 'snapshot' })
      expect(snapshot!.body).toEqual(full)
      expect(change).toMatchObject({ type: 'update', kind: 'merge-patch' })
      const body = change!.body
      const after = await (
        await AltoClient.discover(ORIGIN, { fetch: viaWorker })
      ).costMap('num-routingcost', { networkMap: NM })
      expect(body).toEqual(after)
      controller.abort()
      await updates.return(undefined)
    })
  }
})
