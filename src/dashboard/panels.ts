/**
 * @module The dashboard's table and form panels: the published version and its history (operator
 * endpoint), the network maps (operator summary, else counted from the public maps), the address →
 * PID lookup (endpoint property service, `<network-map>.pid`, RFC 7285 §11.4.1) and the endpoint
 * cost form (RFC 7285 §11.5.1), which ranks candidates by cost.
 */
import { MEDIA_TYPES } from '../alto/media-types.ts'
import {
  altoJson,
  type CostType,
  type Ird,
  type IrdEntry,
  type NetworkMap,
  type VersionsSummary,
} from './api.ts'
import { bytes, byId, fillSelect, fillTable, showError, showText } from './dom.ts'

/** The IRD's resources of one media type (GET resources: no `accepts`; POST ones: with). */
export function resourcesOf(
  ird: Ird,
  mediaType: string,
  post = false
): [string, IrdEntry & { uri: string }][] {
  return Object.entries(ird.resources)
    .filter(([, e]) => e['media-type'] === mediaType && (e.accepts !== undefined) === post)
    .map(([id, e]) => [id, { ...e, uri: new URL(e.uri, location.origin + '/directory').pathname }])
}

/** Versions and tags are 32-hex-digit hashes: the first 12 tell them apart on screen. */
const short = (hash: string) => (hash.length > 16 ? `${hash.slice(0, 12)}…` : hash)

export function renderVersions(summary: VersionsSummary | null, ird: Ird): void {
  const line = byId('version-line')
  const table = byId('versions')
  if (!summary) {
    const n = Object.keys(ird.resources).length
    line.textContent = `${n} resources in the directory. Version history needs the operator token.`
    table.replaceChildren()
    return
  }
  const cur = summary.current
  line.textContent = cur ? `current: ${cur.version} (seq ${cur.seq})` : 'nothing published'
  fillTable(
    table,
    ['seq', 'version', 'created', 'rollback would restore'],
    summary.versions.map((v) => [
      v.seq,
      short(v.version),
      v.created.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
      v.current
        ? '(current)'
        : v['rollback-changes'] === null
          ? 'manifest pruned: cannot roll back'
          : v['rollback-changes'].length === 0
            ? 'the same content'
            : v['rollback-changes'].join(', '),
    ]),
    (i) => (summary.versions[i].current ? 'current' : undefined)
  )
}

interface NetworkMapRow {
  id: string
  vtag: string
  pids: number
  v4: number
  v6: number
  tableBytes: string
}

function rowsFromSummary(summary: VersionsSummary): NetworkMapRow[] | null {
  const manifest = summary.versions.find((v) => v.current)?.manifest
  if (!manifest) return null
  return Object.entries(manifest['network-maps']).map(([id, nm]) => ({
    id,
    vtag: nm.vtag,
    pids: nm['pid-count'],
    v4: nm['prefix-counts'].ipv4,
    v6: nm['prefix-counts'].ipv6,
    tableBytes:
      `LPM v4 ${bytes(nm['table-bytes']['lpm-v4'])}, v6 ${bytes(nm['table-bytes']['lpm-v6'])}, ` +
      `PIDs ${bytes(nm['table-bytes'].pids)}, JSON ${bytes(nm['table-bytes'].json)}`,
  }))
}

async function rowFromMap(id: string, uri: string): Promise<NetworkMapRow> {
  const map = await altoJson<NetworkMap>(uri, MEDIA_TYPES.networkMap)
  let v4 = 0
  let v6 = 0
  for (const pid of Object.values(map['network-map'])) {
    v4 += pid.ipv4?.length ?? 0
    v6 += pid.ipv6?.length ?? 0
  }
  return {
    id,
    vtag: map.meta.vtag.tag,
    pids: Object.keys(map['network-map']).length,
    v4,
    v6,
    tableBytes: 'operator token needed',
  }
}

