/**
 * TIPS (RFC 9569) end to end in workerd: KV seeded by the real publisher with update logs, the
 * Worker's routes, the hub Durable Object for long polls.
 */
import { env, exports } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Build } from '../../src/compiler/index.ts'
import { kvStoreFromBinding } from '../../src/compiler/kv-binding.ts'
import { prune } from '../../src/compiler/publish.ts'
import { checkGraphInvariants } from '../../src/updates/graph.ts'
import { graphFromUpdateLog } from '../../src/updates/history.ts'
import { updateLogKey, type UpdateLog } from '../../src/store/update-log.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import { watch } from '../../src/cli/watch.ts'
import worker from '../../src/worker/index.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { ORIGIN, get, post } from './client.ts'
import { testExecutionContext } from './map-set.ts'
import { NM, exampleCostMapId, fourVersions, publishWithUpdates } from './tips-helpers.ts'

const TIPS = 'application/alto-tips+json'
const TIPS_PARAMS = 'application/alto-tipsparams+json'
const MERGE_PATCH = 'application/merge-patch+json'

interface Summary {
  'start-seq': number
  'end-seq': number
  'start-edge-rec': { 'seq-i': number; 'seq-j': number }
}

let builds: Build[]
let costMapId: string

beforeAll(async () => {
  builds = await fourVersions()
  costMapId = exampleCostMapId(builds[0])
})

async function openView(
  resourceId: string,
  tag?: string
): Promise<{ uri: string; path: string; summary: Summary }> {
  const res = await post(
    '/tips',
    TIPS_PARAMS,
    { 'resource-id': resourceId, ...(tag ? { tag } : {}) },
    { Accept: `${TIPS}, application/alto-error+json` }
  )
  expect(res.status, await res.clone().text()).toBe(200)
  expect(res.headers.get('Content-Type')).toBe(TIPS)
  const body = (await res.json()) as {
    'tips-view-uri': string
    'tips-view-summary': { 'updates-graph-summary': Summary }
  }
  return {
    uri: body['tips-view-uri'],
    path: new URL(body['tips-view-uri']).pathname,
    summary: body['tips-view-summary']['updates-graph-summary'],
  }
}

async function edge(
  path: string,
  i: number,
  j: number,
  headers: Record<string, string> = {}
): Promise<Response> {
  return get(`${path}/ug/${i}/${j}`, headers)
}

async function storedLog(resourceId: string): Promise<UpdateLog> {
  return (await env.ALTO_KV.get(updateLogKey(resourceId), { type: 'json' })) as UpdateLog
}

/** A client following a view: snapshot first, then every recommended edge to end-seq. */
async function followView(
  path: string,
  summary: Summary,
  from: { seq: number; body: unknown } | null
) {
  let seq = from?.seq ?? 0
  let body = from?.body ?? null
  const fetched: { i: number; j: number; type: string; bytes: number }[] = []
  let rec = from ? { 'seq-i': from.seq, 'seq-j': from.seq + 1 } : summary['start-edge-rec']
  while (seq < summary['end-seq']) {
    const res = await edge(path, rec['seq-i'], rec['seq-j'])
    expect(res.status).toBe(200)
    const type = res.headers.get('Content-Type')!
    const text = await res.text()
    fetched.push({ i: rec['seq-i'], j: rec['seq-j'], type, bytes: text.length })
    body = type === MERGE_PATCH ? applyMergePatch(body, JSON.parse(text)) : JSON.parse(text)
    seq = rec['seq-j']
    rec = { 'seq-i': seq, 'seq-j': seq + 1 }
  }
  return { seq, body, fetched }
}

