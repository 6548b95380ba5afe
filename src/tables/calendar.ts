/**
 * @module COST_CALENDAR: the RFC 8896 cost calendar of one n x n cost map — `intervals` values
 * per PID pair, one per time interval (docs/binary-format.md, "COST_CALENDAR payload").
 *
 * ```
 * payload offset  size              field
 * 0               4                 n          PID count (same PID table as the network map)
 * 4               4                 intervals  number-of-intervals (≥ 1)
 * 8               1                 encoding   1 = U8, 2 = U16, 3 = U32, 4 = F32, 5 = F64
 * 9               7                 reserved   0
 * 16              w*n*n*intervals   cells      pair-major: cell(src, dst, k) at
 *                                              (src*n + dst) * intervals + k
 * ```
 * Pair-major, so the calendar of one pair — what an answer writes — is `intervals` consecutive
 * cells. The encodings and their "no entry" sentinels are COST_MATRIX's (costmatrix.ts); the API
 * gives NaN for "no entry". The size is cells × width: a 1,240-PID map with 24 hourly U8 values
 * is 1,240² × 24 B = 36.9 MB, where the same calendar as RFC 8896 JSON arrays takes about four
 * bytes per value plus the PID names.
 *
 * Time (interval size, start, repetition) is not in the blob: it is the calendar's metadata in
 * the manifest, so retiming a calendar never rewrites its cells.
 */
import { CostEncoding, chooseCostEncoding, costEncodingInfo } from './costmatrix.ts'
import {
  assertPayloadSize,
  encodeContainer,
  openTable,
  TableFormatError,
  TableKind,
} from './container.ts'

const CALENDAR_HEADER_BYTES = 16

/**
 * Encodes a calendar: `cells` pair-major (length n*n*intervals, NaN = no entry). `encoding`
 * defaults to the narrowest that stores every value exactly (as for COST_MATRIX).
 */
export function encodeCostCalendar(
  n: number,
  intervals: number,
  cells: Float64Array,
  encoding?: number
): Uint8Array {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`encodeCostCalendar: n = ${n} is not a PID count`)
  if (!Number.isInteger(intervals) || intervals < 1 || intervals > 0xffffffff)
    throw new RangeError(`encodeCostCalendar: ${intervals} intervals`)
  if (cells.length !== n * n * intervals)
    throw new RangeError(
      `encodeCostCalendar: ${cells.length} cells given, n = ${n} × ${intervals} intervals needs ${n * n * intervals}`
    )
  const chosen = encoding ?? chooseCostEncoding(cells)
  const info = costEncodingInfo(chosen)
  if (info === undefined) throw new RangeError(`encodeCostCalendar: unknown encoding ${chosen}`)
  const buf = new ArrayBuffer(CALENDAR_HEADER_BYTES + info.bytes * cells.length)
  const header = new DataView(buf)
  header.setUint32(0, n, true)
  header.setUint32(4, intervals, true)
  header.setUint8(8, chosen)
  const out = new info.array(buf, CALENDAR_HEADER_BYTES, cells.length)
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]
    if (v !== v) out[i] = info.noEntry
    else if (info.represents(v)) out[i] = v
    else
      throw new RangeError(
        `encodeCostCalendar: value ${v} at cell ${i} is not exact in ${info.name}`
      )
  }
  return encodeContainer(TableKind.COST_CALENDAR, new Uint8Array(buf))
}

/**
 * Encodes the calendar whose interval k of a pair is round(base cost × scale[k]) (the `scale`
 * source form) straight into the narrowest cell array, without an n*n*intervals Float64Array:
 * the rounded values are integers between round(min × f) and round(max × f) for each factor f,
 * so the encoding that holds those extremes (and, for F32, |v| ≤ 2^24) holds them all.
 * `base` is the n x n cost matrix (NaN = no entry, which stays no entry in every interval).
 */
