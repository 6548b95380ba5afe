/**
 * @module The heatmap's colour scale and units, free of DOM types so tests (Node) compute the
 * colours a cell must have: five viridis stops interpolated into a 256-entry table, a cost mapped
 * linearly from [min, max] onto it.
 */
/** Colour stops (viridis-like, colour-blind safe), cheapest first. */
export const COLOUR_STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]
/** Cells the map has no cost for. */
export const MISSING_COLOUR: readonly [number, number, number] = [224, 224, 224]

/** The colour of `t` ∈ [0, 1] (0 = cheapest). */
export function colourAt(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (COLOUR_STOPS.length - 1)
  const i = Math.min(COLOUR_STOPS.length - 2, Math.floor(x))
  const f = x - i
  const a = COLOUR_STOPS[i]
  const b = COLOUR_STOPS[i + 1]
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number]
}

export const LUT_SIZE = 256
export const rgba = ([r, g, b]: readonly number[]) => (255 << 24) | (b << 16) | (g << 8) | r // little-endian
export const LUT = Uint32Array.from({ length: LUT_SIZE }, (_, i) =>
  rgba(colourAt(i / (LUT_SIZE - 1)))
)

/** The table index of a cost: what a cell of that cost is painted with. */
export function lutIndex(value: number, min: number, max: number): number {
  return max === min ? 0 : Math.round(((value - min) / (max - min)) * (LUT_SIZE - 1))
}

/**
 * Units of the registered cost metrics: RFC 7285 §6.1.1.1 (routingcost) and RFC 9439 draft-28
 * §4–5 (µs delays, percent loss, bytes/s bandwidths), with a statistic suffix (`delay-ow:p95`,
 * §3.2) stripped.
 */
export function unitOf(metric: string, mode: string): string {
  if (mode === 'ordinal') return 'rank (ordinal: only the order is meaningful)'
  const units: Record<string, string> = {
    routingcost: '(routingcost: no unit, lower is preferred)',
    hopcount: 'hops',
    'delay-ow': 'µs (one-way delay)',
    'delay-rt': 'µs (round-trip delay)',
    'delay-variation': 'µs (delay variation)',
    lossrate: '% of packets lost',
    tput: 'bytes/s (TCP throughput)',
    'bw-residual': 'bytes/s (residual bandwidth)',
    'bw-available': 'bytes/s (available bandwidth)',
  }
  const base = metric.split(':')[0]
  return units[base] ?? `(${metric}: unit not defined by an RFC)`
}
