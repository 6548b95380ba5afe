/**
 * @module Compares a Build with the published manifest, per resource: added / removed /
 * changed (vtag or tag) and PID / prefix count deltas. Pure.
 */
import type { Manifest } from '../store/manifest.ts'
import type { Build } from './build.ts'
import { byCodeUnits } from '../alto/identifiers.ts'

export type Change = 'added' | 'removed' | 'changed' | 'unchanged'

export interface ResourceDiff {
  kind: 'network-map' | 'cost-map' | 'property' | 'property-map' | 'cdni' | 'path-vector' | 'ird'
  id: string
  change: Change
  oldTag?: string
  newTag?: string
  /** Network maps: PID and prefix counts before → after. */
  pids?: { from: number; to: number }
  ipv4?: { from: number; to: number }
  ipv6?: { from: number; to: number }
}

export interface DiffReport {
  from: string | null
  to: string
  /** Same version: nothing to publish. */
  identical: boolean
  resources: ResourceDiff[]
}

function compare<T>(
  kind: ResourceDiff['kind'],
  oldRecord: Record<string, T>,
  newRecord: Record<string, T>,
  tagOf: (e: T) => string,
  extra: (o: T | undefined, n: T | undefined) => Partial<ResourceDiff> = () => ({})
): ResourceDiff[] {
  const ids = [...new Set([...Object.keys(oldRecord), ...Object.keys(newRecord)])].sort(byCodeUnits)
  return ids.map((id) => {
    const o = oldRecord[id]
    const n = newRecord[id]
    const change: Change = !o
      ? 'added'
      : !n
        ? 'removed'
        : tagOf(o) === tagOf(n)
          ? 'unchanged'
          : 'changed'
    const d: ResourceDiff = { kind, id, change, ...extra(o, n) }
    if (o) d.oldTag = tagOf(o)
    if (n) d.newTag = tagOf(n)
    return d
  })
}

/** Per-resource differences between the published manifest (or nothing) and a build. */
export function diffBuild(build: Build, published: Manifest | null): DiffReport {
  const next = build.manifest
  const prev: Pick<
    Manifest,
    'network-maps' | 'cost-maps' | 'properties' | 'cdni-advertisements' | 'path-vectors'
  > = published ?? {
    'network-maps': {},
    'cost-maps': {},
    properties: {},
  }
  const resources = [
    ...compare(
      'network-map',
      prev['network-maps'],
      next['network-maps'],
      (e) => e.vtag,
      (o, n) => ({
        pids: { from: o?.['pid-count'] ?? 0, to: n?.['pid-count'] ?? 0 },
        ipv4: { from: o?.['prefix-counts'].ipv4 ?? 0, to: n?.['prefix-counts'].ipv4 ?? 0 },
        ipv6: { from: o?.['prefix-counts'].ipv6 ?? 0, to: n?.['prefix-counts'].ipv6 ?? 0 },
      })
    ),
    ...compare('cost-map', prev['cost-maps'], next['cost-maps'], (e) => e.tag),
    ...compare('property', prev.properties, next.properties, (e) => e.tag),
    ...compare(
      'cdni',
      prev['cdni-advertisements'] ?? {},
      next['cdni-advertisements'] ?? {},
      (e) => e.tag
    ),
    ...compare(
      'property-map',
      published?.['property-maps'] ?? {},
      next['property-maps'] ?? {},
      (e) => e.tag
    ),
    ...compare('path-vector', prev['path-vectors'] ?? {}, next['path-vectors'] ?? {}, (e) => e.tag),
  ]
  const irdOld = published?.['ird-tag']
  resources.push({
    kind: 'ird',
    id: 'ird',
    change: !irdOld ? 'added' : irdOld === next['ird-tag'] ? 'unchanged' : 'changed',
    ...(irdOld ? { oldTag: irdOld } : {}),
    newTag: next['ird-tag'],
  })
  return {
    from: published?.version ?? null,
    to: next.version,
    identical: published?.version === next.version,
    resources,
  }
}

const signed = (n: number): string => (n > 0 ? `+${n}` : `${n}`)

/** Human-readable lines of a diff report. */
export function formatDiff(report: DiffReport): string[] {
  const lines = [
    report.identical
      ? `version ${report.to} is already published: no changes`
      : `version ${report.from ?? '(nothing published)'} -> ${report.to}`,
  ]
  for (const r of report.resources) {
    let line = `  ${r.change.padEnd(9)} ${r.kind.padEnd(11)} ${r.id}`
    if (r.change === 'changed') line += `  tag ${r.oldTag} -> ${r.newTag}`
    if (r.kind === 'network-map' && r.pids && r.ipv4 && r.ipv6 && r.change !== 'unchanged') {
      line += `  PIDs ${r.pids.to} (${signed(r.pids.to - r.pids.from)}), IPv4 ${r.ipv4.to} (${signed(r.ipv4.to - r.ipv4.from)}), IPv6 ${r.ipv6.to} (${signed(r.ipv6.to - r.ipv6.from)})`
    }
    lines.push(line)
  }
  return lines
}
