/**
 * alto-edge/client on POST-mode resources: RFC 9275 path vectors (`pathVectorEndpointCost`, the
 * multipart answer parsed), a path-vector answer followed over ALTO/SSE (RFC 8895 §6.7.3: one
 * patch per part), and a filtered cost map followed with `input` through TIPS (RFC 9569), each
 * across a publication and checked against the POST answers (parsed by an independent parser).
 */
import { getMultipartBoundary, parseMultipart } from '@remix-run/multipart-parser'
import { env, exports } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { AltoClient, type FetchLike, type FollowEvent } from '../../src/client/index.ts'
import type { Build } from '../../src/compiler/index.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { ORIGIN, post, postFilteredCostMap } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet } from './map-set.ts'
import { publishWithUpdates } from './tips-helpers.ts'
import { pvTopology, withPvTopology } from './pv-helpers.ts'

const NM = 'rfc8189-network-map'
const ECS_PV = `${NM}-endpoint-cost-pv`
const PV = { 'cost-mode': 'array', 'cost-metric': 'ane-path' }
const BW = 'max-reservable-bandwidth'
const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)

/** The map set with {@link pvTopology}, and routingcost PID1 → PID2 4 (v1) or 12 (v2). */
function files(v2: boolean): Record<string, string> {
  const rc = JSON.parse(MAP_SET_FILES['example/rfc8189-cost-routingcost.json']) as {
    costs: Record<string, Record<string, number>>
  }
  if (v2) rc.costs.PID1.PID2 = 12
  return withPvTopology(
    { ...MAP_SET_FILES, 'example/rfc8189-cost-routingcost.json': JSON.stringify(rc) },
    pvTopology(NM, v2, false)
  )
}

const ECS_INPUT = {
  'cost-type': PV,
  endpoints: {
    srcs: ['ipv4:192.0.2.7', 'ipv4:198.51.100.9'],
    dsts: ['ipv4:192.0.2.8', 'ipv4:198.51.100.10', 'ipv4:203.0.113.1'],
  },
  'ane-property-names': [BW],
}
const FCM_INPUT = {
  'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
  pids: { srcs: ['PID1'], dsts: [] },
}

/** The POST answer's parts by Content-ID (without `<>`), parsed by @remix-run/multipart-parser. */
async function postedParts(nm = NM, input: unknown = ECS_INPUT): Promise<Record<string, unknown>> {
  const res = await post(`/endpointcost/${nm}/pv`, MEDIA_TYPES.endpointCostParams, input)
  expect(res.status).toBe(200)
  const boundary = getMultipartBoundary(res.headers.get('Content-Type')!)!
  const bytes = new Uint8Array(await res.arrayBuffer())
  return Object.fromEntries(
    [...parseMultipart(bytes, { boundary })].map((p) => [
      p.headers['content-id']!.slice(1, -1),
      JSON.parse(p.text) as unknown,
    ])
  )
}

/** The follower's next update (view and control events skipped). */
async function nextUpdate(updates: AsyncGenerator<FollowEvent>) {
  for (;;) {
    const r = await updates.next()
    if (r.done) throw new Error('the follower ended')
    if (r.value.type === 'update') return r.value
  }
}

/** The next update across a publication, the hub's pointer poll run until it arrives. */
async function acrossPublication(updates: AsyncGenerator<FollowEvent>, build: Build, hub: string) {
  const next = nextUpdate(updates)
  await new Promise((r) => setTimeout(r, 50))
  await publishWithUpdates(build)
  let arrived = false
  void next.then(() => (arrived = true))
  for (const deadline = Date.now() + 10_000; !arrived && Date.now() < deadline;) {
    await runDurableObjectAlarm(hubStub(env, hub))
    await new Promise((r) => setTimeout(r, 50))
  }
  return next
}

let v2: Build

beforeAll(async () => {
  await publishWithUpdates(await compileRealMapSet(files(false)))
  v2 = await compileRealMapSet(files(true))
})

