/**
 * @module PATH_TABLE (container kind 8): the RFC 9275 path vectors of one network map — for every
 * (source PID, destination PID) pair the list of Abstract Network Elements (ANEs) a flow
 * traverses, in order — and the ANE table with each ANE's name and properties
 * (`max-reservable-bandwidth`, RFC 9275 §6.4.1; `persistent-entity-id`, §6.4.2)
 * (docs/binary-format.md, "PATH_TABLE payload").
 *
 * ```
 * payload offset  size            field
 * 0               4               n            PID count: pairs are n x n, pair (s, d) at s*n + d
 * 4               4               pathCount    p  distinct paths
 * 8               4               refCount     m  ANE references over all distinct paths
 * 12              4               aneCount     a
 * 16              1               indexWidth   1, 2 or 4: bytes of a pair's path index
 * 17              1               refWidth     2 or 4: bytes of an ANE reference
 * 18              2               reserved     0
 * 20              4               intervals    t  paths per pair: 1 (0 in blobs written before
 *                                              calendars means 1), or an RFC 8896 calendar's
 *                                              number-of-intervals (RFC 9275 §9.4)
 * 24              indexWidth*n*n*t pathOf[]    path index of each pair and interval, pair-major:
 *                                              (s, d, k) at (s*n + d)*t + k; all ones (0xFF,
 *                                              0xFFFF, 0xFFFFFFFF) = NO_PATH, none
 * (pad to 8)      4*(p+1)         pathStart[]  path i = refs[pathStart[i], pathStart[i+1])
 * (pad to 8)      refWidth*m      refs[]       ANE indices, in traversal order
 * (pad to 8)      8*a             bandwidth[]  f64 max-reservable-bandwidth (bps), NaN = none
 * (pad to 8)      4*(2a+1)        strStart[]   string j = strData[strStart[j], strStart[j+1]);
 *                                              j = 2i: ANE i's name, 2i+1: its persistent
 *                                              entity id ('' = none)
 *                 strStart[2a]    strData      UTF-8
 * ```
 * Paths are deduplicated: pairs with the same ANE list share one path, so a topology of a few
 * dozen distinct routes over thousands of PIDs costs one byte per pair. An empty path (a pair
 * that crosses no ANE) is a path of length 0, distinct from NO_PATH. A calendar (t > 1) is a
 * table of its own beside the single-path one, with the same ANE table: the k-th path of a pair
 * is the path of the k-th time interval (RFC 9275 §9.4).
 */
import {
  alignUp,
  assertPayloadSize,
  encodeContainer,
  openTable,
  TableFormatError,
  TableKind,
} from './container.ts'

const PATH_TABLE_HEADER_BYTES = 24

/** Largest pair count (n² × intervals) of a path table: 2^25, as for cost matrices. */
export const MAX_PATH_PAIRS = 1 << 25

/** One ANE of the table, as the encoder takes it and `PathTable.ane` returns it. */
export interface AneRecord {
  /** The ANE's name (RFC 9275 §6.1 ANEName syntax is the compiler's to check). */
  name: string
  /** RFC 9275 §6.4.1, bits per second, finite and >= 0; absent: the property is not defined. */
  maxReservableBandwidth?: number
  /** RFC 9275 §6.4.2 EntityID of the persistent ANE; absent: none. */
  persistentEntityId?: string
}

export interface PathTableInput {
  /** PID count. */
  n: number
  /** Paths per pair (default 1): a calendar's number of intervals. */
  intervals?: number
  /**
   * n*n*intervals entries, pair-major (source-major), (s, d, k) at (s*n + d)*intervals + k: the
   * ANE indices of the pair in interval k, or null = no path.
   */
  paths: readonly (readonly number[] | null)[]
  anes: readonly AneRecord[]
}

/** Bytes of a pair's path index for `pathCount` distinct paths (the all-ones value is NO_PATH). */
function indexWidthFor(pathCount: number): 1 | 2 | 4 {
  return pathCount <= 0xfe ? 1 : pathCount <= 0xfffe ? 2 : 4
}

