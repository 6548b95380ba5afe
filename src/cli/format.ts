/**
 * @module Text output of the operator CLI: the build summary table and byte sizes.
 */
import type { BuildSummary } from '../compiler/index.ts'

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

const NUMERIC_CELL = /^[\d.]+( (B|KiB|MiB))?$/

/** A plain-text table: numeric columns right-aligned, others left-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(r[i]))
  )
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

export function formatSummary(s: BuildSummary): string[] {
  const out: string[] = []
  out.push(
    `version ${s.version}: ${s.blobCount} blobs, ${formatBytes(s.totalBlobBytes)}, built in ${s.buildMs} ms`
  )
  out.push('')
  out.push(
    ...table(
      [
        'network map',
        'PIDs',
        'IPv4',
        'IPv6',
        'v4 table',
        'v6 table',
        'B/v4 pfx',
        'B/v6 pfx',
        'JSON',
        'vtag',
      ],
      s.networkMaps.map((m) => [
        m.id,
        String(m.pids),
        String(m.prefixes.ipv4),
        String(m.prefixes.ipv6),
        formatBytes(m.tableBytes.ipv4),
        formatBytes(m.tableBytes.ipv6),
        m.bytesPerPrefix.ipv4.toFixed(2),
        m.bytesPerPrefix.ipv6.toFixed(2),
        formatBytes(m.jsonBytes),
        m.vtag,
      ])
    )
  )
  if (s.costMaps.length > 0) {
    out.push('')
    out.push(
      ...table(
        [
          'cost map',
          'network map',
          'cost type',
          'PIDs',
          'entries',
          'cells',
          'matrix',
          'JSON',
          'tag',
        ],
        s.costMaps.map((c) => [
          c.id,
          c.networkMap,
          c.costType,
          String(c.pids),
          String(c.entries),
          c.encoding,
          formatBytes(c.matrixBytes),
          formatBytes(c.jsonBytes),
          c.tag,
        ])
      )
    )
  }
  if (s.properties.length > 0) {
    out.push('')
    out.push(
      ...table(
        ['property', 'IPv4', 'IPv6', 'values', 'tables', 'tag'],
        s.properties.map((p) => [
          p.name,
          String(p.prefixes.ipv4),
          String(p.prefixes.ipv6),
          String(p.values),
          formatBytes(p.tableBytes),
          p.tag,
        ])
      )
    )
  }
  if (s.propertyMaps.length > 0) {
    out.push('')
    out.push(
      ...table(
        ['property map', 'props', 'IPv4', 'IPv6', 'PIDs', 'values', 'tables', 'JSON', 'tag'],
        s.propertyMaps.map((p) => [
          p.id,
          String(p.properties),
          String(p.prefixes.ipv4),
          String(p.prefixes.ipv6),
          String(p.pids),
          String(p.values),
          formatBytes(p.tableBytes),
          formatBytes(p.jsonBytes),
          p.tag,
        ])
      )
    )
  }
  if (s.cdniAdvertisements.length > 0) {
    out.push('')
    out.push(
      ...table(
        ['CDNI advertisement', 'objects', 'JSON', 'tag'],
        s.cdniAdvertisements.map((a) => [a.id, String(a.objects), formatBytes(a.jsonBytes), a.tag])
      )
    )
  }
  return out
}
