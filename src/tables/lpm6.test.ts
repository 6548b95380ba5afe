import { describe, expect, it } from 'vitest'
import { TableFormatError, TableKind, encodeContainer } from './container.ts'
import { parseIPv6, parsePrefix, wordMask } from './ip.ts'
import { Lpm6, buildLpm6, referenceLookup6, type Prefix6 } from './lpm6.ts'
import {
  TrieOracle,
  boundaryAddresses,
  mulberry32,
  randomInt,
  randomPrefixes6,
  randomU32,
  sameBytes,
  shuffled,
} from './test-helpers.ts'
import { MAX_REFINED_BLOCKS, MAX_VALUES, NO_MATCH } from './values.ts'

function prefixes(entries: readonly (readonly [string, number])[]): Prefix6[] {
  return entries.map(([text, value]) => {
    const p = parsePrefix(text)
    if (!p.ok || p.family !== 6) throw new Error(`bad test prefix ${text}`)
    return { words: p.words, len: p.len, value }
  })
}

const addr = (s: string): number[] => {
  const w = parseIPv6(s)
  if (w === null) throw new Error(`bad test address ${s}`)
  return w
}

// The IETF-93 interop map (IPv6 part) plus prefixes longer than /64 (refined blocks).
const V6_MAP = prefixes([
  ['::0/0', 0], // default
  ['::1/128', 1], // loopback
  ['ff80::/10', 2], // linklocal (as written in the interop map)
  ['fc00::/7', 3], // private
  ['2001:DB8:0000::/33', 4], // peer1
  ['2001:DB8:8000::/33', 5], // peer2
  ['2001:db8::/127', 6],
  ['2001:db8::8000:0:0:0/65', 7],
  ['2001:db8:0:0:c000::/66', 8],
  ['2001:db8:0:1::/64', 9],
  ['2001:db8:0:2::/63', 10],
  ['2001:db8:0:3::1/128', 11], // refined block inside the /63, next to a plain /64
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', 12], // the very last address
])

describe('LPM_V6 on a hand-checked map', () => {
  const expectations: [string, number][] = [
    ['::', 0],
    ['::1', 1],
    ['::2', 0],
    ['::1:0:0:1', 0],
    ['ff80::1', 2],
    ['ffbf:ffff::', 2],
    ['ffc0::', 0],
    ['fe80::1', 0],
    ['fc00::', 3],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 3],
    ['2001:db8::', 6],
    ['2001:db8::1', 6],
    ['2001:db8::2', 4],
    ['2001:db8::7fff:ffff:ffff:ffff', 4],
    ['2001:db8::8000:0:0:0', 7],
    ['2001:db8::bfff:ffff:ffff:ffff', 7],
    ['2001:db8::c000:0:0:0', 8],
    ['2001:db8::ffff:ffff:ffff:ffff', 8],
    ['2001:db8:0:1::', 9],
    ['2001:db8:0:1:ffff:ffff:ffff:ffff', 9],
    ['2001:db8:0:2::', 10],
    ['2001:db8:0:3::', 10],
    ['2001:db8:0:3::1', 11],
    ['2001:db8:0:3::2', 10],
    ['2001:db8:0:4::', 4],
    ['2001:db8:7fff:ffff:ffff:ffff:ffff:ffff', 4],
    ['2001:db8:8000::', 5],
    ['2001:db9::', 0],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', 0],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 12],
  ]
  for (const directBits of [undefined, 0, 1, 4, 16]) {
    it(`directBits ${directBits ?? 'auto'}`, () => {
      const table = Lpm6.open(buildLpm6(V6_MAP, { directBits }))
      expect(table.refineCount).toBe(4) // ::/64, 2001:db8::/64, 2001:db8:0:3::/64, ffff:...:ffff/64
      for (const [address, value] of expectations) {
        const w = addr(address)
        expect([address, table.lookupWords(w)]).toEqual([address, value])
        expect(table.lookup(w[0] | 0, w[1] | 0, w[2] | 0, w[3] | 0)).toBe(value) // signed words
        expect(referenceLookup6(V6_MAP, w)).toBe(value)
      }
    })
  }

  it('empty table: NO_MATCH everywhere', () => {
    const table = Lpm6.open(buildLpm6([]))
    for (const a of ['::', '::1', '2001:db8::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      expect(table.lookupWords(addr(a))).toBe(NO_MATCH)
    }
  })

  it('rejects bad input', () => {
    const p = (text: string, value: number) => prefixes([[text, value]])[0]
    expect(() => buildLpm6([p('2001:db8::/32', 1), p('2001:db8::/32', 2)])).toThrow(
      'buildLpm6: prefix 2001:db8::/32 is given twice, with values 1 and 2'
    )
    expect(() => buildLpm6([{ words: [0, 0, 0, 1], len: 64, value: 0 }])).toThrow(/host bits set/)
    expect(() => buildLpm6([{ words: [0, 0, 0, 0], len: 129, value: 0 }])).toThrow(
      /not an IPv6 prefix/
    )
    expect(() => buildLpm6([{ words: [0, 0, 0, 0], len: 0, value: MAX_VALUES }])).toThrow(
      /value 32767/
    )
    expect(() => buildLpm6([], { directBits: -1 })).toThrow(/directBits -1/)
  })
})

