/**
 * @module LPM_V4: longest-prefix match over IPv4 (docs/binary-format.md, "LPM_V4 payload").
 *
 * ```
 * payload offset  size               field
 * 0               1                  K            direct-index bits, 0..16
 * 1               1                  keyWidth     2 (only when K = 16) or 4
 * 2               2                  reserved     0
 * 4               4                  entryCount   n
 * 8               4*(2^K + 1)        base[]       u32: entries of chunk c are [base[c], base[c+1])
 * (pad to 8)      keyWidth*n         keys[]       K = 16: u16 = address & 0xFFFF; else u32 = address
 * (pad to 8)      2*n                values[]     u16 value of the segment starting at keys[i]
 * ```
 * Chunk c = ip >>> (32 - K) (0 when K = 0); its first entry's key is the chunk's first address.
 * Lookup: i = last index in [base[c], base[c+1]) with keys[i] <= key; value = values[i].
 */
import {
  alignUp,
  assertPayloadSize,
  encodeContainer,
  openTable,
  TableFormatError,
  TableKind,
} from './container.ts'
import { wordMask } from './ip.ts'
import {
  MAX_DIRECT_BITS,
  U32List,
  assertDirectBits,
  assertRangeIndex,
  chooseDirectBits,
} from './lpm-common.ts'
import { NO_MATCH, assertValueIndex } from './values.ts'

/** An IPv4 prefix addr/len (host bits zero) mapped to a value index (< MAX_VALUES). */
export interface Prefix4 {
  /** Address as a u32 (signed or unsigned). */
  addr: number
  len: number
  value: number
}

const LPM4_HEADER_BYTES = 8
const ADDRESS_SPACE_4 = 2 ** 32

/** Byte offsets of the LPM_V4 payload sections, from the header fields. */
function lpm4Layout(directBits: number, keyWidth: number, entryCount: number) {
  const baseOffset = LPM4_HEADER_BYTES
  const keysOffset = alignUp(baseOffset + 4 * (2 ** directBits + 1))
  const valuesOffset = alignUp(keysOffset + keyWidth * entryCount)
  const payloadLength = valuesOffset + 2 * entryCount
  return { baseOffset, keysOffset, valuesOffset, payloadLength }
}

/**
 * Resolves nested IPv4 prefixes into merged segments: `starts[i]` is the first address of a
 * maximal range over which the longest matching prefix's value (or NO_MATCH) is `values[i]`.
 * starts[0] = 0, starts ascend, adjacent values differ. Identical prefixes with different values
 * throw.
 */
export function resolveSegments4(prefixes: readonly Prefix4[]): {
  starts: Uint32Array
  values: Uint16Array
} {
  // Sort by (addr, len, value) through one exact double per prefix:
  // key = (addr * 64 + len) * 32768 + value < 2^53 (32 + 6 + 15 bits).
  const sortKeys = new Float64Array(prefixes.length)
  prefixes.forEach((p, i) => {
    const addr = p.addr >>> 0
    const addrInRange = Number.isInteger(p.addr) && p.addr >= -0x80000000 && p.addr <= 0xffffffff
    if (!addrInRange || !Number.isInteger(p.len) || p.len < 0 || p.len > 32) {
      throw new RangeError(
        `buildLpm4: prefix ${i} has addr ${p.addr}, len ${p.len}: not an IPv4 prefix`
      )
    }
    if ((addr & ~wordMask(p.len)) >>> 0 !== 0) {
      throw new RangeError(`buildLpm4: prefix ${i} (${addr}/${p.len}) has host bits set`)
    }
    assertValueIndex(p.value, `buildLpm4: prefix ${i}`)
    sortKeys[i] = (addr * 64 + p.len) * 32768 + p.value
  })
  sortKeys.sort()

  const starts = new U32List()
  const values: number[] = []
  /** Appends the range [start, endExclusive) with `value`, merging with the previous one. */
  const emit = (start: number, endExclusive: number, value: number): void => {
    if (start >= endExclusive || values[values.length - 1] === value) return
    starts.push(start)
    values.push(value)
  }
  // Open prefixes, each nested in the one below: inclusive last address and value.
  const stackEnd: number[] = []
  const stackValue: number[] = []
  let cursor = 0 // first address not yet emitted
  const closePrefixesEndingBefore = (addr: number): void => {
    while (stackEnd.length > 0 && stackEnd[stackEnd.length - 1] < addr) {
      const end = stackEnd.pop()!
      emit(cursor, end + 1, stackValue.pop()!)
      cursor = end + 1
    }
  }
  let prevAddr = -1
  let prevLen = -1
  let prevValue = -1
  for (const key of sortKeys) {
    const value = key % 32768
    const addrLen = (key - value) / 32768
    const len = addrLen % 64
    const addr = (addrLen - len) / 64
    if (addr === prevAddr && len === prevLen) {
      if (value === prevValue) continue // exact duplicate
      throw new RangeError(
        `buildLpm4: prefix ${addr}/${len} is given twice, with values ${prevValue} and ${value}`
      )
    }
    prevAddr = addr
    prevLen = len
    prevValue = value
    closePrefixesEndingBefore(addr)
    emit(cursor, addr, stackValue.length > 0 ? stackValue[stackValue.length - 1] : NO_MATCH)
    cursor = addr
    stackEnd.push(addr + 2 ** (32 - len) - 1)
    stackValue.push(value)
  }
  closePrefixesEndingBefore(ADDRESS_SPACE_4)
  emit(cursor, ADDRESS_SPACE_4, NO_MATCH)
  return { starts: starts.view().slice(), values: Uint16Array.from(values) }
}

