import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { formatIPv4, formatIPv6, rangeToCidrs4, rangeToCidrs6 } from '../../scripts/lib/cidr.ts'
import {
  IPV4_OPS,
  IPV6_OPS,
  type AsnRange,
  type CountryRange,
  type PidInfo,
  UNKNOWN_COUNTRY,
  DIURNAL_SCALE,
  METRIC_MAPS,
  METRIC_RULE,
  assignCountries,
  pairBand,
  pairJitter,
  pairMetrics,
  parseAsnCsv,
  planFamily,
  planPids,
  rankAsns,
  routingCost,
  sortAndTrimOverlaps,
  stableHash32,
} from '../../scripts/lib/asn-map.ts'
import { regionDistance, regionOf } from '../../scripts/lib/regions.ts'
import { compileMapSet } from '../../src/compiler/index.ts'

/** Checks that `cidrs` tile [start, end] exactly, each block aligned, and no two can merge. */
function assertExactMinimalTiling(
  start: bigint,
  end: bigint,
  cidrs: { start: bigint; len: number }[],
  bits: number
) {
  let next = start
  cidrs.forEach((c, i) => {
    const size = 1n << BigInt(bits - c.len)
    expect(c.start).toBe(next)
    expect(c.start % size).toBe(0n) // aligned: host bits zero
    next = c.start + size
    const prev = cidrs[i - 1]
    if (prev && prev.len === c.len) {
      // Two equal siblings of one parent would be a single shorter prefix: not minimal.
      const parentSize = size * 2n
      expect(prev.start % parentSize === 0n).toBe(false)
    }
  })
  expect(next).toBe(end + 1n)
}

describe('rangeToCidrs4', () => {
  it('splits a real row into its known CIDRs', () => {
    // 1.0.128.0 - 1.0.196.255 (asn-ipv4.csv, AS23969)
    const start = (1 << 24) | (128 << 8)
    const end = (1 << 24) | (196 << 8) | 255
    expect(rangeToCidrs4(start, end).map((c) => `${formatIPv4(c.start)}/${c.len}`)).toEqual([
      '1.0.128.0/18',
      '1.0.192.0/22',
      '1.0.196.0/24',
    ])
  })

  it('handles the whole space and its edges', () => {
    expect(rangeToCidrs4(0, 2 ** 32 - 1)).toEqual([{ start: 0, len: 0 }])
    expect(rangeToCidrs4(2 ** 32 - 1, 2 ** 32 - 1)).toEqual([{ start: 2 ** 32 - 1, len: 32 }])
    expect(rangeToCidrs4(2 ** 31, 2 ** 32 - 1)).toEqual([{ start: 2 ** 31, len: 1 }])
    expect(rangeToCidrs4(1, 2 ** 32 - 2)).toHaveLength(62)
    expect(() => rangeToCidrs4(5, 4)).toThrow(RangeError)
  })

  it('tiles any range exactly and minimally', () => {
    const addr = fc.integer({ min: 0, max: 2 ** 32 - 1 })
    fc.assert(
      fc.property(addr, addr, (a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a]
        const cidrs = rangeToCidrs4(s, e).map((c) => ({ start: BigInt(c.start), len: c.len }))
        assertExactMinimalTiling(BigInt(s), BigInt(e), cidrs, 32)
      }),
      { numRuns: 500 }
    )
  })
})

describe('rangeToCidrs6', () => {
  it('agrees with the IPv4 split shifted into the low 32 bits', () => {
    const addr = fc.integer({ min: 0, max: 2 ** 32 - 1 })
    fc.assert(
      fc.property(addr, addr, (a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a]
        const v6 = rangeToCidrs6(BigInt(s), BigInt(e))
        const v4 = rangeToCidrs4(s, e)
        expect(v6).toEqual(v4.map((c) => ({ start: BigInt(c.start), len: c.len + 96 })))
      }),
      { numRuns: 200 }
    )
  })

  it('tiles any 128-bit range exactly and minimally', () => {
    const addr = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })
    fc.assert(
      fc.property(addr, addr, (a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a]
        assertExactMinimalTiling(s, e, rangeToCidrs6(s, e), 128)
      }),
      { numRuns: 300 }
    )
    expect(rangeToCidrs6(0n, (1n << 128n) - 1n)).toEqual([{ start: 0n, len: 0 }])
  })
})

