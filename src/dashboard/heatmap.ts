/**
 * @module The cost-map heatmap: a PID × PID matrix drawn once into an offscreen image (one pixel
 * per cell) and shown scaled on a canvas, with zoom (wheel, buttons), pan (drag), a hover readout
 * (source, destination, cost and unit) and a legend. Sized for the 1,240-PID ASN map: building the
 * image is one pass over the cells through a 256-entry colour table, and hovering is arithmetic on
 * the current transform (no redraw).
 *
 * Rows are sources, columns destinations (RFC 7285 §11.2.3: `cost-map` is source → destination →
 * cost). The order of both axes is one permutation of the PIDs; `cluster` (the default) is the
 * depth-first order of a minimum spanning tree over the symmetric cost, which puts PIDs that are
 * cheap to each other next to each other, so regions show up as blocks on the diagonal.
 */
import type { CostMap } from './api.ts'
import { LUT, LUT_SIZE, MISSING_COLOUR, colourAt, rgba, unitOf } from './colours.ts'

export interface Matrix {
  pids: string[]
  /** Row-major source × destination; NaN where the map has no cost. */
  values: Float64Array
  min: number
  max: number
}

export function matrixOf(costMap: CostMap): Matrix {
  const rows = costMap['cost-map']
  const names = new Set<string>()
  for (const src in rows) {
    names.add(src)
    for (const dst in rows[src]) names.add(dst)
  }
  const pids = [...names].sort()
  const index = new Map(pids.map((p, i) => [p, i]))
  const n = pids.length
  const values = new Float64Array(n * n).fill(NaN)
  let min = Infinity
  let max = -Infinity
  // Rows usually list destinations in the same order: compare with the previous row's keys
  // (interned strings, so `===` is cheap) before asking the index.
  const keys: string[] = []
  const cols: number[] = []
  for (const src in rows) {
    const row = rows[src]
    const base = index.get(src)! * n
    let k = 0
    for (const dst in row) {
      let col: number
      if (keys[k] === dst) col = cols[k]
      else {
        col = index.get(dst)!
        keys[k] = dst
        cols[k] = col
      }
      k++
      const v = +row[dst]
      if (!Number.isFinite(v)) continue
      values[base + col] = v
      if (v < min) min = v
      if (v > max) max = v
    }
  }
  if (min > max) min = max = 0
  return { pids, values, min, max }
}

export type Ordering = 'cluster' | 'name' | 'mean'

/** A permutation of the matrix's PIDs: position k shows PID `order[k]`. */
export function orderPids(m: Matrix, ordering: Ordering): Int32Array {
  const n = m.pids.length
  const order = Int32Array.from({ length: n }, (_, i) => i)
  if (ordering === 'name' || n < 3) return order
  const missing = m.max + (m.max - m.min) + 1
  const at = (i: number, j: number) => {
    const v = m.values[i * n + j]
    return Number.isNaN(v) ? missing : v
  }
  if (ordering === 'mean') {
    const mean = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < n; j++) s += at(i, j)
      mean[i] = s / n
    }
    return order.sort((a, b) => mean[a] - mean[b] || a - b)
  }
  // Prim's algorithm on the dense symmetric distance (O(n²)), then a depth-first walk that
  // visits cheaper children first.
  const inTree = new Uint8Array(n)
  const best = new Float64Array(n).fill(Infinity)
  const parent = new Int32Array(n).fill(-1)
  const children: number[][] = Array.from({ length: n }, () => [])
  best[0] = 0
  for (let step = 0; step < n; step++) {
    let u = -1
    for (let i = 0; i < n; i++) if (!inTree[i] && (u < 0 || best[i] < best[u])) u = i
    inTree[u] = 1
    if (parent[u] >= 0) children[parent[u]].push(u)
    for (let v = 0; v < n; v++) {
      if (inTree[v]) continue
      const d = (at(u, v) + at(v, u)) / 2
      if (d < best[v]) {
        best[v] = d
        parent[v] = u
      }
    }
  }
  let k = 0
  const stack = [0]
  while (stack.length > 0) {
    const u = stack.pop()!
    order[k++] = u
    const kids = children[u].sort((a, b) => best[b] - best[a])
    stack.push(...kids)
  }
  return order
}

export interface HeatmapElements {
  canvas: HTMLCanvasElement
  legend: HTMLCanvasElement
  legendMin: HTMLElement
  legendMax: HTMLElement
  legendUnit: HTMLElement
  readout: HTMLElement
}

export class Heatmap {
  private readonly el: HeatmapElements
  private image: HTMLCanvasElement = document.createElement('canvas')
  private matrix: Matrix | null = null
  private order: Int32Array = new Int32Array()
  private unit = ''
  /** Canvas pixels per cell and the top-left cell shown (fractional). */
  private scale = 1
  private ox = 0
  private oy = 0
  private drag: { x: number; y: number; ox: number; oy: number } | null = null

