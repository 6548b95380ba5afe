/**
 * @module Pure planning of the large ASN-derived ALTO map (scripts/gen-asn-map.ts does the I/O).
 *
 * Inputs are the `-num` CSVs of `@ip-location-db/asn` (`start,end,asn,org`, addresses as
 * decimal integers, inclusive ranges) and `@ip-location-db/asn-country` (`start,end,CC`).
 * Rules (also in maps/asn/README.md):
 *
 * - weight of an ASN = its share of all IPv4 addresses the file covers + its share of all IPv6
 *   addresses the file covers (each family counts for at most 1, so the huge IPv6 allocations do
 *   not drown IPv4); the top N ASNs by weight (ties: lower ASN first) each get a PID `as<ASN>`;
 * - every other range goes to `rest-<CC>`, CC = the country that covers most of the range in
 *   asn-country (ties: smaller code), `ZZ` when no country range overlaps it;
 * - contiguous ranges that end up in the same PID are merged, then each range is split greedily
 *   into CIDR blocks;
 * - PID `default` holds 0.0.0.0/0 and ::/0, so every address maps to a PID (RFC 7285 §11.2.2).
 */
import { type Cidr, rangeToCidrs4, rangeToCidrs6, formatCidr4, formatCidr6 } from './cidr.ts'
import { type Region, regionOf, regionDistance } from './regions.ts'

/** Arithmetic a family needs; IPv4 = number, IPv6 = bigint. */
export interface AddrOps<A> {
  parse(text: string): A
  compare(a: A, b: A): number
  succ(a: A): A
  pred(a: A): A
  /** Number of addresses in [start, end], as a double (weights only). */
  span(start: A, end: A): number
  toCidrs(start: A, end: A): Cidr<A>[]
  formatCidr(c: Cidr<A>): string
}

export const IPV4_OPS: AddrOps<number> = {
  parse(text) {
    const n = Number(text)
    if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32)
      throw new RangeError(`bad IPv4 number ${text}`)
    return n
  },
  compare: (a, b) => a - b,
  succ: (a) => a + 1,
  pred: (a) => a - 1,
  span: (s, e) => e - s + 1,
  toCidrs: rangeToCidrs4,
  formatCidr: formatCidr4,
}

export const IPV6_OPS: AddrOps<bigint> = {
  parse(text) {
    if (!/^\d+$/.test(text)) throw new RangeError(`bad IPv6 number ${text}`)
    return BigInt(text)
  },
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  succ: (a) => a + 1n,
  pred: (a) => a - 1n,
  span: (s, e) => Number(e - s + 1n),
  toCidrs: rangeToCidrs6,
  formatCidr: formatCidr6,
}

export interface AsnRange<A> {
  start: A
  end: A
  asn: number
}

export interface CountryRange<A> {
  start: A
  end: A
  country: string
}

/** Code used for ranges no country range overlaps (ISO 3166 user-assigned "unknown"). */
export const UNKNOWN_COUNTRY = 'ZZ'

/** The first `count` comma-separated fields of a CSV line (later fields may be quoted text). */
function leadingFields(line: string, count: number): string[] {
  const out: string[] = []
  let from = 0
  for (let i = 0; i < count; i++) {
    const comma = line.indexOf(',', from)
    if (comma < 0) {
      if (i < count - 1) throw new SyntaxError(`expected ${count} fields: ${line}`)
      out.push(line.slice(from))
      break
    }
    out.push(line.slice(from, comma))
    from = comma + 1
  }
  return out
}

function* csvLines(text: string): Generator<{ line: string; lineNo: number }> {
  let lineNo = 0
  let from = 0
  while (from < text.length) {
    let nl = text.indexOf('\n', from)
    if (nl < 0) nl = text.length
    lineNo++
    const line = text.slice(from, text[nl - 1] === '\r' ? nl - 1 : nl)
    from = nl + 1
    if (line !== '' && !line.startsWith('#')) yield { line, lineNo }
  }
}

/** Rows `start,end,asn[,org]` of an `asn-ipv*-num.csv`. */
export function parseAsnCsv<A>(text: string, ops: AddrOps<A>): AsnRange<A>[] {
  const rows: AsnRange<A>[] = []
  for (const { line, lineNo } of csvLines(text)) {
    const [start, end, asn] = leadingFields(line, 3)
    const asnNumber = Number(asn)
    if (!Number.isInteger(asnNumber) || asnNumber < 0 || asn === '') {
      throw new SyntaxError(`line ${lineNo}: bad ASN ${JSON.stringify(asn)}`)
    }
    rows.push({ start: ops.parse(start), end: ops.parse(end), asn: asnNumber })
  }
  return rows
}

