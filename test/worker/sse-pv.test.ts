/**
 * RFC 9275 §9.3 / §8.5 with RFC 8895 §5.2 and §6.7.3: the update stream follows a multipart
 * path-vector answer (RFC 8895 §6.5 `input`) across a publication whose topology changes; each
 * part is patched on its own, and each patched part equals the part of the new POST's answer.
 */
import { getMultipartBoundary, parseMultipart } from '@remix-run/multipart-parser'
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import type { SseEvent } from '../../src/updates/sse.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { get, post } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet } from './map-set.ts'
import { eventReader, publishWithUpdates } from './tips-helpers.ts'
import { pvTopology, withPvTopology } from './pv-helpers.ts'

const PARAMS = MEDIA_TYPES.updateStreamParams
const ACCEPT = { Accept: 'text/event-stream, application/alto-error+json' }
const NM = 'rfc8189-network-map'
const ECS_PV = `${NM}-endpoint-cost-pv`
const FCM_PV = `${NM}-costmap-pv`
const PV = { 'cost-mode': 'array', 'cost-metric': 'ane-path' }
const BW = 'max-reservable-bandwidth'
const PEI = 'persistent-entity-id'

const files = (v2: boolean) => withPvTopology(MAP_SET_FILES, pvTopology(NM, v2))

/** PID1 → PID1, PID2, PID3 and PID2 → PID1 (endpoints of the rfc8189 example network map). */
const ECS_INPUT = {
  'cost-type': PV,
  endpoints: {
    srcs: ['ipv4:192.0.2.7', 'ipv4:198.51.100.9'],
    dsts: ['ipv4:192.0.2.8', 'ipv4:198.51.100.10', 'ipv4:203.0.113.1'],
  },
  'ane-property-names': [BW, PEI],
}

let v2: Build

beforeAll(async () => {
  await publishWithUpdates(await compileRealMapSet(files(false)))
  v2 = await compileRealMapSet(files(true))
})

/** The JSON bodies of a multipart/related body (CRLF or the LF of SSE data lines). */
function partsOf(body: string, boundary: string): { id: string; type: string; json: unknown }[] {
  const bytes = new TextEncoder().encode(body.replace(/\r?\n/g, '\r\n'))
  return [...parseMultipart(bytes, { boundary })].map((p) => ({
    id: p.headers['content-id'] ?? '',
    type: p.headers['content-type'] ?? '',
    json: JSON.parse(p.text) as unknown,
  }))
}

async function postParts(path: string, mediaType: string, body: unknown) {
  const res = await post(path, mediaType, body)
  expect(res.status).toBe(200)
  const boundary = getMultipartBoundary(res.headers.get('Content-Type')!)!
  return partsOf(await res.text(), boundary)
}
const postEcsPv = (body: unknown) =>
  postParts(`/endpointcost/${NM}/pv`, MEDIA_TYPES.endpointCostParams, body)

function controlUriOf(control: SseEvent): string {
  return new URL((JSON.parse(control.data) as { 'control-uri': string })['control-uri']).pathname
}

describe('RFC 9275 §9.3 / RFC 8895 §6.3 the update stream lists the path-vector resources', () => {
  it('uses names X-costmap-pv and X-endpoint-cost-pv after the maps they use, with merge patch', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, { uses?: string[]; capabilities?: Record<string, unknown> }>
    }
    const stream = ird.resources['update-stream']
    const uses = stream.uses!
    for (const rid of [FCM_PV, ECS_PV]) {
      expect(uses).toContain(rid)
      expect(uses.indexOf(rid)).toBeGreaterThan(uses.indexOf(NM))
      expect(uses.indexOf(rid)).toBeGreaterThan(uses.indexOf('ane-props'))
      expect(stream.capabilities!['incremental-change-media-types']).toMatchObject({
        [rid]: MEDIA_TYPES.mergePatch,
      })
    }
    expect(ird.resources.tips.uses).not.toContain(ECS_PV)
  })
})