const noPathOf = (width: number): number => (width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff)

type UintArray = Uint8Array | Uint16Array | Uint32Array
const arrayOf = (width: number): new (b: ArrayBuffer, o: number, l: number) => UintArray =>
  width === 1 ? Uint8Array : width === 2 ? Uint16Array : Uint32Array

/** Section offsets of a payload, from its header fields. */
function layout(
  cells: number,
  p: number,
  m: number,
  a: number,
  indexWidth: number,
  refWidth: number
) {
  const pathOf = PATH_TABLE_HEADER_BYTES
  const pathStart = alignUp(pathOf + indexWidth * cells)
  const refs = alignUp(pathStart + 4 * (p + 1))
  const bandwidth = alignUp(refs + refWidth * m)
  const strStart = alignUp(bandwidth + 8 * a)
  const strData = strStart + 4 * (2 * a + 1)
  return { pathOf, pathStart, refs, bandwidth, strStart, strData }
}

/**
 * Encodes the path vectors and ANE table of a network map as a PATH_TABLE container blob.
 * Throws a RangeError on input the format cannot hold: a pair count other than n², more than
 * MAX_PATH_PAIRS pairs, an ANE index out of range, a bandwidth that is not a finite number >= 0.
 */
export function encodePathTable(input: PathTableInput): Uint8Array {
  const { n, paths, anes } = input
  const t = input.intervals ?? 1
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`encodePathTable: n = ${n}`)
  if (!Number.isInteger(t) || t < 1 || t > 0xffffffff)
    throw new RangeError(`encodePathTable: ${t} intervals`)
  const cells = n * n * t
  if (cells > MAX_PATH_PAIRS)
    throw new RangeError(`encodePathTable: ${cells} pair intervals; at most ${MAX_PATH_PAIRS}`)
  if (paths.length !== cells)
    throw new RangeError(
      `encodePathTable: ${paths.length} paths given, n = ${n} × ${t} intervals needs ${cells}`
    )
  const a = anes.length
  if (a > 0xffffffff) throw new RangeError('encodePathTable: too many ANEs')
  // Deduplicate paths: the key is the ANE list's text.
  const pathIds = new Map<string, number>()
  const distinct: (readonly number[])[] = []
  const pairPath = new Array<number>(paths.length)
  let refCount = 0
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]
    if (path === null) {
      pairPath[k] = -1
      continue
    }
    for (const ane of path) {
      if (!Number.isInteger(ane) || ane < 0 || ane >= a)
        throw new RangeError(
          `encodePathTable: ANE index ${ane} of pair (${Math.floor(k / t / n)}, ${Math.floor(k / t) % n}) is not in 0..${a - 1}`
        )
    }
    const key = path.join(',')
    let id = pathIds.get(key)
    if (id === undefined) {
      id = distinct.length
      pathIds.set(key, id)
      distinct.push(path)
      refCount += path.length
    }
    pairPath[k] = id
  }
  anes.forEach((ane, i) => {
    const bw = ane.maxReservableBandwidth
    if (bw !== undefined && !(Number.isFinite(bw) && bw >= 0))
      throw new RangeError(`encodePathTable: ANE ${i} max-reservable-bandwidth ${bw} is not >= 0`)
  })
  const p = distinct.length
  const indexWidth = indexWidthFor(p)
  const refWidth = a <= 0x10000 ? 2 : 4
  const encoder = new TextEncoder()
  const strings = anes.flatMap((ane) => [
    encoder.encode(ane.name),
    encoder.encode(ane.persistentEntityId ?? ''),
  ])
  const strBytes = strings.reduce((sum, s) => sum + s.byteLength, 0)
  const at = layout(cells, p, refCount, a, indexWidth, refWidth)
  const buf = new ArrayBuffer(at.strData + strBytes)
  const header = new DataView(buf)
  header.setUint32(0, n, true)
  header.setUint32(4, p, true)
  header.setUint32(8, refCount, true)
  header.setUint32(12, a, true)
  header.setUint8(16, indexWidth)
  header.setUint8(17, refWidth)
  header.setUint32(20, t, true)
  const pathOf = new (arrayOf(indexWidth))(buf, at.pathOf, cells)
  const noPath = noPathOf(indexWidth)
  for (let k = 0; k < pairPath.length; k++) pathOf[k] = pairPath[k] < 0 ? noPath : pairPath[k]
  const pathStart = new Uint32Array(buf, at.pathStart, p + 1)
  const refs = new (arrayOf(refWidth))(buf, at.refs, refCount)
  let r = 0
  distinct.forEach((path, i) => {
    pathStart[i] = r
    for (const ane of path) refs[r++] = ane
  })
  pathStart[p] = r
  const bandwidth = new Float64Array(buf, at.bandwidth, a)
  anes.forEach((ane, i) => (bandwidth[i] = ane.maxReservableBandwidth ?? NaN))
  const strStart = new Uint32Array(buf, at.strStart, 2 * a + 1)
  const bytes = new Uint8Array(buf)
  let s = 0
  strings.forEach((str, j) => {
    strStart[j] = s
    bytes.set(str, at.strData + s)
    s += str.byteLength
  })
  strStart[2 * a] = s
  return encodeContainer(TableKind.PATH_TABLE, bytes)
}

