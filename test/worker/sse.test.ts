/**
 * ALTO/SSE (RFC 8895) end to end in workerd: the update stream (one Durable Object per stream)
 * fed by the hub when publications happen; the stream control service.
 */
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Build } from '../../src/compiler/index.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { get, post } from './client.ts'
import {
  NM,
  eventReader,
  exampleCostMapId,
  fourVersions,
  publishWithUpdates,
} from './tips-helpers.ts'

const PARAMS = 'application/alto-updatestreamparams+json'
const CONTROL = 'application/alto-updatestreamcontrol+json'
const MERGE_PATCH = 'application/merge-patch+json'
const NETWORK_MAP = 'application/alto-networkmap+json'
const COST_MAP = 'application/alto-costmap+json'

let builds: Build[]
let costMapId: string

beforeAll(async () => {
  builds = await fourVersions()
  costMapId = exampleCostMapId(builds[0])
  await publishWithUpdates(builds[0])
})

const publishAndWake = async (build: Build) => {
  await publishWithUpdates(build)
  expect(await runDurableObjectAlarm(hubStub(env, NM))).toBe(true)
}

describe('ALTO/SSE update stream', () => {
  it('sends control, full data (network map first), then merge patches that rebuild every version', async () => {
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { cost: { 'resource-id': costMapId }, net: { 'resource-id': NM } } },
      { Accept: 'text/event-stream, application/alto-error+json' }
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/event-stream')
    const events = eventReader(res)
    const [control, first, second] = await events.next(3)
    expect(control.event).toBe(CONTROL)
    const controlUri = (JSON.parse(control.data) as { 'control-uri': string })['control-uri']
    expect(controlUri).toMatch(/^http:\/\/alto\.test\/updates\/streams\/[0-9a-f]{64}$/)
    // §6.7.2: the network map before the cost map that depends on it, whatever the add order.
    expect([first.event, second.event]).toEqual([`${NETWORK_MAP},net`, `${COST_MAP},cost`])
    let net: unknown = JSON.parse(first.data)
    let cost: unknown = JSON.parse(second.data)

    for (const build of builds.slice(1)) {
      const netChanges = build === builds[2] // only v3 moves a prefix
      await publishAndWake(build)
      const got = await events.next(netChanges ? 2 : 1)
      expect(got.map((e) => e.event)).toEqual(
        netChanges ? [`${MERGE_PATCH},net`, `${MERGE_PATCH},cost`] : [`${MERGE_PATCH},cost`]
      )
      for (const e of got) {
        if (e.event.endsWith(',net')) net = applyMergePatch(net, JSON.parse(e.data))
        else cost = applyMergePatch(cost, JSON.parse(e.data))
      }
    }
    expect(JSON.stringify(net)).toBe(JSON.stringify(await (await get(`/networkmap/${NM}`)).json()))
    expect(JSON.stringify(cost)).toBe(
      JSON.stringify(await (await get(`/costmap/${costMapId}`)).json())
    )
    expect(
      (cost as { meta: { 'dependent-vtags': { tag: string }[] } }).meta['dependent-vtags'][0].tag
    ).toBe(builds[3].manifest['network-maps'][NM].vtag)

    // Stream control (§7.6).
    const path = new URL(controlUri).pathname
    const bad = await post(path, PARAMS, { remove: ['nope'] })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { meta: { code: string; field: string } }).meta).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'remove',
    })
    expect((await post(path, PARAMS, { remove: ['cost'] })).status).toBe(204)
    expect(await events.next(1)).toEqual([
      {
        event: CONTROL,
        data: JSON.stringify({ stopped: ['cost'], description: 'removed by the client' }),
      },
    ])
    // Re-adding with a current tag: `started`, no full replacement.
    const reused = await post(path, PARAMS, { add: { cost: { 'resource-id': costMapId } } })
    expect(reused.status).toBe(400)
    expect(
      (
        await post(path, PARAMS, {
          add: {
            'cost-again': {
              'resource-id': costMapId,
              tag: builds[3].manifest['cost-maps'][costMapId].tag,
            },
          },
        })
      ).status
    ).toBe(204)
    expect(await events.next(1)).toEqual([
      { event: CONTROL, data: JSON.stringify({ started: ['cost-again'] }) },
    ])
    await publishAndWake(builds[0])
    const back = await events.next(2)
    expect(back.map((e) => e.event)).toEqual([`${MERGE_PATCH},net`, `${MERGE_PATCH},cost-again`])
    // remove: [] stops everything and closes the stream; the control URI is then gone.
    expect((await post(path, PARAMS, { remove: [] })).status).toBe(204)
    const [stopped] = await events.next(1)
    expect(JSON.parse(stopped.data)).toMatchObject({ stopped: ['net', 'cost-again'] })
    expect(await events.ended()).toBe(true)
    expect((await post(path, PARAMS, { remove: [] })).status).toBe(404)
  })

  it('refuses bad opening requests without creating a stream, and unknown control URIs', async () => {
    const missing = await post('/updates/stream', PARAMS, {})
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { meta: Record<string, string> }).meta).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'add',
    })
    const unknown = await post('/updates/stream', PARAMS, {
      add: { x: { 'resource-id': 'endpoint-property' } },
    })
    expect(((await unknown.json()) as { meta: Record<string, string> }).meta).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'add/x/resource-id',
      value: 'endpoint-property',
    })
    expect((await post('/updates/stream', 'application/json', { add: {} })).status).toBe(415)
    expect((await post(`/updates/streams/${'0'.repeat(64)}`, PARAMS, { remove: [] })).status).toBe(
      404
    )
    expect((await post('/updates/streams/not-an-id', PARAMS, { remove: [] })).status).toBe(404)
  })
})
