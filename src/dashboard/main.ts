/**
 * @module Entry point of the operator dashboard (README "Dashboard"), bundled by
 * scripts/build-dashboard.ts into /dashboard/dashboard.js. Loads the IRD (RFC 7285 §9) and, from
 * it, every panel; the operator history only with the operator token. Progress marks for tests
 * and measurements: `body[data-ready]` once the panels are filled, `#heatmap[data-drawn-at]`
 * (ms since navigation) and `[data-draw-ms]` once a cost map is drawn.
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { ApiError, altoJson, loadIrd, loadVersions, tokens, type CostMap, type Ird } from './api.ts'
import { setUpDiff } from './diff.ts'
import { byId, fillSelect, showError } from './dom.ts'
import { startFeed } from './feed.ts'
import { Heatmap, matrixOf, orderPids, type Matrix, type Ordering } from './heatmap.ts'
import {
  renderNetworkMaps,
  renderVersions,
  resourcesOf,
  setUpEndpointCost,
  setUpLookup,
} from './panels.ts'

const status = byId('status')

function setUpHeatmap(ird: Ird): void {
  const heatmap = new Heatmap({
    canvas: byId<HTMLCanvasElement>('heatmap'),
    legend: byId<HTMLCanvasElement>('legend'),
    legendMin: byId('legend-min'),
    legendMax: byId('legend-max'),
    legendUnit: byId('legend-unit'),
    readout: byId('heatmap-readout'),
  })
  const maps = resourcesOf(ird, MEDIA_TYPES.costMap)
  const select = byId<HTMLSelectElement>('cost-map-select')
  const ordering = byId<HTMLSelectElement>('ordering-select')
  const info = byId('heatmap-info')
  fillSelect(
    select,
    maps.map(([id]) => ({ value: id, label: id }))
  )
  const wanted = new URLSearchParams(location.search).get('costmap')
  const fallback = maps.find(([, e]) => e.uses?.[0] === ird.meta['default-alto-network-map'])
  select.value = maps.some(([id]) => id === wanted)
    ? wanted!
    : (fallback?.[0] ?? maps[0]?.[0] ?? '')
  let loaded: { matrix: Matrix; metric: string; mode: string } | null = null
  const draw = () => {
    if (!loaded) return
    const started = performance.now()
    const order = orderPids(loaded.matrix, ordering.value as Ordering)
    const orderMs = performance.now() - started
    const drawMs = heatmap.show(loaded.matrix, order, loaded.metric, loaded.mode)
    const n = loaded.matrix.pids.length
    info.textContent = `${n} × ${n} PIDs, costs ${loaded.matrix.min}–${loaded.matrix.max}; ordered in ${orderMs.toFixed(0)} ms, drawn in ${drawMs.toFixed(0)} ms`
    byId('heatmap').dataset.drawnAt = performance.now().toFixed(0)
  }
  const load = async () => {
    const entry = maps.find(([id]) => id === select.value)?.[1]
    if (!entry) return
    info.textContent = `loading ${select.value}…`
    const map = await altoJson<CostMap>(entry.uri, MEDIA_TYPES.costMap)
    const type = map.meta['cost-type']
    loaded = { matrix: matrixOf(map), metric: type['cost-metric'], mode: type['cost-mode'] }
    draw()
  }
  select.addEventListener('change', () => void load().catch((e: unknown) => showError(info, e)))
  ordering.addEventListener('change', draw)
  byId('zoom-in').addEventListener('click', () => heatmap.zoom(2))
  byId('zoom-out').addEventListener('click', () => heatmap.zoom(0.5))
  byId('zoom-reset').addEventListener('click', () => heatmap.reset())
  void load().catch((e: unknown) => showError(info, e))
}

function setUpCredentials(): void {
  byId<HTMLInputElement>('client-token').value = tokens.client
  byId<HTMLInputElement>('operator-token').value = tokens.operator
  byId('credentials').addEventListener('submit', (e) => {
    e.preventDefault()
    tokens.set(
      byId<HTMLInputElement>('client-token').value,
      byId<HTMLInputElement>('operator-token').value
    )
    location.reload()
  })
}

async function start(): Promise<void> {
  setUpCredentials()
  let ird: Ird
  try {
    ird = await loadIrd()
  } catch (error) {
    status.textContent =
      error instanceof ApiError && error.status === 401
        ? 'credentials needed: enter a client token'
        : `directory unavailable: ${(error as Error).message}`
    return
  }
  status.textContent = `${Object.keys(ird.resources).length} resources`
  setUpHeatmap(ird)
  setUpLookup(ird)
  setUpEndpointCost(ird)
  setUpDiff(ird)
  const versions = await loadVersions().catch((error: unknown) => {
    status.textContent += ` · operator API: ${(error as Error).message}`
    return null
  })
  renderVersions(versions, ird)
  const feed = new AbortController()
  addEventListener('pagehide', () => feed.abort())
  void startFeed(ird, feed.signal).catch((error: unknown) => {
    if (!feed.signal.aborted) showError(byId('feed-state'), error)
  })
  await renderNetworkMaps(ird, versions).catch((error: unknown) =>
    showError(byId('network-maps'), error)
  )
  document.body.dataset.ready = 'true'
}

void start()
