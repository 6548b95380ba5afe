import { describe, expect, it } from 'vitest'
import { TableFormatError, TableKind, encodeContainer } from './container.ts'
import { parseIPv4, parseIPv4Halves, parsePrefix } from './ip.ts'
import { Lpm4, buildLpm4, referenceLookup4, resolveSegments4, type Prefix4 } from './lpm4.ts'
import {
  TrieOracle,
  boundaryAddresses,
  mulberry32,
  randomInt,
  randomPrefixes4,
  randomU32,
  sameBytes,
  shuffled,
} from './test-helpers.ts'
import { MAX_VALUES, NO_MATCH } from './values.ts'

/** Prefix4 list from `[text, value]` pairs. */
function prefixes(entries: readonly (readonly [string, number])[]): Prefix4[] {
  return entries.map(([text, value]) => {
    const p = parsePrefix(text)
    if (!p.ok || p.family !== 4) throw new Error(`bad test prefix ${text}`)
    return { addr: p.words[0], len: p.len, value }
  })
}

const ip = (s: string): number => {
  const n = parseIPv4(s)
  if (n === null) throw new Error(`bad test address ${s}`)
  return n
}

// The IETF-93 ALTO interop network map (IPv4 part), PIDs numbered in their sorted order.
const IETF93_PIDS = [
  'default',
  'linklocal',
  'loopback',
  'mine',
  'mine1',
  'mine1a',
  'mine2',
  'mine3',
  'peer1',
  'peer2',
  'private',
  'tran1',
  'tran2',
]
const pid = (name: string): number => IETF93_PIDS.indexOf(name)
const IETF93_V4 = prefixes([
  ['100.0.0.0/8', pid('mine')],
  ['100.0.0.0/10', pid('mine1')],
  ['100.0.1.0/24', pid('mine1a')],
  ['100.0.64.0/24', pid('mine1a')],
  ['100.0.192.0/24', pid('mine1a')],
  ['100.64.0.0/10', pid('mine2')],
  ['100.128.0.0/10', pid('mine3')],
  ['128.0.0.0/16', pid('peer1')],
  ['130.0.0.0/16', pid('peer1')],
  ['129.0.0.0/16', pid('peer2')],
  ['131.0.0.0/16', pid('peer2')],
  ['132.0.0.0/16', pid('tran1')],
  ['135.0.0.0/16', pid('tran2')],
  ['0.0.0.0/0', pid('default')],
  ['127.0.0.0/8', pid('loopback')],
  ['169.254.0.0/16', pid('linklocal')],
  ['10.0.0.0/8', pid('private')],
  ['172.16.0.0/12', pid('private')],
  ['192.168.0.0/16', pid('private')],
])

describe('LPM_V4 on the IETF-93 interop map', () => {
  const expectations: [string, string][] = [
    ['100.0.1.7', 'mine1a'],
    ['100.0.0.255', 'mine1'],
    ['100.0.2.0', 'mine1'],
    ['100.0.64.255', 'mine1a'],
    ['100.0.192.0', 'mine1a'],
    ['100.63.255.255', 'mine1'],
    ['100.64.0.0', 'mine2'],
    ['100.128.0.1', 'mine3'],
    ['100.191.255.255', 'mine3'],
    ['100.192.0.0', 'mine'],
    ['100.255.255.255', 'mine'],
    ['99.255.255.255', 'default'],
    ['101.0.0.0', 'default'],
    ['0.0.0.0', 'default'],
    ['255.255.255.255', 'default'],
    ['127.0.0.1', 'loopback'],
    ['128.0.5.5', 'peer1'],
    ['129.0.0.1', 'peer2'],
    ['133.0.0.1', 'default'],
    ['135.0.255.255', 'tran2'],
    ['169.254.1.1', 'linklocal'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'default'],
    ['192.168.3.4', 'private'],
  ]
  for (const directBits of [undefined, 0, 1, 4, 8, 16]) {
    it(`directBits ${directBits ?? 'auto'}`, () => {
      const table = Lpm4.open(buildLpm4(IETF93_V4, { directBits }))
      for (const [address, name] of expectations) {
        expect([address, IETF93_PIDS[table.lookup(ip(address))]]).toEqual([address, name])
        expect(table.lookup(ip(address))).toBe(referenceLookup4(IETF93_V4, ip(address)))
        // The parser's halves (parseIPv4Halves) give the same answer as the word.
        const halves = new Int32Array(2)
        expect(parseIPv4Halves(address, 0, halves)).toBe(true)
        expect(table.lookupHalves(halves[0], halves[1])).toBe(table.lookup(ip(address)))
      }
    })
  }

  it('is small for a small map (auto K) and uses u16 keys only at K = 16', () => {
    const auto = Lpm4.open(buildLpm4(IETF93_V4))
    expect(auto.directBits).toBeLessThan(16)
    expect(auto.keyWidth).toBe(4)
    expect(auto.byteLength).toBeLessThan(1024)
    const k16 = Lpm4.open(buildLpm4(IETF93_V4, { directBits: 16 }))
    expect(k16.keyWidth).toBe(2)
    expect(k16.entryCount).toBeGreaterThanOrEqual(65536) // every chunk starts with an entry
  })
})