describe('formatIPv6 (RFC 5952)', () => {
  it('formats RFC 5952 examples', () => {
    const parse = (groups: number[]) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)
    expect(formatIPv6(parse([0x2001, 0xdb8, 0, 0, 0, 0, 2, 1]))).toBe('2001:db8::2:1')
    // §4.2.2: one 16-bit 0 field is not shortened
    expect(formatIPv6(parse([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]))).toBe('2001:db8:0:1:1:1:1:1')
    // §4.2.3: the first of two equal-length runs
    expect(formatIPv6(parse([0x2001, 0, 0, 1, 0, 0, 0, 1]))).toBe('2001:0:0:1::1')
    expect(formatIPv6(parse([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]))).toBe('2001:db8::1:0:0:1')
    expect(formatIPv6(0n)).toBe('::')
    expect(formatIPv6(1n)).toBe('::1')
    expect(formatIPv6(0x20010000000000000000000000000000n)).toBe('2001::')
  })

  it('matches the WHATWG URL serializer (which follows the same rules)', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }))
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const addr = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)
        const text = formatIPv6(addr)
        if (
          groups[0] === 0 &&
          groups[1] === 0 &&
          groups[2] === 0 &&
          groups[3] === 0 &&
          groups[4] === 0
        ) {
          return // ::ffff:a.b.c.d-style forms: WHATWG never uses dotted tails, nor do we
        }
        expect(`[${text}]`).toBe(new URL(`http://[${text}]/`).hostname)
        expect(BigInt(`0x${groups.map((g) => g.toString(16).padStart(4, '0')).join('')}`)).toBe(
          addr
        )
      }),
      { numRuns: 500 }
    )
  })
})

describe('CSV parsing and overlap trimming', () => {
  it('reads start,end,asn and ignores quoted org text with commas', () => {
    const rows = parseAsnCsv(
      '16777216,16777471,13335,"Cloudflare, Inc."\n16778240,16779263,38803,Gtelecom\n',
      IPV4_OPS
    )
    expect(rows).toEqual([
      { start: 16777216, end: 16777471, asn: 13335 },
      { start: 16778240, end: 16779263, asn: 38803 },
    ])
    expect(() => parseAsnCsv('1,2\n', IPV4_OPS)).toThrow(SyntaxError)
    expect(() => parseAsnCsv('1,2,x\n', IPV4_OPS)).toThrow(SyntaxError)
    expect(
      parseAsnCsv(
        '42540488161975842760550356425300246528,42540488241204005274814694018844196863,6939,HE\n',
        IPV6_OPS
      )[0].start
    ).toBe(0x20010000000000000000000000000000n)
  })

  it('sorts and cuts the earlier of two overlapping ranges short (later start wins)', () => {
    const rows: AsnRange<number>[] = [
      { start: 50, end: 60, asn: 3 },
      { start: 10, end: 40, asn: 1 },
      { start: 30, end: 45, asn: 2 },
      { start: 50, end: 55, asn: 4 }, // same start as asn 3: the shorter sorts first and is dropped
    ]
    const { rows: out, trimmed } = sortAndTrimOverlaps(rows, IPV4_OPS)
    expect(out).toEqual([
      { start: 10, end: 29, asn: 1 },
      { start: 30, end: 45, asn: 2 },
      { start: 50, end: 60, asn: 3 },
    ])
    expect(trimmed).toBe(2)
    expect(rows[1].end).toBe(40) // input untouched
  })
})