describe('LPM_V6 refined block limit', () => {
  /** `count` host routes, each in its own /64 block (so each block is refined). */
  const hostRoutes = (count: number): Prefix6[] =>
    Array.from({ length: count }, (_, i) => ({
      words: [0x20010db8, i, 0, 1],
      len: 128,
      value: i % 7,
    }))

  it(`accepts ${MAX_REFINED_BLOCKS} refined blocks`, () => {
    const table = Lpm6.open(buildLpm6(hostRoutes(MAX_REFINED_BLOCKS)))
    expect(table.refineCount).toBe(MAX_REFINED_BLOCKS)
    expect(table.lookup(0x20010db8, MAX_REFINED_BLOCKS - 1, 0, 1)).toBe(
      (MAX_REFINED_BLOCKS - 1) % 7
    )
    expect(table.lookup(0x20010db8, MAX_REFINED_BLOCKS - 1, 0, 2)).toBe(NO_MATCH)
    expect(table.lookup(0x20010db8, 5, 0, 1)).toBe(5)
  })

  it('throws above it', () => {
    expect(() => buildLpm6(hostRoutes(MAX_REFINED_BLOCKS + 1))).toThrow(
      /more than 32767 refined \/64 blocks/
    )
  })
})

describe('LPM_V6 against oracles on random nested tables', () => {
  it("the decoder's bucket index: an entry just after a bucket start (w1 > 0) is not the bucket's first", () => {
    const rng = mulberry32(0xb0c4)
    const ps = randomPrefixes6(rng, 2000, 30)
    // Bucket starts (lpm6.ts bucketIndex, K = 0, 6 to 12 bucket bits) are multiples of 2^26 in w0.
    for (let j = 0; j < 64; j++)
      ps.push({ words: [(j << 26) >>> 0, 0x1000, 0, 0], len: 64, value: 31 })
    const oracle = new TrieOracle(128, ps)
    const table = Lpm6.open(buildLpm6(ps, { directBits: 0 }))
    const wrong: string[] = []
    for (let j = 0; j < 64; j++) {
      const w0 = (j << 26) >>> 0
      for (const w of [
        [w0, 0, 0, 0],
        [w0, 0x800, 0, 0],
        [w0, 0x1000, 5, 0],
        [w0, 0x1001, 0, 0],
      ]) {
        if (table.lookup(w[0], w[1], w[2], w[3]) !== oracle.lookup(w)) wrong.push(w.join(':'))
      }
    }
    expect(wrong).toEqual([])
  })

  const cases = [
    { seed: 0x6a6a, count: 3000, values: 40 },
    { seed: 0x7777, count: 1500, values: MAX_VALUES - 1 },
    { seed: 0x0b0b, count: 150, values: 2 },
  ]
  for (const { seed, count, values } of cases) {
    describe(`seed ${seed.toString(16)}: ${count} prefixes, ${values} values`, () => {
      const rng = mulberry32(seed)
      const ps = randomPrefixes6(rng, count, values)
      if (seed === 0x6a6a) ps.push({ words: [0, 0, 0, 0], len: 0, value: 0 })
      const oracle = new TrieOracle(128, ps)
      const boundaries = boundaryAddresses(128, ps)
      const uniform = Array.from({ length: 60_000 }, () => [
        randomU32(rng),
        randomU32(rng),
        randomU32(rng),
        randomU32(rng),
      ])
      // Near the prefixes: inside a random prefix, at a random offset.
      const near = Array.from({ length: 40_000 }, () => {
        const p = ps[randomInt(rng, ps.length)]
        return p.words.map((w, i) => (w | (randomU32(rng) & ~wordMask(p.len - 32 * i))) >>> 0)
      })
      // Either side of every possible bucket start of the decoder's bucket index (lpm6.ts
      // bucketIndex: w0's bits below the K direct bits; K = 0 and 4 with up to 12 bucket bits).
      const bucketEdges: number[][] = []
      for (let j = 0; j < 4096; j++) {
        for (const start of [(j << 20) >>> 0, ((j << 16) | 0x08000000) >>> 0]) {
          bucketEdges.push(
            [start, 0, 0, 0],
            [(start - 1) >>> 0, 0xffffffff, 0xffffffff, 0xffffffff]
          )
        }
      }
      const addresses = [...uniform, ...near, ...boundaries, ...bucketEdges]
      const expected = addresses.map((w) => oracle.lookup(w))

      it('the trie oracle agrees with the linear reference oracle (sample)', () => {
        for (let i = 0; i < 1000; i++) {
          const w = addresses[randomInt(rng, addresses.length)]
          expect(oracle.lookup(w)).toBe(referenceLookup6(ps, w))
        }
      })

      for (const directBits of [undefined, 0, 4, 16]) {
        it(`directBits ${directBits ?? 'auto'}: ${addresses.length} addresses match the trie oracle`, () => {
          const table = Lpm6.open(buildLpm6(ps, { directBits }))
          expect(table.refineCount).toBeGreaterThan(0) // the sets do exercise refined blocks
          let mismatches = 0
          let firstMismatch = ''
          for (let i = 0; i < addresses.length; i++) {
            const w = addresses[i]
            const got = table.lookup(w[0], w[1], w[2], w[3])
            if (got !== expected[i] && mismatches++ === 0) {
              firstMismatch = `${w.map((x) => x.toString(16)).join(':')}: got ${got}, want ${expected[i]}`
            }
          }
          expect(firstMismatch).toBe('')
          expect(mismatches).toBe(0)
          expect(new Set(expected).size).toBeGreaterThan(2)
        })
      }

      it('is deterministic: same bytes twice and for a shuffled input order', () => {
        const a = buildLpm6(ps)
        expect(sameBytes(buildLpm6(ps), a)).toBe(true)
        expect(sameBytes(buildLpm6(shuffled(rng, ps)), a)).toBe(true)
      })
    })
  }
})

