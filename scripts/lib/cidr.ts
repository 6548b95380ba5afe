/**
 * @module Address-range → CIDR conversion and canonical prefix text, for the map generators.
 * Pure (no Node imports). IPv4 addresses are plain numbers in [0, 2^32); IPv6 addresses are
 * bigints in [0, 2^128).
 */
import {
  formatIPv4 as formatIPv4Words,
  formatIPv6 as formatIPv6Words,
} from '../../src/tables/ip.ts'

/** A CIDR block: its first address and its prefix length. */
export interface Cidr<A> {
  start: A
  len: number
}

const TWO_32 = 2 ** 32
const TWO_128 = 1n << 128n

/** Number of trailing zero bits of a u32 (32 for 0). */
function trailingZeros32(x: number): number {
  const lowBit = (x & -x) >>> 0
  return lowBit === 0 ? 32 : 31 - Math.clz32(lowBit)
}

/** floor(log2(n)) for an integer n in [1, 2^32]. */
function floorLog2(n: number): number {
  let bits = 31 - Math.clz32(n >>> 0)
  if (n >= TWO_32) bits = 32 // n === 2^32 wraps to 0 above
  return bits
}

/**
 * Greedy split of the inclusive IPv4 range [start, end] into the minimal list of CIDR blocks,
 * in address order: at each step take the largest block that starts at `start` (aligned) and
 * does not pass `end`.
 */
export function rangeToCidrs4(start: number, end: number): Cidr<number>[] {
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end >= TWO_32 ||
    start > end
  ) {
    throw new RangeError(`bad IPv4 range ${start}-${end}`)
  }
  const out: Cidr<number>[] = []
  let cur = start
  while (cur <= end) {
    const alignBits = trailingZeros32(cur)
    const sizeBits = floorLog2(end - cur + 1)
    const hostBits = Math.min(alignBits, sizeBits)
    out.push({ start: cur, len: 32 - hostBits })
    cur += 2 ** hostBits
  }
  return out
}

/** Bit length of a non-negative bigint (0 for 0). */
function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length
}

/** IPv6 counterpart of {@link rangeToCidrs4} over bigints. */
export function rangeToCidrs6(start: bigint, end: bigint): Cidr<bigint>[] {
  if (start < 0n || end >= TWO_128 || start > end)
    throw new RangeError(`bad IPv6 range ${start}-${end}`)
  const out: Cidr<bigint>[] = []
  let cur = start
  while (cur <= end) {
    const alignBits = cur === 0n ? 128 : bitLength(cur & -cur) - 1
    const sizeBits = bitLength(end - cur + 1n) - 1
    const hostBits = Math.min(alignBits, sizeBits)
    out.push({ start: cur, len: 128 - hostBits })
    cur += 1n << BigInt(hostBits)
  }
  return out
}

/** Dotted-quad text of a u32 (the table module's formatter). */
export const formatIPv4 = formatIPv4Words

/** RFC 5952 canonical text of an IPv6 address given as a bigint (the table module's formatter). */
export function formatIPv6(addr: bigint): string {
  const word = (k: number) => Number((addr >> BigInt(96 - 32 * k)) & 0xffffffffn)
  return formatIPv6Words([word(0), word(1), word(2), word(3)])
}

export const formatCidr4 = (c: Cidr<number>): string => `${formatIPv4(c.start)}/${c.len}`
export const formatCidr6 = (c: Cidr<bigint>): string => `${formatIPv6(c.start)}/${c.len}`