describe('assignCountries', () => {
  it('picks the country covering most of each range, ties to the smaller code', () => {
    const countries: CountryRange<number>[] = [
      { start: 0, end: 9, country: 'US' },
      { start: 10, end: 29, country: 'CA' },
      { start: 40, end: 49, country: 'DE' },
      { start: 50, end: 59, country: 'AT' },
    ]
    const rows = [
      { start: 5, end: 14 }, // 5 US, 5 CA -> CA (tie, smaller code)
      { start: 8, end: 29 }, // 2 US, 20 CA
      { start: 30, end: 39 }, // nothing
      { start: 45, end: 59 }, // 5 DE, 10 AT
    ]
    expect(assignCountries(rows, countries, IPV4_OPS)).toEqual(['CA', 'CA', UNKNOWN_COUNTRY, 'AT'])
  })

  it('agrees with a brute-force count on random layouts', () => {
    const layout = fc.array(
      fc.tuple(fc.integer({ min: 1, max: 8 }), fc.constantFrom('AA', 'BB', 'CC', null)),
      {
        minLength: 1,
        maxLength: 20,
      }
    )
    fc.assert(
      fc.property(layout, layout, (cLayout, rLayout) => {
        const toRanges = <T>(l: [number, T][]) => {
          let at = 0
          return l.map(([len, tag]) => {
            const r = { start: at, end: at + len - 1, tag }
            at += len
            return r
          })
        }
        const countries = toRanges(cLayout)
          .filter((r) => r.tag !== null)
          .map((r) => ({ start: r.start, end: r.end, country: r.tag as string }))
        const rows = toRanges(rLayout).filter((r) => r.tag !== null)
        const got = assignCountries(rows, countries, IPV4_OPS)
        rows.forEach((row, i) => {
          const count = new Map<string, number>()
          for (let a = row.start; a <= row.end; a++) {
            const c = countries.find((c) => c.start <= a && a <= c.end)
            if (c) count.set(c.country, (count.get(c.country) ?? 0) + 1)
          }
          const best = [...count].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]
          expect(got[i]).toBe(best ? best[0] : UNKNOWN_COUNTRY)
        })
      }),
      { numRuns: 200 }
    )
  })
})

describe('ranking and PID planning', () => {
  it('weights each family by share of its covered space, ties to the lower ASN', () => {
    const v4 = {
      ops: IPV4_OPS,
      rows: [
        { start: 0, end: 99, asn: 7 },
        { start: 100, end: 199, asn: 5 },
        { start: 200, end: 399, asn: 9 },
      ],
      countries: ['US', 'DE', 'FR'],
    }
    const v6 = {
      ops: IPV6_OPS,
      rows: [{ start: 0n, end: (1n << 100n) - 1n, asn: 7 }],
      countries: ['JP'],
    }
    const ranked = rankAsns([v4, v6] as never)
    // 7: 0.25 + 1 ; 9: 0.5 ; 5: 0.25
    expect(ranked.map((r) => [r.asn, r.weight, r.country])).toEqual([
      [7, 1.25, 'JP'],
      [9, 0.5, 'FR'],
      [5, 0.25, 'DE'],
    ])
    const tie = rankAsns([
      {
        ops: IPV4_OPS,
        rows: [
          { start: 0, end: 9, asn: 8 },
          { start: 10, end: 19, asn: 3 },
        ],
        countries: ['US', 'US'],
      },
    ] as never)
    expect(tie.map((r) => r.asn)).toEqual([3, 8])
  })

  it('merges only contiguous ranges of the same PID, then splits into CIDRs', () => {
    const fam = {
      ops: IPV4_OPS,
      rows: [
        { start: 0, end: 127, asn: 100 }, // rest-US
        { start: 128, end: 255, asn: 101 }, // rest-US, contiguous -> merged to /24
        { start: 256, end: 511, asn: 1 }, // top ASN
        { start: 512, end: 767, asn: 102 }, // rest-US again, not contiguous with the first group
        { start: 1024, end: 1279, asn: 103 }, // rest-US, gap before: separate
      ],
      countries: ['US', 'US', 'US', 'US', 'US'],
    }
    const plan = planFamily(fam, new Map([[1, 'as1']]))
    expect(plan.prefixes).toEqual([
      { pid: 'rest-US', prefix: '0.0.0.0/24' },
      { pid: 'as1', prefix: '0.0.1.0/24' },
      { pid: 'rest-US', prefix: '0.0.2.0/24' },
      { pid: 'rest-US', prefix: '0.0.4.0/24' },
    ])
    expect(plan.mergedRanges).toBe(4)
  })

  it('lists PIDs in JavaScript string order with their countries and continents', () => {
    const pids = planPids(
      [
        { asn: 64500, weight: 1, country: 'NL' },
        { asn: 3, weight: 0.5, country: 'ZZ' },
      ],
      ['US', 'DE', 'US']
    )
    expect(pids.map((p) => p.name)).toEqual(['as3', 'as64500', 'default', 'rest-DE', 'rest-US'])
    expect(pids.find((p) => p.name === 'as64500')).toMatchObject({
      kind: 'asn',
      country: 'NL',
      region: 'europe',
    })
    expect(pids.find((p) => p.name === 'as3')?.region).toBe('unknown')
  })
})

