/**
 * @module TIPS views of POST-mode resources (RFC 9569 TIPSReq `input`): the filtered cost map and
 * the endpoint cost service of a network map, with single-cost, multi-cost (RFC 8189) and
 * calendared (RFC 8896) requests.
 *
 *   POST /tips {resource-id, input}            → /tips/view/<rid>/input/<view-id>
 *   POST /tips/view/<rid>/input/<id>/ug         new next edge (merge patch of the summary)
 *   GET  /tips/view/<rid>/input/<id>/ug/<i>/<j> snapshot (0 → j) or update (j-1 → j)
 *
 * The view id is the SHA-256 (128 bits, hex) of the validated input (inputs.ts `key`: resource,
 * request without unknown members, and the client address when an empty `srcs` stands for it),
 * so "the same request body" names the same view and different inputs never share one (RFC
 * 9569 TIPS Management). The input is kept by the map family's hub (a Durable Object: strongly
 * consistent, so a view opened at one location is found at every other).
 *
 * Versions: one per publication. The view's seqs are the publication seqs of the kept history
 * (KV `history`, newest `keep` versions), the longest contiguous run ending at the current one,
 * so continuity, feasibility and right shift hold as they do for the stored logs; a version's
 * tag is its manifest version. Items are computed on request by the POST services' own code
 * (cost-answers.ts via inputs.ts): the snapshot `0 → j` is the POST answer at version j, the
 * update `j-1 → j` the merge patch between the answers at j-1 and j — `{}` when a publication
 * left this answer as it was — or the answer itself when a patch cannot express the change or is
 * not smaller (as for the stored logs).
 *
 * Caching: an item names fixed versions, so its bytes never change and it is served like a stored
 * item (strong ETag = SHA-256 of the body, `immutable`) — except for a calendared request, whose
 * `calendar-start-time` is the start of the current iteration (RFC 8896 §5.1.2): those are
 * `no-cache` (revalidated by ETag).
 */
import { altoFail, httpFail, RequestFailureError } from '../../alto/errors.ts'
import { ifNoneMatchMatches, isAcceptable } from '../../alto/negotiation.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { readManifest, readPointerAndHistory } from '../../store/read.ts'
import type { CurrentPointer, History, Manifest } from '../../store/manifest.ts'
import { sha256Hex } from '../../tables/bytes.ts'
import {
  summarizeGraph,
  seqOfTag,
  type UpdateEdge,
  type UpdatesGraph,
} from '../../updates/graph.ts'
import { createMergePatch, MergePatchUnrepresentableError } from '../../updates/merge-patch.ts'
import { DEFAULT_UPDATE_WINDOW } from '../../updates/history.ts'
import type { AppContext } from '../http.ts'
import { kvStoreReader, readingStore } from '../store.ts'
import { hubStub } from './common.ts'
import { inputAnswer, type StreamInput } from './inputs.ts'

/** What a view's hub keeps: the validated input and the resource it is for. */
export interface InputView extends StreamInput {
  resourceId: string
}

export const inputViewPath = (resourceId: string, viewId: string): string =>
  `/tips/view/${encodeURIComponent(resourceId)}/input/${viewId}`

/** 128 bits of the SHA-256 of the validated input, hex. */
export const inputViewId = async (input: StreamInput): Promise<string> =>
  (await sha256Hex(input.key)).slice(0, 32)

export const VIEW_ID = /^[0-9a-f]{32}$/

/** Views whose input this isolate has read (immutable: the id is a hash of it). */
const known = new Map<string, InputView>()
const MAX_KNOWN = 1_000

/** Keeps `view` in its hub (opening it again only marks it as recently opened). */
export async function saveInputView(c: AppContext, id: string, view: InputView): Promise<void> {
  await hubStub(c.env, view.nm).saveInputView(id, JSON.stringify(view))
  remember(id, view)
}

/** The view `id` of `resourceId`, or 404 when it does not exist (never opened, or closed). */
export async function loadInputView(
  c: AppContext,
  resourceId: string,
  nm: string,
  id: string
): Promise<InputView> {
  const cached = known.get(id)
  if (cached && cached.resourceId === resourceId) return cached
  if (!VIEW_ID.test(id)) httpFail({ kind: 'not-found' })
  const text = await hubStub(c.env, nm).inputView(id)
  if (text === null)
    httpFail({ kind: 'not-found', reason: 'no such TIPS view (closed?): open it again' })
  const view = JSON.parse(text) as InputView
  if (view.resourceId !== resourceId) httpFail({ kind: 'not-found' })
  remember(id, view)
  return view
}

function remember(id: string, view: InputView): void {
  known.delete(id)
  if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value!)
  known.set(id, view)
}

/** One version of an input view: its publication seq and manifest version. */
export interface ViewVersion {
  seq: number
  version: string
}

/**
 * The view's versions at `pointer`: the kept history up to it, the longest run of consecutive
 * seqs ending at the pointer's (a rollback records a version once, at its newest seq, so older
 * seqs can be missing), at most {@link DEFAULT_UPDATE_WINDOW}. Pure.
 */
export function viewVersions(history: History, pointer: CurrentPointer): ViewVersion[] {
  const bySeq = new Map<number, string>()
  for (const v of history.versions) if (v.seq <= pointer.seq) bySeq.set(v.seq, v.version)
  bySeq.set(pointer.seq, pointer.version)
  const out: ViewVersion[] = []
  for (let s = pointer.seq; bySeq.has(s) && out.length < DEFAULT_UPDATE_WINDOW; s--)
    out.unshift({ seq: s, version: bySeq.get(s)! })
  return out
}