  constructor(el: HeatmapElements) {
    this.el = el
    const c = el.canvas
    c.addEventListener('mousemove', (e) => this.onMove(e))
    c.addEventListener('mouseleave', () => {
      this.drag = null
      el.readout.textContent = ''
    })
    c.addEventListener('mousedown', (e) => {
      const [x, y] = this.point(e)
      this.drag = { x, y, ox: this.ox, oy: this.oy }
    })
    c.addEventListener('mouseup', () => (this.drag = null))
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault()
        const [x, y] = this.point(e)
        this.zoomAt(x, y, e.deltaY < 0 ? 1.25 : 0.8)
      },
      { passive: false }
    )
  }

  /** Builds the cell image and shows the whole matrix. Returns the milliseconds it took. */
  show(matrix: Matrix, order: Int32Array, metric: string, mode: string): number {
    const started = performance.now()
    this.matrix = matrix
    this.order = order
    this.unit = unitOf(metric, mode)
    const n = matrix.pids.length
    this.image.width = Math.max(1, n)
    this.image.height = Math.max(1, n)
    const ctx = this.image.getContext('2d')!
    const data = ctx.createImageData(this.image.width, this.image.height)
    const px = new Uint32Array(data.data.buffer)
    const missing = rgba(MISSING_COLOUR)
    const { values, min, max } = matrix
    const span = max === min ? 0 : (LUT_SIZE - 1) / (max - min)
    for (let r = 0; r < n; r++) {
      const row = order[r] * n
      const out = r * n
      for (let k = 0; k < n; k++) {
        const v = values[row + order[k]]
        px[out + k] = Number.isNaN(v) ? missing : LUT[Math.round((v - min) * span)]
      }
    }
    ctx.putImageData(data, 0, 0)
    this.drawLegend()
    this.reset()
    const ms = performance.now() - started
    this.el.canvas.dataset.drawMs = ms.toFixed(1)
    this.el.canvas.dataset.pids = String(n)
    return ms
  }

  reset(): void {
    const n = this.matrix?.pids.length ?? 1
    this.scale = Math.min(this.el.canvas.width, this.el.canvas.height) / Math.max(1, n)
    this.ox = 0
    this.oy = 0
    this.draw()
  }

  zoom(factor: number): void {
    this.zoomAt(this.el.canvas.width / 2, this.el.canvas.height / 2, factor)
  }

  private zoomAt(x: number, y: number, factor: number): void {
    const n = this.matrix?.pids.length ?? 1
    const fit = Math.min(this.el.canvas.width, this.el.canvas.height) / n
    const next = Math.min(64, Math.max(fit, this.scale * factor))
    // Keep the cell under (x, y) where it is.
    this.ox += x / this.scale - x / next
    this.oy += y / this.scale - y / next
    this.scale = next
    this.clamp()
    this.draw()
  }

  private clamp(): void {
    const n = this.matrix?.pids.length ?? 1
    const maxO = (w: number) => Math.max(0, n - w / this.scale)
    this.ox = Math.min(maxO(this.el.canvas.width), Math.max(0, this.ox))
    this.oy = Math.min(maxO(this.el.canvas.height), Math.max(0, this.oy))
  }

  private draw(): void {
    const ctx = this.el.canvas.getContext('2d')!
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, this.el.canvas.width, this.el.canvas.height)
    if (!this.matrix) return
    ctx.imageSmoothingEnabled = false
    ctx.setTransform(this.scale, 0, 0, this.scale, -this.ox * this.scale, -this.oy * this.scale)
    ctx.drawImage(this.image, 0, 0)
  }

  /** The (source, destination) shown at canvas pixel (x, y), or null outside the matrix. */
  cellAt(x: number, y: number): { src: string; dst: string; cost: number } | null {
    const m = this.matrix
    if (!m) return null
    const n = m.pids.length
    const col = Math.floor(this.ox + x / this.scale)
    const row = Math.floor(this.oy + y / this.scale)
    if (row < 0 || col < 0 || row >= n || col >= n) return null
    const i = this.order[row]
    const j = this.order[col]
    return { src: m.pids[i], dst: m.pids[j], cost: m.values[i * n + j] }
  }

  /** The event's position in canvas pixels (the canvas may be shown smaller than it is). */
  private point(e: MouseEvent): [number, number] {
    const c = this.el.canvas
    return [(e.offsetX * c.width) / c.clientWidth, (e.offsetY * c.height) / c.clientHeight]
  }

  private onMove(e: MouseEvent): void {
    const [x, y] = this.point(e)
    if (this.drag) {
      this.ox = this.drag.ox - (x - this.drag.x) / this.scale
      this.oy = this.drag.oy - (y - this.drag.y) / this.scale
      this.clamp()
      this.draw()
    }
    const cell = this.cellAt(x, y)
    this.el.readout.textContent = cell
      ? `${cell.src} → ${cell.dst}: ${Number.isNaN(cell.cost) ? 'no cost' : `${cell.cost} ${this.unit}`}`
      : ''
  }

  private drawLegend(): void {
    const { legend, legendMin, legendMax, legendUnit } = this.el
    const ctx = legend.getContext('2d')!
    for (let x = 0; x < legend.width; x++) {
      const [r, g, b] = colourAt(x / Math.max(1, legend.width - 1))
      ctx.fillStyle = `rgb(${r},${g},${b})`
      ctx.fillRect(x, 0, 1, legend.height)
    }
    legendMin.textContent = String(this.matrix?.min ?? '')
    legendMax.textContent = String(this.matrix?.max ?? '')
    legendUnit.textContent = this.unit
  }
}