describe('routingCost', () => {
  const pid = (name: string, country: string | null, kind: PidInfo['kind'] = 'asn'): PidInfo => ({
    name,
    kind,
    country,
    region: country === null ? null : regionOf(country),
  })
  const us1 = pid('as1', 'US')
  const us2 = pid('as2', 'US')
  const ca = pid('rest-CA', 'CA', 'rest')
  const de = pid('as3', 'DE')
  const zz1 = pid('as4', 'ZZ')
  const zz2 = pid('rest-ZZ', 'ZZ', 'rest')
  const dflt = pid('default', null, 'default')

  it('applies the documented bands', () => {
    expect(routingCost(us1, us1)).toBe(0)
    expect(routingCost(dflt, dflt)).toBe(0)
    expect(routingCost(us1, dflt)).toBe(200)
    expect(routingCost(dflt, zz1)).toBe(200)
    expect(routingCost(us1, us2)).toBe(10 + (pairJitter('as1', 'as2') % 10))
    expect(routingCost(us1, ca)).toBe(30 + (pairJitter('as1', 'rest-CA') % 20))
    expect(routingCost(us1, de)).toBe(60 + 20 + (pairJitter('as1', 'as3') % 30))
    // unknown countries never count as "same country" or "same continent"
    expect(routingCost(zz1, zz2)).toBe(60 + 80 + (pairJitter('as4', 'rest-ZZ') % 30))
  })

  it('is symmetric, integral and within 0..200', () => {
    const all = [us1, us2, ca, de, zz1, zz2, dflt, pid('as5', 'AU'), pid('rest-BR', 'BR', 'rest')]
    for (const a of all) {
      for (const b of all) {
        const c = routingCost(a, b)
        expect(Number.isInteger(c) && c >= 0 && c <= 200).toBe(true)
        expect(routingCost(b, a)).toBe(c)
      }
    }
  })

  it('uses a fixed hash (pinned so output stays byte-identical across versions)', () => {
    expect(stableHash32('')).toBe(stableHash32(''))
    expect(stableHash32('as1\nas2')).not.toBe(stableHash32('as2\nas1'))
    expect(pairJitter('as1', 'as2')).toBe(pairJitter('as2', 'as1'))
    expect([stableHash32('a'), stableHash32('as13335\nas15169')]).toEqual([444641715, 1871245084])
  })

  it('knows continent distances', () => {
    expect(regionDistance('europe', 'europe')).toBe(0)
    expect(regionDistance('asia', 'europe')).toBe(regionDistance('europe', 'asia'))
    expect(regionDistance('unknown', 'unknown')).toBe(80)
    expect(regionOf('BR')).toBe('south-america')
    expect(regionOf('XX')).toBe('unknown')
  })
})

