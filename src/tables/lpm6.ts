/**
 * @module LPM_V6: longest-prefix match over IPv6 (docs/binary-format.md, "LPM_V6 payload").
 *
 * ```
 * payload offset  size               field
 * 0               1                  K            direct-index bits on w0, 0..16
 * 1               3                  reserved     0
 * 4               4                  entryCount   n
 * 8               4                  refineCount  R
 * 12              4                  subCount     m
 * 16              4*(2^K + 1)        base[]       entries of chunk c are [base[c], base[c+1]), c = w0 >>> (32 - K)
 * (pad to 8)      4*n                keyHi[]      w0 of the segment start
 * (pad to 8)      4*n                keyLo[]      w1 of the segment start
 * (pad to 8)      2*n                values[]     u16; REFINED | r for refined /64 block r
 * (pad to 8)      4*(R + 1)          refineBase[] sub-entries of block r are [refineBase[r], refineBase[r+1])
 * (pad to 8)      4*m                subHi[]      w2 of the sub-segment start
 * (pad to 8)      4*m                subLo[]      w3 of the sub-segment start
 * (pad to 8)      2*m                subValues[]  u16 (never REFINED)
 * ```
 * The top level is keyed by the upper 64 bits (w0:w1); a /64 block inside which the value changes
 * is refined, its sub-segments keyed by the lower 64 bits (w2:w3), the first one at key 0.
 * Lookups compare unsigned u32 words only (no BigInt).
 */
import {
  alignUp,
  assertPayloadSize,
  encodeContainer,
  openTable,
  TableFormatError,
  TableKind,
} from './container.ts'
import { formatIPv6, wordMask } from './ip.ts'
import {
  U32List,
  assertDirectBits,
  assertRangeIndex,
  chooseDirectBits6,
  MAX_DIRECT_BITS,
} from './lpm-common.ts'
import { MAX_REFINED_BLOCKS, NO_MATCH, REFINED, assertValueIndex } from './values.ts'

/** An IPv6 prefix (four u32 words, w0 most significant; host bits zero) mapped to a value index. */
export interface Prefix6 {
  words: readonly [number, number, number, number] | number[]
  len: number
  value: number
}

const LPM6_HEADER_BYTES = 16
const U64_MASK = (1n << 64n) - 1n
const ADDRESS_SPACE_6 = 1n << 128n

/** Byte offsets of the LPM_V6 payload sections, from the header fields. */
function lpm6Layout(directBits: number, entryCount: number, refineCount: number, subCount: number) {
  const baseOffset = LPM6_HEADER_BYTES
  const keyHiOffset = alignUp(baseOffset + 4 * (2 ** directBits + 1))
  const keyLoOffset = alignUp(keyHiOffset + 4 * entryCount)
  const valuesOffset = alignUp(keyLoOffset + 4 * entryCount)
  const refineBaseOffset = alignUp(valuesOffset + 2 * entryCount)
  const subHiOffset = alignUp(refineBaseOffset + 4 * (refineCount + 1))
  const subLoOffset = alignUp(subHiOffset + 4 * subCount)
  const subValuesOffset = alignUp(subLoOffset + 4 * subCount)
  const payloadLength = subValuesOffset + 2 * subCount
  return {
    baseOffset,
    keyHiOffset,
    keyLoOffset,
    valuesOffset,
    refineBaseOffset,
    subHiOffset,
    subLoOffset,
    subValuesOffset,
    payloadLength,
  }
}

/** The 128-bit integer of four u32 words. */
export function wordsToBigInt(w: readonly number[]): bigint {
  return (
    (BigInt(w[0] >>> 0) << 96n) |
    (BigInt(w[1] >>> 0) << 64n) |
    (BigInt(w[2] >>> 0) << 32n) |
    BigInt(w[3] >>> 0)
  )
}

/** Four u32 words of a 128-bit integer. */
export function bigIntToWords(x: bigint): [number, number, number, number] {
  return [
    Number((x >> 96n) & 0xffffffffn),
    Number((x >> 64n) & 0xffffffffn),
    Number((x >> 32n) & 0xffffffffn),
    Number(x & 0xffffffffn),
  ]
}

interface SortablePrefix6 {
  start: bigint
  len: number
  value: number
}

/**
 * Resolves nested IPv6 prefixes into merged segments over the 128-bit space: `starts[i]` begins
 * a maximal range whose longest-match value (or NO_MATCH) is `values[i]`; starts[0] = 0n,
 * adjacent values differ. Identical prefixes with different values throw.
 */
