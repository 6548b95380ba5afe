/**
 * @module `alto-edge watch <server-url> --resource <id> [--via tips|sse] [--count N]`: follows one
 * resource through TIPS (RFC 9569) or ALTO/SSE (RFC 8895) and prints each change, so an operator
 * sees publications arrive. The client keeps the full body, applies each patch, and prints the
 * resulting tag (a network map's vtag, or a cost map's dependent vtag).
 *
 * TIPS loop: directory → `POST <tips>` → GET the recommended snapshot → long poll
 * `GET <view>/ug/<e>/<e+1>` (503/429 → poll again; 410/404 → ask `POST <view>/ug` with the held
 * tag for a new edge). SSE loop: `POST <update-stream>` and print every event.
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { applyMergePatch } from '../updates/merge-patch.ts'
import { parseSseStream } from '../updates/sse.ts'

export interface WatchOptions {
  server: string
  resourceId: string
  via: 'tips' | 'sse'
  /** Stop after this many changes (after the initial snapshot); unlimited when undefined. */
  count?: number
  /** Bearer token for a server with client authentication. */
  token?: string
  fetch?: typeof fetch
}

interface IrdEntry {
  uri: string
  'media-type': string
}

/** Number of leaf values a merge patch sets or removes. */
export function countPatchLeaves(patch: unknown): number {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 1
  let n = 0
  for (const v of Object.values(patch)) n += countPatchLeaves(v)
  return n
}

/** The version tag a body carries: a network map's vtag, or the first dependent vtag. */
export function bodyTag(body: unknown): string {
  const meta = (
    body as { meta?: { vtag?: { tag?: string }; 'dependent-vtags'?: { tag?: string }[] } } | null
  )?.meta
  return meta?.vtag?.tag ?? meta?.['dependent-vtags']?.[0]?.tag ?? '-'
}

/** The server could not be reached (connection refused, DNS failure, reset): no HTTP answer. */
export class ServerUnreachableError extends Error {
  override name = 'ServerUnreachableError'
}

/** Why a fetch failed at the network level: undici's `fetch failed` hides it in `cause`. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (e as Error).message
}

/** `fetch` whose network-level failures become ServerUnreachableError (HTTP statuses pass through). */
function reachable(doFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await doFetch(input, init)
    } catch (e) {
      const url = input instanceof Request ? input.url : String(input)
      throw new ServerUnreachableError(`cannot reach ${url}: ${networkReason(e)}`)
    }
  }
}

export async function watch(opts: WatchOptions, out: (line: string) => void): Promise<void> {
  const doFetch = reachable(opts.fetch ?? fetch)
  const auth: Record<string, string> = opts.token ? { Authorization: `Bearer ${opts.token}` } : {}
  const base = opts.server.replace(/\/+$/, '')
  const dir = await doFetch(`${base}/directory`, {
    headers: { Accept: MEDIA_TYPES.directory, ...auth },
  })
  if (!dir.ok) throw new Error(`GET ${base}/directory: ${dir.status}`)
  const ird = (await dir.json()) as { resources: Record<string, IrdEntry> }
  const wanted = opts.via === 'tips' ? MEDIA_TYPES.tips : MEDIA_TYPES.eventStream
  const entry = Object.values(ird.resources).find((e) => e['media-type'] === wanted)
  if (!entry)
    throw new Error(
      `the server offers no ${opts.via === 'tips' ? 'TIPS' : 'update stream'} resource`
    )
  const uri = new URL(entry.uri, `${base}/`).href
  if (opts.via === 'tips') await watchTips(uri, opts, auth, doFetch, out)
  else await watchSse(uri, opts, auth, doFetch, out)
}

