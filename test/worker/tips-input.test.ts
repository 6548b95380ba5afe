/**
 * RFC 9569 TIPSReq `input`: TIPS views of the POST-mode filtered cost map (RFC 8189 multi-cost
 * constrained, RFC 8896 calendared) and endpoint cost service, across publications — opened once
 * per distinct input, snapshots equal to the POST answers, updates that rebuild the next POST
 * answer, a long poll released by a publication (issue 15 item 5).
 */
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { viewVersions } from '../../src/worker/updates/tips-inputs.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { altoErrorMeta, get, post, postEndpointCost, postFilteredCostMap } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet } from './map-set.ts'
import { bodyAfterItem, publishWithUpdates } from './tips-helpers.ts'

const TIPS_ACCEPT = { Accept: `${MEDIA_TYPES.tips}, application/alto-error+json` }
const MC = 'rfc8189-network-map'
const CAL = 'rfc8896-network-map'
const fcm = (nm: string) => `${nm}-costmap-filtered`
const ecs = (nm: string) => `${nm}-endpoint-cost`
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

interface Summary {
  'start-seq': number
  'end-seq': number
  'start-edge-rec': { 'seq-i': number; 'seq-j': number }
}

/** v2: routingcost PID1 → PID2 4 → 12, PID2 → PID1 15 → 7; calendar PID1 → PID2 hour 0 → 999. */
function variant(): Record<string, string> {
  const rc = JSON.parse(MAP_SET_FILES['example/rfc8189-cost-routingcost.json']) as {
    costs: Record<string, Record<string, number>>
  }
  rc.costs.PID1.PID2 = 12
  rc.costs.PID2.PID1 = 7
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

let v1: Build
let v2: Build

beforeAll(async () => {
  v1 = await compileRealMapSet()
  v2 = await compileRealMapSet(variant())
  await publishWithUpdates(v1)
})

async function open(
  resourceId: string,
  input?: unknown,
  tag?: string
): Promise<{ path: string; summary: Summary }> {
  const res = await post(
    '/tips',
    MEDIA_TYPES.tipsParams,
    {
      'resource-id': resourceId,
      ...(input !== undefined ? { input } : {}),
      ...(tag ? { tag } : {}),
    },
    TIPS_ACCEPT
  )
  expect(res.status, await res.clone().text()).toBe(200)
  expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.tips)
  const body = (await res.json()) as {
    'tips-view-uri': string
    'tips-view-summary': { 'updates-graph-summary': Summary }
  }
  return {
    path: new URL(body['tips-view-uri']).pathname,
    summary: body['tips-view-summary']['updates-graph-summary'],
  }
}

const item = (path: string, i: number, j: number, accept: string) =>
  get(`${path}/ug/${i}/${j}`, { Accept: `${accept}, application/alto-error+json` })

async function postAnswer(res: Promise<Response>): Promise<string> {
  const r = await res
  expect(r.status, await r.clone().text()).toBe(200)
  return r.text()
}

describe('RFC 9569 TIPS IRD announcement', () => {
  it('uses and incremental-change-media-types name the POST-mode filtered cost map and endpoint cost service after their network map and its cost maps; not the multipart path-vector resources', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, { uses?: string[]; capabilities?: Record<string, unknown> }>
    }
    const tips = ird.resources.tips
    for (const nm of [MC, CAL]) {
      expect(tips.capabilities!['incremental-change-media-types']).toMatchObject({
        [fcm(nm)]: MEDIA_TYPES.mergePatch,
        [ecs(nm)]: MEDIA_TYPES.mergePatch,
      })
      expect(tips.uses!.indexOf(fcm(nm))).toBeGreaterThan(tips.uses!.indexOf(nm))
    }
    expect(tips.uses!.some((id) => id.includes('path-vector'))).toBe(false)
    // RFC 9569: capability keys ⊆ uses.
    for (const id of Object.keys(tips.capabilities!['incremental-change-media-types'] as object))
      expect(tips.uses).toContain(id)
  })
})

