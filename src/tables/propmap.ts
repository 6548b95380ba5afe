/**
 * @module Tables of RFC 9240 property maps (docs/binary-format.md, "PREFIX_TREE" and
 * "PID_VALUES"). Values are u32 indexes into the property map's value STRING_TABLE (JSON texts);
 * NO_VALUE (0xFFFFFFFF) means "not defined on this entity".
 *
 * PREFIX_TREE (kind 6): the defined prefix entities of one address family, sorted by (address,
 * length) — so the prefixes inside a prefix P are one contiguous run, right after P's position —
 * with the index of each one's parent (the longest defined prefix strictly containing it) and its
 * values, one column per property:
 *
 * ```
 * payload offset  size        field
 * 0               1           family     4 or 6
 * 1               1           reserved   0
 * 2               2           columns    m (properties)
 * 4               4           count      n (prefixes)
 * 8               4*w*n       words[]    w = 1 (IPv4) or 4 (IPv6, w0 first) u32 per prefix
 * (pad to 8)      4*n         parent[]   u32 index of the parent, NO_PARENT = none
 * (pad to 8)      n           len[]      u8 prefix length
 * (pad to 8)      4*n*m       values[]   u32, row-major: values[i*m + c]
 * ```
 *
 * The parents form a forest (laminar prefixes): walking parent[] from any entry visits the
 * prefixes containing it, longest first, in at most 32 (128) steps. The address → deepest entry
 * step is an LPM lookup (lpm4.ts / lpm6.ts) over the same prefixes, whose u16 values carry the
 * entry index in two tables (index % 0x7FFF and floor(index / 0x7FFF)); see nodeLpmValues.
 *
 * PID_VALUES (kind 7): the values of the PID entities of one network map:
 *
 * ```
 * payload offset  size        field
 * 0               4           count      n (PIDs, in the network map's PID index order)
 * 4               2           columns    m
 * 6               2           reserved   0
 * 8               4*n*m       values[]   u32, row-major: values[pid*m + c]
 * ```
 */
import {
  alignUp,
  assertPayloadSize,
  encodeContainer,
  openTable,
  TableFormatError,
  TableKind,
} from './container.ts'
import { MAX_VALUES } from './values.ts'

/** A value cell with no value: the property is not defined on that entity. */
export const NO_VALUE = 0xffffffff
/** parent[] of a prefix no other defined prefix contains. */
export const NO_PARENT = 0xffffffff

/** One defined prefix entity: address words (1 or 4, host bits zero), length, value per column. */
export interface TreePrefix {
  words: readonly number[]
  len: number
  values: readonly number[]
}

const TREE_HEADER_BYTES = 8
const PID_HEADER_BYTES = 8

function treeLayout(family: 4 | 6, n: number, m: number) {
  const w = family === 4 ? 1 : 4
  const wordsOffset = TREE_HEADER_BYTES
  const parentOffset = alignUp(wordsOffset + 4 * w * n)
  const lenOffset = alignUp(parentOffset + 4 * n)
  const valuesOffset = alignUp(lenOffset + n)
  return {
    w,
    wordsOffset,
    parentOffset,
    lenOffset,
    valuesOffset,
    payloadLength: valuesOffset + 4 * n * m,
  }
}

function comparePrefixWords(a: TreePrefix, b: TreePrefix): number {
  for (let i = 0; i < a.words.length; i++) {
    if (a.words[i] !== b.words[i]) return a.words[i] < b.words[i] ? -1 : 1
  }
  return a.len - b.len
}

/** Whether prefix `outer` contains the prefix starting at `words` (of any length ≥ outer.len). */
function containsWords(outer: TreePrefix, words: readonly number[]): boolean {
  let left = outer.len
  for (let i = 0; i < words.length && left > 0; i++, left -= 32) {
    const mask = left >= 32 ? 0xffffffff : (~0 << (32 - left)) >>> 0
    if ((words[i] & mask) >>> 0 !== outer.words[i]) return false
  }
  return true
}

/**
 * Sorts `prefixes` by (address, length) — the order of the table — and encodes them. Prefixes
 * must be distinct, with host bits zero and `values.length === columns`.
 */
