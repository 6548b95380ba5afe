/**
 * Generates the large, real ASN-derived ALTO map set in the native source format
 * (docs: maps/asn/README.md, docs/source-format.md):
 *
 *   node scripts/gen-asn-map.ts [--top N] [--out maps/asn/generated] [--data node_modules/@ip-location-db]
 *
 * Output (byte-identical for the same input): network-map.json + prefixes.csv (resource id
 * `asn-network-map`), cost-routingcost.json + costs.csv (numerical routingcost, dense PID x PID),
 * property-map.json + property-prefixes.csv + property-pids.csv (RFC 9240 property map
 * `asn-property-map`: `.asn` and `.country` per prefix and per PID), cost-<metric>.json +
 * costs-<metric>.csv (RFC 9439 hopcount, delay-ow, delay-ow:p95, lossrate, tput by METRIC_RULE)
 * calendar-routingcost.json (RFC 8896: 24 hourly intervals, the `scale` form, DIURNAL_SCALE),
 * path-vectors.json (RFC 9275: the AS-level topology of scripts/lib/asn-topology.ts in the
 * compact class form) and ane-property-map.json (`asn-anes`, its persistent ANEs).
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  IPV4_OPS,
  IPV6_OPS,
  type AddrOps,
  type FamilyInput,
  assignCountries,
  asnPidName,
  parseAsnCsv,
  parseCountryCsv,
  planFamily,
  planPidPropertyLines,
  planPids,
  planPropertyLines,
  rankAsns,
  routingCost,
  sortAndTrimOverlaps,
  DEFAULT_PID,
  DIURNAL_SCALE,
  METRIC_MAPS,
  pairMetrics,
} from './lib/asn-map.ts'
import { asnTopologySource } from './lib/asn-topology.ts'

export const NETWORK_MAP_ID = 'asn-network-map'
export const PROPERTY_MAP_ID = 'asn-property-map'
/** RFC 9275 §6.2.4: the property map defining the topology's persistent ANEs. */
export const ANE_PROPERTY_MAP_ID = 'asn-anes'

/** The `.kind` of a topology ANE: access, regional or intercontinental. */
const aneKind = (name: string): string =>
  name.startsWith('access-')
    ? 'access'
    : name.startsWith('regional-')
      ? 'regional'
      : 'intercontinental'
export const ROUTINGCOST_MAP_ID = 'asn-network-map-num-routingcost'
/** A Monday 00:00 UTC: interval k of every day is hour k UTC. */
export const CALENDAR_ANCHOR = '2026-01-05T00:00:00Z'
const DEFAULT_TOP = 1000