describe('RFC 9569 TIPS Management: opening a view with input', () => {
  it('the same input names the same view (unknown members ignored, RFC 7285 §8.3.7); another input or resource another view', async () => {
    const a = await open(fcm(MC), MULTI)
    expect(a.path).toMatch(new RegExp(`^/tips/view/${fcm(MC)}/input/[0-9a-f]{32}$`))
    const again = await open(fcm(MC), { ...MULTI, unknown: 'ignored' })
    expect(again.path).toBe(a.path)
    const other = await open(fcm(MC), { ...MULTI, constraints: ['[0] le 20'] })
    expect(other.path).not.toBe(a.path)
    const ep = await open(ecs(MC), ENDPOINTS)
    expect(ep.path).not.toBe(a.path)
    // Without a tag: the latest snapshot is recommended.
    expect(a.summary['start-edge-rec']).toEqual({ 'seq-i': 0, 'seq-j': a.summary['end-seq'] })
  })

  it('"input ... the same error the resource itself would return": a bad input gets the POST service\'s ALTO error, and no view', async () => {
    const bad = { 'multi-cost-types': [routing, num('nosuchmetric')], pids: {} }
    const viaTips = await post(
      '/tips',
      MEDIA_TYPES.tipsParams,
      { 'resource-id': fcm(MC), input: bad },
      TIPS_ACCEPT
    )
    const viaPost = await postFilteredCostMap(MC, bad)
    expect(viaTips.status).toBe(400)
    expect(viaPost.status).toBe(400)
    expect(await altoErrorMeta(viaTips)).toEqual(await altoErrorMeta(viaPost))
    // No input at all: the request without members, whose first error is the cost type's.
    const none = await post(
      '/tips',
      MEDIA_TYPES.tipsParams,
      { 'resource-id': fcm(MC) },
      TIPS_ACCEPT
    )
    expect(none.status).toBe(400)
    expect((await altoErrorMeta(none)).code).toBe('E_MISSING_FIELD')
  })

  it('a GET-mode map with an input is refused on input (E_INVALID_FIELD_VALUE)', async () => {
    const res = await post(
      '/tips',
      MEDIA_TYPES.tipsParams,
      { 'resource-id': MC, input: { pids: ['PID1'] } },
      TIPS_ACCEPT
    )
    expect(res.status).toBe(400)
    expect(await altoErrorMeta(res)).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'input',
    })
  })
})

