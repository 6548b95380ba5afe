import { describe, expect, it } from 'vitest'
import {
  CONTAINER_HEADER_BYTES,
  TableFormatError,
  TableKind,
  encodeContainer,
} from './container.ts'
import { encodePathTable, PathTable, type AneRecord, type PathTableInput } from './paths.ts'
import { mulberry32, randomInt } from './test-helpers.ts'

/** Everything a decoded table says, as plain data (for comparing with the input). */
function decoded(table: PathTable): PathTableInput {
  const paths: (number[] | null)[] = []
  for (let s = 0; s < table.n; s++)
    for (let d = 0; d < table.n; d++)
      for (let k = 0; k < table.intervals; k++) {
        const p = table.path(s, d, k)
        paths.push(p === null ? null : [...p])
      }
  const anes = Array.from({ length: table.aneCount }, (_, i) => table.ane(i))
  return {
    n: table.n,
    ...(table.intervals > 1 ? { intervals: table.intervals } : {}),
    paths,
    anes,
  }
}

/** A random table: n PIDs, a ANEs, paths of 0..maxLen ANEs drawn from `distinct` templates. */
function randomInput(
  rng: () => number,
  n: number,
  a: number,
  distinct: number,
  intervals = 1
): PathTableInput {
  const anes: AneRecord[] = Array.from({ length: a }, (_, i) => {
    const ane: AneRecord = { name: `ane-${i}-${randomInt(rng, 1000)}` }
    const r = rng()
    if (r < 0.6) ane.maxReservableBandwidth = randomInt(rng, 4) * 10 ** randomInt(rng, 13)
    else if (r < 0.7) ane.maxReservableBandwidth = rng() * 1e9
    if (rng() < 0.5) ane.persistentEntityId = `props.ane:${ane.name}${rng() < 0.1 ? '-é→' : ''}`
    return ane
  })
  const templates: (number[] | null)[] = Array.from({ length: distinct }, () =>
    rng() < 0.1 ? null : Array.from({ length: randomInt(rng, 7) }, () => randomInt(rng, a))
  )
  const paths = Array.from({ length: n * n * intervals }, () =>
    a === 0 ? (rng() < 0.5 ? null : []) : templates[randomInt(rng, distinct)]
  )
  return { n, ...(intervals > 1 ? { intervals } : {}), paths, anes }
}

