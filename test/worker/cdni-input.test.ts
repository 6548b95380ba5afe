/**
 * RFC 9241 filtered resources followed with `input`: the filtered CDNI Advertisement (§5) and
 * the filtered property map of its capabilities (§6, RFC 9240 §8), as ALTO/SSE substreams (RFC
 * 8895 §6.5) and TIPS views (RFC 9569 TIPSReq `input`): first event / snapshot = the POST
 * answer byte for byte, then updates that rebuild the next POST answer (issue 16 item 4).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Ird } from '../../src/alto/ird.ts'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import type { SseEvent } from '../../src/updates/sse.ts'
import { altoErrorMeta, get, post } from './client.ts'
import { compileRealMapSet, MAP_SET_FILES } from './map-set.ts'
import { eventReader, bodyAfterItem, publishWithUpdates, withHubAlarms } from './tips-helpers.ts'

const CDNI = 'my-default-cdnifci'
const FCDNI = `${CDNI}-filtered`
const FPROP = `${CDNI}-propmap-filtered`
const PARAMS = MEDIA_TYPES.updateStreamParams
const SSE_ACCEPT = { Accept: 'text/event-stream, application/alto-error+json' }
const TIPS_ACCEPT = { Accept: `${MEDIA_TYPES.tips}, application/alto-error+json` }
/** §5.7.1's filter, for http/1.1: the object offering [https/1.1, http/1.1]. */
const FILTER = {
  'cdni-capabilities': [
    {
      'capability-type': 'FCI.DeliveryProtocol',
      'capability-value': { 'delivery-protocols': ['http/1.1'] },
    },
  ],
}
/** §6.2.2: the capabilities of the footprint 198.51.100.0/24 (that object's). */
const ENTITIES = {
  entities: ['ipv4:198.51.100.0/24'],
  properties: [`${CDNI}.cdni-capabilities`],
}

/** The map set with the §3.7.2 advertisement's second object offering `protocols`. */
function withDelivery(protocols: string[]): Record<string, string> {
  const src = JSON.parse(MAP_SET_FILES['example/cdni-advertisement.json']) as {
    'capabilities-with-footprints': { 'capability-value': Record<string, string[]> }[]
  }
  src['capabilities-with-footprints'][1]['capability-value']['delivery-protocols'] = protocols
  return { ...MAP_SET_FILES, 'example/cdni-advertisement.json': JSON.stringify(src) }
}

const postFilter = (body: unknown) =>
  post(`/cdni/${CDNI}/filtered`, MEDIA_TYPES.cdniFilter, body, {
    Accept: `${MEDIA_TYPES.cdni}, application/alto-error+json`,
  })
const postProps = (body: unknown) =>
  post(`/cdni/${CDNI}/propmap/filtered`, MEDIA_TYPES.propMapParams, body, {
    Accept: `${MEDIA_TYPES.propMap}, application/alto-error+json`,
  })

async function answer(res: Promise<Response>): Promise<string> {
  const r = await res
  expect(r.status, await r.clone().text()).toBe(200)
  return r.text()
}

const text = (e: SseEvent) => e.data.split('\n').join('')
const controlUriOf = (control: SseEvent) =>
  new URL((JSON.parse(control.data) as { 'control-uri': string })['control-uri']).pathname

let builds: Build[]

beforeAll(async () => {
  // §3.7.3's change: http/1.1 leaves the [https/1.1, http/1.1] object; then https/1.1 does.
  builds = await Promise.all([
    compileRealMapSet(withDelivery(['https/1.1', 'http/1.1'])),
    compileRealMapSet(withDelivery(['https/1.1'])),
    compileRealMapSet(withDelivery(['http/1.1'])),
  ])
  await publishWithUpdates(builds[0])
})

describe('RFC 9241 filtered resources in the update resources', () => {
  it('tips and update-stream name them, merge patch, after the full advertisement', async () => {
    const ird = (await (await get('/directory')).json()) as Ird
    for (const service of ['tips', 'update-stream']) {
      const entry = ird.resources[service]
      const types = entry.capabilities!['incremental-change-media-types'] as Record<string, string>
      for (const id of [FCDNI, FPROP]) {
        expect(entry.uses!.indexOf(id)).toBeGreaterThan(entry.uses!.indexOf(CDNI))
        expect(types[id]).toBe(MEDIA_TYPES.mergePatch)
      }
    }
  })
})