/** Rows `start,end,CC` of an `asn-country-ipv*-num.csv`. */
export function parseCountryCsv<A>(text: string, ops: AddrOps<A>): CountryRange<A>[] {
  const rows: CountryRange<A>[] = []
  for (const { line, lineNo } of csvLines(text)) {
    const [start, end, country] = leadingFields(line, 3)
    if (!/^[A-Z]{2}$/.test(country ?? ''))
      throw new SyntaxError(`line ${lineNo}: bad country ${country}`)
    rows.push({ start: ops.parse(start), end: ops.parse(end), country })
  }
  return rows
}

/**
 * Sorts ranges by start and removes overlaps: when a range starts inside its predecessor, the
 * predecessor is cut short (the later start wins); a predecessor left empty is dropped.
 * Returns a new array and the number of ranges that were cut or dropped.
 */
export function sortAndTrimOverlaps<A, R extends { start: A; end: A }>(
  rows: readonly R[],
  ops: AddrOps<A>
): { rows: R[]; trimmed: number } {
  const sorted = rows
    .map((r) => ({ ...r }))
    .sort((a, b) => ops.compare(a.start, b.start) || ops.compare(a.end, b.end))
  const out: R[] = []
  let trimmed = 0
  for (const row of sorted) {
    if (ops.compare(row.start, row.end) > 0) throw new RangeError('range with start > end')
    while (out.length > 0 && ops.compare(out[out.length - 1].end, row.start) >= 0) {
      const prev = out[out.length - 1]
      trimmed++
      if (ops.compare(prev.start, row.start) >= 0) out.pop()
      else {
        prev.end = ops.pred(row.start)
        break
      }
    }
    out.push(row)
  }
  return { rows: out, trimmed }
}

/**
 * For each (sorted, disjoint) range, the country covering most of its addresses among the
 * (sorted, disjoint) country ranges; ties go to the smaller code; UNKNOWN_COUNTRY when none
 * overlaps. Linear merge over both lists.
 */
export function assignCountries<A>(
  rows: readonly { start: A; end: A }[],
  countries: readonly CountryRange<A>[],
  ops: AddrOps<A>
): string[] {
  const out: string[] = []
  let j = 0
  for (const row of rows) {
    while (j < countries.length && ops.compare(countries[j].end, row.start) < 0) j++
    const overlap = new Map<string, number>()
    for (let k = j; k < countries.length && ops.compare(countries[k].start, row.end) <= 0; k++) {
      const c = countries[k]
      const from = ops.compare(c.start, row.start) > 0 ? c.start : row.start
      const to = ops.compare(c.end, row.end) < 0 ? c.end : row.end
      overlap.set(c.country, (overlap.get(c.country) ?? 0) + ops.span(from, to))
    }
    out.push(argmaxKey(overlap) ?? UNKNOWN_COUNTRY)
  }
  return out
}

/** Key with the largest value; ties go to the smaller key. */
function argmaxKey(m: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined
  let bestValue = -Infinity
  for (const [k, v] of m) {
    if (v > bestValue || (v === bestValue && best !== undefined && k < best)) {
      best = k
      bestValue = v
    }
  }
  return best
}

/** What the cost rule needs to know about a PID. */
export interface PidInfo {
  name: string
  kind: 'asn' | 'rest' | 'default'
  /** Dominant country (ISO alpha-2) or UNKNOWN_COUNTRY; null for `default`. */
  country: string | null
  region: Region | null
}

export const DEFAULT_PID = 'default'
export const asnPidName = (asn: number): string => `as${asn}`
export const restPidName = (country: string): string => `rest-${country}`

/** One family's input, already sorted and trimmed, with the country of each range. */
export interface FamilyInput<A> {
  ops: AddrOps<A>
  rows: readonly AsnRange<A>[]
  countries: readonly string[]
}

export interface AsnWeight {
  asn: number
  weight: number
  country: string
}

/**
 * Ranks ASNs by weight (share of the family's covered space, summed over families; ties: lower
 * ASN first) and finds each ASN's dominant country by the same weight.
 */
