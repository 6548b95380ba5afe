/**
 * @module COST_MATRIX: one n x n cost map, row = source PID, column = destination PID
 * (docs/binary-format.md, "COST_MATRIX payload").
 *
 * ```
 * payload offset  size      field
 * 0               4         n          PID count (same PID table as the network map)
 * 4               1         encoding   1 = U8, 2 = U16, 3 = U32, 4 = F32, 5 = F64
 * 5               3         reserved   0
 * 8               w*n*n     cells      row-major, cell(src, dst) at src*n + dst
 * ```
 * "No entry" is 0xFF / 0xFFFF / 0xFFFFFFFF for the integer encodings and NaN for the float ones;
 * the API represents it as NaN throughout. Every stored cost decodes to the exact source double.
 */
import {
  assertPayloadSize,
  encodeContainer,
  openTable,
  TableFormatError,
  TableKind,
} from './container.ts'

/** Cell encodings of a cost matrix. */
export const CostEncoding = { U8: 1, U16: 2, U32: 3, F32: 4, F64: 5 } as const

const COST_MATRIX_HEADER_BYTES = 8

export interface EncodingInfo {
  name: string
  bytes: number
  /** The stored "no entry" cell, NaN for float encodings. */
  noEntry: number
  /** Whether a (non-NaN) cost is stored exactly. */
  represents: (cost: number) => boolean
  array: new (
    buffer: ArrayBuffer,
    byteOffset: number,
    length: number
  ) => Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array
}

/** An integer in [0, max], excluding -0 (which would decode as +0). */
const integerUpTo =
  (max: number) =>
  (cost: number): boolean =>
    Number.isInteger(cost) && cost >= 0 && cost <= max && !Object.is(cost, -0)

const ENCODINGS: Record<number, EncodingInfo> = {
  [CostEncoding.U8]: {
    name: 'U8',
    bytes: 1,
    noEntry: 0xff,
    represents: integerUpTo(0xfe),
    array: Uint8Array,
  },
  [CostEncoding.U16]: {
    name: 'U16',
    bytes: 2,
    noEntry: 0xffff,
    represents: integerUpTo(0xfffe),
    array: Uint16Array,
  },
  [CostEncoding.U32]: {
    name: 'U32',
    bytes: 4,
    noEntry: 0xffffffff,
    represents: integerUpTo(0xfffffffe),
    array: Uint32Array,
  },
  [CostEncoding.F32]: {
    name: 'F32',
    bytes: 4,
    noEntry: NaN,
    represents: (cost) => Object.is(Math.fround(cost), cost),
    array: Float32Array,
  },
  [CostEncoding.F64]: {
    name: 'F64',
    bytes: 8,
    noEntry: NaN,
    represents: () => true,
    array: Float64Array,
  },
}

/** Encodings from narrowest to widest, the order chooseCostEncoding tries them in. */
const NARROWEST_FIRST = [
  CostEncoding.U8,
  CostEncoding.U16,
  CostEncoding.U32,
  CostEncoding.F32,
  CostEncoding.F64,
]

/**
 * The narrowest encoding that stores every cost in `cells` exactly (NaN = no entry, ignored):
 * "integers in [0, 0xFE] → U8, [0, 0xFFFE] → U16, [0, 0xFFFFFFFE] → U32; otherwise F32 if every
 * value survives Math.fround unchanged; otherwise F64". -0 needs a float encoding.
 */
export function chooseCostEncoding(cells: Float64Array): number {
  let candidate = 0 // index into NARROWEST_FIRST
  for (let i = 0; i < cells.length; i++) {
    const cost = cells[i]
    if (cost !== cost) continue // NaN: no entry
    while (!ENCODINGS[NARROWEST_FIRST[candidate]].represents(cost)) candidate++
    if (candidate === NARROWEST_FIRST.length - 1) break
  }
  return NARROWEST_FIRST[candidate]
}

/**
 * The storage of a cell encoding, shared with COST_CALENDAR (calendar.ts): bytes per cell, the
 * "no entry" sentinel (NaN for floats), whether a cost is exact in it, and its typed array.
 */
export function costEncodingInfo(encoding: number): Readonly<EncodingInfo> | undefined {
  return ENCODINGS[encoding]
}

/** The name of a cell encoding (`U8` … `F64`), for summaries and messages. */
export function costEncodingName(encoding: number): string {
  return ENCODINGS[encoding]?.name ?? `#${encoding}`
}