describe('LPM_V6 decoder refuses malformed payloads in a valid container', () => {
  const valid = buildLpm6(V6_MAP, { directBits: 1 })
  const payload = () => valid.slice(16)
  const open = (p: Uint8Array) => () => Lpm6.open(encodeContainer(TableKind.LPM_V6, p))

  it('section sizes that do not fit the payload', () => {
    const p = payload()
    new DataView(p.buffer).setUint32(12, 99, true) // subCount
    expect(open(p)).toThrow(TableFormatError)
    expect(open(p)).toThrow(
      /^LPM_V6 payload is \d+ bytes but its header \(K = 1, \d+ entries, 4 refined blocks, 99 sub-entries\) implies \d+$/
    )
  })

  it('refine count above the limit, K above 16', () => {
    const p = payload()
    new DataView(p.buffer).setUint32(8, MAX_REFINED_BLOCKS + 1, true)
    expect(open(p)).toThrow('LPM_V6 refine count 32768 exceeds 32767')
    const k = payload()
    k[0] = 20
    expect(open(k)).toThrow('LPM_V6 direct-index bits K = 20 exceeds 16')
  })

  it('a truncated blob', () => {
    expect(() => Lpm6.open(buildLpm6([]).slice(0, 40))).toThrow(/^truncated blob/)
  })
})