export function resolveSegments6(prefixes: readonly Prefix6[]): {
  starts: bigint[]
  values: number[]
} {
  const sorted: SortablePrefix6[] = prefixes.map((p, i) => {
    const w = p.words
    if (
      w.length !== 4 ||
      !w.every((x) => Number.isInteger(x)) ||
      !Number.isInteger(p.len) ||
      p.len < 0 ||
      p.len > 128
    ) {
      throw new RangeError(`buildLpm6: prefix ${i} (len ${p.len}) is not an IPv6 prefix`)
    }
    for (let k = 0; k < 4; k++) {
      if ((w[k] & ~wordMask(p.len - 32 * k)) >>> 0 !== 0) {
        throw new RangeError(`buildLpm6: prefix ${i} (${formatIPv6(w)}/${p.len}) has host bits set`)
      }
    }
    assertValueIndex(p.value, `buildLpm6: prefix ${i}`)
    return { start: wordsToBigInt(w), len: p.len, value: p.value }
  })
  sorted.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.len - b.len || a.value - b.value
  )

  const starts: bigint[] = []
  const values: number[] = []
  const emit = (start: bigint, endExclusive: bigint, value: number): void => {
    if (start >= endExclusive || values[values.length - 1] === value) return
    starts.push(start)
    values.push(value)
  }
  const stackEnd: bigint[] = [] // inclusive last address of each open prefix
  const stackValue: number[] = []
  let cursor = 0n
  const closePrefixesEndingBefore = (addr: bigint): void => {
    while (stackEnd.length > 0 && stackEnd[stackEnd.length - 1] < addr) {
      const end = stackEnd.pop()!
      emit(cursor, end + 1n, stackValue.pop()!)
      cursor = end + 1n
    }
  }
  let prev: SortablePrefix6 | undefined
  for (const p of sorted) {
    if (prev !== undefined && prev.start === p.start && prev.len === p.len) {
      if (prev.value === p.value) continue
      throw new RangeError(
        `buildLpm6: prefix ${formatIPv6(bigIntToWords(p.start))}/${p.len} is given twice, with values ${prev.value} and ${p.value}`
      )
    }
    prev = p
    closePrefixesEndingBefore(p.start)
    emit(cursor, p.start, stackValue.length > 0 ? stackValue[stackValue.length - 1] : NO_MATCH)
    cursor = p.start
    stackEnd.push(p.start + (1n << BigInt(128 - p.len)) - 1n)
    stackValue.push(p.value)
  }
  closePrefixesEndingBefore(ADDRESS_SPACE_6)
  emit(cursor, ADDRESS_SPACE_6, NO_MATCH)
  return { starts, values }
}

/**
 * Splits 128-bit segments into the top level (keyed by the upper 64 bits) and refined /64
 * blocks: a block in which some segment starts at a non-zero lower half is refined; its
 * top-level value is REFINED | r and its sub-segments (first at lower half 0) go to block r.
 */
function splitAt64(starts: bigint[], values: number[]) {
  const topKeys: bigint[] = []
  const topValues: number[] = []
  const pushTop = (key: bigint, value: number): void => {
    const last = topValues[topValues.length - 1]
    if (last === value && value < REFINED) return // merge equal plain values, never refined ones
    topKeys.push(key)
    topValues.push(value)
  }
  const refineBase: number[] = [0]
  const subKeys: bigint[] = []
  const subValues: number[] = []
  const segmentCount = starts.length
  // A block is refined when a segment starts inside it, not at its first address.
  const isRefined = new Set<bigint>()
  for (const s of starts) if ((s & U64_MASK) !== 0n) isRefined.add(s >> 64n)

  let i = 0
  while (i < segmentCount) {
    const block = starts[i] >> 64n
    if (!isRefined.has(block)) {
      pushTop(block, values[i]) // starts[i] is the block's first address
      i++
      continue
    }
    const r = refineBase.length - 1
    if (r >= MAX_REFINED_BLOCKS) {
      throw new RangeError(
        `buildLpm6: more than ${MAX_REFINED_BLOCKS} refined /64 blocks (blocks in which the value changes because a prefix longer than /64 starts or ends there)`
      )
    }
    pushTop(block, REFINED | r)
    // The block's first address is covered by the segment in force there: segment i when it
    // starts exactly at the block, else segment i - 1 (which began in an earlier block).
    if ((starts[i] & U64_MASK) !== 0n) {
      subKeys.push(0n)
      subValues.push(values[i - 1])
    }
    while (i < segmentCount && starts[i] >> 64n === block) {
      subKeys.push(starts[i] & U64_MASK)
      subValues.push(values[i])
      i++
    }
    refineBase.push(subValues.length)
    // The next block starts with the value in force at the end of this one, unless a segment
    // starts in it (then the loop handles it).
    const nextBlock = block + 1n
    const nextHandled = i < segmentCount && starts[i] >> 64n === nextBlock
    if (nextBlock <= U64_MASK && !nextHandled) pushTop(nextBlock, values[i - 1])
  }
  return { topKeys, topValues, refineBase, subKeys, subValues }
}