export async function renderNetworkMaps(ird: Ird, summary: VersionsSummary | null): Promise<void> {
  const table = byId('network-maps')
  const header = ['network map', 'vtag', 'PIDs', 'IPv4 prefixes', 'IPv6 prefixes', 'table bytes']
  const show = (rows: NetworkMapRow[]) =>
    fillTable(
      table,
      header,
      rows.map((r) => [r.id, short(r.vtag), r.pids, r.v4, r.v6, r.tableBytes])
    )
  const fromSummary = summary ? rowsFromSummary(summary) : null
  if (fromSummary) return show(fromSummary)
  const maps = resourcesOf(ird, MEDIA_TYPES.networkMap)
  show(maps.map(([id]) => ({ id, vtag: '…', pids: 0, v4: 0, v6: 0, tableBytes: 'loading' })))
  show(await Promise.all(maps.map(([id, e]) => rowFromMap(id, e.uri))))
}

/** `192.0.2.1` → `ipv4:192.0.2.1`; typed addresses (RFC 7285 §10.4.3) are kept. */
export function typedAddress(text: string): string {
  const a = text.trim()
  if (/^ipv[46]:/.test(a)) return a
  return a.includes(':') ? `ipv6:${a}` : `ipv4:${a}`
}

export function setUpLookup(ird: Ird): void {
  const [propertyId, property] = resourcesOf(ird, MEDIA_TYPES.endpointProp, true)[0] ?? []
  const select = byId<HTMLSelectElement>('lookup-map')
  const types = (property?.capabilities?.['prop-types'] as string[] | undefined) ?? []
  fillSelect(
    select,
    types.filter((t) => t.endsWith('.pid')).map((t) => ({ value: t, label: t.slice(0, -4) }))
  )
  const result = byId('lookup-result')
  byId('lookup-form').addEventListener('submit', (e) => {
    e.preventDefault()
    if (!property)
      return showError(result, new Error(`no endpoint property service (${propertyId})`))
    const address = typedAddress(byId<HTMLInputElement>('lookup-address').value)
    const prop = select.value
    altoJson<{ 'endpoint-properties': Record<string, Record<string, string>> }>(
      property.uri,
      MEDIA_TYPES.endpointProp,
      {
        contentType: MEDIA_TYPES.endpointPropParams,
        json: { properties: [prop], endpoints: [address] },
      }
    )
      .then((r) => {
        const pid = r['endpoint-properties'][address]?.[prop]
        showText(result, pid ? `${address} → PID ${pid}` : `${address}: no PID`)
      })
      .catch((error: unknown) => showError(result, error))
  })
}

export function setUpEndpointCost(ird: Ird): void {
  const services = resourcesOf(ird, MEDIA_TYPES.endpointCost, true)
  const select = byId<HTMLSelectElement>('cost-type')
  const costTypes = (ird.meta['cost-types'] ?? {}) as Record<string, CostType>
  const options = services.flatMap(([id, e]) =>
    ((e.capabilities?.['cost-type-names'] as string[] | undefined) ?? []).map((name) => ({
      value: JSON.stringify([e.uri, name]),
      label: `${e.uses?.[0] ?? id}: ${name}`,
    }))
  )
  fillSelect(select, options)
  const table = byId('cost-result')
  byId('cost-form').addEventListener('submit', (e) => {
    e.preventDefault()
    const [uri, name] = JSON.parse(select.value || '[]') as [string, string]
    const src = typedAddress(byId<HTMLInputElement>('cost-source').value)
    const dsts = byId<HTMLTextAreaElement>('cost-candidates')
      .value.split(/[\s,]+/)
      .filter(Boolean)
      .map(typedAddress)
    altoJson<{ 'endpoint-cost-map': Record<string, Record<string, number>> }>(
      uri,
      MEDIA_TYPES.endpointCost,
      {
        contentType: MEDIA_TYPES.endpointCostParams,
        json: { 'cost-type': costTypes[name], endpoints: { srcs: [src], dsts } },
      }
    )
      .then((r) => {
        const row = r['endpoint-cost-map'][src] ?? {}
        const ranked = dsts
          .map((d) => [d, row[d]] as const)
          .sort((a, b) => (a[1] ?? Infinity) - (b[1] ?? Infinity))
        fillTable(
          table,
          ['rank', 'candidate', `cost (${name})`],
          ranked.map(([d, v], i) => [i + 1, d, v ?? 'no cost'])
        )
      })
      .catch((error: unknown) => {
        table.replaceChildren()
        const cell = document.createElement('caption')
        showError(cell, error)
        table.append(cell)
      })
  })
}