/**
 * Relative item sizes for the next-edge recommendation: a snapshot costs as much as this many
 * updates, so a client a few versions behind is sent the chain of updates (RFC 9569: "the server
 * computes the cheapest path"), without computing any answer to weigh it.
 */
const SNAPSHOT_WEIGHT = 1_000

/** The updates graph of the view: a snapshot to every version and an update between neighbours. */
export function inputViewGraph(
  resourceId: string,
  mediaType: string,
  versions: ViewVersion[]
): UpdatesGraph {
  const snapshots: UpdateEdge[] = versions.map((v) => ({
    from: 0,
    to: v.seq,
    kind: 'snapshot',
    mediaType,
    bytes: SNAPSHOT_WEIGHT,
  }))
  const updates: UpdateEdge[] = versions.slice(1).map((v) => ({
    from: v.seq - 1,
    to: v.seq,
    kind: 'incremental',
    mediaType: MEDIA_TYPES.mergePatch,
    bytes: 1,
  }))
  return {
    resourceId,
    nodes: versions.map((v) => ({ seq: v.seq, tag: v.version })),
    edges: [...snapshots, ...updates],
  }
}

/** The pointer and kept history as this handler reads them (KV edge cache, like the pointer). */
export async function readVersions(c: AppContext, newer?: CurrentPointer): Promise<ViewVersion[]> {
  const { current, history } = await readingStore(() =>
    readPointerAndHistory(kvStoreReader(c.env.ALTO_KV))
  )
  const pointer = newer && (!current || newer.seq > current.seq) ? newer : current
  if (!pointer) httpFail({ kind: 'not-found' })
  return viewVersions(history, pointer)
}

/** The summary for a client holding `tag` (a version of the view; unknown → from a snapshot). */
export function inputViewSummary(graph: UpdatesGraph, tag: string | undefined) {
  return summarizeGraph(graph, tag === undefined ? 0 : (seqOfTag(graph, tag) ?? 0))
}

async function manifestAt(c: AppContext, v: ViewVersion): Promise<Manifest> {
  const m = await readingStore(() => readManifest(kvStoreReader(c.env.ALTO_KV), v.version))
  if (!m) httpFail({ kind: 'gone', reason: `version ${v.seq} has been pruned` })
  return m
}

/** The POST answer for the view's input at version `v` (404 when the input is invalid there). */
async function answerAt(c: AppContext, view: InputView, v: ViewVersion): Promise<string> {
  const manifest = await manifestAt(c, v)
  try {
    return (await inputAnswer(c.env.ALTO_KV, manifest, view)).text
  } catch (error) {
    // A version before the input's cost type (or network map) existed: there is no such item.
    if (error instanceof RequestFailureError && error.failure.kind === 'alto')
      httpFail({
        kind: 'not-found',
        reason: `the input is not valid at seq ${v.seq} (${error.failure.error.code})`,
      })
    if (error instanceof Error && /no longer published/.test(error.message))
      httpFail({ kind: 'not-found', reason: `the network map is not published at seq ${v.seq}` })
    throw error
  }
}

/** The item on edge i → j (i = 0 or j - 1) and the media type it is served with. */
export async function inputItem(
  c: AppContext,
  view: InputView,
  mediaType: string,
  versions: ViewVersion[],
  i: number,
  j: number
): Promise<{ body: string; mediaType: string }> {
  const to = versions.find((v) => v.seq === j)!
  const answer = await answerAt(c, view, to)
  if (i === 0) return { body: answer, mediaType }
  const from = versions.find((v) => v.seq === i)!
  const before = await answerAt(c, view, from)
  let patch: string
  try {
    patch = JSON.stringify(createMergePatch(JSON.parse(before), JSON.parse(answer)))
  } catch (error) {
    if (!(error instanceof MergePatchUnrepresentableError)) throw error
    return { body: answer, mediaType }
  }
  // A patch no smaller than the answer is sent as the answer (a full replacement).
  return patch.length < answer.length
    ? { body: patch, mediaType: MEDIA_TYPES.mergePatch }
    : { body: answer, mediaType }
}

/** RFC 8896: any `calendared: true` makes the answer depend on the time of the request. */
export const isCalendared = (view: InputView): boolean =>
  ((view.request as { calendared?: boolean[] }).calendared ?? []).some(Boolean)

/** Serves a computed item: strong ETag (its SHA-256), conditional GET, `immutable` unless calendared. */
export async function serveInputItem(
  c: AppContext,
  view: InputView,
  item: { body: string; mediaType: string }
): Promise<Response> {
  const bytes = new TextEncoder().encode(item.body)
  const etag = `"${await sha256Hex(bytes)}"`
  const scope = c.get('client') ? 'private' : 'public'
  const headers = new Headers({
    'Content-Type': item.mediaType,
    ETag: etag,
    'Cache-Control': isCalendared(view)
      ? `${scope}, no-cache`
      : `${scope}, max-age=31536000, immutable`,
    Vary: 'Accept',
  })
  if (!isAcceptable(c.req.header('Accept'), item.mediaType))
    httpFail({ kind: 'item-not-acceptable', mediaType: item.mediaType })
  if (ifNoneMatchMatches(c.req.header('If-None-Match'), etag))
    return new Response(null, { status: 304, headers })
  headers.set('Content-Length', String(bytes.byteLength))
  return new Response(c.req.method === 'HEAD' ? null : bytes, { headers })
}

/** TIPSReq `input` for a GET-mode resource, as the SSE route refuses it. */
export const refuseInput = (input: unknown): never =>
  altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'input', value: JSON.stringify(input) })
