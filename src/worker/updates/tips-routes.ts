/**
 * @module TIPS (RFC 9569) routes: open a view, the next-edge recommendation, and the update
 * items `GET <view>/ug/<i>/<j>` with long poll of the next edge.
 *
 *   POST /tips                      application/alto-tipsparams+json → application/alto-tips+json
 *   POST /tips/view/<rid>/ug        application/alto-tipsparams+json → application/merge-patch+json
 *   GET  /tips/view/<rid>/ug/<i>/<j>  → the resource's type (snapshot, full replacement) or a patch type
 *
 * Views are shared, one per resource (`/tips/view/<resource-id>`), never closed: RFC 9569 allows a
 * view that "may already exist ... because the server perpetually maintains a TIPS view for an
 * often-requested resource"; the same request body always gets the same URI and two resources
 * never share one. A POST-mode resource (the filtered cost map, the endpoint cost service) is
 * opened with its `input`, one view per distinct input (tips-inputs.ts); a GET-mode map with an
 * `input` is refused.
 *
 * The updates graph of a view is the resource's update log (KV `updates/<rid>`, written by the
 * publisher before the pointer). Items are immutable content-addressed blobs: `ug/i/j` for
 * j ≤ end-seq never changes (seqs never move left), so it is served with a strong ETag (the
 * blob's SHA-256) and `Cache-Control: ..., max-age=31536000, immutable`, from the Workers edge
 * cache once read.
 */
import { Hono } from 'hono'
import * as z from 'zod'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { isAcceptable, ifNoneMatchMatches } from '../../alto/negotiation.ts'
import {
  addTipsResponse,
  classifyEdgeRequest,
  nextEdgeResponse,
  seqOfTag,
  summarizeGraph,
} from '../../updates/graph.ts'
import { edgeItem, graphFromUpdateLog } from '../../updates/history.ts'
import { type UpdateLog } from '../../store/update-log.ts'
import { validateNextEdgeRequest, validateTipsRequest } from '../../updates/tips.ts'
import type { BlobRef, PresignedSignature } from '../../store/manifest.ts'
import type { AppEnv } from '../env.ts'
import { addPresignedSignature, itemCacheKey, serveBlobThroughEdgeCache } from '../full-resource.ts'
import { altoJsonResponse, readAltoRequest, requireAcceptable, type AppContext } from '../http.ts'
import { MAX_WAITERS, type WaitResult } from './hub.ts'
import { rateLimitKey } from '../middleware/rate-limit.ts'
import { capFrom, clientLeases, DEFAULT_MAX_POLLS_PER_CLIENT } from './client-leases.ts'
import { LOG_CACHE_TTL_SECONDS, endSeqOf, hubStub, readUpdateLog, tipsResource } from './common.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { contentIdDomain } from '../../alto/path-vector.ts'
import { clientEndpoint } from '../routes/endpoint-cost.ts'
import { requestVersion } from '../http.ts'
import { postModeResource, validateInput } from './inputs.ts'
import {
  inputItem,
  inputViewGraph,
  inputViewId,
  inputViewPath,
  inputViewSummary,
  loadInputView,
  readVersions,
  refuseInput,
  saveInputView,
  serveInputItem,
} from './tips-inputs.ts'
import type { VersionWaitResult } from './hub.ts'

/** `ug/<end>/<end+1>` may be requested before it exists (RFC 9569: "RECOMMENDED that the server allows for at least the prefetch of <end-seq> -> <end-seq + 1>"). */
export const LONG_POLL_WINDOW = 1
/** Longest hold of a long poll before answering 503 + `Retry-After: 0` (below common proxy idle timeouts). */
export const LONG_POLL_HOLD_MS = 25_000
/** Edges never change: one year, `immutable` (RFC 8246). */
const IMMUTABLE_MAX_AGE_SECONDS = 31_536_000

export const tipsViewPath = (resourceId: string): string =>
  `/tips/view/${encodeURIComponent(resourceId)}`

