/**
 * @module Following one GET-mode resource through an incremental update service, holding its
 * full body and applying each change:
 *
 * - TIPS (RFC 9569): `POST <tips>` opens a view; the client fetches the recommended edge
 *   (`start-edge-rec`, a snapshot `0 → k` or an incremental edge), then long-polls
 *   `GET <view>/ug/<e>/<e+1>`. 503/429 → wait `Retry-After`, poll again; 410 ("an update has a
 *   seq that has been removed") or 404 → `POST <view>/ug` with the held tag for a new edge.
 * - ALTO/SSE (RFC 8895): `POST <update-stream>` with one substream; every event is full data
 *   (`<media-type>,<id>`) or a merge patch (`application/merge-patch+json,<id>`, §6.7), and
 *   control events (`application/alto-updatestreamcontrol+json`) carry the control URI.
 *
 * A POST-mode resource is followed with its request body as `input` (RFC 8895 §6.5; RFC 9569
 * TIPSReq `input`). An RFC 9275 path-vector answer (SSE only: `multipart/related`, §9.3) is held
 * as an object of its parts by Content-ID, root first (`parts`); each later event patches one
 * part (data-id `<substream>.<content-id>`, RFC 8895 §6.7.3).
 *
 * Merge patches (RFC 7396) are applied with structural sharing (merge-patch.ts): each update's
 * `body` is a new object and the bodies delivered before it never change, while untouched
 * subtrees are shared between them (treat bodies as read-only). A JSON patch (RFC 6902, which this
 * server never sends for maps) is an `invalid-response` failure rather than a silently wrong body.
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import {
  tipsResponseSchema,
  tipsSummarySchema,
  updateStreamControlSchema,
  type UpdateStreamControl,
} from '../alto/response-schemas.ts'
import * as z from 'zod'
import { clientFail } from './errors.ts'
import { EventStreamReader } from './event-stream.ts'
import { checked, type Transport } from './http.ts'
import { countPatchLeaves, mergePatch } from './merge-patch.ts'
import { bareMediaType, parsePathVectorParts } from './multipart.ts'

export interface FollowOptions {
  via?: 'tips' | 'sse'
  /**
   * RFC 8895 §6.5 / RFC 9569 `input`: the request body of a POST-mode resource (a filtered cost
   * map, endpoint cost, filtered property map or CDNI request, multi-cost and calendared ones
   * included; path vectors over SSE only) to follow its answer.
   */
  input?: Record<string, unknown>
  /** Stops the follower (the pending long poll or stream is aborted). */
  signal?: AbortSignal
}

/** The body changed (or arrived): `body` is the whole current resource. */
export interface UpdateEvent {
  type: 'update'
  via: 'tips' | 'sse'
  resourceId: string
  /** `snapshot`: a full body (the first, or after a lost edge); `merge-patch`: a change. */
  kind: 'snapshot' | 'merge-patch'
  body: unknown
  /** The body's version tag (a network map's vtag, or the first dependent vtag). */
  tag: string
  /** Size of the item on the wire (JSON text characters). */
  bytes: number
  /** Leaf values the patch set or removed (merge patches only). */
  changed?: number
  /** TIPS: the edge `seq-i → seq-j` that carried it. */
  edge?: { from: number; to: number }
  /**
   * A multipart answer (RFC 9275 path vectors): `body` maps each part's Content-ID (without
   * `<>`) to its JSON; these are the Content-IDs, root (the path-vector part) first.
   */
  parts?: string[]
}

export type FollowEvent =
  UpdateEvent | { type: 'view'; uri: string } | { type: 'control'; control: UpdateStreamControl }

/** The version tag a body carries: a network map's vtag, or the first dependent vtag. */
export function bodyTag(body: unknown): string {
  const meta = (
    body as { meta?: { vtag?: { tag?: string }; 'dependent-vtags'?: { tag?: string }[] } } | null
  )?.meta
  return meta?.vtag?.tag ?? meta?.['dependent-vtags']?.[0]?.tag ?? '-'
}