/**
 * Builds an LPM_V6 container blob from (possibly nested) prefixes; longest match wins, uncovered
 * addresses get NO_MATCH. Prefixes longer than /64 (or not ending on a /64 boundary) produce
 * refined /64 blocks; more than 32,767 of them throw. `directBits` (K on w0, 0..16) defaults to
 * chooseDirectBits6(top-level segment count). The output depends only on the set of prefixes.
 */
export function buildLpm6(
  prefixes: readonly Prefix6[],
  opts?: { directBits?: number }
): Uint8Array {
  const segments = resolveSegments6(prefixes)
  const { topKeys, topValues, refineBase, subKeys, subValues } = splitAt64(
    segments.starts,
    segments.values
  )
  const directBits = opts?.directBits ?? chooseDirectBits6(topKeys.length)
  assertDirectBits(directBits, 'buildLpm6')
  const chunkCount = 2 ** directBits
  const chunkShift = BigInt(64 - directBits)

  const base = new Uint32Array(chunkCount + 1)
  const keyHi = new U32List()
  const keyLo = new U32List()
  const entryValues: number[] = []
  const pushEntry = (key: bigint, value: number): void => {
    keyHi.push(Number(key >> 32n))
    keyLo.push(Number(key & 0xffffffffn))
    entryValues.push(value)
  }
  let inForce = 0
  for (let c = 0; c < chunkCount; c++) {
    const chunkStart = BigInt(c) << chunkShift
    const chunkEnd = BigInt(c + 1) << chunkShift
    while (inForce + 1 < topKeys.length && topKeys[inForce + 1] <= chunkStart) inForce++
    base[c] = entryValues.length
    // A refined value covers only its own /64 block, so it is in force here only when that
    // block is this chunk's first block.
    if (topValues[inForce] >= REFINED && topKeys[inForce] !== chunkStart) {
      throw new Error('buildLpm6: internal error: refined block value carried into a chunk start')
    }
    pushEntry(chunkStart, topValues[inForce])
    while (inForce + 1 < topKeys.length && topKeys[inForce + 1] < chunkEnd) {
      inForce++
      pushEntry(topKeys[inForce], topValues[inForce])
    }
  }
  const entryCount = entryValues.length
  base[chunkCount] = entryCount
  const refineCount = refineBase.length - 1
  const subCount = subValues.length

  const layout = lpm6Layout(directBits, entryCount, refineCount, subCount)
  const buf = new ArrayBuffer(layout.payloadLength)
  const header = new DataView(buf)
  header.setUint8(0, directBits)
  header.setUint32(4, entryCount, true)
  header.setUint32(8, refineCount, true)
  header.setUint32(12, subCount, true)
  new Uint32Array(buf, layout.baseOffset, chunkCount + 1).set(base)
  new Uint32Array(buf, layout.keyHiOffset, entryCount).set(keyHi.view())
  new Uint32Array(buf, layout.keyLoOffset, entryCount).set(keyLo.view())
  new Uint16Array(buf, layout.valuesOffset, entryCount).set(entryValues)
  new Uint32Array(buf, layout.refineBaseOffset, refineCount + 1).set(refineBase)
  const subHi = new Uint32Array(buf, layout.subHiOffset, subCount)
  const subLo = new Uint32Array(buf, layout.subLoOffset, subCount)
  subKeys.forEach((k, j) => {
    subHi[j] = Number(k >> 32n)
    subLo[j] = Number(k & 0xffffffffn)
  })
  new Uint16Array(buf, layout.subValuesOffset, subCount).set(subValues)
  return encodeContainer(TableKind.LPM_V6, new Uint8Array(buf))
}