export function rankAsns(families: readonly FamilyInput<unknown>[]): AsnWeight[] {
  const weight = new Map<number, number>()
  const countryWeight = new Map<number, Map<string, number>>()
  for (const { ops, rows, countries } of families) {
    let total = 0
    for (const r of rows) total += ops.span(r.start, r.end)
    if (total === 0) continue
    rows.forEach((r, i) => {
      const w = ops.span(r.start, r.end) / total
      weight.set(r.asn, (weight.get(r.asn) ?? 0) + w)
      let cw = countryWeight.get(r.asn)
      if (!cw) countryWeight.set(r.asn, (cw = new Map()))
      cw.set(countries[i], (cw.get(countries[i]) ?? 0) + w)
    })
  }
  return [...weight]
    .map(([asn, w]) => ({
      asn,
      weight: w,
      country: argmaxKey(countryWeight.get(asn)!) ?? UNKNOWN_COUNTRY,
    }))
    .sort((a, b) => b.weight - a.weight || a.asn - b.asn)
}

export interface FamilyPlan {
  /** `pid,prefix` pairs in address order. */
  prefixes: { pid: string; prefix: string }[]
  /** Ranges after merging contiguous same-PID ranges. */
  mergedRanges: number
}

/** Assigns each range its PID, merges contiguous same-PID ranges, splits them into CIDRs. */
export function planFamily<A>(
  fam: FamilyInput<A>,
  pidOfAsn: ReadonlyMap<number, string>
): FamilyPlan {
  const { ops, rows, countries } = fam
  const prefixes: { pid: string; prefix: string }[] = []
  let mergedRanges = 0
  let cur: { start: A; end: A; pid: string } | null = null
  const flush = () => {
    if (!cur) return
    mergedRanges++
    for (const c of ops.toCidrs(cur.start, cur.end))
      prefixes.push({ pid: cur.pid, prefix: ops.formatCidr(c) })
  }
  rows.forEach((r, i) => {
    const pid = pidOfAsn.get(r.asn) ?? restPidName(countries[i])
    if (cur && cur.pid === pid && ops.compare(ops.succ(cur.end), r.start) === 0) {
      cur.end = r.end
      return
    }
    flush()
    cur = { start: r.start, end: r.end, pid }
  })
  flush()
  return { prefixes, mergedRanges }
}

/**
 * RFC 9240 property map lines of one family (docs/property-maps.md): `.asn` (decimal string) and
 * `.country` (the range's majority country; omitted when unknown) per prefix. Contiguous ranges
 * with the same ASN and country are merged first, then split into CIDRs, as for the PIDs.
 * Output: `prefix,property,value` lines in address order.
 */
export function planPropertyLines<A>(fam: FamilyInput<A>): string[] {
  const { ops, rows, countries } = fam
  const lines: string[] = []
  let cur: { start: A; end: A; asn: number; country: string } | null = null
  const flush = () => {
    if (!cur) return
    for (const c of ops.toCidrs(cur.start, cur.end)) {
      const prefix = ops.formatCidr(c)
      lines.push(`${prefix},.asn,${cur.asn}\n`)
      if (cur.country !== UNKNOWN_COUNTRY) lines.push(`${prefix},.country,${cur.country}\n`)
    }
  }
  rows.forEach((r, i) => {
    const country = countries[i]
    if (
      cur &&
      cur.asn === r.asn &&
      cur.country === country &&
      ops.compare(ops.succ(cur.end), r.start) === 0
    ) {
      cur.end = r.end
      return
    }
    flush()
    cur = { start: r.start, end: r.end, asn: r.asn, country }
  })
  flush()
  return lines
}

/**
 * Property lines of the PIDs (`network-map,pid,property,value`): an `as<ASN>` PID has `.asn`
 * and its dominant `.country`; a `rest-<CC>` PID has `.country` (none for ZZ); `default` none.
 */
export function planPidPropertyLines(networkMap: string, pids: readonly PidInfo[]): string[] {
  const lines: string[] = []
  for (const p of pids) {
    if (p.kind === 'asn') lines.push(`${networkMap},${p.name},.asn,${p.name.slice(2)}\n`)
    if (p.kind !== 'default' && p.country !== null && p.country !== UNKNOWN_COUNTRY)
      lines.push(`${networkMap},${p.name},.country,${p.country}\n`)
  }
  return lines
}