describe('RFC 9569 Client Pull: items of an input view', () => {
  it('snapshot 0 → end-seq is the POST answer, byte for byte, with a strong ETag and 304 on revalidation', async () => {
    const { path, summary } = await open(fcm(MC), MULTI)
    const e = summary['end-seq']
    const res = await item(path, 0, e, MEDIA_TYPES.costMap)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.costMap)
    expect(res.headers.get('Cache-Control')).toContain('immutable')
    const body = await res.text()
    expect(body).toBe(await postAnswer(postFilteredCostMap(MC, MULTI)))
    const etag = res.headers.get('ETag')!
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/)
    const again = await get(`${path}/ug/0/${e}`, {
      Accept: MEDIA_TYPES.costMap,
      'If-None-Match': etag,
    })
    expect(again.status).toBe(304)
    // 415 when the client does not take the item's type.
    expect((await item(path, 0, e, MEDIA_TYPES.mergePatch)).status).toBe(415)
    // 404 for a view never opened; 425 beyond the long-poll window.
    expect(
      (await item(`/tips/view/${fcm(MC)}/input/${'0'.repeat(32)}`, 0, e, MEDIA_TYPES.costMap))
        .status
    ).toBe(404)
    expect((await item(path, e, e + 2, MEDIA_TYPES.mergePatch)).status).toBe(404)
    expect((await item(path, 0, e + 2, MEDIA_TYPES.costMap)).status).toBe(425)
  })

  it('a long poll of end → end+1 is released by the next publication with the merge patch that turns each POST answer into the next one (multi-cost constrained, calendared, endpoint cost)', async () => {
    const views = await Promise.all([
      open(fcm(MC), MULTI),
      open(fcm(CAL), CALENDARED),
      open(ecs(MC), ENDPOINTS),
    ])
    const before = await Promise.all([
      postAnswer(postFilteredCostMap(MC, MULTI)),
      postAnswer(postFilteredCostMap(CAL, CALENDARED)),
      postAnswer(postEndpointCost(MC, ENDPOINTS)),
    ])
    const e = views[0].summary['end-seq']
    for (const v of views) expect(v.summary['end-seq']).toBe(e)
    const held = views.map((v) => item(v.path, e, e + 1, MEDIA_TYPES.mergePatch))
    await new Promise((r) => setTimeout(r, 50))
    await publishWithUpdates(v2)
    for (const nm of [MC, CAL]) await runDurableObjectAlarm(hubStub(env, nm))
    const after = await Promise.all([
      postAnswer(postFilteredCostMap(MC, MULTI)),
      postAnswer(postFilteredCostMap(CAL, CALENDARED)),
      postAnswer(postEndpointCost(MC, ENDPOINTS)),
    ])
    for (const [k, pending] of held.entries()) {
      const res = await pending
      expect(res.status, await res.clone().text()).toBe(200)
      expect(await bodyAfterItem(res, before[k])).toEqual(JSON.parse(after[k]))
    }
    // The multi-cost answer changed in two costs: a patch, not the whole answer.
    const patch = await item(views[0].path, e, e + 1, MEDIA_TYPES.mergePatch)
    expect(patch.headers.get('Content-Type')).toBe(MEDIA_TYPES.mergePatch)
    // RFC 8896 §5.1.2: a calendar's start time is that of the current iteration, so a
    // calendared item is revalidated rather than kept forever.
    const cal = await item(views[1].path, 0, e + 1, MEDIA_TYPES.costMap)
    expect(cal.headers.get('Cache-Control')).toContain('no-cache')
    // The new version is the view's end-seq, and snapshot 0 → end is the new POST answer.
    const reopened = await open(fcm(MC), MULTI)
    expect(reopened.path).toBe(views[0].path)
    expect(reopened.summary['end-seq']).toBe(e + 1)
    expect(await (await item(reopened.path, 0, e + 1, MEDIA_TYPES.costMap)).text()).toBe(after[0])
  })

  it('New Next Edge Recommendation: a client at the previous version (its tag) is sent the update, one without a tag the snapshot', async () => {
    const { path, summary } = await open(fcm(MC), MULTI)
    const e = summary['end-seq']
    const rec = async (res: Response) => {
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.mergePatch)
      const body = (await res.json()) as {
        'tips-view-summary': { 'updates-graph-summary': Summary }
      }
      return body['tips-view-summary']['updates-graph-summary']['start-edge-rec']
    }
    const next = (tag?: string) =>
      post(
        `${path}/ug`,
        MEDIA_TYPES.tipsParams,
        { 'resource-id': fcm(MC), ...(tag ? { tag } : {}) },
        { Accept: `${MEDIA_TYPES.mergePatch}, application/alto-error+json` }
      )
    const history = JSON.parse((await env.ALTO_KV.get('history'))!) as {
      versions: { version: string; seq: number }[]
    }
    const previous = history.versions.find((v) => v.seq === e - 1)!
    expect(await rec(await next(previous.version))).toEqual({ 'seq-i': e - 1, 'seq-j': e })
    expect(await rec(await next())).toEqual({ 'seq-i': 0, 'seq-j': e })
    // An unknown tag: from a snapshot.
    expect(await rec(await next('f'.repeat(32)))).toEqual({ 'seq-i': 0, 'seq-j': e })
    // Opening with the tag recommends the same edge.
    expect((await open(fcm(MC), MULTI, previous.version)).summary['start-edge-rec']).toEqual({
      'seq-i': e - 1,
      'seq-j': e,
    })
  })
})

describe('view versions (pure)', () => {
  it("the longest run of consecutive seqs ending at the pointer: a rollback's gap starts the view after it", () => {
    const history = {
      versions: [
        { version: 'a', seq: 5, created: '' },
        { version: 'b', seq: 4, created: '' },
        { version: 'c', seq: 2, created: '' },
        { version: 'd', seq: 6, created: '' },
      ],
    }
    // seq 6 was written to the history before the pointer moved: not a version yet.
    expect(viewVersions(history, { version: 'a', seq: 5, manifest: 'manifest/a' })).toEqual([
      { seq: 4, version: 'b' },
      { seq: 5, version: 'a' },
    ])
    // A pointer newer than the history read (a lagging edge cache) is still the end.
    expect(viewVersions(history, { version: 'e', seq: 7, manifest: 'manifest/e' })).toEqual([
      { seq: 4, version: 'b' },
      { seq: 5, version: 'a' },
      { seq: 6, version: 'd' },
      { seq: 7, version: 'e' },
    ])
  })
})