/**
 * Builds an LPM_V4 container blob from (possibly nested) prefixes: the longest matching prefix
 * decides an address's value; addresses no prefix covers get NO_MATCH. `directBits` (K, 0..16)
 * defaults to chooseDirectBits(segment count); keys are u16 exactly when K = 16. The output
 * depends only on the set of prefixes, not on their order.
 */
export function buildLpm4(
  prefixes: readonly Prefix4[],
  opts?: { directBits?: number }
): Uint8Array {
  const { starts, values } = resolveSegments4(prefixes)
  const directBits = opts?.directBits ?? chooseDirectBits(starts.length)
  assertDirectBits(directBits, 'buildLpm4')
  const keyWidth = directBits === MAX_DIRECT_BITS ? 2 : 4
  const chunkCount = 2 ** directBits
  const chunkSize = 2 ** (32 - directBits)

  // Entries: every segment start, plus each chunk's first address carrying the value in force.
  const base = new Uint32Array(chunkCount + 1)
  const entryKeys = new U32List()
  const entryValues: number[] = []
  let inForce = 0 // index of the segment covering the current chunk's first address
  for (let c = 0; c < chunkCount; c++) {
    const chunkStart = c * chunkSize
    const chunkEnd = chunkStart + chunkSize
    while (inForce + 1 < starts.length && starts[inForce + 1] <= chunkStart) inForce++
    base[c] = entryValues.length
    entryKeys.push(chunkStart)
    entryValues.push(values[inForce])
    while (inForce + 1 < starts.length && starts[inForce + 1] < chunkEnd) {
      inForce++
      entryKeys.push(starts[inForce])
      entryValues.push(values[inForce])
    }
  }
  const entryCount = entryValues.length
  base[chunkCount] = entryCount

  const layout = lpm4Layout(directBits, keyWidth, entryCount)
  const payload = new Uint8Array(layout.payloadLength)
  const header = new DataView(payload.buffer)
  header.setUint8(0, directBits)
  header.setUint8(1, keyWidth)
  header.setUint32(4, entryCount, true)
  new Uint32Array(payload.buffer, layout.baseOffset, chunkCount + 1).set(base)
  const keys =
    keyWidth === 2
      ? new Uint16Array(payload.buffer, layout.keysOffset, entryCount)
      : new Uint32Array(payload.buffer, layout.keysOffset, entryCount)
  keys.set(entryKeys.view()) // a Uint16Array keeps the low 16 bits: address & 0xFFFF
  new Uint16Array(payload.buffer, layout.valuesOffset, entryCount).set(entryValues)
  return encodeContainer(TableKind.LPM_V4, payload)
}

/** A decoded LPM_V4 table: typed-array views over the blob, no per-entry decoding. */
export class Lpm4 {
  /** Number of (key, value) entries, chunk-start entries included. */
  readonly entryCount: number
  /** K: the top K address bits index base[] directly. */
  readonly directBits: number
  /** Bytes per key: 2 (K = 16) or 4. */
  readonly keyWidth: number
  /** Byte length of the blob (container included). */
  readonly byteLength: number
  /**
   * Value of the longest prefix containing `ip` (a u32, signed or unsigned), or NO_MATCH.
   * The u16- or u32-key loop is chosen once, at open.
   */
  readonly lookup: (ip: number) => number
  /**
   * lookup() of the address whose top and bottom 16 bits are `hi` and `lo` (as parseIPv4Halves
   * writes them): with K = 16 `hi` IS the direct index and `lo` the key, so the 32-bit word is
   * never built (small integers only, nothing boxed on the way from the parser).
   */
  readonly lookupHalves: (hi: number, lo: number) => number

