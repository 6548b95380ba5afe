/**
 * @module Benchmark 2 (issue #4): time from the bytes as read from KV (a fresh ArrayBuffer) to
 * the first answered IPv4 lookup (a PID name), on the large ASN map.
 *
 * - ours: Lpm4.open (container + fxhash32 checksum + views) + decodeStringTable of the PID
 *   names + one lookup;
 * - baseline: TextDecoder + JSON.parse of the RFC 7285 network map response body, then a
 *   sorted-range table built from the parsed IPv4 prefixes (bench/lib/baseline-ranges.ts) + one
 *   lookup.
 *
 * Copying the bytes into a fresh ArrayBuffer (what a KV read yields) happens before the timer
 * starts on both sides.
 */
import {
  Lpm4,
  buildLpm4,
  decodeStringTable,
  encodeStringTable,
  parseIPv4,
} from '../src/tables/index.ts'
import { type AsnMapData } from './lib/asn-map-data.ts'
import { buildRangeTable, lookupRange, parseIPv4PrefixSimple } from './lib/baseline-ranges.ts'
import { type BenchResult, type RunOptions, log, lowerIsBetter, median } from './lib/harness.ts'

const PROBE = '8.8.8.8'

const freshCopy = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer

export function firstLookupOurs(lpmBytes: ArrayBuffer, pidBytes: ArrayBuffer, ip: string): string {
  const lpm = Lpm4.open(lpmBytes)
  const pids = decodeStringTable(pidBytes)
  return pids[lpm.lookup(parseIPv4(ip)!)]
}

export function firstLookupJson(jsonBytes: ArrayBuffer, ip: string): string {
  const body = JSON.parse(new TextDecoder().decode(jsonBytes)) as {
    'network-map': Record<string, { ipv4?: string[] }>
  }
  const pids = Object.keys(body['network-map'])
  const prefixes: { addr: number; len: number; value: number }[] = []
  pids.forEach((pid, value) => {
    for (const text of body['network-map'][pid].ipv4 ?? [])
      prefixes.push({ ...parseIPv4PrefixSimple(text), value })
  })
  const table = buildRangeTable(prefixes)
  const [a, b, c, d] = ip.split('.').map(Number)
  return pids[lookupRange(table, ((a << 24) | (b << 16) | (c << 8) | d) >>> 0)]
}

/** Median over runs of prepare()(), timing only the returned closure (copies are untimed). */
function timeFirstLookup(
  prepare: () => () => string,
  opts: RunOptions
): { ms: number; answer: string } {
  const times: number[] = []
  let answer = ''
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const run = prepare()
    const t0 = process.hrtime.bigint()
    answer = run()
    const dt = Number(process.hrtime.bigint() - t0)
    if (i >= opts.warmup) times.push(dt)
  }
  return { ms: median(times) / 1e6, answer }
}

export function benchLoad(opts: RunOptions, asn: AsnMapData): BenchResult[] {
  const lpmBlob = buildLpm4(asn.v4)
  const pidBlob = encodeStringTable(asn.pids)
  const jsonBlob = new TextEncoder().encode(asn.rfcJson)
  const ours = timeFirstLookup(() => {
    const lpmBytes = freshCopy(lpmBlob)
    const pidBytes = freshCopy(pidBlob)
    return () => firstLookupOurs(lpmBytes, pidBytes, PROBE)
  }, opts)
  const json = timeFirstLookup(() => {
    const jsonBytes = freshCopy(jsonBlob)
    return () => firstLookupJson(jsonBytes, PROBE)
  }, opts)
  if (ours.answer !== json.answer)
    throw new Error(`first lookup answers differ: ${ours.answer} vs ${json.answer}`)
  log(
    `load: ours ${ours.ms.toFixed(3)} ms, JSON ${json.ms.toFixed(1)} ms (${PROBE} → ${ours.answer})`
  )
  return [
    lowerIsBetter(
      'Load ASN map: KV bytes → first IPv4 lookup',
      'ms',
      ours.ms,
      json.ms,
      'JSON.parse + sorted ranges',
      {
        target: '<1 ms (ours)',
        meets: ours.ms < 1,
        note: `${lpmBlob.byteLength + pidBlob.byteLength} B vs ${jsonBlob.byteLength} B`,
      }
    ),
  ]
}
