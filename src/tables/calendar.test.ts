import { describe, expect, it } from 'vitest'
import { CostCalendar, encodeCostCalendar, encodeScaledCostCalendar } from './calendar.ts'
import { TableFormatError, TableKind, encodeContainer } from './container.ts'
import { CostEncoding, encodeCostMatrix } from './costmatrix.ts'
import { mulberry32, randomInt } from './test-helpers.ts'

describe('COST_CALENDAR', () => {
  it('round-trips random calendars exactly, pair-major, in the narrowest encoding', () => {
    const rng = mulberry32(0xca1)
    for (const [draw, encoding] of [
      [() => randomInt(rng, 255), CostEncoding.U8],
      [() => randomInt(rng, 65535), CostEncoding.U16],
      [() => (rng() - 0.5) * 1e6, CostEncoding.F64],
    ] as const) {
      const n = 1 + randomInt(rng, 12)
      const N = 1 + randomInt(rng, 30)
      const cells = new Float64Array(n * n * N).map(() => (rng() < 0.1 ? NaN : draw()))
      const cal = CostCalendar.open(encodeCostCalendar(n, N, cells))
      expect([cal.n, cal.intervals, cal.encoding]).toEqual([n, N, encoding])
      const out = new Float64Array(N)
      for (let s = 0; s < n; s++)
        for (let d = 0; d < n; d++) {
          const base = (s * n + d) * N
          const want = Array.from(cells.subarray(base, base + N))
          expect(cal.pair(s, d, out)).toBe(want.some((v) => !Number.isNaN(v)))
          expect(Array.from(out)).toEqual(want)
          for (let k = 0; k < N; k++) expect(cal.get(s, d, k)).toEqual(want[k])
        }
    }
  })

  it('encodes the `scale` form byte-identical to round(cost × factor) materialised, in the narrowest encoding', () => {
    const rng = mulberry32(0x5ca1e)
    for (const [draw, factors, encoding] of [
      [() => randomInt(rng, 201), [0.8, 1, 1.25], CostEncoding.U8],
      [() => randomInt(rng, 201), [0.5, 2], CostEncoding.U16],
      [() => randomInt(rng, 100000), [1, 0.25, 1.5], CostEncoding.U32],
      [() => rng() * 100, [1, 1.1], CostEncoding.U8],
      [() => randomInt(rng, 2 ** 24), [1, 1.5], CostEncoding.U32],
      [() => -randomInt(rng, 1000), [1, 0.5], CostEncoding.F32],
      [() => -randomInt(rng, 2 ** 26), [1, 0.5], CostEncoding.F64],
    ] as const) {
      const n = 1 + randomInt(rng, 12)
      const N = factors.length
      const base = new Float64Array(n * n).map(() => (rng() < 0.1 ? NaN : draw()))
      const cells = new Float64Array(n * n * N)
      for (let p = 0; p < n * n; p++)
        for (let k = 0; k < N; k++) cells[p * N + k] = Math.round(base[p] * factors[k]) + 0
      const blob = encodeScaledCostCalendar(n, base, factors)
      expect(CostCalendar.open(blob).encoding).toBe(encoding)
      expect(blob).toEqual(encodeCostCalendar(n, N, cells))
    }
    const empty = new Float64Array(4).fill(NaN)
    expect(CostCalendar.open(encodeScaledCostCalendar(2, empty, [1, 2])).get(1, 1, 1)).toBeNaN()
    expect(() => encodeScaledCostCalendar(2, new Float64Array(3), [1])).toThrow(RangeError)
    expect(() => encodeScaledCostCalendar(1, new Float64Array(1), [])).toThrow(RangeError)
    expect(() => encodeScaledCostCalendar(1, new Float64Array(1), [-1])).toThrow(RangeError)
  })

  it('grows with the number of intervals only: 16 + 16 header bytes + n² × N × width', () => {
    const blob = encodeCostCalendar(3, 24, new Float64Array(9 * 24).fill(7))
    expect(blob.length).toBe(16 + 16 + 9 * 24)
  })

  it('refuses bad shapes, another kind, a truncated or flipped blob', () => {
    expect(() => encodeCostCalendar(2, 0, new Float64Array(0))).toThrow(RangeError)
    expect(() => encodeCostCalendar(2, 3, new Float64Array(11))).toThrow(RangeError)
    expect(() => encodeCostCalendar(1, 1, Float64Array.of(0.1), CostEncoding.U8)).toThrow(
      RangeError
    )
    const blob = encodeCostCalendar(2, 2, Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8))
    expect(() => CostCalendar.open(encodeCostMatrix(2, Float64Array.of(1, 2, 3, 4)))).toThrow(
      TableFormatError
    )
    expect(() => CostCalendar.open(blob.subarray(0, blob.length - 1))).toThrow(TableFormatError)
    const flipped = blob.slice()
    flipped[35] ^= 1
    expect(() => CostCalendar.open(flipped)).toThrow(TableFormatError)
    const header = new Uint8Array(16)
    new DataView(header.buffer).setUint32(0, 2, true)
    new DataView(header.buffer).setUint32(4, 2, true)
    header[8] = 9
    expect(() => CostCalendar.open(encodeContainer(TableKind.COST_CALENDAR, header))).toThrow(
      /unknown cell encoding 9/
    )
    const cal = CostCalendar.open(blob)
    expect(() => cal.get(0, 0, 2)).toThrow(RangeError)
    expect(() => cal.get(2, 0, 0)).toThrow(RangeError)
  })
})