describe('pairMetrics (RFC 9439 metrics by METRIC_RULE)', () => {
  const pid = (name: string, country: string | null, kind: PidInfo['kind'] = 'asn'): PidInfo => ({
    name,
    kind,
    country,
    region: country === null ? null : regionOf(country),
  })
  const countries = ['US', 'CA', 'DE', 'FR', 'JP', 'AU', 'BR', 'ZA', 'ZZ', 'AQ']
  const arbPid = fc
    .tuple(fc.integer({ min: 1, max: 400000 }), fc.constantFrom(...countries), fc.nat(20))
    .map(([asn, cc, k]) =>
      k === 0
        ? pid('default', null, 'default')
        : k === 1
          ? pid(`rest-${cc}`, cc, 'rest')
          : pid(`as${asn}`, cc)
    )
  const ms = 1000

  it('is deterministic (pinned values) and symmetric', () => {
    const a = pid('as1', 'US')
    const b = pid('as3', 'DE')
    expect(pairMetrics(a, b)).toEqual({
      hopcount: 10,
      delayOw: 90619,
      delayOwP95: 149521,
      lossrate: 0.171875,
      tput: 237059,
    })
    expect(pairMetrics(a, b)).toEqual(pairMetrics(b, a))
    expect(pairMetrics(a, b)).toEqual(pairMetrics({ ...a }, { ...b }))
    fc.assert(
      fc.property(arbPid, arbPid, (x, y) => {
        expect(pairMetrics(x, y)).toEqual(pairMetrics(y, x))
      })
    )
  })

  it('puts each band in its documented ranges (µs, percent, bytes/s)', () => {
    fc.assert(
      fc.property(arbPid, arbPid, (x, y) => {
        const m = pairMetrics(x, y)
        const band = pairBand(x, y)
        expect(Number.isInteger(m.hopcount) && Number.isInteger(m.delayOw)).toBe(true)
        expect(Number.isInteger(m.delayOwP95) && Number.isInteger(m.tput)).toBe(true)
        expect(m.delayOwP95).toBeGreaterThanOrEqual(Math.round(m.delayOw * 1.2))
        expect(m.delayOwP95).toBeLessThanOrEqual(Math.round(m.delayOw * 1.8))
        expect(m.lossrate * 64).toBe(Math.round(m.lossrate * 64))
        expect(Math.fround(m.lossrate)).toBe(m.lossrate)
        expect(m.lossrate).toBeGreaterThanOrEqual(0)
        expect(m.lossrate).toBeLessThanOrEqual(100)
        expect(m.tput).toBeGreaterThan(0)
        expect(m.tput).toBeLessThanOrEqual(METRIC_RULE.tput.capBytes)
        switch (band.band) {
          case 'self':
            expect(m).toMatchObject({ hopcount: 0, delayOw: 100, lossrate: 0 })
            break
          case 'default':
            expect(m).toMatchObject({ hopcount: 24, delayOw: 200 * ms, lossrate: 1 })
            break
          case 'sameCountry':
            expect(m.hopcount).toBeGreaterThanOrEqual(2)
            expect(m.hopcount).toBeLessThanOrEqual(5)
            expect(m.delayOw).toBeGreaterThanOrEqual(1 * ms)
            expect(m.delayOw).toBeLessThan(10 * ms)
            expect(m.lossrate).toBeLessThanOrEqual(3 / 64)
            break
          case 'sameRegion':
            expect(m.hopcount).toBeGreaterThanOrEqual(5)
            expect(m.hopcount).toBeLessThanOrEqual(9)
            expect(m.delayOw).toBeGreaterThanOrEqual(10 * ms)
            expect(m.delayOw).toBeLessThan(40 * ms)
            break
          case 'otherRegion':
            expect(m.hopcount).toBeGreaterThanOrEqual(10)
            expect(m.hopcount).toBeLessThanOrEqual(19)
            expect(m.delayOw).toBeGreaterThanOrEqual(70 * ms)
            expect(m.delayOw).toBeLessThan(200 * ms)
            expect(m.lossrate).toBeGreaterThanOrEqual(8 / 64)
            break
        }
      })
    )
  })

  it('orders the bands: nearer pairs have fewer hops, less delay, more throughput', () => {
    const us1 = pid('as1', 'US')
    const us2 = pid('as2', 'US')
    const ca = pid('rest-CA', 'CA', 'rest')
    const jp = pid('as5', 'JP')
    const [country, region, other] = [
      pairMetrics(us1, us2),
      pairMetrics(us1, ca),
      pairMetrics(us1, jp),
    ]
    expect(pairBand(us1, us2).band).toBe('sameCountry')
    expect(pairBand(us1, ca).band).toBe('sameRegion')
    expect(pairBand(us1, jp)).toEqual({ band: 'otherRegion', distance: 40 })
    expect(country.delayOw).toBeLessThan(region.delayOw)
    expect(region.delayOw).toBeLessThan(other.delayOw)
    expect(country.tput).toBeGreaterThan(other.tput)
  })

  it('agrees with routingCost on the band of every pair', () => {
    const bandOfCost = (c: number) =>
      c === 0
        ? 'self'
        : c === 200
          ? 'default'
          : c < 20
            ? 'sameCountry'
            : c < 60
              ? 'sameRegion'
              : 'otherRegion'
    fc.assert(
      fc.property(arbPid, arbPid, (x, y) => {
        const band = pairBand(x, y).band
        expect(bandOfCost(routingCost(x, y))).toBe(band)
      })
    )
  })

  it('has a 24-hour diurnal scale that keeps routingcost within U8', () => {
    expect(DIURNAL_SCALE).toHaveLength(24)
    expect(Math.max(...DIURNAL_SCALE) * 200).toBeLessThanOrEqual(254)
    expect(Math.min(...DIURNAL_SCALE)).toBeGreaterThan(0)
    expect(DIURNAL_SCALE.indexOf(Math.max(...DIURNAL_SCALE))).toBeGreaterThanOrEqual(18)
    expect(DIURNAL_SCALE.indexOf(Math.min(...DIURNAL_SCALE))).toBeLessThan(6)
  })
})

