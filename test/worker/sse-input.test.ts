/**
 * RFC 8895 §6.5 `input`: an ALTO/SSE update stream following POST-mode resources — the filtered
 * cost map with an RFC 8189 multi-cost constrained request and an RFC 8896 calendared request,
 * and the multi-cost endpoint cost service — across a publication (issue 15 item 5).
 */
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import type { SseEvent } from '../../src/updates/sse.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { get, post, postEndpointCost, postFilteredCostMap } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet } from './map-set.ts'
import { eventReader, publishWithUpdates, snapshotThenChange } from './tips-helpers.ts'
import { AltoClient, type FetchLike } from '../../src/client/index.ts'
import { exports } from 'cloudflare:workers'

const PARAMS = MEDIA_TYPES.updateStreamParams
const ACCEPT = { Accept: 'text/event-stream, application/alto-error+json' }
const MC = 'rfc8189-network-map'
const CAL = 'rfc8896-network-map'
const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
const routing = num('routingcost')
const shoesize = num('shoesize')

/** RFC 8189 §4.1.2: routingcost and shoesize of every pair whose routingcost is at most 10. */
const MULTI = {
  'multi-cost-types': [routing, shoesize],
  constraints: ['[0] le 10'],
  pids: { srcs: [], dsts: [] },
}
/** RFC 8896 §5.1.1: the 24-interval calendar of routingcost, PID1 → PID1 and PID2. */
const CALENDARED = {
  'cost-type': routing,
  calendared: [true],
  pids: { srcs: ['PID1'], dsts: ['PID1', 'PID2'] },
}
/** RFC 8189 §4.2.2: a multi-cost endpoint cost request. */
const ENDPOINTS = {
  'multi-cost-types': [routing, shoesize],
  endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.34', 'ipv4:203.0.113.7'] },
}

let v2: Build

/**
 * v2 of the map set: routingcost PID1 → PID2 4 → 12 (fails `[0] le 10` now), PID2 → PID1
 * 15 → 7 (passes now), and the calendar PID1 → PID2 changed in hour 0 only — a calendar-only
 * change that moves no update log (the GET cost maps are unchanged).
 */
function variant({ routingToo = true } = {}): Record<string, string> {
  const rc = JSON.parse(MAP_SET_FILES['example/rfc8189-cost-routingcost.json']) as {
    costs: Record<string, Record<string, number>>
  }
  if (routingToo) {
    rc.costs.PID1.PID2 = 12
    rc.costs.PID2.PID1 = 7
  }
  const cal = JSON.parse(MAP_SET_FILES['example/rfc8896-calendar-routingcost.json']) as {
    costs: Record<string, Record<string, number[]>>
  }
  cal.costs.PID1.PID2[0] = 999
  return {
    ...MAP_SET_FILES,
    'example/rfc8189-cost-routingcost.json': JSON.stringify(rc),
    'example/rfc8896-calendar-routingcost.json': JSON.stringify(cal),
  }
}

beforeAll(async () => {
  await publishWithUpdates(await compileRealMapSet())
  v2 = await compileRealMapSet(variant())
})

const fcm = (nm: string) => `${nm}-costmap-filtered`
const ecs = (nm: string) => `${nm}-endpoint-cost`

/** The event's JSON text as sent: data lines joined without the line breaks (RFC 8895 §9.5). */
const text = (e: SseEvent) => e.data.split('\n').join('')
const byId = (events: SseEvent[]) =>
  Object.fromEntries(events.map((e) => [e.event.slice(e.event.indexOf(',') + 1), e]))

async function postText(res: Promise<Response>): Promise<string> {
  const r = await res
  expect(r.status).toBe(200)
  return r.text()
}

describe('RFC 8895 §6.3 / §8.1 update stream capabilities', () => {
  it('uses and incremental-change-media-types name the POST-mode filtered cost map and endpoint cost service, after their network map and its cost maps', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, { uses?: string[]; capabilities?: Record<string, unknown> }>
    }
    const stream = ird.resources['update-stream']
    const uses = stream.uses!
    for (const nm of [MC, CAL]) {
      expect(stream.capabilities!['incremental-change-media-types']).toMatchObject({
        [fcm(nm)]: MEDIA_TYPES.mergePatch,
        [ecs(nm)]: MEDIA_TYPES.mergePatch,
      })
      expect(uses.indexOf(fcm(nm))).toBeGreaterThan(
        uses.indexOf(`${nm.split('-')[0]}-num-routingcost`)
      )
      expect(uses.indexOf(fcm(nm))).toBeGreaterThan(uses.indexOf(nm))
    }
    // TIPS (RFC 9569) opens views of them too (tips-input.test.ts), but not of the multipart
    // path-vector resources.
    expect(ird.resources.tips.uses).toContain(fcm(MC))
  })
})

