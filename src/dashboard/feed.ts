/**
 * @module The live feed: one ALTO/SSE update stream (RFC 8895) over every network map and cost
 * map the client may see. Each substream is opened with the map's current tag (its ETag, from a
 * HEAD request), so the server skips the initial full data (§6.5) and sends only what later
 * publications change; each data event becomes a line: time, resource, merge patch or full
 * replacement, size, and the new vtag of a network map.
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { openUpdateStream, resourceTag, type Ird, type SseMessage } from './api.ts'
import { byId, h } from './dom.ts'
import { resourcesOf } from './panels.ts'

/** Lines kept in the feed. */
const MAX_LINES = 200

export async function startFeed(ird: Ird, signal: AbortSignal): Promise<void> {
  const state = byId('feed-state')
  const feed = byId('feed')
  const stream = resourcesOf(ird, MEDIA_TYPES.eventStream, true)[0]?.[1]
  if (!stream) {
    state.textContent = 'no update stream service in the directory'
    return
  }
  const maps = [
    ...resourcesOf(ird, MEDIA_TYPES.networkMap),
    ...resourcesOf(ird, MEDIA_TYPES.costMap),
  ].filter(([id]) => stream.uses?.includes(id) ?? false)
  const tags = await Promise.all(maps.map(([, e]) => resourceTag(e)))
  const add: Record<
    string,
    { 'resource-id': string; tag?: string; 'incremental-changes': boolean }
  > = {}
  const names = new Map<string, string>()
  maps.forEach(([id], k) => {
    add[`s${k}`] = { 'resource-id': id, tag: tags[k], 'incremental-changes': true }
    names.set(`s${k}`, id)
  })
  const line = (text: string) => {
    feed.prepend(h('li', { text: `${new Date().toLocaleTimeString()} ${text}` }))
    while (feed.childElementCount > MAX_LINES) feed.lastElementChild?.remove()
  }
  const onEvent = (m: SseMessage) => {
    if (m.mediaType === MEDIA_TYPES.updateStreamControl) {
      state.textContent = `watching ${maps.length} maps (ALTO/SSE, ${stream.uri})`
      state.dataset.state = 'open'
      return
    }
    const resource = names.get(m.dataId ?? '') ?? m.dataId ?? '?'
    const kind = m.mediaType === MEDIA_TYPES.mergePatch ? 'merge patch' : 'full replacement'
    let vtag = ''
    try {
      const tag = (JSON.parse(m.data) as { meta?: { vtag?: { tag?: string } } }).meta?.vtag?.tag
      if (tag) vtag = ` vtag ${tag}`
    } catch {
      /* not JSON: shown without a tag */
    }
    line(`${resource}: ${kind}, ${m.data.length} bytes${vtag}`)
  }
  state.textContent = 'connecting…'
  await openUpdateStream(stream.uri, add, onEvent, signal)
  state.textContent = 'stream ended'
  state.dataset.state = 'closed'
}
