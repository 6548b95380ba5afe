/**
 * @module Test helpers for src/tables: a seeded PRNG, random nested prefix sets, boundary
 * addresses, and an independent LPM oracle (a binary trie, one node per bit).
 * Used only by the colocated *.test.ts files.
 */
import type { Prefix4 } from './lpm4.ts'
import type { Prefix6 } from './lpm6.ts'
import { NO_MATCH } from './values.ts'
import { wordMask } from './ip.ts'

export { mulberry32 } from './random.ts'

/** A random unsigned u32. */
export const randomU32 = (rng: () => number): number => Math.floor(rng() * 4294967296) >>> 0

/** A random integer in [0, n). */
export const randomInt = (rng: () => number, n: number): number => Math.floor(rng() * n)

/** Fisher-Yates shuffle (a copy). */
export function shuffled<T>(rng: () => number, items: readonly T[]): T[] {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** Words with every bit after the first `len` cleared. */
const masked = (words: readonly number[], len: number): number[] =>
  words.map((w, i) => (w & wordMask(len - 32 * i)) >>> 0)

/**
 * Random prefixes of `bits` (32 or 128) bits, as word arrays. About 60% are nested inside an
 * earlier prefix (so /8 ⊃ /10 ⊃ /24 chains with different values are common); the rest are
 * drawn with lengths in 0..bits. No two prefixes are identical. `shortLenMax` keeps
 * top-level prefixes from being too long to be interesting.
 */
function randomNestedPrefixes(
  rng: () => number,
  bits: 32 | 128,
  count: number,
  valueCount: number,
  randomWords: () => number[],
  topLen: () => number
): { words: number[]; len: number; value: number }[] {
  const out: { words: number[]; len: number; value: number }[] = []
  const seen = new Set<string>()
  let attempts = 0
  while (out.length < count && attempts++ < count * 20) {
    let words: number[]
    let len: number
    if (out.length > 0 && rng() < 0.6) {
      const parent = out[randomInt(rng, out.length)]
      if (parent.len === bits) continue
      len = parent.len + 1 + randomInt(rng, Math.min(bits - parent.len, rng() < 0.5 ? 4 : 24))
      const r = randomWords()
      // Parent's bits, then random bits, then zero host bits.
      words = masked(
        parent.words.map((w, i) => (w | (r[i] & ~wordMask(parent.len - 32 * i))) >>> 0),
        len
      )
    } else {
      len = topLen()
      words = masked(randomWords(), len)
    }
    const key = `${words.join(',')}/${len}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ words, len, value: randomInt(rng, valueCount) })
  }
  return out
}

/** Random nested IPv4 prefixes with values in [0, valueCount). */
export function randomPrefixes4(rng: () => number, count: number, valueCount: number): Prefix4[] {
  const topLen = (): number => (rng() < 0.1 ? randomInt(rng, 33) : 4 + randomInt(rng, 21))
  return randomNestedPrefixes(rng, 32, count, valueCount, () => [randomU32(rng)], topLen).map(
    (p) => ({
      addr: p.words[0],
      len: p.len,
      value: p.value,
    })
  )
}

/**
 * Random nested IPv6 prefixes with values in [0, valueCount): top-level prefixes mostly inside
 * 2000::/3 or 2001:db8::/32 (so they cluster like real tables), lengths up to /128, many
 * crossing the /64 boundary.
 */
export function randomPrefixes6(rng: () => number, count: number, valueCount: number): Prefix6[] {
  const randomWords = (): number[] => {
    const w = [randomU32(rng), randomU32(rng), randomU32(rng), randomU32(rng)]
    const region = rng()
    if (region < 0.4) w[0] = 0x20010db8
    else if (region < 0.9) w[0] = ((w[0] & 0x1fffffff) | 0x20000000) >>> 0
    return w
  }
  const topLen = (): number => {
    const r = rng()
    return r < 0.1
      ? randomInt(rng, 129)
      : r < 0.7
        ? 16 + randomInt(rng, 49)
        : 33 + randomInt(rng, 96)
  }
  return randomNestedPrefixes(rng, 128, count, valueCount, randomWords, topLen).map((p) => ({
    words: p.words,
    len: p.len,
    value: p.value,
  }))
}

/** 128-bit integer of four words (test-side; independent of lpm6.ts). */
export const toBig = (w: readonly number[]): bigint =>
  w.reduce((acc, x) => (acc << 32n) | BigInt(x >>> 0), 0n)

/** Four words of a 128-bit integer taken modulo 2^128. */
export function fromBig(x: bigint): number[] {
  const v = BigInt.asUintN(128, x)
  return [96n, 64n, 32n, 0n].map((s) => Number((v >> s) & 0xffffffffn))
}

/** First and last address of each prefix, and each ±1 (wrapping), as word arrays. */
export function boundaryAddresses(
  bits: 32 | 128,
  prefixes: readonly { words: readonly number[]; len: number }[]
) {
  const out: number[][] = []
  for (const p of prefixes) {
    const first = toBig(p.words)
    const last = first + (1n << BigInt(bits - p.len)) - 1n
    for (const a of [first - 1n, first, first + 1n, last - 1n, last, last + 1n]) {
      const w = fromBig(a)
      out.push(bits === 32 ? [w[3]] : w)
    }
  }
  return out
}

interface TrieNode {
  children: [TrieNode | undefined, TrieNode | undefined]
  /** Value of the prefix ending at this node, or undefined when no prefix ends here. */
  value: number | undefined
}

const newNode = (): TrieNode => ({ children: [undefined, undefined], value: undefined })

/**
 * Independent LPM oracle: a binary trie with one node per prefix bit. lookup() walks the
 * address bits from the left, remembering the value of the deepest prefix node passed.
 */
export class TrieOracle {
  private readonly root: TrieNode = newNode()
  private readonly bits: number

  constructor(
    bits: 32 | 128,
    prefixes: readonly { words: readonly number[]; len: number; value: number }[]
  ) {
    this.bits = bits
    for (const p of prefixes) {
      let node = this.root
      for (let i = 0; i < p.len; i++) node = node.children[bitAt(p.words, i)] ??= newNode()
      node.value = p.value
    }
  }

  lookup(words: readonly number[]): number {
    let node: TrieNode | undefined = this.root
    let best = NO_MATCH
    for (let i = 0; node !== undefined; i++) {
      if (node.value !== undefined) best = node.value
      if (i === this.bits) break
      node = node.children[bitAt(words, i)]
    }
    return best
  }
}

/** Bit i (0 = most significant) of a word array. */
const bitAt = (words: readonly number[], i: number): 0 | 1 =>
  ((words[i >>> 5] >>> (31 - (i & 31))) & 1) as 0 | 1

/** Whether two byte arrays are identical (fast; vitest's deep equality is slow on big arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