describe('PATH_TABLE (kind 8) round trips', () => {
  it('random tables: every pair path, every ANE name and property comes back', () => {
    const rng = mulberry32(0x9275)
    for (let round = 0; round < 60; round++) {
      const n = randomInt(rng, 40)
      const a = randomInt(rng, 50)
      // Distinct-path counts on both sides of the 1-byte and 2-byte index limits.
      const distinct = [1, 5, 254, 255, 300][round % 5]
      const input = randomInput(rng, n, a, distinct)
      const table = PathTable.open(encodePathTable(input))
      expect(decoded(table)).toEqual(input)
    }
  })

  it('calendars (RFC 9275 §9.4): every interval of every pair comes back, pair-major', () => {
    const rng = mulberry32(0x8896)
    for (let round = 0; round < 40; round++) {
      const intervals = 2 + randomInt(rng, 24)
      const input = randomInput(
        rng,
        randomInt(rng, 12),
        randomInt(rng, 20),
        1 + randomInt(rng, 30),
        intervals
      )
      const table = PathTable.open(encodePathTable(input))
      expect(table.intervals).toBe(intervals)
      expect(decoded(table)).toEqual(input)
    }
    // The layout: (s, d, k) at (s*n + d)*t + k.
    const table = PathTable.open(
      encodePathTable({
        n: 2,
        intervals: 3,
        paths: [[0], [1], null, [], [0, 1], [1], [1, 0], null, [0], [1], [1], [1]],
        anes: [{ name: 'A' }, { name: 'B' }],
      })
    )
    expect([...table.path(0, 1, 1)!]).toEqual([0, 1])
    expect(table.path(1, 0, 1)).toBeNull()
    expect([...table.path(1, 1, 2)!]).toEqual([1])
  })

  it('a blob written before calendars (intervals field 0) reads as one path per pair', () => {
    const input = randomInput(mulberry32(7), 9, 6, 12)
    const blob = encodePathTable(input)
    expect(new DataView(blob.buffer).getUint32(CONTAINER_HEADER_BYTES + 20, true)).toBe(1)
    new DataView(blob.buffer).setUint32(CONTAINER_HEADER_BYTES + 20, 0, true)
    // The container's checksum covers the payload: re-wrap the changed payload.
    const table = PathTable.open(
      encodeContainer(TableKind.PATH_TABLE, blob.subarray(CONTAINER_HEADER_BYTES))
    )
    expect(table.intervals).toBe(1)
    expect(decoded(table)).toEqual(input)
  })

  it('index and reference widths: 1/2/4-byte path indices, 2/4-byte ANE references', () => {
    const widths = (blob: Uint8Array) => [
      blob[CONTAINER_HEADER_BYTES + 16],
      blob[CONTAINER_HEADER_BYTES + 17],
    ]
    const anes = (a: number) => Array.from({ length: a }, (_, i) => ({ name: `a${i}` }))
    // n = 16: 256 pairs; k distinct single-ANE paths.
    const distinctPaths = (k: number, a: number): PathTableInput => ({
      n: 16,
      paths: Array.from({ length: 256 }, (_, i) => [i % k]),
      anes: anes(a),
    })
    expect(widths(encodePathTable(distinctPaths(254, 254)))).toEqual([1, 2])
    expect(widths(encodePathTable(distinctPaths(255, 255)))).toEqual([2, 2])
    const n = 260 // 67,600 pairs, 65,535 distinct paths → 4-byte indices
    const many: PathTableInput = {
      n,
      paths: Array.from({ length: n * n }, (_, i) => (i < 65535 ? [i % 3, Math.floor(i / 3)] : [])),
      anes: anes(70000),
    }
    const blob = encodePathTable(many)
    expect(widths(blob)).toEqual([4, 4])
    const table = PathTable.open(blob)
    expect(table.pathCount).toBe(65536)
    expect([...table.path(0, 0)!]).toEqual([0, 0])
    expect([...table.path(252, 14)!]).toEqual([65534 % 3, Math.floor(65534 / 3)])
    expect([...table.path(259, 259)!]).toEqual([])
    expect(table.ane(69999)).toEqual({ name: 'a69999' })
  })

  it('deduplicates: a topology of few distinct routes costs about one byte per pair', () => {
    const n = 500
    const anes = Array.from({ length: 8 }, (_, i) => ({
      name: `r${i}`,
      maxReservableBandwidth: 1e11,
    }))
    const paths = Array.from({ length: n * n }, (_, k) => [k % 8, (k >> 3) % 8, 7])
    const table = PathTable.open(encodePathTable({ n, paths, anes }))
    expect(table.pathCount).toBe(64)
    expect(table.byteLength).toBeLessThan(n * n + 2000)
  })

  it('no path (null) and the empty path are different; an ANE without properties has none', () => {
    const input: PathTableInput = {
      n: 2,
      paths: [[], null, [0, 1], [1]],
      anes: [
        { name: 'L1', maxReservableBandwidth: 0 },
        { name: 'NET1', persistentEntityId: 'dc-props.ane:DC1' },
      ],
    }
    const table = PathTable.open(encodePathTable(input))
    expect(table.path(0, 0)).toEqual(new Uint16Array([]))
    expect(table.path(0, 1)).toBeNull()
    expect([...table.path(1, 0)!]).toEqual([0, 1])
    expect(table.ane(0)).toEqual({ name: 'L1', maxReservableBandwidth: 0 })
    expect(table.ane(1)).toEqual({ name: 'NET1', persistentEntityId: 'dc-props.ane:DC1' })
    expect(PathTable.open(encodePathTable({ n: 0, paths: [], anes: [] })).n).toBe(0)
  })
})