describe('RFC 8895 §6.5 input: POST-mode substreams', () => {
  it('first the POST answer, then on a publication merge patches that rebuild the new POST answers (multi-cost constrained, calendared, endpoint cost)', async () => {
    const add = {
      mc: { 'resource-id': fcm(MC), input: MULTI },
      // The same input again: the same answers (§6.7.2), computed once per stream.
      mc2: { 'resource-id': fcm(MC), input: { ...MULTI, unknown: 'ignored (RFC 7285 §8.3.7)' } },
      cal: { 'resource-id': fcm(CAL), input: CALENDARED },
      ep: { 'resource-id': ecs(MC), input: ENDPOINTS },
    }
    const before = {
      mc: await postText(postFilteredCostMap(MC, MULTI)),
      cal: await postText(postFilteredCostMap(CAL, CALENDARED)),
      ep: await postText(postEndpointCost(MC, ENDPOINTS)),
    }
    const res = await post('/updates/stream', PARAMS, { add }, ACCEPT)
    expect(res.status).toBe(200)
    const events = eventReader(res)
    const [control, ...initial] = await events.next(5)
    expect(control.event).toBe(MEDIA_TYPES.updateStreamControl)
    const first = byId(initial)
    // §6.7.1: a full replacement first — byte for byte the POST's answer at this version.
    expect(first.mc.event).toBe(`${MEDIA_TYPES.costMap},mc`)
    expect(text(first.mc)).toBe(before.mc)
    expect(text(first.mc2)).toBe(before.mc)
    expect(first.cal.event).toBe(`${MEDIA_TYPES.costMap},cal`)
    expect(text(first.cal)).toBe(before.cal)
    expect(first.ep.event).toBe(`${MEDIA_TYPES.endpointCost},ep`)
    expect(text(first.ep)).toBe(before.ep)

    await publishWithUpdates(v2)
    await runDurableObjectAlarm(hubStub(env, MC))
    await runDurableObjectAlarm(hubStub(env, CAL))
    const changed = byId(await events.next(4))
    const after = {
      mc: await postText(postFilteredCostMap(MC, MULTI)),
      cal: await postText(postFilteredCostMap(CAL, CALENDARED)),
      ep: await postText(postEndpointCost(MC, ENDPOINTS)),
    }
    expect(after.mc).not.toBe(before.mc)
    expect(after.cal).not.toBe(before.cal)
    for (const id of ['mc', 'mc2', 'cal', 'ep'] as const) {
      expect(changed[id].event).toBe(`${MEDIA_TYPES.mergePatch},${id}`)
    }
    const mcPatch = JSON.parse(text(changed.mc)) as { 'cost-map': Record<string, unknown> }
    // §9.3: the pair whose new value fails the constraint is sent as null (removed); the pair
    // that passes now is sent with its value; nothing else.
    expect(mcPatch).toEqual({ 'cost-map': { PID1: { PID2: null }, PID2: { PID1: [7, 5] } } })
    expect(text(changed.mc2)).toBe(text(changed.mc))
    const rebuilt = (id: 'mc' | 'cal' | 'ep', from: string) =>
      applyMergePatch(JSON.parse(from), JSON.parse(text(changed[id])))
    expect(rebuilt('mc', before.mc)).toStrictEqual(JSON.parse(after.mc))
    // The calendar-only change reached the stream although no update log moved.
    expect(rebuilt('cal', before.cal)).toStrictEqual(JSON.parse(after.cal))
    expect(JSON.parse(text(changed.cal))).toEqual({
      'cost-map': { PID1: { PID2: (JSON.parse(after.cal) as CostMapBody)['cost-map'].PID1.PID2 } },
    })
    expect(rebuilt('ep', before.ep)).toStrictEqual(JSON.parse(after.ep))

    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })

  it('a single-cost request for the whole map: the prebuilt full map, the bytes of the POST and of the GET', async () => {
    const input = { 'cost-type': routing }
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { whole: { 'resource-id': fcm(MC), input } } },
      ACCEPT
    )
    const events = eventReader(res)
    const [control, first] = await events.next(2)
    expect(first.event).toBe(`${MEDIA_TYPES.costMap},whole`)
    const posted = await postText(postFilteredCostMap(MC, input))
    expect(text(first)).toBe(posted)
    expect(posted).toBe(await (await get('/costmap/rfc8189-num-routingcost')).text())
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })

  it('incremental-changes false: full replacements equal to the new POST answer', async () => {
    const input = { ...MULTI, pids: { srcs: ['PID1'], dsts: [] } }
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { full: { 'resource-id': fcm(MC), input, 'incremental-changes': false } } },
      ACCEPT
    )
    const events = eventReader(res)
    const [control, first] = await events.next(2)
    expect(text(first)).toBe(await postText(postFilteredCostMap(MC, input)))
    // Back to v1 of the map set: PID1 → PID2 passes again.
    await publishWithUpdates(await compileRealMapSet())
    await runDurableObjectAlarm(hubStub(env, MC))
    const [next] = await events.next(1)
    expect(next.event).toBe(`${MEDIA_TYPES.costMap},full`)
    expect(text(next)).toBe(await postText(postFilteredCostMap(MC, input)))
    expect(text(next)).not.toBe(text(first))
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })
})

