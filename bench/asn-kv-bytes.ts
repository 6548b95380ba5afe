/**
 * @module KV bytes of the generated ASN map (routingcost, the five RFC 9439 metric maps and the
 * RFC 8896 routingcost calendar) against the RFC JSON of the same maps (issue 15 bench row).
 * Reads the manifest `alto-edge build` wrote and the generator's sources; the calendar's
 * RFC 8896 JSON (`"cost-map": {src: {dst: [N values]}}`, as a calendared filtered cost map over
 * all PIDs returns it) is rendered pair by pair and only its length kept.
 *
 *   npm run maps:asn && node src/cli/main.ts build --out build -q maps
 *   node bench/asn-kv-bytes.ts [build/manifest.json] [maps/asn/generated]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const manifestPath = process.argv[2] ?? 'build/manifest.json'
const dir = process.argv[3] ?? 'maps/asn/generated'
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const NM = 'asn-network-map'
const fmt = (n: number) => n.toLocaleString('en-US')

type Ref = { bytes: number }
const rows: { id: string; matrix: number; json: number; calendar?: number }[] = []
for (const [id, cm] of Object.entries<any>(manifest['cost-maps'])) {
  if (cm['network-map'] !== NM) continue
  rows.push({
    id,
    matrix: (cm.matrix as Ref).bytes,
    json: (cm.json as Ref).bytes,
    ...(cm.calendar ? { calendar: (cm.calendar.table as Ref).bytes } : {}),
  })
}
rows.sort((a, b) => (a.id < b.id ? -1 : 1))

// The calendar as RFC 8896 JSON, from the routingcost CSV and the scale factors.
const cal = JSON.parse(readFileSync(join(dir, 'calendar-routingcost.json'), 'utf8'))
const scale: number[] = cal.scale
const bySrc = new Map<string, string[]>()
for (const line of readFileSync(join(dir, 'costs.csv'), 'utf8').split('\n')) {
  if (line === '' || line.startsWith('#') || line === 'src,dst,cost') continue
  const [src, dst, cost] = line.split(',')
  const c = Number(cost)
  let row = bySrc.get(src)
  if (!row) bySrc.set(src, (row = []))
  row.push(`${JSON.stringify(dst)}:[${scale.map((f) => Math.round(c * f)).join(',')}]`)
}
let calendarJson = '{"cost-map":{'.length + '}}'.length
let first = true
for (const [src, row] of bySrc) {
  calendarJson += (first ? 0 : 1) + JSON.stringify(src).length + 3 + row.join(',').length
  first = false
}

const calRow = rows.find((r) => r.calendar !== undefined)
const matrices = rows.reduce((s, r) => s + r.matrix, 0)
const jsons = rows.reduce((s, r) => s + r.json, 0)
const out = {
  costMaps: rows,
  totals: {
    binaryMatrices: matrices,
    calendarBlob: calRow?.calendar ?? 0,
    binary: matrices + (calRow?.calendar ?? 0),
    getJsonBodies: jsons,
    calendarRfc8896Json: calendarJson,
    rfcJson: jsons + calendarJson,
    kvStored: matrices + (calRow?.calendar ?? 0) + jsons,
  },
}
console.log(JSON.stringify(out, null, 2))
console.error(
  `binary ${fmt(out.totals.binary)} B vs RFC JSON ${fmt(out.totals.rfcJson)} B ` +
    `(${(out.totals.rfcJson / out.totals.binary).toFixed(2)}x); calendar ${fmt(out.totals.calendarBlob)} B ` +
    `vs ${fmt(calendarJson)} B JSON`
)