/** Any JSON value; the TIPS validators check the shape (RFC 9569 error rules). */
const anyJson = z.unknown()

/** The view's resource and its update log; 404 when the view does not exist (or is not visible). */
async function openView(
  c: AppContext,
  resourceId: string
): Promise<{ log: UpdateLog; mediaType: string; shard: string }> {
  const tips = await tipsResource(c)
  const mediaType = tips?.mediaTypes.get(resourceId)
  if (!tips || !mediaType) httpFail({ kind: 'not-found' })
  const log = await readUpdateLog(c.env.ALTO_KV, resourceId, LOG_CACHE_TTL_SECONDS)
  if (!log) httpFail({ kind: 'not-found' })
  return { log, mediaType, shard: tips.shards.get(resourceId)! }
}

/**
 * The newer of the handler's log and the hub's. Handlers read `updates/<rid>` through KV's edge
 * cache, which can lag a publication by up to a minute, while the hub may already have handed a
 * long-polling client the next seq. RFC 9569's "right shift" invariant (start and end seqs never
 * move left) must hold for that client too, so whenever the handler's log would turn a client
 * away or send it back to an older snapshot (a 425, an unknown tag), it asks the hub first.
 */
async function freshestLog(
  c: AppContext,
  resourceId: string,
  shard: string,
  log: UpdateLog
): Promise<UpdateLog> {
  const fromHub = (await hubStub(c.env, shard).currentLogs([resourceId]))[resourceId]
  return fromHub && endSeqOf(fromHub) > endSeqOf(log) ? fromHub : log
}

/** The log to summarize for a client with `tag`: the hub's when the tag is unknown here. */
async function logForTag(
  c: AppContext,
  resourceId: string,
  shard: string,
  log: UpdateLog,
  tag: string | undefined
): Promise<UpdateLog> {
  if (tag === undefined || seqOfTag(graphFromUpdateLog(log), tag) !== undefined) return log
  return freshestLog(c, resourceId, shard, log)
}

/** Seq of the client's tag among kept versions; 0 (start from a snapshot) when absent or unknown. */
const tagSeq = (log: UpdateLog, tag: string | undefined): number =>
  tag === undefined ? 0 : (seqOfTag(graphFromUpdateLog(log), tag) ?? 0)

/**
 * `i`/`j` path segments: plain non-negative decimal integers, else NaN (→ 404). A number too large
 * to be exact is still "beyond the long-poll window" (425), not malformed.
 */
function parseSeq(text: string): number {
  return /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : Number.NaN
}

/** Serves one immutable update item: strong ETag, conditional GET, edge cache, verified body. */
async function serveItem(
  c: AppContext,
  ref: BlobRef,
  mediaType: string,
  signature: PresignedSignature | undefined
): Promise<Response> {
  const etag = `"${ref.sha256}"`
  const headers = new Headers({
    'Content-Type': mediaType,
    ETag: etag,
    'Cache-Control': `${c.get('client') ? 'private' : 'public'}, max-age=${IMMUTABLE_MAX_AGE_SECONDS}, immutable`,
    Vary: 'Accept',
  })
  if (ifNoneMatchMatches(c.req.header('If-None-Match'), etag)) {
    return new Response(null, { status: 304, headers })
  }
  addPresignedSignature(headers, signature, mediaType)
  if (c.req.method === 'HEAD') {
    headers.set('Content-Length', String(ref.bytes))
    return new Response(null, { headers })
  }
  return serveBlobThroughEdgeCache(c, {
    // Content-addressed key: the same bytes under the same type, whatever view or edge names them.
    key: itemCacheKey(ref.sha256, mediaType),
    blob: ref,
    headers,
    storedCacheControl: `public, max-age=${IMMUTABLE_MAX_AGE_SECONDS}, immutable`,
  })
}

/**
 * RFC 9569: "415 (Unsupported Media Type): if the media type(s) accepted by the client does not
 * include the media type of the update chosen by the server."
 */