export function encodeScaledCostCalendar(
  n: number,
  base: Float64Array,
  scale: readonly number[]
): Uint8Array {
  const intervals = scale.length
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`encodeScaledCostCalendar: n = ${n} is not a PID count`)
  if (intervals < 1 || intervals > 0xffffffff)
    throw new RangeError(`encodeScaledCostCalendar: ${intervals} intervals`)
  if (base.length !== n * n)
    throw new RangeError(`encodeScaledCostCalendar: ${base.length} base cells for n = ${n}`)
  for (const f of scale)
    if (!(Number.isFinite(f) && f >= 0))
      throw new RangeError(`encodeScaledCostCalendar: factor ${f} is not a number ≥ 0`)
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let i = 0; i < base.length; i++) {
    const v = base[i]
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const extremes = new Float64Array(2 * intervals).fill(Number.NaN)
  if (lo <= hi)
    scale.forEach((f, k) => {
      extremes[2 * k] = Math.round(lo * f) + 0
      extremes[2 * k + 1] = Math.round(hi * f) + 0
    })
  let chosen = chooseCostEncoding(extremes)
  const largest = Math.max(0, ...Array.from(extremes, (v) => (v === v ? Math.abs(v) : 0)))
  if (chosen === CostEncoding.F32 && largest > 2 ** 24) chosen = CostEncoding.F64
  const info = costEncodingInfo(chosen)!
  const count = n * n * intervals
  const buf = new ArrayBuffer(CALENDAR_HEADER_BYTES + info.bytes * count)
  const header = new DataView(buf)
  header.setUint32(0, n, true)
  header.setUint32(4, intervals, true)
  header.setUint8(8, chosen)
  const out = new info.array(buf, CALENDAR_HEADER_BYTES, count)
  const factors = Float64Array.from(scale)
  for (let pair = 0, o = 0; pair < base.length; pair++) {
    const cost = base[pair]
    if (cost !== cost) {
      out.fill(info.noEntry, o, o + intervals)
      o += intervals
    } else for (let k = 0; k < intervals; k++) out[o++] = Math.round(cost * factors[k]) + 0
  }
  return encodeContainer(TableKind.COST_CALENDAR, new Uint8Array(buf))
}

/** A decoded COST_CALENDAR: a typed-array view over the blob's cells. */
export class CostCalendar {
  readonly n: number
  readonly intervals: number
  readonly encoding: number
  readonly byteLength: number
  private readonly cells: ArrayLike<number>
  private readonly noEntry: number

  private constructor(
    n: number,
    intervals: number,
    encoding: number,
    byteLength: number,
    cells: ArrayLike<number>,
    noEntry: number
  ) {
    this.n = n
    this.intervals = intervals
    this.encoding = encoding
    this.byteLength = byteLength
    this.cells = cells
    this.noEntry = noEntry
  }

  /** Verifies the container (checksum included) and takes a view over the cells. */
  static open(blob: ArrayBuffer | Uint8Array): CostCalendar {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.COST_CALENDAR,
      CALENDAR_HEADER_BYTES
    )
    const n = header.getUint32(0, true)
    const intervals = header.getUint32(4, true)
    const encoding = header.getUint8(8)
    const info = costEncodingInfo(encoding)
    if (info === undefined)
      throw new TableFormatError(`COST_CALENDAR has unknown cell encoding ${encoding}`)
    if (intervals < 1) throw new TableFormatError('COST_CALENDAR has 0 intervals')
    const count = n * n * intervals
    assertPayloadSize(
      'COST_CALENDAR',
      payloadLength,
      CALENDAR_HEADER_BYTES + info.bytes * count,
      `n = ${n}, ${intervals} intervals, encoding ${info.name}`
    )
    const cells = new info.array(buffer, payloadOffset + CALENDAR_HEADER_BYTES, count)
    return new CostCalendar(n, intervals, encoding, blob.byteLength, cells, info.noEntry)
  }

  /** Value of interval `k` from PID `src` to PID `dst`; NaN when the pair has no entry. */
  get(src: number, dst: number, k: number): number {
    this.check(src, this.n, 'src')
    this.check(dst, this.n, 'dst')
    this.check(k, this.intervals, 'interval')
    const v = this.cells[(src * this.n + dst) * this.intervals + k]
    return v === this.noEntry ? NaN : v
  }

  /**
   * The pair's values into `out[0..intervals)` (NaN = no entry); returns false when the pair has
   * no entry in any interval.
   */
  pair(src: number, dst: number, out: Float64Array): boolean {
    this.check(src, this.n, 'src')
    this.check(dst, this.n, 'dst')
    const N = this.intervals
    const base = (src * this.n + dst) * N
    const cells = this.cells
    const none = this.noEntry
    let any = false
    for (let k = 0; k < N; k++) {
      const v = cells[base + k]
      if (v === none || v !== v) out[k] = NaN
      else {
        out[k] = v
        any = true
      }
    }
    return any
  }

  private check(i: number, bound: number, what: string): void {
    if (i >>> 0 !== i || i >= bound) throw new RangeError(`${what} ${i} not in 0..${bound - 1}`)
  }
}