/** A decoded PATH_TABLE: typed-array views over the blob, ANE strings decoded once. */
export class PathTable {
  /** PID count: pairs are n x n. */
  readonly n: number
  /** Paths per pair: 1, or a calendar's number of intervals. */
  readonly intervals: number
  /** Number of ANEs. */
  readonly aneCount: number
  /** Number of distinct paths. */
  readonly pathCount: number
  /** Byte length of the blob (container included). */
  readonly byteLength: number
  private readonly pathOf: UintArray
  private readonly noPath: number
  private readonly pathStart: Uint32Array
  private readonly refs: UintArray
  private readonly bandwidth: Float64Array
  private readonly names: string[]
  private readonly persistentIds: string[]

  private constructor(fields: {
    n: number
    intervals: number
    byteLength: number
    pathOf: UintArray
    noPath: number
    pathStart: Uint32Array
    refs: UintArray
    bandwidth: Float64Array
    names: string[]
    persistentIds: string[]
  }) {
    this.n = fields.n
    this.intervals = fields.intervals
    this.byteLength = fields.byteLength
    this.pathOf = fields.pathOf
    this.noPath = fields.noPath
    this.pathStart = fields.pathStart
    this.refs = fields.refs
    this.bandwidth = fields.bandwidth
    this.names = fields.names
    this.persistentIds = fields.persistentIds
    this.aneCount = fields.names.length
    this.pathCount = fields.pathStart.length - 1
  }