  private constructor(
    entryCount: number,
    directBits: number,
    keyWidth: number,
    byteLength: number,
    lookup: (ip: number) => number,
    lookupHalves: (hi: number, lo: number) => number
  ) {
    this.entryCount = entryCount
    this.directBits = directBits
    this.keyWidth = keyWidth
    this.byteLength = byteLength
    this.lookup = lookup
    this.lookupHalves = lookupHalves
  }

  /** Verifies the container (checksum included) and takes views over the blob's bytes. */
  static open(blob: ArrayBuffer | Uint8Array): Lpm4 {
    const { buffer, payloadOffset, payloadLength, header } = openTable(
      blob,
      TableKind.LPM_V4,
      LPM4_HEADER_BYTES
    )
    const directBits = header.getUint8(0)
    const keyWidth = header.getUint8(1)
    const entryCount = header.getUint32(4, true)
    if (directBits > MAX_DIRECT_BITS) {
      throw new TableFormatError(
        `LPM_V4 direct-index bits K = ${directBits} exceeds ${MAX_DIRECT_BITS}`
      )
    }
    if (!(keyWidth === 4 || (keyWidth === 2 && directBits === MAX_DIRECT_BITS))) {
      throw new TableFormatError(`LPM_V4 key width ${keyWidth} is invalid with K = ${directBits}`)
    }
    const layout = lpm4Layout(directBits, keyWidth, entryCount)
    assertPayloadSize(
      'LPM_V4',
      payloadLength,
      layout.payloadLength,
      `K = ${directBits}, key width ${keyWidth}, ${entryCount} entries`
    )
    const base = new Uint32Array(buffer, payloadOffset + layout.baseOffset, 2 ** directBits + 1)
    assertRangeIndex('LPM_V4 base', base, entryCount)
    const values = new Uint16Array(buffer, payloadOffset + layout.valuesOffset, entryCount)
    const keysOffset = payloadOffset + layout.keysOffset
    let lookup: (ip: number) => number
    let lookupHalves: (hi: number, lo: number) => number
    if (keyWidth === 2) {
      lookupHalves = lookupU16Halves(base, new Uint16Array(buffer, keysOffset, entryCount), values)
      lookup = (ip) => lookupHalves(ip >>> 16, ip & 0xffff)
    } else {
      lookup = lookupU32Keys(
        directBits,
        base,
        new Uint32Array(buffer, keysOffset, entryCount),
        values
      )
      lookupHalves = (hi, lo) => lookup(((hi << 16) | lo) >>> 0)
    }
    return new Lpm4(entryCount, directBits, keyWidth, blob.byteLength, lookup, lookupHalves)
  }
}

/** Lookup loop for K = 16 with u16 keys: chunk c = the top 16 bits, key = the bottom 16. */
function lookupU16Halves(base: Uint32Array, keys: Uint16Array, values: Uint16Array) {
  return (c: number, key: number): number => {
    let lo = base[c] + 1 // keys[base[c]] is the chunk start, <= every key in the chunk
    let hi = base[c + 1]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (keys[mid] <= key) lo = mid + 1
      else hi = mid
    }
    return values[lo - 1]
  }
}

/** Lookup loop for u32 keys (whole addresses), any K in 0..16. */
function lookupU32Keys(
  directBits: number,
  base: Uint32Array,
  keys: Uint32Array,
  values: Uint16Array
) {
  // c = ip >>> (32 - K), written as two shifts so that K = 0 gives 0 (a JS shift count is mod 32).
  const shiftMinusOne = 31 - directBits
  return (ip: number): number => {
    const key = ip >>> 0
    const c = (key >>> shiftMinusOne) >>> 1
    let lo = base[c] + 1
    let hi = base[c + 1]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (keys[mid] <= key) lo = mid + 1
      else hi = mid
    }
    return values[lo - 1]
  }
}

/**
 * Test oracle, deliberately slow and obviously correct: the value of the longest prefix in
 * `prefixes` containing `ip` (linear scan), or NO_MATCH.
 */
export function referenceLookup4(prefixes: readonly Prefix4[], ip: number): number {
  let bestLen = -1
  let bestValue = NO_MATCH
  for (const p of prefixes) {
    const contains = ((ip ^ p.addr) & wordMask(p.len)) === 0
    if (contains && p.len > bestLen) {
      bestLen = p.len
      bestValue = p.value
    }
  }
  return bestValue
}
