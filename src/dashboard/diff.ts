/**
 * @module Changes between two versions of one map, from its update log through TIPS (RFC 9569):
 * the snapshot edge `0 → from`, then every incremental edge `k-1 → k` up to `to` (merge patches,
 * RFC 7396, or full replacements), applied in order; the result is compared with the start:
 * which PIDs gained or lost prefixes (network map) and which costs changed (cost map).
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { applyMergePatchInPlace } from '../updates/merge-patch.ts'
import { altoFetch, altoJson, type CostMap, type Ird, type NetworkMap } from './api.ts'
import { byId, fillSelect, fillTable, showError, showText } from './dom.ts'
import { resourcesOf } from './panels.ts'

/** Rows shown at most; the summary line counts all. */
const MAX_ROWS = 500

interface TipsView {
  uri: string
  start: number
  end: number
}

async function openView(tipsUri: string, resourceId: string): Promise<TipsView> {
  const r = await altoJson<{
    'tips-view-uri': string
    'tips-view-summary': { 'updates-graph-summary': { 'start-seq': number; 'end-seq': number } }
  }>(tipsUri, MEDIA_TYPES.tips, {
    contentType: MEDIA_TYPES.tipsParams,
    json: { 'resource-id': resourceId },
  })
  const s = r['tips-view-summary']['updates-graph-summary']
  return {
    uri: new URL(r['tips-view-uri'], location.href).pathname,
    start: s['start-seq'],
    end: s['end-seq'],
  }
}

async function edge(
  view: TipsView,
  i: number,
  j: number,
  mediaType: string
): Promise<{ body: unknown; patch: boolean; bytes: number }> {
  const res = await altoFetch(`${view.uri}/ug/${i}/${j}`, `${MEDIA_TYPES.mergePatch},${mediaType}`)
  const text = await res.text()
  const patch = (res.headers.get('Content-Type') ?? '').startsWith(MEDIA_TYPES.mergePatch)
  return { body: JSON.parse(text), patch, bytes: text.length }
}

export type Change = readonly [string, string, string, string]

const prefixes = (p: { ipv4?: string[]; ipv6?: string[] } | undefined) =>
  p ? [...(p.ipv4 ?? []), ...(p.ipv6 ?? [])].sort().join(' ') : ''

/** PIDs whose prefixes differ: [pid, change, before, after]. */
export function networkMapChanges(before: NetworkMap, after: NetworkMap): Change[] {
  const a = before['network-map']
  const b = after['network-map']
  const out: Change[] = []
  for (const pid of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = prefixes(a[pid])
    const y = prefixes(b[pid])
    if (x === y) continue
    out.push([pid, !a[pid] ? 'added' : !b[pid] ? 'removed' : 'prefixes changed', x, y])
  }
  return out
}

/** Costs that differ: [source, destination, before, after]. */
export function costMapChanges(before: CostMap, after: CostMap): Change[] {
  const a = before['cost-map']
  const b = after['cost-map']
  const out: Change[] = []
  for (const src of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const ra = a[src] ?? {}
    const rb = b[src] ?? {}
    for (const dst of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      if (ra[dst] !== rb[dst]) out.push([src, dst, String(ra[dst] ?? '—'), String(rb[dst] ?? '—')])
    }
  }
  return out
}

export function setUpDiff(ird: Ird): void {
  const tips = resourcesOf(ird, MEDIA_TYPES.tips, true)[0]?.[1]
  const maps = [
    ...resourcesOf(ird, MEDIA_TYPES.networkMap).map(([id]) => ({
      id,
      type: MEDIA_TYPES.networkMap,
    })),
    ...resourcesOf(ird, MEDIA_TYPES.costMap).map(([id]) => ({ id, type: MEDIA_TYPES.costMap })),
  ].filter((m) => tips?.uses?.includes(m.id) ?? false)
  const resource = byId<HTMLSelectElement>('diff-resource')
  const from = byId<HTMLSelectElement>('diff-from')
  const to = byId<HTMLSelectElement>('diff-to')
  const summary = byId('diff-summary')
  const table = byId('diff-result')
  fillSelect(
    resource,
    maps.map((m) => ({ value: m.id, label: m.id }))
  )
  let view: TipsView | null = null
  const loadSeqs = async () => {
    if (!tips || !resource.value) return showText(summary, 'no TIPS service in the directory')
    view = await openView(tips.uri, resource.value)
    const seqs = Array.from({ length: view.end - view.start + 1 }, (_, k) => view!.start + k)
    fillSelect(
      from,
      seqs.map((s) => ({ value: String(s), label: `from seq ${s}` }))
    )
    fillSelect(
      to,
      seqs.map((s) => ({ value: String(s), label: `to seq ${s}` }))
    )
    from.value = String(Math.max(view.start, view.end - 1))
    to.value = String(view.end)
    showText(summary, `kept seqs ${view.start}–${view.end}`)
  }
  resource.addEventListener(
    'change',
    () => void loadSeqs().catch((e: unknown) => showError(summary, e))
  )
  byId('diff-form').addEventListener('submit', (e) => {
    e.preventDefault()
    const m = maps.find((x) => x.id === resource.value)
    if (!view || !m) return
    const i = Number(from.value)
    const j = Number(to.value)
    if (!(i < j)) return showText(summary, 'choose a "from" seq below the "to" seq')
    void compare(view, m.type, i, j)
      .then(({ changes, fetched }) => {
        showText(
          summary,
          `${changes.length} ${m.type === MEDIA_TYPES.networkMap ? 'PIDs' : 'costs'} changed from seq ${i} to ${j} ` +
            `(${j - i} update items, ${fetched} bytes)`
        )
        const header =
          m.type === MEDIA_TYPES.networkMap
            ? ['PID', 'change', 'before', 'after']
            : ['source', 'destination', 'cost before', 'cost after']
        fillTable(table, header, changes.slice(0, MAX_ROWS))
      })
      .catch((error: unknown) => showError(summary, error))
  })
  void loadSeqs().catch((e: unknown) => showError(summary, e))
}

async function compare(
  view: TipsView,
  type: string,
  i: number,
  j: number
): Promise<{ changes: Change[]; fetched: number }> {
  const start = await edge(view, 0, i, type)
  let fetched = start.bytes
  let state = structuredClone(start.body)
  for (let k = i + 1; k <= j; k++) {
    const item = await edge(view, k - 1, k, type)
    fetched += item.bytes
    state = item.patch ? applyMergePatchInPlace(state, item.body) : item.body
  }
  const changes =
    type === MEDIA_TYPES.networkMap
      ? networkMapChanges(start.body as NetworkMap, state as NetworkMap)
      : costMapChanges(start.body as CostMap, state as CostMap)
  return { changes, fetched }
}