describe('RFC 8896 calendars followed over SSE', () => {
  it('a calendar-only publication (no update log moves) reaches a calendared substream as a merge patch', async () => {
    // The current version has the v1 calendar (the test above published v1 again).
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { cal: { 'resource-id': fcm(CAL), input: CALENDARED } } },
      ACCEPT
    )
    const events = eventReader(res)
    const [control, first] = await events.next(2)
    const before = await postText(postFilteredCostMap(CAL, CALENDARED))
    expect(text(first)).toBe(before)
    await publishWithUpdates(await compileRealMapSet(variant({ routingToo: false })))
    // Only the calendar's own hub is woken: it has no advanced log to deliver, only the version.
    await runDurableObjectAlarm(hubStub(env, CAL))
    const [patch] = await events.next(1)
    expect(patch.event).toBe(`${MEDIA_TYPES.mergePatch},cal`)
    const after = await postText(postFilteredCostMap(CAL, CALENDARED))
    expect(applyMergePatch(JSON.parse(before), JSON.parse(text(patch)))).toStrictEqual(
      JSON.parse(after)
    )
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })
})

describe('the client library: follow(resourceId, { input }) (RFC 8895 §6.5)', () => {
  it('follows a multi-cost endpoint cost answer over SSE; after the publication its body is the new POST answer', async () => {
    const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)
    const alto = await AltoClient.discover('http://alto.test', { fetch: viaWorker })
    const controller = new AbortController()
    const updates = alto.follow(ecs(MC), {
      via: 'sse',
      input: ENDPOINTS,
      signal: controller.signal,
    })
    const before = JSON.parse(await postText(postEndpointCost(MC, ENDPOINTS))) as unknown
    // v2 (routingcost PID1 → PID2 becomes 12) after the calendar-only version before it.
    const { snapshot, change } = await snapshotThenChange(updates, () => publishWithUpdates(v2), MC)
    controller.abort()
    expect(snapshot).toMatchObject({ via: 'sse', kind: 'snapshot', body: before })
    expect(change?.kind).toBe('merge-patch')
    expect(change?.body).toStrictEqual(JSON.parse(await postText(postEndpointCost(MC, ENDPOINTS))))
    expect(change?.body).not.toStrictEqual(before)
    // No TIPS offers a path-vector resource (RFC 9569 has no multipart items): refused at once.
    expect(() =>
      alto.follow('rfc-example-network-map-endpoint-cost-pv', { via: 'tips', input: ENDPOINTS })
    ).toThrow(/no TIPS/)
  })
})

interface CostMapBody {
  'cost-map': Record<string, Record<string, unknown>>
}

function controlUriOf(control: SseEvent): string {
  return new URL((JSON.parse(control.data) as { 'control-uri': string })['control-uri']).pathname
}