export function encodePrefixTree(
  family: 4 | 6,
  columns: number,
  prefixes: readonly TreePrefix[]
): { blob: Uint8Array; sorted: TreePrefix[] } {
  if (columns > 0xffff) throw new RangeError(`encodePrefixTree: ${columns} columns`)
  const sorted = [...prefixes].sort(comparePrefixWords)
  const n = sorted.length
  const layout = treeLayout(family, n, columns)
  const payload = new Uint8Array(layout.payloadLength)
  const header = new DataView(payload.buffer)
  header.setUint8(0, family)
  header.setUint16(2, columns, true)
  header.setUint32(4, n, true)
  const words = new Uint32Array(payload.buffer, layout.wordsOffset, layout.w * n)
  const parent = new Uint32Array(payload.buffer, layout.parentOffset, n)
  const len = new Uint8Array(payload.buffer, layout.lenOffset, n)
  const values = new Uint32Array(payload.buffer, layout.valuesOffset, n * columns)
  // The open ancestors of the current prefix, outermost first (a stack over the sorted order).
  const stack: number[] = []
  sorted.forEach((p, i) => {
    if (p.words.length !== layout.w) throw new RangeError('encodePrefixTree: wrong word count')
    if (i > 0 && comparePrefixWords(sorted[i - 1], p) === 0)
      throw new RangeError('encodePrefixTree: duplicate prefix')
    while (stack.length > 0 && !containsWords(sorted[stack[stack.length - 1]], p.words)) stack.pop()
    parent[i] = stack.length > 0 ? stack[stack.length - 1] : NO_PARENT
    stack.push(i)
    words.set(p.words, layout.w * i)
    len[i] = p.len
    if (p.values.length !== columns) throw new RangeError('encodePrefixTree: wrong value count')
    values.set(p.values, columns * i)
  })
  return { blob: encodeContainer(TableKind.PREFIX_TREE, payload), sorted }
}

/** The LPM values that carry entry index `i` (values.ts: each below MAX_VALUES). */
export function nodeLpmValues(i: number): { lo: number; hi: number } {
  return { lo: i % MAX_VALUES, hi: Math.floor(i / MAX_VALUES) }
}

/** Entry index from the two LPM values of nodeLpmValues. */
export const nodeIndex = (lo: number, hi: number): number => hi * MAX_VALUES + lo

/** A decoded PREFIX_TREE: typed-array views over the blob. */
export class PrefixTree {
  readonly family: 4 | 6
  readonly columns: number
  readonly count: number
  /** 1 (IPv4) or 4 (IPv6) u32 per entry. */
  readonly words: Uint32Array
  readonly parent: Uint32Array
  readonly len: Uint8Array
  readonly values: Uint32Array

  private constructor(
    family: 4 | 6,
    columns: number,
    count: number,
    words: Uint32Array,
    parent: Uint32Array,
    len: Uint8Array,
    values: Uint32Array
  ) {
    this.family = family
    this.columns = columns
    this.count = count
    this.words = words
    this.parent = parent
    this.len = len
    this.values = values
  }