function usage(): never {
  console.error('usage: node scripts/gen-asn-map.ts [--top N] [--out DIR] [--data DIR]')
  process.exit(2)
}

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)} s`
const log = (msg: string) => console.log(`[${elapsed().padStart(7)}] ${msg}`)
const fmt = (n: number) => n.toLocaleString('en-US')

function loadFamily<A>(
  label: string,
  ops: AddrOps<A>,
  asnFile: string,
  countryFile: string
): FamilyInput<A> & { rawRows: number; trimmed: number } {
  const raw = parseAsnCsv(readFileSync(asnFile, 'utf8'), ops)
  const { rows, trimmed } = sortAndTrimOverlaps(raw, ops)
  const countryRows = sortAndTrimOverlaps(
    parseCountryCsv(readFileSync(countryFile, 'utf8'), ops),
    ops
  )
  const countries = assignCountries(rows, countryRows.rows, ops)
  log(
    `${label}: ${fmt(raw.length)} ASN ranges (${trimmed} overlaps trimmed), ` +
      `${fmt(countryRows.rows.length)} country ranges`
  )
  return { ops, rows, countries, rawRows: raw.length, trimmed }
}

function main(): void {
  let values
  try {
    values = parseArgs({
      options: {
        top: { type: 'string', default: String(DEFAULT_TOP) },
        out: { type: 'string', default: 'maps/asn/generated' },
        data: { type: 'string', default: 'node_modules/@ip-location-db' },
        help: { type: 'boolean', default: false },
      },
    }).values
  } catch (e) {
    console.error((e as Error).message)
    usage()
  }
  if (values.help) usage()
  const top = Number(values.top)
  if (!Number.isInteger(top) || top < 0 || top > 30000) {
    console.error(`--top must be an integer in [0, 30000], got ${values.top}`)
    usage()
  }
  const outDir = resolve(values.out!)
  const data = resolve(values.data!)

  const v4 = loadFamily(
    'IPv4',
    IPV4_OPS,
    join(data, 'asn/asn-ipv4-num.csv'),
    join(data, 'asn-country/asn-country-ipv4-num.csv')
  )
  const v6 = loadFamily(
    'IPv6',
    IPV6_OPS,
    join(data, 'asn/asn-ipv6-num.csv'),
    join(data, 'asn-country/asn-country-ipv6-num.csv')
  )

  const ranked = rankAsns([v4, v6] as FamilyInput<unknown>[])
  const topAsns = ranked.slice(0, top)
  const pidOfAsn = new Map(topAsns.map((a) => [a.asn, asnPidName(a.asn)]))
  log(`ranked ${fmt(ranked.length)} ASNs; top ${topAsns.length} get their own PID`)

  const plan4 = planFamily(v4, pidOfAsn)
  const plan6 = planFamily(v6, pidOfAsn)
  const restCountries = [...plan4.prefixes, ...plan6.prefixes]
    .map((p) => p.pid)
    .filter((pid) => pid.startsWith('rest-'))
    .map((pid) => pid.slice('rest-'.length))
  const pids = planPids(topAsns, restCountries)
  log(
    `prefixes: IPv4 ${fmt(plan4.prefixes.length)} (from ${fmt(plan4.mergedRanges)} merged ranges), ` +
      `IPv6 ${fmt(plan6.prefixes.length)} (from ${fmt(plan6.mergedRanges)}); PIDs ${fmt(pids.length)}`
  )

  mkdirSync(outDir, { recursive: true })
  const header = (what: string) =>
    `# ${what} generated by scripts/gen-asn-map.ts --top ${top} from @ip-location-db/asn and ` +
    `asn-country (CC BY 4.0: RouteViews, DB-IP, NRO); see maps/asn/README.md\n`

  const networkMap = {
    'resource-id': NETWORK_MAP_ID,
    pids: { [DEFAULT_PID]: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] } },
    'prefix-csv': ['prefixes.csv'],
  }
  writeFileSync(join(outDir, 'network-map.json'), JSON.stringify(networkMap, null, 2) + '\n')
  const prefixLines = [...plan4.prefixes, ...plan6.prefixes].map((p) => `${p.pid},${p.prefix}\n`)
  writeFileSync(
    join(outDir, 'prefixes.csv'),
    header('PID prefixes') + 'pid,prefix\n' + prefixLines.join('')
  )
  log(`wrote network-map.json, prefixes.csv (${fmt(prefixLines.length)} lines)`)

  const costMap = {
    'network-map': NETWORK_MAP_ID,
    'cost-type': {
      'cost-mode': 'numerical',
      'cost-metric': 'routingcost',
      description: 'synthetic: country/continent of each PID plus a stable per-pair jitter',
    },
    'cost-csv': ['costs.csv'],
  }
  writeFileSync(join(outDir, 'cost-routingcost.json'), JSON.stringify(costMap, null, 2) + '\n')
  const fd = openSync(join(outDir, 'costs.csv'), 'w')
  let costEntries = 0
  try {
    writeSync(fd, header('PID x PID routingcost') + 'src,dst,cost\n')
    for (const src of pids) {
      let row = ''
      for (const dst of pids) row += `${src.name},${dst.name},${routingCost(src, dst)}\n`
      writeSync(fd, row)
      costEntries += pids.length
    }
  } finally {
    closeSync(fd)
  }
  log(`wrote cost-routingcost.json, costs.csv (${fmt(costEntries)} entries)`)

  // RFC 9439 metric cost maps, one CSV each, written in one pass over the pairs.
  const metricFds = METRIC_MAPS.map((m) => {
    const costMap = {
      'network-map': NETWORK_MAP_ID,
      'cost-type': {
        'cost-mode': 'numerical',
        'cost-metric': m.metric,
        // No cost-context: one cost type name has one context across the map set (RFC 9439
        // §3.1), and the interop maps' num-hopcount has none; no context means "estimation".
        description: `${m.description}, derived from the routingcost bands (maps/asn/README.md)`,
      },
      'cost-csv': [`costs-${m.stem}.csv`],
    }
    writeFileSync(join(outDir, `cost-${m.stem}.json`), JSON.stringify(costMap, null, 2) + '\n')
    const mfd = openSync(join(outDir, `costs-${m.stem}.csv`), 'w')
    writeSync(mfd, header(`PID x PID ${m.metric}`) + 'src,dst,cost\n')
    return mfd
  })
  try {
    const rows = METRIC_MAPS.map(() => '')
    for (const src of pids) {
      rows.fill('')
      for (const dst of pids) {
        const pm = pairMetrics(src, dst)
        for (let i = 0; i < METRIC_MAPS.length; i++)
          rows[i] += `${src.name},${dst.name},${METRIC_MAPS[i].value(pm)}\n`
      }
      for (let i = 0; i < METRIC_MAPS.length; i++) writeSync(metricFds[i], rows[i])
    }
  } finally {
    for (const mfd of metricFds) closeSync(mfd)
  }
  log(`wrote ${METRIC_MAPS.map((m) => `cost-${m.stem}.json`).join(', ')} and their CSVs`)

  const calendar = {
    'cost-map': ROUTINGCOST_MAP_ID,
    'time-interval-size': 3600,
    'number-of-intervals': DIURNAL_SCALE.length,
    anchor: CALENDAR_ANCHOR,
    scale: DIURNAL_SCALE,
  }
  writeFileSync(join(outDir, 'calendar-routingcost.json'), JSON.stringify(calendar, null, 2) + '\n')
  log('wrote calendar-routingcost.json (24 hourly intervals, scale form)')

  const propertyMap = {
    'resource-id': PROPERTY_MAP_ID,
    'prefix-csv': ['property-prefixes.csv'],
    'pid-csv': ['property-pids.csv'],
  }
  writeFileSync(join(outDir, 'property-map.json'), JSON.stringify(propertyMap, null, 2) + '\n')
  const propertyLines = [...planPropertyLines(v4), ...planPropertyLines(v6)]
  const pfd = openSync(join(outDir, 'property-prefixes.csv'), 'w')
  try {
    writeSync(pfd, header('RFC 9240 prefix properties') + 'prefix,property,value\n')
    for (let i = 0; i < propertyLines.length; i += 10_000)
      writeSync(pfd, propertyLines.slice(i, i + 10_000).join(''))
  } finally {
    closeSync(pfd)
  }
  const pidPropertyLines = planPidPropertyLines(NETWORK_MAP_ID, pids)
  writeFileSync(
    join(outDir, 'property-pids.csv'),
    header('RFC 9240 PID properties') +
      'network-map,pid,property,value\n' +
      pidPropertyLines.join('')
  )
  log(
    `wrote property-map.json, property-prefixes.csv (${fmt(propertyLines.length)} lines), ` +
      `property-pids.csv (${fmt(pidPropertyLines.length)} lines)`
  )

  // RFC 9275 path vectors: the AS-level topology rule (scripts/lib/asn-topology.ts) in the
  // compact source form (one class per region, docs/path-vector.md), its ANEs persistent in
  // the property map `asn-anes` (coarse, public continent aggregates: RFC 9275 §11).
  const topology = asnTopologySource(
    NETWORK_MAP_ID,
    pids.map((p) => ({ name: p.name, region: p.region })),
    ANE_PROPERTY_MAP_ID
  )
  writeFileSync(join(outDir, 'path-vectors.json'), JSON.stringify(topology, null, 2) + '\n')
  const aneMap = {
    'resource-id': ANE_PROPERTY_MAP_ID,
    anes: Object.fromEntries(
      Object.entries(topology.anes).map(([name, a]) => [
        name,
        { 'max-reservable-bandwidth': a['max-reservable-bandwidth'], '.kind': aneKind(name) },
      ])
    ),
  }
  writeFileSync(join(outDir, 'ane-property-map.json'), JSON.stringify(aneMap, null, 2) + '\n')
  log(
    `wrote path-vectors.json (${Object.keys(topology.anes).length} ANEs, ` +
      `${Object.keys(topology.classes).length} region classes), ane-property-map.json`
  )

  console.log(
    JSON.stringify(
      {
        out: outDir,
        rows: { ipv4: v4.rawRows, ipv6: v6.rawRows },
        overlapsTrimmed: { ipv4: v4.trimmed, ipv6: v6.trimmed },
        asns: ranked.length,
        prefixes: { ipv4: plan4.prefixes.length + 1, ipv6: plan6.prefixes.length + 1 },
        pids: pids.length,
        pidsByKind: {
          asn: pids.filter((p) => p.kind === 'asn').length,
          rest: pids.filter((p) => p.kind === 'rest').length,
          default: 1,
        },
        topAsnShare: Number(topAsns.reduce((s, a) => s + a.weight, 0).toFixed(4)),
        costEntries,
        propertyLines: { prefixes: propertyLines.length, pids: pidPropertyLines.length },
        seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      },
      null,
      2
    )
  )
}

main()