describe('RFC 8895 §6.6 / §7.6: a bad input is refused with the POST service’s own error', () => {
  const bad: [string, string, unknown][] = [
    [
      'an index past the tested types (RFC 8189 §4.1.2)',
      fcm(MC),
      { ...MULTI, constraints: ['[2] le 3'] },
    ],
    [
      'more cost types than max-cost-types (RFC 8189 §4.1.2)',
      fcm(MC),
      {
        'multi-cost-types': [routing, shoesize, routing, shoesize],
        pids: {},
      },
    ],
    [
      'calendared with the wrong length (RFC 8896 §5.1.1)',
      fcm(CAL),
      { ...CALENDARED, calendared: [true, false] },
    ],
    ['a missing input: the error of an empty request', fcm(MC), undefined],
    [
      'a bad endpoint address',
      ecs(MC),
      { ...ENDPOINTS, endpoints: { srcs: ['ipv4:300.0.0.1'], dsts: [] } },
    ],
  ]
  it.each(bad)(
    'opening request, %s: 400, the same body as the POST, no stream',
    async (_, rid, input) => {
      const res = await post(
        '/updates/stream',
        PARAMS,
        { add: { x: { 'resource-id': rid, input } } },
        ACCEPT
      )
      const nm = rid.startsWith('rfc8896') ? CAL : MC
      const direct = rid.endsWith('-endpoint-cost')
        ? await postEndpointCost(nm, input ?? {})
        : await postFilteredCostMap(nm, input ?? {})
      expect(direct.status).toBe(400)
      expect(res.status).toBe(400)
      expect(res.headers.get('Content-Type')).toBe('application/alto-error+json')
      expect(await res.text()).toBe(await direct.text())
    }
  )

  it('a control request adding a bad input: 400 with that error and nothing added; a good one: started, then the answer', async () => {
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { net: { 'resource-id': MC } } },
      ACCEPT
    )
    const events = eventReader(res)
    const [control] = await events.next(2)
    const uri = controlUriOf(control)
    const badInput = { ...MULTI, constraints: ['[0] around 3'] }
    const refused = await post(uri, PARAMS, {
      add: { mc: { 'resource-id': fcm(MC), input: badInput } },
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toBe(await (await postFilteredCostMap(MC, badInput)).text())
    // Nothing was added: the id is still free.
    const ok = await post(uri, PARAMS, { add: { mc: { 'resource-id': fcm(MC), input: MULTI } } })
    expect(ok.status).toBe(204)
    const [started, full] = await events.next(2)
    expect(JSON.parse(started.data)).toEqual({ started: ['mc'] })
    expect(full.event).toBe(`${MEDIA_TYPES.costMap},mc`)
    expect(text(full)).toBe(await postText(postFilteredCostMap(MC, MULTI)))
    expect((await post(uri, PARAMS, { remove: [] })).status).toBe(204)
  })

  it('RFC 8895 §10.1: more than 16 substreams with input on one stream is 503, nothing changed', async () => {
    const input = { 'cost-type': routing, pids: { srcs: ['PID1'], dsts: ['PID2'] } }
    const adds = (ids: string[]) =>
      Object.fromEntries(ids.map((id) => [id, { 'resource-id': fcm(MC), input }]))
    const ids = Array.from({ length: 17 }, (_, k) => `i${k}`)
    const tooMany = await post('/updates/stream', PARAMS, { add: adds(ids) }, ACCEPT)
    expect(tooMany.status).toBe(503)
    expect(tooMany.headers.get('Retry-After')).toBe('60')
    const res = await post('/updates/stream', PARAMS, { add: adds(ids.slice(0, 16)) }, ACCEPT)
    expect(res.status).toBe(200)
    const events = eventReader(res)
    const [control] = await events.next(17)
    const uri = controlUriOf(control)
    expect((await post(uri, PARAMS, { add: adds(['i16']) })).status).toBe(503)
    // add is processed before remove (§7.6): one in, one out stays at 16.
    expect((await post(uri, PARAMS, { add: adds(['i16']), remove: ['i0'] })).status).toBe(204)
    const [started] = await events.next(1)
    expect(JSON.parse(started.data)).toEqual({ started: ['i16'] })
    expect((await post(uri, PARAMS, { remove: [] })).status).toBe(204)
  })

  it('an input on a GET-mode map is refused on add/<id>/input', async () => {
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { x: { 'resource-id': MC, input: { pids: [] } } } },
      ACCEPT
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { meta: unknown }).meta).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'add/x/input',
      value: '{"pids":[]}',
    })
  })
})