describe('resolveSegments4', () => {
  it('resolves nesting by longest prefix and merges equal neighbours', () => {
    const { starts, values } = resolveSegments4(
      prefixes([
        ['10.0.0.0/8', 1],
        ['10.0.0.0/9', 1], // same value as its parent: merges away
        ['10.128.0.0/9', 2],
        ['10.128.0.0/24', 1], // continues 10.0.0.0/9's value: merges across the /9 boundary
      ])
    )
    expect(Array.from(starts)).toEqual([0, ip('10.0.0.0'), ip('10.128.1.0'), ip('11.0.0.0')])
    expect(Array.from(values)).toEqual([NO_MATCH, 1, 2, NO_MATCH])
  })

  it('gives one NO_MATCH segment for no prefixes', () => {
    const { starts, values } = resolveSegments4([])
    expect(Array.from(starts)).toEqual([0])
    expect(Array.from(values)).toEqual([NO_MATCH])
  })
})

describe('LPM_V4 edge tables', () => {
  it('empty table: every address is NO_MATCH', () => {
    for (const directBits of [undefined, 0, 16]) {
      const table = Lpm4.open(buildLpm4([], { directBits }))
      for (const a of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, -1])
        expect(table.lookup(a)).toBe(NO_MATCH)
    }
  })

  it('host routes at both ends of the space and a default', () => {
    const ps = prefixes([
      ['0.0.0.0/32', 1],
      ['255.255.255.255/32', 2],
      ['0.0.0.0/0', 3],
      ['128.0.0.0/1', 4],
      ['128.0.0.0/32', 5],
    ])
    for (const directBits of [undefined, 0, 3, 16]) {
      const table = Lpm4.open(buildLpm4(ps, { directBits }))
      expect(table.lookup(0)).toBe(1)
      expect(table.lookup(1)).toBe(3)
      expect(table.lookup(0x7fffffff)).toBe(3)
      expect(table.lookup(0x80000000)).toBe(5)
      expect(table.lookup(0x80000000 | 0)).toBe(5) // signed form of the same address
      expect(table.lookup(0x80000001)).toBe(4)
      expect(table.lookup(0xfffffffe)).toBe(4)
      expect(table.lookup(0xffffffff)).toBe(2)
      expect(table.lookup(-1)).toBe(2)
    }
  })

  it('stores the largest value index', () => {
    const table = Lpm4.open(buildLpm4([{ addr: 0, len: 1, value: MAX_VALUES - 1 }]))
    expect(table.lookup(5)).toBe(MAX_VALUES - 1)
    expect(table.lookup(0x80000000)).toBe(NO_MATCH)
  })

  it('rejects bad input', () => {
    expect(() =>
      buildLpm4([
        { addr: 0, len: 8, value: 1 },
        { addr: 0, len: 8, value: 2 },
      ])
    ).toThrow('buildLpm4: prefix 0/8 is given twice, with values 1 and 2')
    expect(
      buildLpm4([
        { addr: 0, len: 8, value: 1 },
        { addr: 0, len: 8, value: 1 },
      ])
    ).toEqual(buildLpm4([{ addr: 0, len: 8, value: 1 }]))
    expect(() => buildLpm4([{ addr: 0, len: 8, value: MAX_VALUES }])).toThrow(
      /value 32767 is not an integer in 0\.\.32766/
    )
    expect(() => buildLpm4([{ addr: 0, len: 8, value: -1 }])).toThrow(RangeError)
    expect(() => buildLpm4([{ addr: ip('10.0.0.1'), len: 8, value: 0 }])).toThrow(/host bits set/)
    expect(() => buildLpm4([{ addr: 0, len: 33, value: 0 }])).toThrow(/not an IPv4 prefix/)
    expect(() => buildLpm4([{ addr: 2 ** 32, len: 32, value: 0 }])).toThrow(/not an IPv4 prefix/)
    expect(() => buildLpm4([], { directBits: 17 })).toThrow(/directBits 17/)
  })
})