describe('RFC 8895 §6.5 / RFC 9569 input on the filtered CDNI resources', () => {
  it('SSE: both substreams start with the POST answers; a publication sends the patches that rebuild the new ones', async () => {
    const before = { f: await answer(postFilter(FILTER)), p: await answer(postProps(ENTITIES)) }
    const res = await post(
      '/updates/stream',
      PARAMS,
      {
        add: {
          f: { 'resource-id': FCDNI, input: FILTER },
          p: { 'resource-id': FPROP, input: ENTITIES },
        },
      },
      SSE_ACCEPT
    )
    expect(res.status).toBe(200)
    const events = eventReader(res)
    const [control, ...initial] = await events.next(3)
    const first = Object.fromEntries(initial.map((e) => [e.event.split(',')[1], e]))
    expect(first.f.event).toBe(`${MEDIA_TYPES.cdni},f`)
    expect(text(first.f)).toBe(before.f)
    expect(first.p.event).toBe(`${MEDIA_TYPES.propMap},p`)
    expect(text(first.p)).toBe(before.p)

    await publishWithUpdates(builds[1])
    const changed = Object.fromEntries(
      (await withHubAlarms(events.next(2), CDNI)).map((e) => [e.event.split(',')[1], e])
    )
    const after = { f: await answer(postFilter(FILTER)), p: await answer(postProps(ENTITIES)) }
    // The [https/1.1, http/1.1] object no longer offers http/1.1: the filter drops it.
    expect(after.f).not.toBe(before.f)
    expect(after.p).not.toBe(before.p)
    for (const id of ['f', 'p'] as const) {
      const e = changed[id]
      const body = JSON.parse(text(e)) as unknown
      const rebuilt = e.event.startsWith(MEDIA_TYPES.mergePatch)
        ? applyMergePatch(JSON.parse(before[id]), body)
        : body
      expect(rebuilt).toStrictEqual(JSON.parse(after[id]))
    }
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })

  it('TIPS: a view per input, snapshot = the POST answer, the long-polled next edge rebuilds the next one; a bad filter is the POST error', async () => {
    const res = await post(
      '/tips',
      MEDIA_TYPES.tipsParams,
      { 'resource-id': FCDNI, input: FILTER },
      TIPS_ACCEPT
    )
    expect(res.status, await res.clone().text()).toBe(200)
    const opened = (await res.json()) as {
      'tips-view-uri': string
      'tips-view-summary': { 'updates-graph-summary': { 'end-seq': number } }
    }
    const path = new URL(opened['tips-view-uri']).pathname
    const end = opened['tips-view-summary']['updates-graph-summary']['end-seq']
    const before = await answer(postFilter(FILTER))
    const snap = await get(`${path}/ug/0/${end}`, { Accept: MEDIA_TYPES.cdni })
    expect(snap.headers.get('Content-Type')).toBe(MEDIA_TYPES.cdni)
    expect(await snap.text()).toBe(before)
    const held = get(`${path}/ug/${end}/${end + 1}`, {
      Accept: `${MEDIA_TYPES.mergePatch}, ${MEDIA_TYPES.cdni}`,
    })
    await new Promise((r) => setTimeout(r, 50))
    await publishWithUpdates(builds[2])
    const next = await withHubAlarms(held, CDNI)
    expect(next.status, await next.clone().text()).toBe(200)
    const after = await answer(postFilter(FILTER))
    expect(after).not.toBe(before)
    expect(await bodyAfterItem(next, before)).toStrictEqual(JSON.parse(after))

    const bad = {
      'cdni-capabilities': [{ 'capability-type': 'FCI.DeliveryProtocol', 'capability-value': 7 }],
    }
    const viaTips = await post(
      '/tips',
      MEDIA_TYPES.tipsParams,
      { 'resource-id': FCDNI, input: bad },
      TIPS_ACCEPT
    )
    const viaPost = await postFilter(bad)
    expect(viaPost.status).toBe(400)
    expect(viaTips.status).toBe(400)
    expect(await altoErrorMeta(viaTips)).toEqual(await altoErrorMeta(viaPost))
  })
})