describe('PATH_TABLE encoder refuses what the format cannot hold', () => {
  const ok: PathTableInput = { n: 1, paths: [[0]], anes: [{ name: 'x' }] }
  it.each([
    ['a pair count other than n²', { ...ok, paths: [] }, /1 needs 1|0 paths given/],
    ['an ANE index out of range', { ...ok, paths: [[1]] }, /ANE index 1 of pair \(0, 0\)/],
    ['a negative ANE index', { ...ok, paths: [[-1]] }, /ANE index -1/],
    ['a negative bandwidth', { ...ok, anes: [{ name: 'x', maxReservableBandwidth: -1 }] }, />= 0/],
    ['a NaN bandwidth', { ...ok, anes: [{ name: 'x', maxReservableBandwidth: NaN }] }, />= 0/],
    ['too many pairs', { n: 5793, paths: [], anes: [] }, /at most 33554432/],
  ])('%s', (_, input, message) => {
    expect(() => encodePathTable(input as PathTableInput)).toThrow(message)
  })
})

describe('PATH_TABLE decoder refuses corrupt tables (TableFormatError)', () => {
  const input: PathTableInput = {
    n: 2,
    paths: [[0], [0, 1], null, []],
    anes: [{ name: 'a', maxReservableBandwidth: 5 }, { name: 'b' }],
  }
  const blob = encodePathTable(input)
  /** The payload with `edit` applied, re-wrapped with a valid checksum. */
  const edited = (edit: (payload: DataView, bytes: Uint8Array) => void) => {
    const payload = blob.slice(CONTAINER_HEADER_BYTES)
    edit(new DataView(payload.buffer), payload)
    return encodeContainer(TableKind.PATH_TABLE, payload)
  }
  const refuses = (b: Uint8Array, message: RegExp) => {
    expect(() => PathTable.open(b)).toThrow(TableFormatError)
    expect(() => PathTable.open(b)).toThrow(message)
  }

  it('another kind, a flipped bit, a truncated blob', () => {
    refuses(
      encodeContainer(TableKind.COST_MATRIX, blob.slice(CONTAINER_HEADER_BYTES)),
      /wrong table kind/
    )
    const flipped = blob.slice()
    flipped[CONTAINER_HEADER_BYTES + 30] ^= 1
    refuses(flipped, /checksum mismatch/)
    refuses(blob.slice(0, blob.length - 1), /truncated/)
  })

  it('header fields that do not fit the payload', () => {
    refuses(
      edited((v) => v.setUint8(16, 3)),
      /index width 3/
    )
    refuses(
      edited((v) => v.setUint8(17, 1)),
      /reference width 1/
    )
    refuses(
      edited((v) => v.setUint32(12, 1000, true)),
      /need at least|implies/
    )
    refuses(
      edited((v) => v.setUint32(0, 3, true)),
      /need at least|implies/
    )
  })

  it('a pair naming a path that does not exist, a reference to an ANE that does not exist', () => {
    // pathOf[] starts at 24; 3 distinct paths ([0], [0,1], []) and one NO_PATH (0xFF).
    refuses(
      edited((_, b) => (b[24] = 7)),
      /pair \(0, 0\) names path 7, there are 3/
    )
    // refs[] starts after pathStart[] (4 entries at 32): at 48.
    refuses(
      edited((v) => v.setUint16(48, 9, true)),
      /reference 0 names ANE 9, there are 2/
    )
    refuses(
      edited((v) => v.setUint32(36, 5, true)),
      /path starts decrease|path starts run/
    )
  })

  it('strings that are not UTF-8', () => {
    const b = blob.slice(CONTAINER_HEADER_BYTES)
    // The first string (ANE 0's name, "a") is the payload's last-but-one byte run: find it.
    const at = b.lastIndexOf(0x61)
    refuses(
      edited((_, bytes) => (bytes[at] = 0xff)),
      /string 0 is not valid UTF-8/
    )
  })
})