/** A decoded LPM_V6 table: typed-array views over the blob, no per-entry decoding. */
export class Lpm6 {
  /** Number of top-level entries, chunk-start entries included. */
  readonly entryCount: number
  /** Number of refined /64 blocks. */
  readonly refineCount: number
  /** Number of sub-entries over all refined blocks. */
  readonly subCount: number
  /** K: the top K bits of w0 index base[] directly. */
  readonly directBits: number
  /** Byte length of the blob (container included). */
  readonly byteLength: number
  /**
   * Value of the longest prefix containing the address w0:w1:w2:w3 (u32 words, w0 most
   * significant, signed or unsigned), or NO_MATCH.
   */
  readonly lookup: (w0: number, w1: number, w2: number, w3: number) => number

  private constructor(
    entryCount: number,
    refineCount: number,
    subCount: number,
    directBits: number,
    byteLength: number,
    lookup: (w0: number, w1: number, w2: number, w3: number) => number
  ) {
    this.entryCount = entryCount
    this.refineCount = refineCount
    this.subCount = subCount
    this.directBits = directBits
    this.byteLength = byteLength
    this.lookup = lookup
  }

  /** lookup() on an address given as an array of four words (e.g. parseIPv6's result). */
  lookupWords(w: readonly number[]): number {
    return this.lookup(w[0], w[1], w[2], w[3])
  }

  /** Verifies the container (checksum included) and takes views over the blob's bytes. */
  static open(blob: ArrayBuffer | Uint8Array): Lpm6 {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.LPM_V6,
      LPM6_HEADER_BYTES
    )
    const directBits = header.getUint8(0)
    const entryCount = header.getUint32(4, true)
    const refineCount = header.getUint32(8, true)
    const subCount = header.getUint32(12, true)
    if (directBits > MAX_DIRECT_BITS) {
      throw new TableFormatError(
        `LPM_V6 direct-index bits K = ${directBits} exceeds ${MAX_DIRECT_BITS}`
      )
    }
    if (refineCount > MAX_REFINED_BLOCKS) {
      throw new TableFormatError(`LPM_V6 refine count ${refineCount} exceeds ${MAX_REFINED_BLOCKS}`)
    }
    const layout = lpm6Layout(directBits, entryCount, refineCount, subCount)
    assertPayloadSize(
      'LPM_V6',
      payloadLength,
      layout.payloadLength,
      `K = ${directBits}, ${entryCount} entries, ${refineCount} refined blocks, ${subCount} sub-entries`
    )
    const at = (offset: number): number => payloadOffset + offset
    const base = new Uint32Array(buffer, at(layout.baseOffset), 2 ** directBits + 1)
    assertRangeIndex('LPM_V6 base', base, entryCount)
    const refineBase = new Uint32Array(buffer, at(layout.refineBaseOffset), refineCount + 1)
    assertRangeIndex('LPM_V6 refineBase', refineBase, subCount)
    const lookup = lookupV6(
      directBits,
      base,
      new Uint32Array(buffer, at(layout.keyHiOffset), entryCount),
      new Uint32Array(buffer, at(layout.keyLoOffset), entryCount),
      new Uint16Array(buffer, at(layout.valuesOffset), entryCount),
      refineBase,
      new Uint32Array(buffer, at(layout.subHiOffset), subCount),
      new Uint32Array(buffer, at(layout.subLoOffset), subCount),
      new Uint16Array(buffer, at(layout.subValuesOffset), subCount)
    )
    return new Lpm6(entryCount, refineCount, subCount, directBits, blob.byteLength, lookup)
  }
}

/** Chunks with more entries than this get a bucket index at open (see {@link bucketIndex}). */
const BUCKETED_CHUNK_ENTRIES = 64
/** At most 2^12 buckets per chunk (16 KiB of index). */
const MAX_BUCKET_BITS = 12

/**
 * Built at open, not stored: a second direct index for the large chunks. IPv6 tables have few,
 * crowded chunks (the ASN map: K = 13, chunks of up to 28,601 entries, a 14-step binary search
 * with a cache miss per step). A chunk of s > {@link BUCKETED_CHUNK_ENTRIES} entries is cut into
 * 2^b buckets by the next b bits of w0 (b = ceil(log2 s) - 3, at most {@link MAX_BUCKET_BITS}:
 * about 8 entries per bucket); `first[at[c] + j]` is the last entry whose key is <= the start of
 * bucket j, so an address in bucket j is searched in [first[j], first[j + 1]] only. For the ASN
 * map's 170,154 entries: 29,259 index entries (114 KiB), built in ~2.2 ms warm and ~9 ms in a
 * cold isolate (once per table, beside the ~4 ms checksum of open); lookups on in-table addresses
 * 99 -> 66 ns.
 */