describe('scripts/gen-asn-map.ts end to end on a small data set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-asn-map-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, 'data', rel, '..'), { recursive: true })
    writeFileSync(join(dir, 'data', rel), text)
  }
  write(
    'asn/asn-ipv4-num.csv',
    '16777216,16777471,13335,"Cloudflare, Inc."\n16778240,16779263,38803,Gtelecom\n16781312,16781567,2519,ARTERIA\n'
  )
  write(
    'asn/asn-ipv6-num.csv',
    '42540488161975842760550356425300246528,42540488241204005274814694018844196863,6939,HE\n'
  )
  write(
    'asn-country/asn-country-ipv4-num.csv',
    '16777216,16777471,AU\n16778240,16779263,AU\n16781312,16785407,JP\n'
  )
  write(
    'asn-country/asn-country-ipv6-num.csv',
    '42540488161975842760550356425300246528,42540488241204005274814694018844196863,US\n'
  )

  const run = (out: string) =>
    execFileSync(
      process.execPath,
      [
        'scripts/gen-asn-map.ts',
        '--top',
        '2',
        '--data',
        join(dir, 'data'),
        '--out',
        join(dir, out),
      ],
      {
        encoding: 'utf8',
      }
    )

  it('writes the native source format, complete and deterministic', () => {
    run('a')
    run('b')
    const files = readdirSync(join(dir, 'a')).sort()
    expect(files).toEqual([
      'ane-property-map.json',
      'calendar-routingcost.json',
      'cost-delay-ow-p95.json',
      'cost-delay-ow.json',
      'cost-hopcount.json',
      'cost-lossrate.json',
      'cost-routingcost.json',
      'cost-tput.json',
      'costs-delay-ow-p95.csv',
      'costs-delay-ow.csv',
      'costs-hopcount.csv',
      'costs-lossrate.csv',
      'costs-tput.csv',
      'costs.csv',
      'network-map.json',
      'path-vectors.json',
      'prefixes.csv',
      'property-map.json',
      'property-pids.csv',
      'property-prefixes.csv',
    ])
    for (const f of files)
      expect(readFileSync(join(dir, 'b', f))).toEqual(readFileSync(join(dir, 'a', f)))

    const nm = JSON.parse(readFileSync(join(dir, 'a', 'network-map.json'), 'utf8'))
    expect(nm).toEqual({
      'resource-id': 'asn-network-map',
      pids: { default: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] } },
      'prefix-csv': ['prefixes.csv'],
    })
    const prefixLines = readFileSync(join(dir, 'a', 'prefixes.csv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
    // weights: 6939 holds all covered IPv6 (1.0), 38803 holds 1024 of 1536 IPv4 addresses (0.67),
    // 13335 and 2519 256 each -> top 2 = as6939, as38803; the rest go to rest-<majority country>
    expect(prefixLines).toEqual([
      'pid,prefix',
      'rest-AU,1.0.0.0/24',
      'as38803,1.0.4.0/22',
      'rest-JP,1.0.16.0/24',
      'as6939,2001::/32',
    ])

    const cm = JSON.parse(readFileSync(join(dir, 'a', 'cost-routingcost.json'), 'utf8'))
    expect(cm).toMatchObject({ 'network-map': 'asn-network-map', 'cost-csv': ['costs.csv'] })
    expect(cm['cost-type']).toMatchObject({
      'cost-mode': 'numerical',
      'cost-metric': 'routingcost',
    })
    const costLines = readFileSync(join(dir, 'a', 'costs.csv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
    expect(costLines[0]).toBe('src,dst,cost')
    const pids = ['as38803', 'as6939', 'default', 'rest-AU', 'rest-JP']
    expect(costLines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(
      pids.flatMap((s) => pids.map((d) => `${s},${d}`))
    )
    expect(costLines).toContain('as38803,default,200')
    expect(costLines).toContain('rest-AU,rest-AU,0')

    // RFC 9439 metric maps: same PID pairs in the same order, values from pairMetrics.
    for (const m of METRIC_MAPS) {
      const src = JSON.parse(readFileSync(join(dir, 'a', `cost-${m.stem}.json`), 'utf8'))
      expect(src).toMatchObject({
        'network-map': 'asn-network-map',
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': m.metric },
        'cost-csv': [`costs-${m.stem}.csv`],
      })
      const mLines = readFileSync(join(dir, 'a', `costs-${m.stem}.csv`), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
      expect(mLines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(
        costLines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))
      )
    }
    const cal = JSON.parse(readFileSync(join(dir, 'a', 'calendar-routingcost.json'), 'utf8'))
    expect(cal).toEqual({
      'cost-map': 'asn-network-map-num-routingcost',
      'time-interval-size': 3600,
      'number-of-intervals': 24,
      anchor: '2026-01-05T00:00:00Z',
      scale: DIURNAL_SCALE,
    })

    // RFC 9240 property map: .asn and .country per prefix (ranges with the same pair merged,
    // then split into CIDRs) and per PID.
    expect(JSON.parse(readFileSync(join(dir, 'a', 'property-map.json'), 'utf8'))).toEqual({
      'resource-id': 'asn-property-map',
      'prefix-csv': ['property-prefixes.csv'],
      'pid-csv': ['property-pids.csv'],
    })
    const lines = (f: string) =>
      readFileSync(join(dir, 'a', f), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
    expect(lines('property-prefixes.csv')).toEqual([
      'prefix,property,value',
      '1.0.0.0/24,.asn,13335',
      '1.0.0.0/24,.country,AU',
      '1.0.4.0/22,.asn,38803',
      '1.0.4.0/22,.country,AU',
      '1.0.16.0/24,.asn,2519',
      '1.0.16.0/24,.country,JP',
      '2001::/32,.asn,6939',
      '2001::/32,.country,US',
    ])
    expect(lines('property-pids.csv')).toEqual([
      'network-map,pid,property,value',
      'asn-network-map,as38803,.asn,38803',
      'asn-network-map,as38803,.country,AU',
      'asn-network-map,as6939,.asn,6939',
      'asn-network-map,as6939,.country,US',
      'asn-network-map,rest-AU,.country,AU',
      'asn-network-map,rest-JP,.country,JP',
    ])
  })

  it('compiles: the metric maps pass the RFC 9439 checks, the calendar the RFC 8896 ones, the path vectors RFC 9275', async () => {
    run('c')
    const out = join(dir, 'c')
    const files: Record<string, string> = Object.fromEntries(
      readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])
    )
    files['alto-edge.json'] = JSON.stringify({
      'default-network-map': 'asn-network-map',
      'network-maps': [{ file: 'network-map.json' }],
      'cost-maps': [
        { file: 'cost-routingcost.json' },
        ...METRIC_MAPS.map((m) => ({ file: `cost-${m.stem}.json` })),
      ],
      'cost-calendars': [{ file: 'calendar-routingcost.json' }],
      'property-maps': [{ file: 'ane-property-map.json' }],
      'path-vectors': [{ file: 'path-vectors.json' }],
    })
    const r = await compileMapSet(files)
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    // RFC 9275: the topology's compact source compiles; its ANEs are persistent in asn-anes.
    const pv = r.build.manifest['path-vectors']!['asn-network-map']
    expect(pv).toMatchObject({ 'ane-count': 44, 'persistent-maps': ['asn-anes'] })
    expect(r.build.manifest['property-maps']!['asn-anes'].mappings).toEqual({
      '.ane': ['.kind', 'max-reservable-bandwidth'],
    })
    const cms = r.build.manifest['cost-maps']
    expect(Object.keys(cms).sort()).toEqual([
      'asn-network-map-num-delay-ow',
      'asn-network-map-num-delay-ow:p95',
      'asn-network-map-num-hopcount',
      'asn-network-map-num-lossrate',
      'asn-network-map-num-routingcost',
      'asn-network-map-num-tput',
    ])
    expect(cms['asn-network-map-num-routingcost'].calendar).toMatchObject({
      'number-of-intervals': 24,
      'time-interval-size': 3600,
      anchor: '2026-01-05T00:00:00.000Z',
    })
  })
})