const nextEdgeSchema = z.looseObject({ 'tips-view-summary': tipsSummarySchema })

/**
 * Waits `ms` or until `signal` aborts. The abort listener is removed when the timer fires: a
 * follower that waits thousands of times on one signal must not pile up listeners (it did).
 */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })

export function follow(
  transport: Transport,
  serviceUri: string,
  resourceId: string,
  opts: FollowOptions & { via: 'tips' | 'sse' }
): AsyncGenerator<FollowEvent> {
  return opts.via === 'tips'
    ? followTips(transport, serviceUri, resourceId, opts.signal, opts.input)
    : followSse(transport, serviceUri, resourceId, opts.signal, opts.input)
}

async function* followTips(
  transport: Transport,
  tipsUri: string,
  resourceId: string,
  signal?: AbortSignal,
  input?: Record<string, unknown>
): AsyncGenerator<FollowEvent> {
  const open = await transport.post(
    tipsUri,
    MEDIA_TYPES.tipsParams,
    MEDIA_TYPES.tips,
    { 'resource-id': resourceId, ...(input !== undefined ? { input } : {}) },
    tipsResponseSchema
  )
  const viewUri = new URL(open['tips-view-uri'], tipsUri).href
  yield { type: 'view', uri: viewUri }
  let next = open['tips-view-summary']['updates-graph-summary']['start-edge-rec']
  let body: unknown = null
  let held = false
  while (!signal?.aborted) {
    const edgeUri = `${viewUri}/ug/${next['seq-i']}/${next['seq-j']}`
    let res: Response
    try {
      res = await transport.send(edgeUri, { signal })
    } catch (e) {
      if (signal?.aborted) return
      throw e
    }
    if (res.status === 503 || res.status === 429) {
      await res.body?.cancel()
      await sleep(Number(res.headers.get('Retry-After') ?? '1') * 1000, signal)
      continue
    }
    if (res.status === 410 || res.status === 404) {
      await res.body?.cancel()
      const rec = await transport.post(
        `${viewUri}/ug`,
        MEDIA_TYPES.tipsParams,
        MEDIA_TYPES.mergePatch,
        held ? { tag: bodyTag(body) } : {},
        nextEdgeSchema
      )
      next = rec['tips-view-summary']['updates-graph-summary']['start-edge-rec']
      continue
    }
    if (!res.ok) await transport.fail(res, 'GET', edgeUri)
    const type = res.headers.get('Content-Type') ?? ''
    const text = await res.text()
    const item = checked(z.unknown(), safeParse(text), edgeUri)
    const isPatch = type === MEDIA_TYPES.mergePatch
    if (type === MEDIA_TYPES.jsonPatch)
      clientFail({
        kind: 'invalid-response',
        url: edgeUri,
        reason: 'JSON patch updates are not supported',
      })
    body = isPatch ? mergePatch(body, item) : item
    held = true
    yield {
      type: 'update',
      via: 'tips',
      resourceId,
      kind: isPatch ? 'merge-patch' : 'snapshot',
      body,
      tag: bodyTag(body),
      bytes: text.length,
      ...(isPatch ? { changed: countPatchLeaves(item) } : {}),
      edge: { from: next['seq-i'], to: next['seq-j'] },
    }
    next = { 'seq-i': next['seq-j'], 'seq-j': next['seq-j'] + 1 }
  }
}

/**
 * The JSON parts of a multipart event, root first (RFC 9275 §6.6, parsePathVectorParts);
 * anything else is an `invalid-response` (§6.6: "the client MUST discard" it).
 */
