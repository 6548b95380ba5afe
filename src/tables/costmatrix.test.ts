import { describe, expect, it } from 'vitest'
import { TableFormatError, TableKind, encodeContainer } from './container.ts'
import { CostEncoding, CostMatrix, chooseCostEncoding, encodeCostMatrix } from './costmatrix.ts'
import { mulberry32, randomInt } from './test-helpers.ts'

const cells = (...values: number[]): Float64Array => Float64Array.from(values)

describe('chooseCostEncoding', () => {
  it.each([
    ['0..254 integers', [0, 1, 254], CostEncoding.U8],
    ['no entries at all', [NaN, NaN], CostEncoding.U8],
    ['an empty matrix', [], CostEncoding.U8],
    ['255 (0xFF is the U8 sentinel)', [0, 255], CostEncoding.U16],
    ['65534', [65534], CostEncoding.U16],
    ['65535 (0xFFFF is the U16 sentinel)', [65535], CostEncoding.U32],
    ['0xFFFFFFFE', [0xfffffffe], CostEncoding.U32],
    ['0xFFFFFFFF (the U32 sentinel), exact in F32', [0xffffffff + 1], CostEncoding.F32],
    ['0xFFFFFFFF, not exact in F32', [0xffffffff], CostEncoding.F64],
    ['0.5', [1, 0.5], CostEncoding.F32],
    ['0.1', [0.1], CostEncoding.F64],
    ['negative integers', [-1, 3], CostEncoding.F32],
    ['a negative integer beyond 2^24', [-(2 ** 24 + 1)], CostEncoding.F64],
    ['-0', [-0], CostEncoding.F32],
    ['1e300', [1e300], CostEncoding.F64],
    ['60.0 and 63.0 (interop routingcost)', [60, 63, 0, 3, NaN], CostEncoding.U8],
  ])('%s', (_, values, encoding) => {
    expect(chooseCostEncoding(cells(...values))).toBe(encoding)
  })
})

describe('COST_MATRIX round trips exactly', () => {
  const rng = mulberry32(0xc057)
  const generators: [string, () => number, number][] = [
    ['small integers', () => randomInt(rng, 255), CostEncoding.U8],
    ['16-bit integers', () => randomInt(rng, 65535), CostEncoding.U16],
    ['32-bit integers', () => randomInt(rng, 0xffffffff), CostEncoding.U32],
    ['halves and negatives', () => (randomInt(rng, 2001) - 1000) / 2, CostEncoding.F32],
    ['arbitrary doubles', () => (rng() - 0.5) * 1e6, CostEncoding.F64],
  ]
  for (const [name, draw, encoding] of generators) {
    it(`${name} -> encoding ${encoding}, with no-entry cells kept apart from 0`, () => {
      const n = 37
      const source = new Float64Array(n * n)
      for (let i = 0; i < source.length; i++)
        source[i] = rng() < 0.2 ? NaN : rng() < 0.1 ? 0 : draw()
      source[5] = NaN
      source[6] = 0
      const matrix = CostMatrix.open(encodeCostMatrix(n, source))
      expect(matrix.encoding).toBe(encoding)
      expect(matrix.n).toBe(n)
      for (let s = 0; s < n; s++) {
        const row = matrix.row(s)
        for (let d = 0; d < n; d++) {
          const want = source[s * n + d]
          expect(Object.is(matrix.get(s, d), want)).toBe(true)
          expect(Object.is(row.get(d), want)).toBe(true)
        }
      }
      expect(matrix.get(0, 5)).toBeNaN()
      expect(matrix.get(0, 6)).toBe(0)
    })
  }

  it('keeps -0 and 1e300 exactly', () => {
    const matrix = CostMatrix.open(encodeCostMatrix(2, cells(-0, 1e300, 0.1, NaN)))
    expect(matrix.encoding).toBe(CostEncoding.F64)
    expect(Object.is(matrix.get(0, 0), -0)).toBe(true)
    expect(matrix.get(0, 1)).toBe(1e300)
    expect(matrix.get(1, 0)).toBe(0.1)
    expect(matrix.get(1, 1)).toBeNaN()
  })

  it('stores the sentinel for no entry, one byte per U8 cell', () => {
    const blob = encodeCostMatrix(2, cells(0, NaN, 254, 7))
    expect(Array.from(blob.subarray(16))).toEqual([
      2,
      0,
      0,
      0,
      CostEncoding.U8,
      0,
      0,
      0,
      0,
      0xff,
      254,
      7,
    ])
  })

  it('accepts a wider explicit encoding and refuses a lossy one', () => {
    const matrix = CostMatrix.open(encodeCostMatrix(2, cells(1, 2, 3, NaN), CostEncoding.F64))
    expect(matrix.encoding).toBe(CostEncoding.F64)
    expect([matrix.get(0, 0), matrix.get(1, 0)]).toEqual([1, 3])
    expect(matrix.get(1, 1)).toBeNaN()
    expect(() => encodeCostMatrix(2, cells(1, 2, 300, 4), CostEncoding.U8)).toThrow(
      'encodeCostMatrix: cost 300 at (1, 0) is not exact in U8'
    )
    expect(() => encodeCostMatrix(1, cells(0.1), CostEncoding.F32)).toThrow(/not exact in F32/)
    expect(() => encodeCostMatrix(2, cells(1, 2, 3))).toThrow(
      'encodeCostMatrix: 3 cells given, n = 2 needs 4'
    )
    expect(() => encodeCostMatrix(1, cells(1), 9)).toThrow('encodeCostMatrix: unknown encoding 9')
  })

  it('rejects out-of-range indices', () => {
    const matrix = CostMatrix.open(encodeCostMatrix(2, cells(1, 2, 3, 4)))
    expect(() => matrix.get(2, 0)).toThrow('src 2 not in 0..1')
    expect(() => matrix.get(0, -1)).toThrow('dst -1 not in 0..1')
    expect(() => matrix.get(0.5, 0)).toThrow(RangeError)
    expect(() => matrix.row(1).get(2)).toThrow('dst 2 not in 0..1')
  })

  it('a 0 x 0 matrix', () => {
    const matrix = CostMatrix.open(encodeCostMatrix(0, new Float64Array(0)))
    expect(matrix.n).toBe(0)
    expect(() => matrix.get(0, 0)).toThrow(RangeError)
  })
})

describe('COST_MATRIX decoder refuses malformed payloads', () => {
  const payload = (n: number, encoding: number, cellBytes: number): Uint8Array => {
    const p = new Uint8Array(8 + cellBytes)
    new DataView(p.buffer).setUint32(0, n, true)
    p[4] = encoding
    return encodeContainer(TableKind.COST_MATRIX, p)
  }

  it('unknown encoding, cells that do not fit, short header', () => {
    expect(() => CostMatrix.open(payload(1, 6, 8))).toThrow(
      'COST_MATRIX has unknown cell encoding 6'
    )
    expect(() => CostMatrix.open(payload(3, CostEncoding.U16, 17))).toThrow(
      'COST_MATRIX payload is 25 bytes but its header (n = 3, encoding U16) implies 26'
    )
    expect(() =>
      CostMatrix.open(encodeContainer(TableKind.COST_MATRIX, new Uint8Array(4)))
    ).toThrow(TableFormatError)
  })

  it('a corrupt cell', () => {
    const blob = encodeCostMatrix(
      3,
      Float64Array.from({ length: 9 }, (_, i) => i)
    )
    blob[20] ^= 0x10
    expect(() => CostMatrix.open(blob)).toThrow(/^checksum mismatch/)
  })
})