describe('TIPS views, edges and the publisher', () => {
  it('a client reading the snapshot and applying every patch after three publishes equals the last full map', async () => {
    const r1 = await publishWithUpdates(builds[0])
    expect(r1.updates?.find((u) => u.resourceId === costMapId)).toMatchObject({
      seq: 1,
      changed: true,
    })

    // The IRD announces both update resources.
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<
        string,
        {
          'media-type': string
          accepts?: string
          uses?: string[]
          capabilities?: Record<string, unknown>
        }
      >
    }
    expect(ird.resources.tips).toMatchObject({
      uri: '/tips',
      'media-type': TIPS,
      accepts: TIPS_PARAMS,
    })
    expect(ird.resources.tips.uses).toContain(costMapId)
    expect(
      (
        ird.resources.tips.capabilities!['incremental-change-media-types'] as Record<string, string>
      )[costMapId]
    ).toBe(MERGE_PATCH)
    expect(ird.resources['update-stream']).toMatchObject({
      'media-type': 'text/event-stream',
      capabilities: { 'support-stream-control': true },
    })

    const views: Record<string, Awaited<ReturnType<typeof openView>>> = {}
    const held: Record<string, { seq: number; body: unknown }> = {}
    for (const rid of [NM, costMapId]) {
      views[rid] = await openView(rid)
      expect(views[rid].summary).toEqual({
        'start-seq': 1,
        'end-seq': 1,
        'start-edge-rec': { 'seq-i': 0, 'seq-j': 1 },
      })
      // Same body → same view; the view is per resource.
      expect((await openView(rid)).uri).toBe(views[rid].uri)
      const snap = await edge(views[rid].path, 0, 1)
      expect(snap.status).toBe(200)
      held[rid] = { seq: 1, body: await snap.json() }
    }
    expect(views[NM].uri).not.toBe(views[costMapId].uri)

    const r2 = await publishWithUpdates(builds[1])
    const r3 = await publishWithUpdates(builds[2])
    const r4 = await publishWithUpdates(builds[3])
    const seqs = [r2, r3, r4].map((r) =>
      Object.fromEntries(r.updates!.map((u) => [u.resourceId, u.seq]))
    )
    expect(seqs.map((s) => s[costMapId])).toEqual([2, 3, 4])
    // The network map changes only at v3: its seq moves once.
    expect(seqs.map((s) => s[NM])).toEqual([1, 2, 2])

    for (const rid of [NM, costMapId]) {
      const tag =
        rid === NM
          ? (held[rid].body as { meta: { vtag: { tag: string } } }).meta.vtag.tag
          : undefined
      const next = await post(`${views[rid].path}/ug`, TIPS_PARAMS, tag ? { tag } : {}, {
        Accept: MERGE_PATCH,
      })
      expect(next.status).toBe(200)
      expect(next.headers.get('Content-Type')).toBe(MERGE_PATCH)
      const log = await storedLog(rid)
      const end = log.seqs[log.seqs.length - 1].seq
      const { body, fetched } = await followView(
        views[rid].path,
        ((await next.json()) as { 'tips-view-summary': { 'updates-graph-summary': Summary } })[
          'tips-view-summary'
        ]['updates-graph-summary'],
        held[rid]
      )
      expect(fetched.every((f) => f.type === MERGE_PATCH)).toBe(true)
      expect(fetched.map((f) => f.j)).toEqual(Array.from({ length: end - 1 }, (_, k) => k + 2))
      const full = await get(rid === NM ? `/networkmap/${NM}` : `/costmap/${costMapId}`)
      const fullBody = await full.json()
      // Byte-equal as JSON (canonical forms compared), with matching vtags / dependent vtags.
      expect(JSON.stringify(body)).toBe(JSON.stringify(fullBody))
      if (rid === NM)
        expect((body as { meta: { vtag: { tag: string } } }).meta.vtag.tag).toBe(
          builds[3].manifest['network-maps'][NM].vtag
        )
      else
        expect(
          (body as { meta: { 'dependent-vtags': { tag: string }[] } }).meta['dependent-vtags'][0]
            .tag
        ).toBe(builds[3].manifest['network-maps'][NM].vtag)
      expect(full.headers.get('ETag')).toBe(
        `"${rid === NM ? builds[3].manifest['network-maps'][NM].vtag : builds[3].manifest['cost-maps'][costMapId].tag}"`
      )
    }
  })

  it('items are immutable: strong ETag of the blob, one-year immutable Cache-Control, 304 on If-None-Match', async () => {
    const { path } = await openView(costMapId)
    const res = await edge(path, 1, 2)
    expect(res.status).toBe(200)
    const etag = res.headers.get('ETag')!
    const log = await storedLog(costMapId)
    expect(etag).toBe(`"${log.seqs.find((e) => e.seq === 2)!['patch-from-prev']!.sha256}"`)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    const again = await edge(path, 1, 2, { 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(again.headers.get('ETag')).toBe(etag)
  })

  it('answers every RFC 9569 status: 400s of the open request, 404, 415, 425', async () => {
    const missing = await post('/tips', TIPS_PARAMS, {})
    expect(missing.status).toBe(400)
    expect(
      ((await missing.json()) as { meta: { code: string; field: string } }).meta
    ).toMatchObject({ code: 'E_MISSING_FIELD', field: 'resource-id' })
    const unknown = await post('/tips', TIPS_PARAMS, { 'resource-id': `${NM}-filtered` })
    expect(((await unknown.json()) as { meta: Record<string, string> }).meta).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'resource-id',
      value: `${NM}-filtered`,
    })
    expect((await post('/tips', 'application/json', { 'resource-id': NM })).status).toBe(415)
    const { path, summary } = await openView(costMapId)
    const e = summary['end-seq']
    expect((await get('/tips/view/no-such-map/ug/0/1')).status).toBe(404)
    expect((await edge(path, 2, 1)).status).toBe(404) // i ≥ j
    expect((await get(`${path}/ug/01/2`)).status).toBe(404) // not a plain integer
    expect((await edge(path, 1, 3)).status).toBe(404) // a shortcut that will never exist
    expect((await edge(path, e, e + 2)).status).toBe(404) // a future shortcut: never created
    expect((await edge(path, e + 1, e + 2)).status).toBe(425) // beyond the long-poll window
    expect((await edge(path, 0, e + 2)).status).toBe(425)
    const notAcceptable = await edge(path, 1, 2, { Accept: 'application/alto-costmap+json' })
    expect(notAcceptable.status).toBe(415)
    expect((await edge(path, 0, e, { Accept: 'application/alto-costmap+json' })).status).toBe(200)
    // A future snapshot (0 → e+1) can only be the cost map type: refused at once, not after a hold.
    expect((await edge(path, 0, e + 1, { Accept: MERGE_PATCH })).status).toBe(415)
    // A seq too large to be exact is still beyond the window, not malformed.
    expect((await get(`${path}/ug/0/99999999999999999999`)).status).toBe(425)
    // The next-edge recommendation is a merge patch: 415 when Accept excludes it (RFC 9569).
    expect((await post(`${path}/ug`, TIPS_PARAMS, {}, { Accept: TIPS })).status).toBe(415)
    expect((await get('/tips')).status).toBe(405)
  })

  it('holds ug/<end>/<end+1> until a publication; the hub learns of it by its alarm or by the publish hook', async () => {
    const { path, summary } = await openView(costMapId)
    const e = summary['end-seq']
    const hub = hubStub(env, NM)

    // 1. Alarm path: the hub polls the pointer while a request waits.
    const pending = edge(path, e, e + 1)
    let settled = false
    void pending.then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(settled).toBe(false)
    await publishWithUpdates(builds[0])
    expect(await runDurableObjectAlarm(hub)).toBe(true)
    const res = await pending
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MERGE_PATCH)
    // v4 → v1: the cost changes back and PID2 loses its extra prefix (a new dependent vtag).
    expect(await res.json()).toEqual({
      meta: {
        'dependent-vtags': [
          { 'resource-id': NM, tag: builds[0].manifest['network-maps'][NM].vtag },
        ],
      },
      'cost-map': { PID1: { PID2: 11 } },
    })

    // 2. Publish hook: the CLI's notification carries the new logs.
    const token = 'test-operator-token-0123456789'
    const withToken = { ...env, ALTO_OPERATOR_TOKEN: token } as typeof env
    const call = (p: string, init: RequestInit = {}) =>
      worker.fetch(new Request(`${ORIGIN}${p}`, init), withToken, testExecutionContext())
    const started = Date.now()
    const pending2 = call(`${path}/ug/${e + 1}/${e + 2}`)
    const r = await publishWithUpdates(builds[1])
    const notifyBody = JSON.stringify({
      logs: r.updates!.filter((u) => u.changed).map((u) => u.log),
    })
    const denied = await call('/_alto/notify', {
      method: 'POST',
      headers: { Authorization: 'Bearer wrong-token' },
      body: notifyBody,
    })
    expect(denied.status).toBe(401)
    const notifiedAt = Date.now()
    const notified = await call('/_alto/notify', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: notifyBody,
    })
    expect(notified.status).toBe(202)
    expect(((await notified.json()) as { advanced: string[] }).advanced).toContain(costMapId)
    const res2 = await pending2
    const answeredAt = Date.now()
    expect(res2.status).toBe(200)
    expect(await res2.json()).toEqual({ 'cost-map': { PID1: { PID2: 22 } } })
    console.log(
      `long poll: held ${notifiedAt - started} ms; answered ${answeredAt - notifiedAt} ms after the publish hook`
    )
    expect(
      (
        await worker.fetch(
          new Request(`${ORIGIN}/_alto/notify`, { method: 'POST' }),
          env,
          testExecutionContext()
        )
      ).status
    ).toBe(404)

    // Bad hook bodies are ALTO errors naming the field (through the one failure mapper).
    const bad = async (body: string) => {
      const res = await call('/_alto/notify', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body,
      })
      expect(res.status).toBe(400)
      expect(res.headers.get('Content-Type')).toBe('application/alto-error+json')
      return ((await res.json()) as { meta: Record<string, string> }).meta
    }
    expect((await bad('{not json')).code).toBe('E_SYNTAX')
    expect(await bad('{"logs":{}}')).toEqual({ code: 'E_INVALID_FIELD_TYPE', field: 'logs' })
    const validLog = r.updates!.find((u) => u.changed)!.log
    expect(
      await bad(JSON.stringify({ logs: [validLog, { 'resource-id': 'x', seqs: [] }] }))
    ).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'logs/1',
      value: 'not a valid update log',
    })
    expect(denied.headers.get('WWW-Authenticate')).toBe('Bearer realm="alto-edge-operator"')
  })

  it('429 when the hub already holds as many long polls as allowed', async () => {
    const { path, summary } = await openView(costMapId)
    const e = summary['end-seq']
    const limited = { ...env, ALTO_TIPS_MAX_POLLS: '1' } as typeof env
    const call = (p: string) =>
      worker.fetch(new Request(`${ORIGIN}${p}`), limited, testExecutionContext())
    const first = call(`${path}/ug/${e}/${e + 1}`)
    await new Promise((r) => setTimeout(r, 50))
    const second = await call(`${path}/ug/${e}/${e + 1}`)
    expect(second.status).toBe(429)
    expect(second.headers.get('Retry-After')).toBe('1')
    await publishWithUpdates(builds[2])
    await runDurableObjectAlarm(hubStub(env, NM))
    expect((await first).status).toBe(200)
  })

  it('hubs are sharded by map family: a full hub for one family does not refuse long polls on another', async () => {
    const other = 'my-default-network-map'
    const limited = { ...env, ALTO_TIPS_MAX_POLLS: '1' } as typeof env
    const call = (p: string) =>
      worker.fetch(new Request(`${ORIGIN}${p}`), limited, testExecutionContext())
    const a = await openView(costMapId)
    const b = await openView(other)
    const heldA = call(`${a.path}/ug/${a.summary['end-seq']}/${a.summary['end-seq'] + 1}`)
    await new Promise((r) => setTimeout(r, 50))
    // The example family's hub is full...
    expect(
      (await call(`${a.path}/ug/${a.summary['end-seq']}/${a.summary['end-seq'] + 1}`)).status
    ).toBe(429)
    // ...while the interop family's hub still takes a long poll: it is held, not refused.
    const next = b.summary['end-seq'] + 1
    const heldB = Promise.resolve(call(`${b.path}/ug/${b.summary['end-seq']}/${next}`))
    const early = await Promise.race([
      heldB.then((r) => r.status),
      new Promise((r) => setTimeout(() => r('held'), 200)),
    ])
    expect(early).toBe('held')
    // A network map and its cost maps share a hub; the two families do not.
    const ids = [NM, other].map((shard) =>
      env.ALTO_UPDATE_HUB.idFromName(`hub:${shard}`).toString()
    )
    expect(new Set(ids).size).toBe(2)
    // Release both: the example family through a publish, the interop family through its hub
    // learning of a next seq (a replacement edge naming the current snapshot).
    await publishWithUpdates(builds[3])
    await runDurableObjectAlarm(hubStub(env, NM))
    expect((await heldA).status).toBe(200)
    const log = await storedLog(other)
    const last = log.seqs[log.seqs.length - 1]
    const advanced = {
      ...log,
      seqs: [
        ...log.seqs,
        {
          ...last,
          seq: next,
          tag: `${last.tag}x`,
          'patch-from-prev': last.snapshot,
          'patch-media-type': log['media-type'],
        },
      ],
    }
    expect((await hubStub(env, other).notify([advanced])).advanced).toEqual([other])
    expect((await heldB).status).toBe(200)
  })

  it('a smaller window prunes the log keeping the invariants; 410 below start-seq; prune keeps every item alive', async () => {
    const before = await storedLog(costMapId)
    for (const b of [builds[3], builds[0], builds[1]]) await publishWithUpdates(b, 2)
    const log = await storedLog(costMapId)
    const start = log.seqs[0].seq
    const end = log.seqs[log.seqs.length - 1].seq
    expect(end - start + 1).toBe(2)
    expect(log.seqs[0]['patch-from-prev']).toBeUndefined()
    expect(checkGraphInvariants(graphFromUpdateLog(log))).toEqual([])
    // Right shift only.
    expect(start).toBeGreaterThan(before.seqs[0].seq)
    expect(end).toBeGreaterThan(before.seqs[before.seqs.length - 1].seq)

    const { path, summary } = await openView(costMapId)
    expect(summary).toMatchObject({
      'start-seq': start,
      'end-seq': end,
      'start-edge-rec': { 'seq-i': 0, 'seq-j': end },
    })
    expect((await edge(path, start - 1, start)).status).toBe(410)
    expect((await edge(path, 0, start - 1)).status).toBe(410)
    expect((await edge(path, 1, 2)).status).toBe(410)
    // A client whose tag was pruned (v3's content is no longer in the window) is sent to a snapshot.
    const old = await post(`${path}/ug`, TIPS_PARAMS, {
      tag: builds[2].manifest['cost-maps'][costMapId].tag,
    })
    expect((await old.json()) as unknown).toEqual({
      'tips-view-summary': {
        'updates-graph-summary': {
          'start-seq': start,
          'end-seq': end,
          'start-edge-rec': { 'seq-i': 0, 'seq-j': end },
        },
      },
    })

    // `prune --keep 1` deletes old manifests but keeps the blobs every log names.
    const result = await prune(kvStoreFromBinding(env.ALTO_KV), 1)
    expect(result.manifestsDeleted.length).toBeGreaterThan(0)
    expect((await edge(path, 0, start)).status).toBe(200)
    expect((await edge(path, start, end)).status).toBe(200)
  })

  it('the CLI `watch` client follows a view through TIPS and prints each change', async () => {
    const lines: string[] = []
    const viaWorker = ((input: RequestInfo | URL, init?: RequestInit) =>
      exports.default.fetch(input, init)) as typeof fetch
    const done = watch(
      { server: ORIGIN, resourceId: costMapId, via: 'tips', count: 1, fetch: viaWorker },
      (l) => lines.push(l)
    )
    for (let k = 0; k < 200 && lines.length < 2; k++) await new Promise((r) => setTimeout(r, 10))
    expect(lines[1]).toMatch(/seq 0 → \d+: snapshot/)
    await new Promise((r) => setTimeout(r, 50)) // let the long poll reach the hub
    await publishWithUpdates(builds[3])
    expect(await runDurableObjectAlarm(hubStub(env, NM))).toBe(true)
    await done
    expect(lines[2]).toMatch(/merge patch, \d+ values changed, \d+ bytes; tag [0-9a-f]{40}$/)
  })
  it('a handler whose log read is stale (KV edge cache) defers to the hub: no 425, no step back (RFC 9569 right shift)', async () => {
    const hub = hubStub(env, NM)
    await openView(costMapId) // the hub need not know the resource beforehand
    const staleLog = await storedLog(costMapId)
    const staleEnd = staleLog.seqs[staleLog.seqs.length - 1].seq
    // A publication the hub hears of (publish hook) while this location's KV still serves the old log.
    const latest = builds.find(
      (b) => b.manifest['cost-maps'][costMapId].tag !== staleLog.seqs[staleLog.seqs.length - 1].tag
    )!
    const r = await publishWithUpdates(latest)
    const fresh = r.updates!.find((u) => u.resourceId === costMapId)!.log
    expect(fresh.seqs[fresh.seqs.length - 1].seq).toBe(staleEnd + 1)
    await hub.notify([fresh])
    await env.ALTO_KV.put(updateLogKey(costMapId), JSON.stringify(staleLog)) // the stale read, simulated

    // A client that already holds the new version's tag is not sent back to an older snapshot.
    const { summary } = await openView(costMapId, latest.manifest['cost-maps'][costMapId].tag)
    expect(summary['end-seq']).toBe(staleEnd + 1)
    expect(summary['start-edge-rec']).toEqual({ 'seq-i': staleEnd + 1, 'seq-j': staleEnd + 2 })

    // Its long poll of the next edge is held (not 425 Too Early) and answered on the next publication.
    const path = `/tips/view/${costMapId}`
    const pending = edge(path, staleEnd + 1, staleEnd + 2)
    let settled = false
    void pending.then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(settled).toBe(false)
    await env.ALTO_KV.put(updateLogKey(costMapId), JSON.stringify(fresh)) // the edge cache catches up
    const next = builds.find(
      (b) => b.manifest['cost-maps'][costMapId].tag !== latest.manifest['cost-maps'][costMapId].tag
    )!
    const r2 = await publishWithUpdates(next)
    await hub.notify([r2.updates!.find((u) => u.resourceId === costMapId)!.log])
    const res = await pending
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MERGE_PATCH)
  })
})