  /**
   * Verifies the container and every section: sizes, path starts ascending up to refCount, every
   * pair's path index and every ANE reference in range, string offsets ascending, valid UTF-8.
   * Throws TableFormatError naming the first problem.
   */
  static open(blob: ArrayBuffer | Uint8Array): PathTable {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.PATH_TABLE,
      PATH_TABLE_HEADER_BYTES
    )
    const n = header.getUint32(0, true)
    const p = header.getUint32(4, true)
    const m = header.getUint32(8, true)
    const a = header.getUint32(12, true)
    const indexWidth = header.getUint8(16)
    const refWidth = header.getUint8(17)
    const t = header.getUint32(20, true) || 1
    if (indexWidth !== 1 && indexWidth !== 2 && indexWidth !== 4)
      throw new TableFormatError(`PATH_TABLE index width ${indexWidth} is not 1, 2 or 4`)
    if (refWidth !== 2 && refWidth !== 4)
      throw new TableFormatError(`PATH_TABLE reference width ${refWidth} is not 2 or 4`)
    const cells = n * n * t
    if (cells > MAX_PATH_PAIRS)
      throw new TableFormatError(
        `PATH_TABLE of ${n} PIDs × ${t} intervals exceeds ${MAX_PATH_PAIRS} pair intervals`
      )
    const noPath = noPathOf(indexWidth)
    if (p > noPath)
      throw new TableFormatError(`PATH_TABLE: ${p} paths do not fit ${indexWidth}-byte indices`)
    const at = layout(cells, p, m, a, indexWidth, refWidth)
    if (at.strData > payloadLength) {
      throw new TableFormatError(
        `PATH_TABLE payload is ${payloadLength} bytes, its sections (n = ${n}, ${t} intervals, ${p} paths, ${m} references, ${a} ANEs) need at least ${at.strData}`
      )
    }
    const strStart = new Uint32Array(buffer, payloadOffset + at.strStart, 2 * a + 1)
    assertPayloadSize(
      'PATH_TABLE',
      payloadLength,
      at.strData + strStart[2 * a],
      `n = ${n}, ${p} paths, ${m} references, ${a} ANEs, ${strStart[2 * a]} string bytes`
    )
    const pathOf = new (arrayOf(indexWidth))(buffer, payloadOffset + at.pathOf, cells)
    for (let k = 0; k < pathOf.length; k++) {
      const v = pathOf[k]
      if (v >= p && v !== noPath)
        throw new TableFormatError(
          `PATH_TABLE pair (${Math.floor(k / t / n)}, ${Math.floor(k / t) % n})${t > 1 ? ` interval ${k % t}` : ''} names path ${v}, there are ${p}`
        )
    }
    const pathStart = new Uint32Array(buffer, payloadOffset + at.pathStart, p + 1)
    if (pathStart[0] !== 0 || pathStart[p] !== m)
      throw new TableFormatError(
        `PATH_TABLE path starts run from ${pathStart[0]} to ${pathStart[p]}, expected 0 to ${m}`
      )
    for (let i = 0; i < p; i++)
      if (pathStart[i + 1] < pathStart[i])
        throw new TableFormatError(`PATH_TABLE path starts decrease at path ${i}`)
    const refs = new (arrayOf(refWidth))(buffer, payloadOffset + at.refs, m)
    for (let r = 0; r < m; r++)
      if (refs[r] >= a)
        throw new TableFormatError(`PATH_TABLE reference ${r} names ANE ${refs[r]}, there are ${a}`)
    const bandwidth = new Float64Array(buffer, payloadOffset + at.bandwidth, a)
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
    const data = new Uint8Array(buffer, payloadOffset + at.strData, strStart[2 * a])
    const names: string[] = []
    const persistentIds: string[] = []
    for (let j = 0; j < 2 * a; j++) {
      if (strStart[j + 1] < strStart[j])
        throw new TableFormatError(`PATH_TABLE string offsets decrease at string ${j}`)
      let text: string
      try {
        text = decoder.decode(data.subarray(strStart[j], strStart[j + 1]))
      } catch {
        throw new TableFormatError(`PATH_TABLE string ${j} is not valid UTF-8`)
      }
      ;(j % 2 === 0 ? names : persistentIds).push(text)
    }
    const byteLength = ArrayBuffer.isView(blob) ? blob.byteLength : blob.byteLength
    return new PathTable({
      n,
      intervals: t,
      byteLength,
      pathOf,
      noPath,
      pathStart,
      refs,
      bandwidth,
      names,
      persistentIds,
    })
  }

  /**
   * The ANE indices from PID `src` to PID `dst` in traversal order (a view: do not modify) in
   * interval `k` (0 for a table without calendar), or null when the pair has no path then.
   */
  path(src: number, dst: number, k = 0): UintArray | null {
    const id = this.pathOf[(src * this.n + dst) * this.intervals + k]
    if (id === this.noPath) return null
    return this.refs.subarray(this.pathStart[id], this.pathStart[id + 1])
  }

  /** ANE `i`: its name and the properties it has. */
  ane(i: number): AneRecord {
    const record: AneRecord = { name: this.names[i] }
    const bw = this.bandwidth[i]
    if (bw === bw) record.maxReservableBandwidth = bw
    const id = this.persistentIds[i]
    if (id !== '') record.persistentEntityId = id
    return record
  }
}