describe('LPM_V4 against oracles on random nested tables', () => {
  const cases = [
    { seed: 0xa170, count: 3000, values: 24 },
    { seed: 0xbeef, count: 2000, values: MAX_VALUES - 1 },
    { seed: 0x1234, count: 200, values: 3 },
  ]
  for (const { seed, count, values } of cases) {
    describe(`seed ${seed.toString(16)}: ${count} prefixes, ${values} values`, () => {
      const rng = mulberry32(seed)
      const ps = randomPrefixes4(rng, count, values)
      if (seed === 0xa170) ps.push({ addr: 0, len: 0, value: 0 }) // a default route
      const oracle = new TrieOracle(
        32,
        ps.map((p) => ({ words: [p.addr], len: p.len, value: p.value }))
      )
      const boundaries = boundaryAddresses(
        32,
        ps.map((p) => ({ words: [p.addr], len: p.len }))
      ).map((w) => w[0])
      const uniform = Array.from({ length: 100_000 }, () => randomU32(rng))
      const inside = ps.map(
        (p) => (p.addr | (randomU32(rng) & (p.len === 0 ? -1 : ~(-1 << (32 - p.len)) | 0))) >>> 0
      )
      const addresses = [...uniform, ...boundaries, ...inside]
      const expected = addresses.map((a) => oracle.lookup([a]))

      it('the trie oracle agrees with the linear reference oracle (sample)', () => {
        for (let i = 0; i < 1500; i++) {
          const a = addresses[randomInt(rng, addresses.length)]
          expect(oracle.lookup([a])).toBe(referenceLookup4(ps, a))
        }
      })

      for (const directBits of [undefined, 0, 4, 16]) {
        it(`directBits ${directBits ?? 'auto'}: ${addresses.length} addresses match the trie oracle`, () => {
          const table = Lpm4.open(buildLpm4(ps, { directBits }))
          let mismatches = 0
          let firstMismatch = ''
          for (let i = 0; i < addresses.length; i++) {
            const got = table.lookup(addresses[i])
            if (got !== expected[i]) {
              if (mismatches++ === 0)
                firstMismatch = `${addresses[i]}: got ${got}, want ${expected[i]}`
            }
          }
          expect(firstMismatch).toBe('')
          expect(mismatches).toBe(0)
          // The distribution is not degenerate: addresses hit prefixes and miss them.
          expect(expected.some((v) => v !== NO_MATCH)).toBe(true)
        })
      }

      it('is deterministic: same bytes twice and for a shuffled input order', () => {
        const a = buildLpm4(ps)
        expect(sameBytes(buildLpm4(ps), a)).toBe(true)
        expect(sameBytes(buildLpm4(shuffled(rng, ps)), a)).toBe(true)
        // and the comparison can fail: a different value somewhere gives other bytes
        const changed = ps.map((p, i) => (i === 0 ? { ...p, value: (p.value + 1) % values } : p))
        expect(sameBytes(buildLpm4(changed), a)).toBe(false)
      })
    })
  }
})

describe('LPM_V4 decoder refuses malformed payloads in a valid container', () => {
  const valid = buildLpm4(IETF93_V4, { directBits: 2 })
  const payload = () => valid.slice(16)
  const open = (p: Uint8Array) => () => Lpm4.open(encodeContainer(TableKind.LPM_V4, p))

  it('section sizes that do not fit the payload', () => {
    const p = payload()
    new DataView(p.buffer).setUint32(4, 1000, true) // entryCount
    expect(open(p)).toThrow(TableFormatError)
    expect(open(p)).toThrow(
      /^LPM_V4 payload is \d+ bytes but its header \(K = 2, key width 4, 1000 entries\) implies \d+$/
    )
    expect(open(payload().subarray(0, 5))).toThrow(
      'LPM_V4 payload is 5 bytes, shorter than its 8-byte header'
    )
  })

  it('K above 16 and a u16 key width below K = 16', () => {
    const k17 = payload()
    k17[0] = 17
    expect(open(k17)).toThrow('LPM_V4 direct-index bits K = 17 exceeds 16')
    const narrow = payload()
    narrow[1] = 2
    expect(open(narrow)).toThrow('LPM_V4 key width 2 is invalid with K = 2')
  })

  it('an empty chunk in base[]', () => {
    const p = payload()
    const base = new Uint32Array(p.buffer, 8, 5)
    base[2] = base[1]
    expect(open(p)).toThrow(
      /^LPM_V4 base\[1\] = \d+ is not below LPM_V4 base\[2\] = \d+ \(empty range\)$/
    )
  })

  it('opens a blob with a misaligned byteOffset', () => {
    const host = new Uint8Array(valid.length + 5)
    host.set(valid, 5)
    const table = Lpm4.open(host.subarray(5))
    expect(table.lookup(ip('100.0.1.1'))).toBe(pid('mine1a'))
  })
})
