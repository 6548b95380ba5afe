/**
 * @module Extracts every network (prefix → value) of a MaxMind DB file by walking its search
 * tree, so our tables can be built from exactly the data the `maxmind` reader answers from.
 *
 * MMDB search tree (MaxMind DB spec 2.0): node i occupies nodeByteSize bytes at i*nodeByteSize;
 * it holds two records (left = bit 0, right = bit 1) of recordSize bits each:
 *
 *   24-bit: | left (3 B, BE) | right (3 B, BE) |
 *   28-bit: | left low 24 (3 B) | left high 4 : right high 4 (1 B) | right low 24 (3 B) |
 *   32-bit: | left (4 B, BE) | right (4 B, BE) |
 *
 * A record value v < nodeCount is the next node; v === nodeCount means "no data"; v > nodeCount
 * points into the data section. Values are decoded through the reader's public `get()` on the
 * network's first address (once per distinct data pointer), so no private API is touched.
 */
import type { Reader, Response } from 'maxmind'
import { formatIPv4, formatIPv6 } from '../../src/tables/index.ts'

export interface MmdbNetworks {
  /** IPv4: addr = u32; IPv6: words = 4 u32 (w0 most significant). */
  v4: { addr: number; len: number; value: number }[]
  v6: { words: [number, number, number, number]; len: number; value: number }[]
  /** Distinct decoded values (`pickValue` of the record), index = value above. */
  values: string[]
}

function recordReader(db: Uint8Array, recordSize: number): (node: number, bit: 0 | 1) => number {
  switch (recordSize) {
    case 24:
      return (node, bit) => {
        const o = node * 6 + bit * 3
        return (db[o] << 16) | (db[o + 1] << 8) | db[o + 2]
      }
    case 28:
      return (node, bit) => {
        const o = node * 7
        const mid = db[o + 3]
        return bit === 0
          ? (((mid & 0xf0) << 20) | (db[o] << 16) | (db[o + 1] << 8) | db[o + 2]) >>> 0
          : (((mid & 0x0f) << 24) | (db[o + 4] << 16) | (db[o + 5] << 8) | db[o + 6]) >>> 0
      }
    case 32:
      return (node, bit) => {
        const o = node * 8 + bit * 4
        return ((db[o] << 24) | (db[o + 1] << 16) | (db[o + 2] << 8) | db[o + 3]) >>> 0
      }
    default:
      throw new Error(`unsupported MMDB record size ${recordSize}`)
  }
}

function bigToWords(x: bigint): [number, number, number, number] {
  return [
    Number((x >> 96n) & 0xffffffffn),
    Number((x >> 64n) & 0xffffffffn),
    Number((x >> 32n) & 0xffffffffn),
    Number(x & 0xffffffffn),
  ]
}

/**
 * Walks the whole tree of `db` (the file bytes `reader` was opened on). For an IPv6 tree, the
 * IPv4 part (the ::/96 subtree) is reported as IPv4 networks only when `ipVersion` is 4.
 */
export function walkMmdb<T extends Response>(
  reader: Reader<T>,
  db: Uint8Array,
  pickValue: (record: T) => string
): MmdbNetworks {
  const { nodeCount, recordSize, ipVersion } = reader.metadata
  const read = recordReader(db, recordSize)
  const bits = ipVersion === 4 ? 32 : 128
  const out: MmdbNetworks = { v4: [], v6: [], values: [] }
  const valueOfPointer = new Map<number, number>()
  const valueIndex = new Map<string, number>()

  // Iterative DFS: (node, depth, prefix bits so far as a bigint left-aligned at `bits`).
  const stack: { node: number; depth: number; prefix: bigint }[] = [
    { node: 0, depth: 0, prefix: 0n },
  ]
  while (stack.length > 0) {
    const { node, depth, prefix } = stack.pop()!
    for (const bit of [1, 0] as const) {
      const child = read(node, bit)
      const childPrefix = bit ? prefix | (1n << BigInt(bits - depth - 1)) : prefix
      if (child < nodeCount) {
        if (depth + 1 >= bits) throw new Error('MMDB tree deeper than the address size')
        stack.push({ node: child, depth: depth + 1, prefix: childPrefix })
        continue
      }
      if (child === nodeCount) continue // no data for this network
      let value = valueOfPointer.get(child)
      if (value === undefined) {
        const text =
          ipVersion === 4 ? formatIPv4(Number(childPrefix)) : formatIPv6(bigToWords(childPrefix))
        const record = reader.get(text)
        if (record === null) throw new Error(`reader has no record for ${text}, the walk found one`)
        const name = pickValue(record)
        value = valueIndex.get(name)
        if (value === undefined) {
          value = out.values.length
          out.values.push(name)
          valueIndex.set(name, value)
        }
        valueOfPointer.set(child, value)
      }
      if (ipVersion === 4) out.v4.push({ addr: Number(childPrefix), len: depth + 1, value })
      else out.v6.push({ words: bigToWords(childPrefix), len: depth + 1, value })
    }
  }
  return out
}