const unacceptable = (mediaType: string): never =>
  httpFail({ kind: 'item-not-acceptable', mediaType })

/**
 * Runs a long poll under one of the client's poll leases (client-leases.ts): a client holding
 * `ALTO_TIPS_MAX_POLLS_PER_CLIENT` polls already gets 429. Clients without an identity (loopback)
 * are not capped, like the rate limiter.
 */
async function withPollLease<T>(c: AppContext, poll: () => Promise<T>): Promise<T> {
  const key = rateLimitKey(c)
  if (!key) return poll()
  const leases = clientLeases(c.env, key)
  const id = crypto.randomUUID()
  const max = capFrom(c.env.ALTO_TIPS_MAX_POLLS_PER_CLIENT, DEFAULT_MAX_POLLS_PER_CLIENT)
  if (!(await leases.acquire(id, 'poll', max))) {
    httpFail({
      kind: 'rate-limited',
      status: 429,
      retryAfterSeconds: 1,
      reason: `at most ${max} long polls per client at once`,
    })
  }
  try {
    return await poll()
  } finally {
    await leases.release(id).catch(() => {})
  }
}

/** A POST-mode resource of this TIPS: its media type and network map; 404 otherwise. */
async function openInputTarget(
  c: AppContext,
  resourceId: string
): Promise<{ mediaType: string; nm: string }> {
  const tips = await tipsResource(c)
  const mediaType = tips?.mediaTypes.get(resourceId)
  const target = postModeResource((await requestVersion(c)).manifest, resourceId)
  if (!mediaType || !target) httpFail({ kind: 'not-found' })
  return { mediaType, nm: target.nm }
}

