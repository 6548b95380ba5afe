import { describe, expect, it } from 'vitest'
import { COLOUR_STOPS, LUT_SIZE, colourAt, lutIndex, unitOf } from './colours.ts'
import { matrixOf, orderPids } from './heatmap.ts'

/** Two regions, PIDs interleaved by name (p000 in A, p001 in B, …); cheap inside, dear across. */
const region = (pid: string) => Number(pid.slice(1)) % 2
function twoRegions(n: number) {
  const pids = Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, '0')}`)
  const rows: Record<string, Record<string, number>> = {}
  for (const s of pids) {
    rows[s] = {}
    for (const d of pids) {
      rows[s][d] = s === d ? 0 : region(s) === region(d) ? 1 + (Number(s.slice(1)) % 3) : 50
    }
  }
  return matrixOf({
    meta: { 'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' } },
    'cost-map': rows,
  })
}

describe('heatmap ordering and colours', () => {
  it('matrixOf: rows are sources, columns destinations; a missing cost is NaN', () => {
    const m = matrixOf({
      meta: { 'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' } },
      'cost-map': { x: { x: 1, y: 2 }, y: { x: 3 } },
    })
    expect(m.pids).toEqual(['x', 'y'])
    expect([...m.values].map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, 2, 3, null])
    expect([m.min, m.max]).toEqual([1, 3])
  })

  it('the clustered order puts each region in one block, whatever the names', () => {
    const m = twoRegions(40)
    const order = orderPids(m, 'cluster')
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(40).keys()]) // a permutation
    const regions = [...order].map((i) => region(m.pids[i])).join('')
    expect(regions).toMatch(/^(0{20}1{20}|1{20}0{20})$/)
    // By name the regions alternate: no structure to see.
    expect([...orderPids(m, 'name')].map((i) => region(m.pids[i])).join('')).toBe('01'.repeat(20))
  })

  it('the colour scale runs from the first stop (cheapest) to the last (dearest)', () => {
    expect(colourAt(0)).toEqual(COLOUR_STOPS[0])
    expect(colourAt(1)).toEqual(COLOUR_STOPS[COLOUR_STOPS.length - 1])
    expect(lutIndex(1, 1, 9)).toBe(0)
    expect(lutIndex(9, 1, 9)).toBe(LUT_SIZE - 1)
    expect(lutIndex(5, 5, 5)).toBe(0)
  })

  it('names the units of RFC 9439 metrics (µs delays, bytes/s) and ordinal ranks', () => {
    expect(unitOf('delay-ow:p95', 'numerical')).toMatch(/^µs/)
    expect(unitOf('tput', 'numerical')).toMatch(/^bytes\/s/)
    expect(unitOf('routingcost', 'ordinal')).toMatch(/^rank/)
  })
})