/**
 * Encodes an n x n cost matrix (`cells` row-major, length n*n, NaN = no entry) as a COST_MATRIX
 * container blob. `encoding` defaults to chooseCostEncoding(cells); a given encoding that cannot
 * store some cost exactly throws a RangeError.
 */
export function encodeCostMatrix(n: number, cells: Float64Array, encoding?: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`encodeCostMatrix: n = ${n} is not a PID count`)
  if (cells.length !== n * n) {
    throw new RangeError(`encodeCostMatrix: ${cells.length} cells given, n = ${n} needs ${n * n}`)
  }
  const chosen = encoding ?? chooseCostEncoding(cells)
  const info = ENCODINGS[chosen]
  if (info === undefined) throw new RangeError(`encodeCostMatrix: unknown encoding ${chosen}`)
  const buf = new ArrayBuffer(COST_MATRIX_HEADER_BYTES + info.bytes * n * n)
  const header = new DataView(buf)
  header.setUint32(0, n, true)
  header.setUint8(4, chosen)
  const out = new info.array(buf, COST_MATRIX_HEADER_BYTES, n * n)
  for (let i = 0; i < cells.length; i++) {
    const cost = cells[i]
    if (cost !== cost) {
      out[i] = info.noEntry
    } else if (info.represents(cost)) {
      out[i] = cost
    } else {
      throw new RangeError(
        `encodeCostMatrix: cost ${cost} at (${Math.floor(i / n)}, ${i % n}) is not exact in ${info.name}`
      )
    }
  }
  return encodeContainer(TableKind.COST_MATRIX, new Uint8Array(buf))
}

/** Fast accessor of one row of a cost matrix. */
export interface CostRow {
  /** Cost from the row's source to `dst`, NaN when the pair has no entry. */
  get(dst: number): number
}

/** A decoded COST_MATRIX: a typed-array view over the blob's cells. */
export class CostMatrix {
  /** PID count: the matrix is n x n. */
  readonly n: number
  /** One of CostEncoding. */
  readonly encoding: number
  /** Byte length of the blob (container included). */
  readonly byteLength: number
  private readonly cellAt: (index: number) => number

  private constructor(
    n: number,
    encoding: number,
    byteLength: number,
    cellAt: (index: number) => number
  ) {
    this.n = n
    this.encoding = encoding
    this.byteLength = byteLength
    this.cellAt = cellAt
  }

  /** Verifies the container (checksum included) and takes a view over the cells. */
  static open(blob: ArrayBuffer | Uint8Array): CostMatrix {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.COST_MATRIX,
      COST_MATRIX_HEADER_BYTES
    )
    const n = header.getUint32(0, true)
    const encoding = header.getUint8(4)
    const info = ENCODINGS[encoding]
    if (info === undefined)
      throw new TableFormatError(`COST_MATRIX has unknown cell encoding ${encoding}`)
    assertPayloadSize(
      'COST_MATRIX',
      payloadLength,
      COST_MATRIX_HEADER_BYTES + info.bytes * n * n,
      `n = ${n}, encoding ${info.name}`
    )
    const cells = new info.array(buffer, payloadOffset + COST_MATRIX_HEADER_BYTES, n * n)
    const noEntry = info.noEntry
    const cellAt =
      noEntry !== noEntry
        ? (index: number): number => cells[index] // float: the sentinel already is NaN
        : (index: number): number => {
            const cost = cells[index]
            return cost === noEntry ? NaN : cost
          }
    return new CostMatrix(n, encoding, blob.byteLength, cellAt)
  }

  /** Cost from PID index `src` to PID index `dst`, NaN when the pair has no entry. */
  get(src: number, dst: number): number {
    this.checkIndex(src, 'src')
    this.checkIndex(dst, 'dst')
    return this.cellAt(src * this.n + dst)
  }

  /** Accessor of row `src` (the costs from one source PID), index arithmetic done once. */
  row(src: number): CostRow {
    this.checkIndex(src, 'src')
    const rowStart = src * this.n
    const n = this.n
    const cellAt = this.cellAt
    return {
      get(dst: number): number {
        if (dst >>> 0 !== dst || dst >= n) throw new RangeError(`dst ${dst} not in 0..${n - 1}`)
        return cellAt(rowStart + dst)
      },
    }
  }

  private checkIndex(i: number, what: string): void {
    // `i >>> 0 !== i` rejects negatives, fractions, NaN and values >= 2^32 in one comparison.
    if (i >>> 0 !== i || i >= this.n) {
      throw new RangeError(`${what} ${i} not in 0..${this.n - 1}`)
    }
  }
}
