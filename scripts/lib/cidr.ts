/**
 * @module Address-range → CIDR conversion and canonical prefix text, for the map generators.
 * Pure (no Node imports). IPv4 addresses are plain numbers in [0, 2^32); IPv6 addresses are
 * bigints in [0, 2^128).
 */

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
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end >= TWO_32 || start > end) {
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
  if (start < 0n || end >= TWO_128 || start > end) throw new RangeError(`bad IPv6 range ${start}-${end}`)
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

/** Dotted-quad text of a u32. */
export function formatIPv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`
}

/**
 * RFC 5952 canonical text of an IPv6 address: lower-case hex without leading zeros (§4.1,
 * §4.3); "The symbol '::' MUST be used to its maximum capability" on the longest run of zero
 * groups, the first one on a tie (§4.2.1, §4.2.3), and "MUST NOT be used to shorten just one
 * 16-bit 0 field" (§4.2.2). (No dotted-quad tail: these maps hold no IPv4-mapped space.)
 */
export function formatIPv6(addr: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((addr >> BigInt(i * 16)) & 0xffffn))
  let bestStart = -1
  let bestLen = 1 // runs of length 1 are never compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':')
  if (bestStart < 0) return hex(groups)
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`
}

export const formatCidr4 = (c: Cidr<number>): string => `${formatIPv4(c.start)}/${c.len}`
export const formatCidr6 = (c: Cidr<bigint>): string => `${formatIPv6(c.start)}/${c.len}`