/** The PID list (sorted by JavaScript string order, as the compiler stores it) with attributes. */
export function planPids(
  topAsns: readonly AsnWeight[],
  restCountries: Iterable<string>
): PidInfo[] {
  const pids: PidInfo[] = [{ name: DEFAULT_PID, kind: 'default', country: null, region: null }]
  for (const a of topAsns) {
    pids.push({
      name: asnPidName(a.asn),
      kind: 'asn',
      country: a.country,
      region: regionOf(a.country),
    })
  }
  for (const cc of new Set(restCountries)) {
    pids.push({ name: restPidName(cc), kind: 'rest', country: cc, region: regionOf(cc) })
  }
  return pids.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** FNV-1a over the UTF-16 code units, then the murmur3 finalizer: a stable 32-bit hash. */
export function stableHash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Symmetric per-pair jitter: the hash of the two names in sorted order. */
export function pairJitter(a: string, b: string): number {
  return a < b ? stableHash32(`${a}\n${b}`) : stableHash32(`${b}\n${a}`)
}

export const COST_RULE = {
  self: 0,
  default: 200,
  sameCountry: { base: 10, jitter: 10 },
  sameRegion: { base: 30, jitter: 20 },
  otherRegion: { base: 60, jitter: 30 },
} as const

/**
 * The routingcost between two PIDs (integer, symmetric, 0..200):
 * self 0; to or from `default` 200; same known country 10-19; same known continent 30-49;
 * otherwise 60 + continent distance (20-80) + 0-29. The jitter is pairJitter mod the band.
 */
export function routingCost(a: PidInfo, b: PidInfo): number {
  if (a.name === b.name) return COST_RULE.self
  if (a.kind === 'default' || b.kind === 'default') return COST_RULE.default
  const j = pairJitter(a.name, b.name)
  const ra = a.region ?? 'unknown'
  const rb = b.region ?? 'unknown'
  if (ra !== 'unknown' && a.country === b.country) {
    return COST_RULE.sameCountry.base + (j % COST_RULE.sameCountry.jitter)
  }
  if (ra !== 'unknown' && ra === rb)
    return COST_RULE.sameRegion.base + (j % COST_RULE.sameRegion.jitter)
  return COST_RULE.otherRegion.base + regionDistance(ra, rb) + (j % COST_RULE.otherRegion.jitter)
}

/** Which band of the cost rule a pair falls in; `distance` is the continent distance (20-80). */
export type PairBand =
  | { band: 'self' }
  | { band: 'default' }
  | { band: 'sameCountry' }
  | { band: 'sameRegion' }
  | { band: 'otherRegion'; distance: number }

/** The band of routingCost's rule (same tests, same order). */
export function pairBand(a: PidInfo, b: PidInfo): PairBand {
  if (a.name === b.name) return { band: 'self' }
  if (a.kind === 'default' || b.kind === 'default') return { band: 'default' }
  const ra = a.region ?? 'unknown'
  const rb = b.region ?? 'unknown'
  if (ra !== 'unknown' && a.country === b.country) return { band: 'sameCountry' }
  if (ra !== 'unknown' && ra === rb) return { band: 'sameRegion' }
  return { band: 'otherRegion', distance: regionDistance(ra, rb) }
}

/** RFC 9439 metrics of one PID pair (units: µs, percent, bytes/s). */
export interface PairMetrics {
  hopcount: number
  /** `delay-ow` (median one-way delay), integer µs. */
  delayOw: number
  /** `delay-ow:p95`, integer µs, ≥ delayOw. */
  delayOwP95: number
  /** `lossrate`, percent, a multiple of 1/64 (exact in F32). */
  lossrate: number
  /** `tput`, integer bytes/s. */
  tput: number
}

/**
 * The metrics rule (maps/asn/README.md, "Metrics"): per band, a base plus independent per-pair
 * jitters (stableHash32 of the sorted pair with a metric salt, so every metric is symmetric):
 *
 * | band | hopcount | delay-ow median | p95 | lossrate |
 * |---|---|---|---|---|
 * | self | 0 | 100 µs | 1.2–1.79 × median | 0 |
 * | same country | 2–5 | 1–10 ms | " | 0–3/64 % |
 * | same continent | 5–9 | 10–40 ms | " | 2–9/64 % |
 * | other continents (distance d 20–80) | 8 + d/10 + 0–3 | 40 ms + d × 1.5 ms + 0–30 ms (70–190 ms) | " | 8–39/64 % |
 * | to/from `default` | 24 | 200 ms | " | 1 % |
 *
 * tput is the Mathis et al. TCP model, MSS × 1.22 / (RTT × √p), with RTT = 2 × the median
 * one-way delay, p = max(loss, 0.001 %), capped at 1.25e9 B/s (10 Gbit/s), rounded.
 */
export const METRIC_RULE = {
  self: { hops: [0, 0], delayUs: [100, 0], loss64: [0, 0] },
  default: { hops: [24, 0], delayUs: [200_000, 0], loss64: [64, 0] },
  sameCountry: { hops: [2, 4], delayUs: [1_000, 9_000], loss64: [0, 4] },
  sameRegion: { hops: [5, 5], delayUs: [10_000, 30_000], loss64: [2, 8] },
  otherRegion: { hops: [8, 4], delayUs: [40_000, 30_000], loss64: [8, 32] },
  /** otherRegion adds distance/10 hops and distance × this many µs. */
  perDistance: { hops: 0.1, delayUs: 1_500 },
  p95: { minPercent: 20, jitterPercent: 60 },
  tput: { mss: 1460, mathis: 1.22, minLoss: 1e-5, capBytes: 1.25e9 },
} as const

const salted = (a: string, b: string, salt: string): number =>
  a < b ? stableHash32(`${salt}\n${a}\n${b}`) : stableHash32(`${salt}\n${b}\n${a}`)

/** The RFC 9439 metrics of a pair by METRIC_RULE: deterministic and symmetric. */
export function pairMetrics(a: PidInfo, b: PidInfo): PairMetrics {
  const pb = pairBand(a, b)
  const r = METRIC_RULE[pb.band]
  const pick = (range: readonly [number, number], salt: string): number =>
    range[0] + (range[1] === 0 ? 0 : salted(a.name, b.name, salt) % range[1])
  let hopcount = pick(r.hops, 'hops')
  let delayOw = pick(r.delayUs, 'delay')
  if (pb.band === 'otherRegion') {
    hopcount += Math.round(pb.distance * METRIC_RULE.perDistance.hops)
    delayOw += pb.distance * METRIC_RULE.perDistance.delayUs
  }
  const { minPercent, jitterPercent } = METRIC_RULE.p95
  const p95Percent = minPercent + (salted(a.name, b.name, 'p95') % jitterPercent)
  const delayOwP95 = delayOw + Math.round((delayOw * p95Percent) / 100)
  const lossrate = pick(r.loss64, 'loss') / 64
  const t = METRIC_RULE.tput
  const rttSeconds = (2 * delayOw) / 1e6
  const p = Math.max(lossrate / 100, t.minLoss)
  const tput = Math.round(Math.min(t.capBytes, (t.mss * t.mathis) / (rttSeconds * Math.sqrt(p))))
  return { hopcount, delayOw, delayOwP95, lossrate, tput }
}

/** The metric cost maps the generator writes: file stem, RFC 9439 cost metric, value of a pair. */
export const METRIC_MAPS: readonly {
  stem: string
  metric: string
  description: string
  value: (m: PairMetrics) => number
}[] = [
  {
    stem: 'hopcount',
    metric: 'hopcount',
    description: 'synthetic hop count',
    value: (m) => m.hopcount,
  },
  {
    stem: 'delay-ow',
    metric: 'delay-ow',
    description: 'synthetic median one-way delay, microseconds',
    value: (m) => m.delayOw,
  },
  {
    stem: 'delay-ow-p95',
    metric: 'delay-ow:p95',
    description: 'synthetic 95th percentile one-way delay, microseconds',
    value: (m) => m.delayOwP95,
  },
  {
    stem: 'lossrate',
    metric: 'lossrate',
    description: 'synthetic loss rate, percent',
    value: (m) => m.lossrate,
  },
  {
    stem: 'tput',
    metric: 'tput',
    description: 'synthetic TCP throughput (Mathis model), bytes per second',
    value: (m) => m.tput,
  },
]

/**
 * The diurnal shape of the routingcost calendar: 24 hourly factors (hour 0 = 00:00 UTC of the
 * anchor), a night trough of 0.8, a working-day plateau and an evening peak of 1.25. The peak
 * keeps 200 × 1.25 = 250 within U8 (≤ 254), so the calendar is one byte per cell.
 */
export const DIURNAL_SCALE: readonly number[] = [
  0.85, 0.8, 0.8, 0.8, 0.8, 0.85, 0.9, 1, 1.05, 1.1, 1.1, 1.1, 1.05, 1.1, 1.1, 1.05, 1.05, 1.1,
  1.15, 1.2, 1.25, 1.25, 1.1, 0.95,
]