function bucketIndex(
  directBits: number,
  base: Uint32Array,
  keyHi: Uint32Array,
  keyLo: Uint32Array
) {
  const chunks = base.length - 1
  const at = new Int32Array(chunks).fill(-1)
  const bits = new Uint8Array(chunks)
  let total = 0
  for (let c = 0; c < chunks; c++) {
    const size = base[c + 1] - base[c]
    if (size <= BUCKETED_CHUNK_ENTRIES) continue
    const b = Math.min(MAX_BUCKET_BITS, 32 - directBits, Math.ceil(Math.log2(size)) - 3)
    if (b <= 0) continue
    bits[c] = b
    at[c] = total
    total += 2 ** b + 1
  }
  const first = new Uint32Array(total)
  for (let c = 0; c < chunks; c++) {
    if (at[c] < 0) continue
    const b = bits[c]
    const shift = 32 - directBits - b
    const chunkBits = directBits === 0 ? 0 : (c << (32 - directBits)) >>> 0
    let e = base[c] // the chunk's first entry starts the chunk: <= every bucket start
    const end = base[c + 1]
    for (let j = 0; j < 2 ** b; j++) {
      // Bucket j starts at w0 = chunkBits | j << shift, w1 = 0; keys are sorted.
      const startHi = (chunkBits | (j * 2 ** shift)) >>> 0
      while (
        e + 1 < end &&
        (keyHi[e + 1] < startHi || (keyHi[e + 1] === startHi && keyLo[e + 1] === 0))
      )
        e++
      first[at[c] + j] = e
    }
    first[at[c] + 2 ** b] = end - 1
  }
  return { at, bits, first }
}

/** The LPM_V6 lookup loop over the given section views. */
function lookupV6(
  directBits: number,
  base: Uint32Array,
  keyHi: Uint32Array,
  keyLo: Uint32Array,
  values: Uint16Array,
  refineBase: Uint32Array,
  subHi: Uint32Array,
  subLo: Uint32Array,
  subValues: Uint16Array
) {
  // c = w0 >>> (32 - K), written as two shifts so that K = 0 gives 0 (a JS shift count is mod 32).
  const shiftMinusOne = 31 - directBits
  const buckets = bucketIndex(directBits, base, keyHi, keyLo)
  const bucketAt = buckets.at
  const bucketBits = buckets.bits
  const bucketFirst = buckets.first
  const chunkLowBits = 32 - directBits
  return (w0: number, w1: number, w2: number, w3: number): number => {
    const hi = w0 >>> 0
    const lo = w1 >>> 0
    const c = (hi >>> shiftMinusOne) >>> 1
    let l: number
    let h: number
    const at = bucketAt[c]
    if (at < 0) {
      l = base[c] + 1 // entry base[c] is the chunk start, <= every address in the chunk
      h = base[c + 1]
    } else {
      const b = bucketBits[c]
      const j = (hi >>> (chunkLowBits - b)) & ((1 << b) - 1)
      l = bucketFirst[at + j] + 1 // <= the bucket's start, so <= the address
      h = bucketFirst[at + j + 1] + 1 // entries after it start beyond the bucket
    }
    while (l < h) {
      const mid = (l + h) >>> 1
      const k = keyHi[mid]
      if (k < hi || (k === hi && keyLo[mid] <= lo)) l = mid + 1
      else h = mid
    }
    const value = values[l - 1]
    if (value < REFINED) return value
    const block = value & ~REFINED
    const subHiKey = w2 >>> 0
    const subLoKey = w3 >>> 0
    l = refineBase[block] + 1 // the block's first sub-entry has key 0
    h = refineBase[block + 1]
    while (l < h) {
      const mid = (l + h) >>> 1
      const k = subHi[mid]
      if (k < subHiKey || (k === subHiKey && subLo[mid] <= subLoKey)) l = mid + 1
      else h = mid
    }
    return subValues[l - 1]
  }
}

/**
 * Test oracle, deliberately slow and obviously correct: the value of the longest prefix in
 * `prefixes` containing the address `w` (linear scan, word by word), or NO_MATCH.
 */
export function referenceLookup6(prefixes: readonly Prefix6[], w: readonly number[]): number {
  let bestLen = -1
  let bestValue = NO_MATCH
  for (const p of prefixes) {
    let contains = true
    for (let k = 0; k < 4 && contains; k++) {
      contains = ((w[k] ^ p.words[k]) & wordMask(p.len - 32 * k)) === 0
    }
    if (contains && p.len > bestLen) {
      bestLen = p.len
      bestValue = p.value
    }
  }
  return bestValue
}
