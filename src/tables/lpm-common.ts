/**
 * @module Helpers shared by the LPM_V4 and LPM_V6 builders and decoders.
 */
import { TableFormatError } from './container.ts'

/** Largest number of direct-index bits K (the base[] table has 2^K + 1 entries). */
export const MAX_DIRECT_BITS = 16

/** Tables with more segments than this use K = MAX_DIRECT_BITS; smaller ones use fewer bits. */
export const FULL_DIRECT_INDEX_MIN_SEGMENTS = 4097

/**
 * Direct-index bits for a table of `segmentCount` segments when the caller gives none:
 * K = 16 for large tables (the base[] table, 256 KiB, is then small next to the entries and
 * keeps the binary search within a chunk short); for smaller tables about one chunk per
 * segment, so a 10-prefix map costs tens of bytes, not 256 KiB.
 */
export function chooseDirectBits(segmentCount: number): number {
  if (segmentCount >= FULL_DIRECT_INDEX_MIN_SEGMENTS) return MAX_DIRECT_BITS
  return Math.ceil(Math.log2(Math.max(1, segmentCount)))
}

/**
 * Direct-index bits for an LPM_V6 table of `segmentCount` top-level segments: about one chunk
 * per 32 segments. Every chunk costs an inserted start entry (10 bytes) plus 4 bytes of base[],
 * and IPv6 routes crowd into 2000::/3 (one eighth of the chunks), so the IPv4 rule (K = 16)
 * would spend most of a large IPv6 table on chunk starts of empty space. K = 13 for a full
 * BGP-sized table (~160k segments) keeps in-chunk binary searches to a few steps.
 */
export function chooseDirectBits6(segmentCount: number): number {
  const k = Math.ceil(Math.log2(Math.max(1, segmentCount))) - 5
  return Math.min(MAX_DIRECT_BITS, Math.max(0, k))
}

/** Throws a RangeError unless `k` is an integer in 0..MAX_DIRECT_BITS. */
export function assertDirectBits(k: number, what: string): void {
  if (!Number.isInteger(k) || k < 0 || k > MAX_DIRECT_BITS) {
    throw new RangeError(`${what}: directBits ${k} is not an integer in 0..${MAX_DIRECT_BITS}`)
  }
}

/**
 * Checks a base[]-style index table read from a blob: starts at 0, ends at `count`, and every
 * range [index[i], index[i+1]) is non-empty (a lookup relies on each chunk/block having a first
 * entry). O(index.length), not per entry.
 */
export function assertRangeIndex(what: string, index: Uint32Array, count: number): void {
  if (index[0] !== 0) throw new TableFormatError(`${what}[0] is ${index[0]}, expected 0`)
  const last = index.length - 1
  if (index[last] !== count) {
    throw new TableFormatError(
      `${what}[${last}] is ${index[last]}, expected the entry count ${count}`
    )
  }
  for (let i = 0; i < last; i++) {
    if (index[i] >= index[i + 1]) {
      throw new TableFormatError(
        `${what}[${i}] = ${index[i]} is not below ${what}[${i + 1}] = ${index[i + 1]} (empty range)`
      )
    }
  }
}

/** A growable list of u32 numbers (avoids boxing large builder arrays into objects). */
export class U32List {
  private data = new Uint32Array(1024)
  length = 0
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = v
  }
  get(i: number): number {
    return this.data[i]
  }
  last(): number {
    return this.data[this.length - 1]
  }
  /** The pushed values (a view, valid until the next push). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length)
  }
}
