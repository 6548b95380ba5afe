/**
 * RFC 9240 §8 filtered property maps followed with `input`: ALTO/SSE substreams (RFC 8895 §6.5)
 * and TIPS views (RFC 9569 TIPSReq `input`) whose full replacements and snapshots are the POST
 * answers byte for byte, and whose updates rebuild the next POST answer (issue 16 item 4).
 */
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Ird } from '../../src/alto/ird.ts'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import type { SseEvent } from '../../src/updates/sse.ts'
import { hubShardOf, hubStub } from '../../src/worker/updates/common.ts'
import { altoErrorMeta, get, post } from './client.ts'
import { compileRealMapSet, MAP_SET_FILES } from './map-set.ts'
import {
  eventReader,
  NM,
  bodyAfterItem,
  publishWithUpdates,
  withHubAlarms,
} from './tips-helpers.ts'

const PM = 'rfc-example-property-map'
const FPM = `${PM}-filtered`
const PARAMS = MEDIA_TYPES.updateStreamParams
const SSE_ACCEPT = { Accept: 'text/event-stream, application/alto-error+json' }
const TIPS_ACCEPT = { Accept: `${MEDIA_TYPES.tips}, application/alto-error+json` }
/** RFC 9240 §8: prefix entities (inherited values, §5.1.2.2) and a PID entity of the network map. */
const INPUT = {
  entities: ['ipv4:192.0.2.0/26', 'ipv4:192.0.2.130', 'ipv6:2001:db8::1', `${NM}.pid:PID1`],
  properties: ['.region', '.asn', '.tier'],
}

/** The map set with `192.0.2.0/24` in `region`. */
function withRegion(region: string): Record<string, string> {
  const src = JSON.parse(MAP_SET_FILES['example/property-map.json']) as {
    prefixes: Record<string, Record<string, unknown>>
  }
  src.prefixes['192.0.2.0/24']['.region'] = region
  return { ...MAP_SET_FILES, 'example/property-map.json': JSON.stringify(src) }
}

const postPropmap = (body: unknown) =>
  post(`/propmap/${PM}/filtered`, MEDIA_TYPES.propMapParams, body, {
    Accept: `${MEDIA_TYPES.propMap}, application/alto-error+json`,
  })

async function postAnswer(body: unknown): Promise<string> {
  const r = await postPropmap(body)
  expect(r.status, await r.clone().text()).toBe(200)
  return r.text()
}

const text = (e: SseEvent) => e.data.split('\n').join('')
const controlUriOf = (control: SseEvent) =>
  new URL((JSON.parse(control.data) as { 'control-uri': string })['control-uri']).pathname

let v2: Build
let v3: Build

beforeAll(async () => {
  const [v1, b2, b3] = await Promise.all([
    compileRealMapSet(withRegion('us-east')),
    compileRealMapSet(withRegion('eu-north')),
    compileRealMapSet(withRegion('ap-south')),
  ])
  v2 = b2
  v3 = b3
  await publishWithUpdates(v1)
})

describe('RFC 8895 §6.3 / RFC 9569: the update resources name the filtered property map', () => {
  it('in uses and incremental-change-media-types, after the full property map and its network map', async () => {
    const ird = (await (await get('/directory')).json()) as Ird
    for (const service of ['tips', 'update-stream']) {
      const entry = ird.resources[service]
      const uses = entry.uses!
      expect(uses).toContain(FPM)
      expect(uses.indexOf(FPM)).toBeGreaterThan(uses.indexOf(PM))
      expect(uses.indexOf(FPM)).toBeGreaterThan(uses.indexOf(NM))
      const types = entry.capabilities!['incremental-change-media-types'] as Record<string, string>
      expect(types[FPM]).toBe(MEDIA_TYPES.mergePatch)
    }
    // The substream's hub is the map family's (the network map of its `<nm>.pid` domain).
    expect(hubShardOf(ird, FPM)).toBe(NM)
  })
})