async function watchTips(
  tipsUri: string,
  opts: WatchOptions,
  auth: Record<string, string>,
  doFetch: typeof fetch,
  out: (line: string) => void
): Promise<void> {
  const open = await doFetch(tipsUri, {
    method: 'POST',
    headers: { 'Content-Type': MEDIA_TYPES.tipsParams, Accept: MEDIA_TYPES.tips, ...auth },
    body: JSON.stringify({ 'resource-id': opts.resourceId }),
  })
  if (!open.ok) throw new Error(`POST ${tipsUri}: ${open.status} ${await open.text()}`)
  const view = (await open.json()) as {
    'tips-view-uri': string
    'tips-view-summary': {
      'updates-graph-summary': { 'start-edge-rec': { 'seq-i': number; 'seq-j': number } }
    }
  }
  const viewUri = view['tips-view-uri']
  out(`[tips] view ${viewUri}`)
  let next = view['tips-view-summary']['updates-graph-summary']['start-edge-rec']
  let body: unknown = null
  let seq = 0
  let changes = 0
  while (opts.count === undefined || changes < opts.count) {
    const res = await doFetch(`${viewUri}/ug/${next['seq-i']}/${next['seq-j']}`, { headers: auth })
    if (res.status === 503 || res.status === 429) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('Retry-After') ?? '1') * 1000))
      continue
    }
    if (res.status === 410 || res.status === 404) {
      const rec = await doFetch(`${viewUri}/ug`, {
        method: 'POST',
        headers: {
          'Content-Type': MEDIA_TYPES.tipsParams,
          Accept: MEDIA_TYPES.mergePatch,
          ...auth,
        },
        body: JSON.stringify(seq > 0 ? { tag: bodyTag(body) } : {}),
      })
      if (!rec.ok) throw new Error(`POST ${viewUri}/ug: ${rec.status}`)
      next = ((await rec.json()) as typeof view)['tips-view-summary']['updates-graph-summary'][
        'start-edge-rec'
      ]
      continue
    }
    if (!res.ok)
      throw new Error(`GET ${viewUri}/ug/${next['seq-i']}/${next['seq-j']}: ${res.status}`)
    const type = res.headers.get('Content-Type') ?? ''
    const text = await res.text()
    const item = JSON.parse(text) as unknown
    const isPatch = type === MEDIA_TYPES.mergePatch
    body = isPatch ? applyMergePatch(body, item) : item
    seq = next['seq-j']
    const what = isPatch
      ? `merge patch, ${countPatchLeaves(item)} values changed`
      : next['seq-i'] === 0
        ? 'snapshot'
        : 'full replacement'
    out(
      `[tips] ${opts.resourceId} seq ${next['seq-i']} → ${seq}: ${what}, ${text.length} bytes; tag ${bodyTag(body)}`
    )
    if (next['seq-i'] !== 0) changes++ // the first snapshot (or one after a 410) is not a change
    next = { 'seq-i': seq, 'seq-j': seq + 1 }
  }
}

async function watchSse(
  streamUri: string,
  opts: WatchOptions,
  auth: Record<string, string>,
  doFetch: typeof fetch,
  out: (line: string) => void
): Promise<void> {
  const res = await doFetch(streamUri, {
    method: 'POST',
    headers: {
      'Content-Type': MEDIA_TYPES.updateStreamParams,
      Accept: MEDIA_TYPES.eventStream,
      ...auth,
    },
    body: JSON.stringify({ add: { watch: { 'resource-id': opts.resourceId } } }),
  })
  if (!res.ok || !res.body) throw new Error(`POST ${streamUri}: ${res.status} ${await res.text()}`)
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  let body: unknown = null
  let changes = 0
  try {
    while (opts.count === undefined || changes < opts.count) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (e) {
        throw new ServerUnreachableError(`lost the connection to ${streamUri}: ${networkReason(e)}`)
      }
      if (chunk.done) break
      buffered += decoder.decode(chunk.value, { stream: true })
      const parsed = parseSseStream(buffered)
      buffered = parsed.rest
      for (const event of parsed.events) {
        const [mediaType] = event.event.split(',')
        const data = JSON.parse(event.data) as unknown
        if (mediaType === MEDIA_TYPES.updateStreamControl) {
          out(`[sse] control ${event.data}`)
          continue
        }
        const isPatch = mediaType === MEDIA_TYPES.mergePatch
        body = isPatch ? applyMergePatch(body, data) : data
        out(
          `[sse] ${opts.resourceId}: ${isPatch ? `merge patch, ${countPatchLeaves(data)} values changed` : 'full data'}, ${event.data.length} bytes; tag ${bodyTag(body)}`
        )
        if (isPatch) changes++
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}