describe('RFC 9275 §8.5: a multipart endpoint cost path vector followed over SSE', () => {
  it('first the whole multipart answer (event multipart/related;…,<sid>); after a topology change one merge patch per part (<sid>.<part>@<domain>), each rebuilding the new POST part', async () => {
    const before = await postEcsPv(ECS_INPUT)
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { ecspvsub1: { 'resource-id': ECS_PV, input: ECS_INPUT } } },
      ACCEPT
    )
    expect(res.status).toBe(200)
    const events = eventReader(res)
    const [control, first] = await events.next(2)
    expect(control.event).toBe(MEDIA_TYPES.updateStreamControl)
    const m = /^multipart\/related;boundary=([^;,]+);type=([^;,]+),ecspvsub1$/.exec(first.event)
    expect(m, first.event).not.toBeNull()
    expect(m![2]).toBe(MEDIA_TYPES.endpointCost)
    const initial = partsOf(first.data, m![1])
    expect(initial.map((p) => [p.id, p.type])).toEqual([
      ['<ecs@alto.test>', MEDIA_TYPES.endpointCost],
      ['<propmap@alto.test>', MEDIA_TYPES.propMap],
    ])
    expect(initial.map((p) => p.json)).toEqual(before.map((p) => p.json))

    await publishWithUpdates(v2)
    await runDurableObjectAlarm(hubStub(env, NM))
    const patches = await events.next(2)
    // RFC 8895 §6.7.3 (3)-(4): each event patches one part, named substream-id.content-id.
    expect(patches.map((e) => e.event)).toEqual([
      `${MEDIA_TYPES.mergePatch},ecspvsub1.ecs@alto.test`,
      `${MEDIA_TYPES.mergePatch},ecspvsub1.propmap@alto.test`,
    ])
    const after = await postEcsPv(ECS_INPUT)
    expect(after[0].json).not.toEqual(before[0].json)
    expect(after[1].json).not.toEqual(before[1].json)
    for (const k of [0, 1]) {
      const patch = JSON.parse(patches[k].data.split('\n').join('')) as unknown
      expect(applyMergePatch(initial[k].json, patch)).toStrictEqual(after[k].json)
    }
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })

  it('incremental-changes false: the whole multipart message again, equal to the new POST answer', async () => {
    const input = {
      'cost-type': PV,
      pids: { srcs: ['PID1'], dsts: [] },
      'ane-property-names': [BW],
    }
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { f: { 'resource-id': FCM_PV, input, 'incremental-changes': false } } },
      ACCEPT
    )
    const events = eventReader(res)
    const [control, first] = await events.next(2)
    const fcmParts = () => postParts(`/costmap/${NM}/pv`, MEDIA_TYPES.costMapFilter, input)
    const boundaryOf = (e: SseEvent) => /boundary=([^;,]+)/.exec(e.event)![1]
    expect(partsOf(first.data, boundaryOf(first)).map((p) => p.json)).toEqual(
      (await fcmParts()).map((p) => p.json)
    )
    // Back to v1 of the topology.
    await publishWithUpdates(await compileRealMapSet(files(false)))
    await runDurableObjectAlarm(hubStub(env, NM))
    const [next] = await events.next(1)
    expect(next.event).toMatch(/^multipart\/related;boundary=[^;,]+;type=[^;,]+,f$/)
    const parts = partsOf(next.data, boundaryOf(next))
    expect(parts.map((p) => p.json)).toEqual((await fcmParts()).map((p) => p.json))
    expect(parts.map((p) => p.json)).not.toEqual(
      partsOf(first.data, boundaryOf(first)).map((p) => p.json)
    )
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })
})

describe('RFC 8895 §6.6: a bad path-vector input is refused with the PV resource’s own error', () => {
  const bad: [string, string, unknown][] = [
    ['an unknown ANE property (§7.2.3)', ECS_PV, { ...ECS_INPUT, 'ane-property-names': ['x'] }],
    [
      'a cost type other than the PV type (§7.2.4)',
      FCM_PV,
      { 'cost-type': { ...PV, 'cost-metric': 'routingcost' } },
    ],
    [
      'constraints (§7.2.4: cost-constraints false)',
      FCM_PV,
      { 'cost-type': PV, constraints: ['le 5'] },
    ],
    ['a missing input: the error of an empty request', ECS_PV, undefined],
  ]
  it.each(bad)('%s: 400, the same body as the POST, no stream', async (_, rid, input) => {
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { x: { 'resource-id': rid, input } } },
      ACCEPT
    )
    const direct =
      rid === ECS_PV
        ? await post(`/endpointcost/${NM}/pv`, MEDIA_TYPES.endpointCostParams, input ?? {})
        : await post(`/costmap/${NM}/pv`, MEDIA_TYPES.costMapFilter, input ?? {})
    expect(direct.status).toBe(400)
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe('application/alto-error+json')
    expect(await res.text()).toBe(await direct.text())
  })
})