describe('RFC 8895 §6.5 input on a filtered property map', () => {
  it('first the POST answer (§6.7.1), then on a publication the merge patch that rebuilds the new POST answer', async () => {
    const before = await postAnswer(INPUT)
    expect(JSON.parse(before)['property-map']['ipv4:192.0.2.0/26']).toEqual({
      '.region': 'us-east',
      '.asn': '64496',
    })
    const res = await post(
      '/updates/stream',
      PARAMS,
      { add: { p: { 'resource-id': FPM, input: { ...INPUT, unknown: 'ignored (§8.3.7)' } } } },
      SSE_ACCEPT
    )
    expect(res.status).toBe(200)
    const events = eventReader(res)
    const [control, first] = await events.next(2)
    expect(first.event).toBe(`${MEDIA_TYPES.propMap},p`)
    expect(text(first)).toBe(before)

    await publishWithUpdates(v2)
    const [changed] = await withHubAlarms(events.next(1), NM)
    const after = await postAnswer(INPUT)
    expect(after).not.toBe(before)
    expect(changed.event).toBe(`${MEDIA_TYPES.mergePatch},p`)
    const patch = JSON.parse(text(changed)) as { 'property-map': Record<string, unknown> }
    // Only the entities whose inherited region changed (192.0.2.0/26 inherits 192.0.2.0/24's;
    // 192.0.2.130 is in 192.0.2.128/25, which has its own region).
    expect(patch['property-map']).toEqual({ 'ipv4:192.0.2.0/26': { '.region': 'eu-north' } })
    expect(applyMergePatch(JSON.parse(before), patch)).toStrictEqual(JSON.parse(after))
    expect((await post(controlUriOf(control), PARAMS, { remove: [] })).status).toBe(204)
  })

  const bad: [string, unknown][] = [
    ['a property not in the capabilities (§8.6)', { ...INPUT, properties: ['.nosuch'] }],
    ['an entity of an unknown domain (§8.6)', { ...INPUT, entities: ['asn:64496'] }],
    ['no entities (§8.3)', { properties: ['.asn'] }],
  ]
  for (const [what, input] of bad) {
    it(`§6.6: ${what} gets the POST's own ALTO error, and no stream`, async () => {
      const viaStream = await post(
        '/updates/stream',
        PARAMS,
        { add: { p: { 'resource-id': FPM, input } } },
        SSE_ACCEPT
      )
      const viaPost = await postPropmap(input)
      expect(viaPost.status).toBe(400)
      expect(viaStream.status).toBe(400)
      expect(viaStream.headers.get('Content-Type')).toBe(MEDIA_TYPES.error)
      expect(await altoErrorMeta(viaStream)).toEqual(await altoErrorMeta(viaPost))
    })
  }
})

describe('RFC 9569 TIPSReq input on a filtered property map', () => {
  it('one view per input; snapshot = the POST answer; the long-polled next edge rebuilds the next one', async () => {
    const open = async (input: unknown) => {
      const res = await post(
        '/tips',
        MEDIA_TYPES.tipsParams,
        { 'resource-id': FPM, input },
        TIPS_ACCEPT
      )
      expect(res.status, await res.clone().text()).toBe(200)
      const body = (await res.json()) as {
        'tips-view-uri': string
        'tips-view-summary': { 'updates-graph-summary': { 'end-seq': number } }
      }
      return {
        path: new URL(body['tips-view-uri']).pathname,
        end: body['tips-view-summary']['updates-graph-summary']['end-seq'],
      }
    }
    const view = await open(INPUT)
    expect(view.path).toMatch(new RegExp(`^/tips/view/${FPM}/input/[0-9a-f]{32}$`))
    expect((await open({ ...INPUT, unknown: 1 })).path).toBe(view.path)
    const before = await postAnswer(INPUT)
    const snap = await get(`${view.path}/ug/0/${view.end}`, { Accept: MEDIA_TYPES.propMap })
    expect(snap.status).toBe(200)
    expect(snap.headers.get('Content-Type')).toBe(MEDIA_TYPES.propMap)
    expect(await snap.text()).toBe(before)

    const held = get(`${view.path}/ug/${view.end}/${view.end + 1}`, {
      Accept: `${MEDIA_TYPES.mergePatch}, ${MEDIA_TYPES.propMap}`,
    })
    await new Promise((r) => setTimeout(r, 50))
    await publishWithUpdates(v3)
    await runDurableObjectAlarm(hubStub(env, NM))
    const res = await held
    expect(res.status, await res.clone().text()).toBe(200)
    const after = await postAnswer(INPUT)
    expect(await bodyAfterItem(res, before)).toStrictEqual(JSON.parse(after))
    expect(JSON.parse(after)['property-map']['ipv4:192.0.2.0/26']['.region']).toBe('ap-south')

    // A bad input: the POST's error.
    const badInput = { ...INPUT, properties: ['.nosuch'] }
    const viaTips = await post(
      '/tips',
      MEDIA_TYPES.tipsParams,
      { 'resource-id': FPM, input: badInput },
      TIPS_ACCEPT
    )
    expect(viaTips.status).toBe(400)
    expect(await altoErrorMeta(viaTips)).toEqual(await altoErrorMeta(await postPropmap(badInput)))
  })
})