function multipartParts(
  data: string,
  mediaType: string,
  url: string
): { id: string; json: unknown }[] {
  try {
    const { root, properties } = parsePathVectorParts(data, mediaType, MEDIA_TYPES.propMap)
    return [root, properties].map((p) => ({ id: p.contentId, json: p.json }))
  } catch (e) {
    return clientFail({
      kind: 'invalid-response',
      url,
      reason: `multipart event: ${(e as Error).message}`,
    })
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The substream id this follower asks for (RFC 8895 §6.5 `add` member name). */
const SUBSTREAM = 'watch'

async function* followSse(
  transport: Transport,
  streamUri: string,
  resourceId: string,
  signal?: AbortSignal,
  input?: Record<string, unknown>
): AsyncGenerator<FollowEvent> {
  const add = { 'resource-id': resourceId, ...(input !== undefined ? { input } : {}) }
  const res = await transport.send(streamUri, {
    method: 'POST',
    headers: {
      'Content-Type': MEDIA_TYPES.updateStreamParams,
      Accept: `${MEDIA_TYPES.eventStream},${MEDIA_TYPES.error}`,
    },
    body: JSON.stringify({ add: { [SUBSTREAM]: add } }),
    signal,
  })
  if (!res.ok || !res.body) return void (await transport.fail(res, 'POST', streamUri))
  const reader = res.body.getReader()
  const events = new EventStreamReader()
  let body: unknown = null
  /** The parts of a multipart answer being held (RFC 9275), else null. */
  let parts: { id: string; json: unknown }[] | null = null
  try {
    while (!signal?.aborted) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (e) {
        if (signal?.aborted) return
        clientFail({
          kind: 'unreachable',
          url: streamUri,
          reason: `lost the connection: ${(e as Error).message}`,
        })
      }
      if (chunk.done) return
      for (const event of events.push(chunk.value)) {
        const comma = event.event.lastIndexOf(',')
        const mediaType = comma < 0 ? event.event : event.event.slice(0, comma)
        const dataId = comma < 0 ? '' : event.event.slice(comma + 1)
        if (bareMediaType(mediaType) === 'multipart/related') {
          // RFC 9275 §9.3: the whole multipart answer, one data line per line of the message.
          parts = multipartParts(event.data, mediaType, streamUri)
          body = Object.fromEntries(parts.map((p) => [p.id, p.json]))
          yield {
            type: 'update',
            via: 'sse',
            resourceId,
            kind: 'snapshot',
            body,
            tag: bodyTag(parts[0].json),
            bytes: event.data.length,
            parts: parts.map((p) => p.id),
          }
          continue
        }
        const data = checked(z.unknown(), safeParse(event.data), streamUri)
        if (mediaType === MEDIA_TYPES.updateStreamControl) {
          yield { type: 'control', control: checked(updateStreamControlSchema, data, streamUri) }
          continue
        }
        if (mediaType === MEDIA_TYPES.jsonPatch)
          clientFail({
            kind: 'invalid-response',
            url: streamUri,
            reason: 'JSON patch updates are not supported',
          })
        const isPatch = mediaType === MEDIA_TYPES.mergePatch
        if (parts !== null && isPatch) {
          // RFC 8895 §6.7.3: a patch of one part, data-id `<substream-id>.<content-id>`.
          const id = dataId.startsWith(`${SUBSTREAM}.`) ? dataId.slice(SUBSTREAM.length + 1) : ''
          if (!parts.some((p) => p.id === id))
            clientFail({
              kind: 'invalid-response',
              url: streamUri,
              reason: `a patch of part ${JSON.stringify(dataId)}, which the answer does not have`,
            })
          const held = body as Record<string, unknown>
          body = { ...held, [id]: mergePatch(held[id], data) }
          yield {
            type: 'update',
            via: 'sse',
            resourceId,
            kind: 'merge-patch',
            body,
            tag: bodyTag((body as Record<string, unknown>)[parts[0].id]),
            bytes: event.data.length,
            changed: countPatchLeaves(data),
            parts: parts.map((p) => p.id),
          }
          continue
        }
        parts = null
        body = isPatch ? mergePatch(body, data) : data
        yield {
          type: 'update',
          via: 'sse',
          resourceId,
          kind: isPatch ? 'merge-patch' : 'snapshot',
          body,
          tag: bodyTag(body),
          bytes: event.data.length,
          ...(isPatch ? { changed: countPatchLeaves(data) } : {}),
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}