describe('alto-edge/client on RFC 9275 path vectors and inputs', () => {
  it('pathVectorEndpointCost: the two parts (RFC 9275 §6.6), root first, equal to an independent parse of the POST answer', async () => {
    const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    const answer = await alto.pathVectorEndpointCost(ECS_INPUT, { resourceId: ECS_PV })
    const posted = await postedParts()
    expect(answer.contentIds).toEqual(Object.keys(posted))
    expect(answer.paths).toEqual(posted[answer.contentIds[0]])
    expect(answer.properties).toEqual(posted[answer.contentIds[1]])
    expect(Object.keys(answer.paths['endpoint-cost-map'] as object)).toHaveLength(2)
    // A bad request is the server's ALTO error, typed.
    await expect(
      alto.pathVectorEndpointCost(
        { ...ECS_INPUT, 'ane-property-names': ['x'] },
        { resourceId: ECS_PV }
      )
    ).rejects.toMatchObject({ failure: { kind: 'alto', error: { code: 'E_INVALID_FIELD_VALUE' } } })
  })

  it('RFC 9275 §9.4 calendared path vectors (the §8.1 sample): through the client and followed over SSE, equal to the POST answer — number-of-intervals paths per pair', async () => {
    const nm = 'rfc9275-netmap'
    const input = {
      'cost-type': PV,
      calendared: [true],
      endpoints: { srcs: ['ipv4:192.0.2.34'], dsts: ['ipv4:192.0.2.2', 'ipv4:192.0.2.50'] },
      'ane-property-names': [BW],
    }
    const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    const answer = await alto.pathVectorEndpointCost(input, {
      resourceId: `${nm}-endpoint-cost-pv`,
    })
    const posted = await postedParts(nm, input)
    expect(answer.paths).toEqual(posted[answer.contentIds[0]])
    expect(answer.properties).toEqual(posted[answer.contentIds[1]])
    const row = (answer.paths['endpoint-cost-map'] as Record<string, Record<string, unknown[]>>)[
      'ipv4:192.0.2.34'
    ]
    expect(row['ipv4:192.0.2.2']).toHaveLength(4)
    expect(row['ipv4:192.0.2.50']).toHaveLength(4)
    const controller = new AbortController()
    const stream = alto.follow(`${nm}-endpoint-cost-pv`, { input, signal: controller.signal })
    const first = await nextUpdate(stream)
    expect(first).toMatchObject({ via: 'sse', kind: 'snapshot' })
    expect(first.body).toEqual(await postedParts(nm, input))
    controller.abort()
  })

  it('follow a path vector (SSE, the default where no TIPS offers it) and a filtered cost map with input (TIPS, the default): snapshots = the POST answers; after a publication the patched bodies = the new POST answers', async () => {
    const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    const controller = new AbortController()
    const pv = alto.follow(ECS_PV, { input: ECS_INPUT, signal: controller.signal })
    const fcm = alto.follow(`${NM}-costmap-filtered`, {
      input: FCM_INPUT,
      signal: controller.signal,
    })
    const pvFirst = await nextUpdate(pv)
    expect(pvFirst).toMatchObject({ via: 'sse', kind: 'snapshot' })
    expect(pvFirst.parts).toEqual(Object.keys(await postedParts()))
    expect(pvFirst.body).toEqual(await postedParts())
    const fcmFirst = await nextUpdate(fcm)
    expect(fcmFirst).toMatchObject({ via: 'tips', kind: 'snapshot' })
    const fcmBefore = await (await postFilteredCostMap(NM, FCM_INPUT)).json()
    expect(fcmFirst.body).toEqual(fcmBefore)

    const [pvNext, fcmNext] = await Promise.all([
      acrossPublication(pv, v2, NM),
      (async () => {
        await new Promise((r) => setTimeout(r, 20))
        return nextUpdate(fcm)
      })(),
    ])
    const after = await postedParts()
    expect(pvNext.kind).toBe('merge-patch')
    // One event patches one part; the other may follow in the next event.
    let body = pvNext.body
    if (JSON.stringify(body) !== JSON.stringify(after)) body = (await nextUpdate(pv)).body
    expect(body).toEqual(after)
    const fcmAfter = await (await postFilteredCostMap(NM, FCM_INPUT)).json()
    expect(fcmAfter).not.toEqual(fcmBefore)
    expect(fcmNext.body).toEqual(fcmAfter)
    // The first body is unchanged (bodies are never mutated).
    expect(pvFirst.body).not.toEqual(after)
    controller.abort()
    await Promise.all([pv.return(undefined), fcm.return(undefined)])
  })
})