  static open(blob: ArrayBuffer | Uint8Array): PrefixTree {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.PREFIX_TREE,
      TREE_HEADER_BYTES
    )
    const family = header.getUint8(0)
    if (family !== 4 && family !== 6)
      throw new TableFormatError(`PREFIX_TREE family ${family} is neither 4 nor 6`)
    const columns = header.getUint16(2, true)
    const n = header.getUint32(4, true)
    const layout = treeLayout(family, n, columns)
    assertPayloadSize(
      'PREFIX_TREE',
      payloadLength,
      layout.payloadLength,
      `${n} prefixes, ${columns} columns`
    )
    const at = (offset: number) => payloadOffset + offset
    const tree = new PrefixTree(
      family,
      columns,
      n,
      new Uint32Array(buffer, at(layout.wordsOffset), layout.w * n),
      new Uint32Array(buffer, at(layout.parentOffset), n),
      new Uint8Array(buffer, at(layout.lenOffset), n),
      new Uint32Array(buffer, at(layout.valuesOffset), n * columns)
    )
    const maxLen = family === 4 ? 32 : 128
    for (let i = 0; i < n; i++) {
      const p = tree.parent[i]
      if ((p !== NO_PARENT && p >= i) || tree.len[i] > maxLen)
        throw new TableFormatError(`PREFIX_TREE entry ${i} has a bad parent or length`)
    }
    return tree
  }

  /** Value index of column `c` at entry `i` (NO_VALUE when not defined there). */
  value(i: number, c: number): number {
    return this.values[i * this.columns + c]
  }

  /**
   * The value of column `c` that entry `i` holds or inherits (RFC 9240 §6.1.3: from the longest
   * containing prefix defining it), walking parents; NO_VALUE when none defines it.
   */
  inherited(i: number, c: number): number {
    const m = this.columns
    for (let j = i; j !== NO_PARENT; j = this.parent[j]) {
      const v = this.values[j * m + c]
      if (v !== NO_VALUE) return v
    }
    return NO_VALUE
  }

  /**
   * From `deepest` (the longest defined prefix containing the first address of a prefix of
   * length `len`, or -1), the longest defined prefix containing that whole prefix, or -1.
   */
  covering(deepest: number, len: number): number {
    let j = deepest
    while (j >= 0 && this.len[j] > len) {
      const p = this.parent[j]
      j = p === NO_PARENT ? -1 : p
    }
    return j
  }

  /** Compares entry i's start with `words` (the first `this.words per entry` of it). */
  private compareStart(i: number, words: ArrayLike<number>): number {
    const w = this.family === 4 ? 1 : 4
    for (let k = 0; k < w; k++) {
      const a = this.words[w * i + k]
      const b = words[k] >>> 0
      if (a !== b) return a < b ? -1 : 1
    }
    return 0
  }

  /**
   * The entries strictly inside the prefix (words, len): indexes [from, to). They are the
   * entries sorted after (words, len) whose start is at most the prefix's last address.
   */
  inside(words: ArrayLike<number>, len: number, last: ArrayLike<number>): [number, number] {
    // first entry > (words, len)
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const c = this.compareStart(mid, words)
      if (c < 0 || (c === 0 && this.len[mid] <= len)) lo = mid + 1
      else hi = mid
    }
    const from = lo
    // first entry whose start > last
    hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.compareStart(mid, last) <= 0) lo = mid + 1
      else hi = mid
    }
    return [from, lo]
  }
}

/** Encodes the values of a network map's PIDs (row = PID index). */
export function encodePidValues(count: number, columns: number, values: Uint32Array): Uint8Array {
  if (values.length !== count * columns) throw new RangeError('encodePidValues: wrong size')
  const payload = new Uint8Array(PID_HEADER_BYTES + 4 * values.length)
  const header = new DataView(payload.buffer)
  header.setUint32(0, count, true)
  header.setUint16(4, columns, true)
  new Uint32Array(payload.buffer, PID_HEADER_BYTES, values.length).set(values)
  return encodeContainer(TableKind.PID_VALUES, payload)
}

/** A decoded PID_VALUES table. */
export class PidValues {
  readonly count: number
  readonly columns: number
  readonly values: Uint32Array

  private constructor(count: number, columns: number, values: Uint32Array) {
    this.count = count
    this.columns = columns
    this.values = values
  }

  static open(blob: ArrayBuffer | Uint8Array): PidValues {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.PID_VALUES,
      PID_HEADER_BYTES
    )
    const count = header.getUint32(0, true)
    const columns = header.getUint16(4, true)
    assertPayloadSize(
      'PID_VALUES',
      payloadLength,
      PID_HEADER_BYTES + 4 * count * columns,
      `${count} PIDs, ${columns} columns`
    )
    return new PidValues(
      count,
      columns,
      new Uint32Array(buffer, payloadOffset + PID_HEADER_BYTES, count * columns)
    )
  }

  value(pid: number, c: number): number {
    return this.values[pid * this.columns + c]
  }
}