export const tipsRoutes = new Hono<AppEnv>()
  .post('/tips', async (c) => {
    const tips = await tipsResource(c)
    if (!tips) httpFail({ kind: 'not-found' })
    requireAcceptable(c, MEDIA_TYPES.tips)
    const body = await readAltoRequest(c, MEDIA_TYPES.tipsParams, anyJson)
    const request = validateTipsRequest(body, new Set(tips.uses))
    if (!request.ok) altoFail(request.error)
    const { 'resource-id': resourceId, tag, input } = request.value
    const { manifest } = await requestVersion(c)
    if (postModeResource(manifest, resourceId)) {
      // RFC 9569: "input ... the same error the resource itself would return".
      const valid = validateInput(manifest, resourceId, input, clientEndpoint(c), {
        domain: contentIdDomain(new URL(c.req.url).hostname),
        field: 'input',
      })!
      const id = await inputViewId(valid)
      await saveInputView(c, id, { ...valid, resourceId })
      const graph = inputViewGraph(
        resourceId,
        tips.mediaTypes.get(resourceId)!,
        await readVersions(c)
      )
      const uri = new URL(inputViewPath(resourceId, id), c.req.url).href
      return altoJsonResponse(addTipsResponse(uri, inputViewSummary(graph, tag)), MEDIA_TYPES.tips)
    }
    // A GET-mode map: there is no input to give it.
    if (input !== undefined) refuseInput(input)
    const opened = await openView(c, resourceId)
    const log = await logForTag(c, resourceId, opened.shard, opened.log, tag)
    const summary = summarizeGraph(graphFromUpdateLog(log), tagSeq(log, tag))
    // RFC 9569: tips-view-uri is an absolute http(s) URI. The view is the resource's updates
    // graph, shared by every client of that resource; `tag` only changes the recommended edge
    // in the summary, so bodies differing only in `tag` name the same view.
    const uri = new URL(tipsViewPath(resourceId), c.req.url).href
    return altoJsonResponse(addTipsResponse(uri, summary), MEDIA_TYPES.tips)
  })
  .post('/tips/view/:rid/ug', async (c) => {
    const resourceId = c.req.param('rid')
    const opened = await openView(c, resourceId)
    // RFC 9569 (New Next Edge Recommendation): "415 (Unsupported Media Type): if the media
    // type(s) accepted by the client does not include the media type application/merge-patch+json".
    if (!isAcceptable(c.req.header('Accept'), MEDIA_TYPES.mergePatch))
      return unacceptable(MEDIA_TYPES.mergePatch)
    const body = await readAltoRequest(c, MEDIA_TYPES.tipsParams, anyJson)
    const request = validateNextEdgeRequest(body, resourceId)
    if (!request.ok) altoFail(request.error)
    const log = await logForTag(c, resourceId, opened.shard, opened.log, request.value.tag)
    // RFC 9569 "New Next Edge Recommendation": a merge patch of the client's summary.
    const summary = summarizeGraph(graphFromUpdateLog(log), tagSeq(log, request.value.tag))
    return altoJsonResponse(nextEdgeResponse(summary), MEDIA_TYPES.mergePatch)
  })
  .get('/tips/view/:rid/ug/:i/:j', async (c) => {
    const resourceId = c.req.param('rid')
    const { log, mediaType, shard } = await openView(c, resourceId)
    const i = parseSeq(c.req.param('i'))
    const j = parseSeq(c.req.param('j'))
    const accept = c.req.header('Accept')
    let current = log
    let decision = classifyEdgeRequest(graphFromUpdateLog(current), i, j, {
      longPollWindow: LONG_POLL_WINDOW,
    })
    if (decision.action === 'reject' && decision.status === 425) {
      // Maybe only this handler's cached log is behind (see freshestLog).
      current = await freshestLog(c, resourceId, shard, current)
      decision = classifyEdgeRequest(graphFromUpdateLog(current), i, j, {
        longPollWindow: LONG_POLL_WINDOW,
      })
    }
    if (decision.action === 'hold') {
      // A future item is a snapshot (i = 0: the resource's own type) or, for i > 0, a merge patch
      // or a full replacement. Refuse at once what the client could not accept after waiting.
      const acceptsSnapshot = isAcceptable(accept, mediaType)
      if (i === 0 && !acceptsSnapshot) return unacceptable(mediaType)
      if (!acceptsSnapshot && !isAcceptable(accept, MEDIA_TYPES.mergePatch))
        return unacceptable(MEDIA_TYPES.mergePatch)
      const env = c.env
      const maxPolls = Number(env.ALTO_TIPS_MAX_POLLS)
      const until = decision.untilEndSeq
      const waited = await withPollLease(
        c,
        async (): Promise<WaitResult> =>
          (await hubStub(env, shard).waitForSeq(
            resourceId,
            until,
            LONG_POLL_HOLD_MS,
            Number.isInteger(maxPolls) && maxPolls >= 0 ? maxPolls : MAX_WAITERS
          )) as WaitResult
      )
      if (waited.status === 'busy') {
        httpFail({
          kind: 'rate-limited',
          status: 429,
          retryAfterSeconds: 1,
          reason: 'too many pending long polls',
        })
      }
      if (waited.status === 'timeout') {
        httpFail({
          kind: 'unavailable',
          reason: `seq ${j} was not published within ${LONG_POLL_HOLD_MS / 1000} s; poll again`,
          retryAfterSeconds: 0,
        })
      }
      current = waited.log
      decision = classifyEdgeRequest(graphFromUpdateLog(current), i, j, {
        longPollWindow: LONG_POLL_WINDOW,
      })
    }
    if (decision.action === 'reject') {
      const kind = ({ 404: 'not-found', 410: 'gone', 425: 'too-early' } as const)[decision.status]
      httpFail({ kind, reason: decision.reason })
    }
    if (decision.action === 'hold')
      httpFail({ kind: 'unavailable', reason: 'poll again', retryAfterSeconds: 0 })
    const item = edgeItem(current, i, j)
    if (!item) httpFail({ kind: 'not-found' })
    if (!isAcceptable(accept, item.mediaType)) return unacceptable(item.mediaType)
    return serveItem(c, item.ref, item.mediaType, current.signatures?.[item.ref.sha256])
  })
  .post('/tips/view/:rid/input/:vid/ug', async (c) => {
    const resourceId = c.req.param('rid')
    const { mediaType, nm } = await openInputTarget(c, resourceId)
    await loadInputView(c, resourceId, nm, c.req.param('vid'))
    if (!isAcceptable(c.req.header('Accept'), MEDIA_TYPES.mergePatch))
      return unacceptable(MEDIA_TYPES.mergePatch)
    const body = await readAltoRequest(c, MEDIA_TYPES.tipsParams, anyJson)
    const request = validateNextEdgeRequest(body, resourceId)
    if (!request.ok) altoFail(request.error)
    const graph = inputViewGraph(resourceId, mediaType, await readVersions(c))
    return altoJsonResponse(
      nextEdgeResponse(inputViewSummary(graph, request.value.tag)),
      MEDIA_TYPES.mergePatch
    )
  })
  .get('/tips/view/:rid/input/:vid/ug/:i/:j', async (c) => {
    const resourceId = c.req.param('rid')
    const { mediaType, nm } = await openInputTarget(c, resourceId)
    const view = await loadInputView(c, resourceId, nm, c.req.param('vid'))
    const i = parseSeq(c.req.param('i'))
    const j = parseSeq(c.req.param('j'))
    const accept = c.req.header('Accept')
    let versions = await readVersions(c)
    const classify = () =>
      classifyEdgeRequest(inputViewGraph(resourceId, mediaType, versions), i, j, {
        longPollWindow: LONG_POLL_WINDOW,
      })
    let decision = classify()
    if (decision.action === 'reject' && decision.status === 425) {
      // Maybe only this handler's cached pointer is behind: the hub reads it afresh.
      const fresh = await hubStub(c.env, nm).latestPointer()
      if (fresh) versions = await readVersions(c, fresh)
      decision = classify()
    }
    if (decision.action === 'hold') {
      if (i === 0 && !isAcceptable(accept, mediaType)) return unacceptable(mediaType)
      if (!isAcceptable(accept, mediaType) && !isAcceptable(accept, MEDIA_TYPES.mergePatch))
        return unacceptable(MEDIA_TYPES.mergePatch)
      const env = c.env
      const maxPolls = Number(env.ALTO_TIPS_MAX_POLLS)
      const until = decision.untilEndSeq
      const waited = await withPollLease(
        c,
        async (): Promise<VersionWaitResult> =>
          (await hubStub(env, nm).waitForVersion(
            until,
            LONG_POLL_HOLD_MS,
            Number.isInteger(maxPolls) && maxPolls >= 0 ? maxPolls : MAX_WAITERS
          )) as VersionWaitResult
      )
      if (waited.status === 'busy')
        httpFail({
          kind: 'rate-limited',
          status: 429,
          retryAfterSeconds: 1,
          reason: 'too many pending long polls',
        })
      if (waited.status === 'timeout')
        httpFail({
          kind: 'unavailable',
          reason: `seq ${j} was not published within ${LONG_POLL_HOLD_MS / 1000} s; poll again`,
          retryAfterSeconds: 0,
        })
      versions = await readVersions(c, waited.pointer)
      decision = classify()
    }
    if (decision.action === 'reject') {
      const kind = ({ 404: 'not-found', 410: 'gone', 425: 'too-early' } as const)[decision.status]
      httpFail({ kind, reason: decision.reason })
    }
    if (decision.action === 'hold')
      httpFail({ kind: 'unavailable', reason: 'poll again', retryAfterSeconds: 0 })
    return serveInputItem(c, view, await inputItem(c, view, mediaType, versions, i, j))
  })
  .all('/tips/view/:rid/input/:vid/ug', () =>
    httpFail({ kind: 'method-not-allowed', allow: ['POST'] })
  )
  .all('/tips/view/:rid/input/:vid/ug/:i/:j', () =>
    httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] })
  )
  .all('/tips', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
  .all('/tips/view/:rid/ug', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
  .all('/tips/view/:rid/ug/:i/:j', () =>
    httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] })
  )
