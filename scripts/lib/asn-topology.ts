/**
 * @module The ASN map's AS-level topology for RFC 9275 path vectors (docs/binary-format.md, "ASN
 * map AS-level topology"): ANEs per region (continent) and per pair of regions, each with a
 * max-reservable-bandwidth, and the path of every PID pair. Deterministic: the same PIDs give the
 * same ANEs, in the same order, and the same paths. Pure: it builds the PathTableInput that
 * src/tables/paths.ts encodes.
 */
import type { AneRecord, PathTableInput } from '../../src/tables/index.ts'
import { type Region, regionDistance } from './regions.ts'

/** The regions, in the order their ANEs are listed. */
export const REGIONS: readonly Region[] = [
  'africa',
  'antarctica',
  'asia',
  'europe',
  'north-america',
  'oceania',
  'south-america',
  'unknown',
]

const GBPS = 1e9

/** Aggregate access capacity of a region's PIDs, bits per second. */
export const ACCESS_BPS: Readonly<Record<Region, number>> = {
  europe: 400 * GBPS,
  'north-america': 400 * GBPS,
  asia: 400 * GBPS,
  'south-america': 100 * GBPS,
  oceania: 100 * GBPS,
  africa: 40 * GBPS,
  unknown: 10 * GBPS,
  antarctica: 1 * GBPS,
}

/** A regional backbone carries four times its region's access capacity. */
export const REGIONAL_FACTOR = 4

/** Intercontinental capacity: 100 Gbit/s × max(1, floor(160 / continent distance)). */
export function intercontinentalBps(a: Region, b: Region): number {
  return 100 * GBPS * Math.max(1, Math.floor(160 / regionDistance(a, b)))
}

export const accessAne = (r: Region): string => `access-${r}`
export const regionalAne = (r: Region): string => `regional-${r}`
/** The link between two different regions, named in code-unit order. */
export const intercontinentalAne = (a: Region, b: Region): string =>
  a < b ? `ic-${a}-${b}` : `ic-${b}-${a}`

export interface TopologyPid {
  name: string
  /** The PID's region; null (the `default` PID) counts as `unknown`. */
  region: Region | null
}

/**
 * The ANEs and the path of every pair of `pids` (given in PID-index order: the network map's
 * code-unit order of names). With `persistentPropertyMap` P, every ANE X gets the persistent
 * entity id `P.ane:X` (RFC 9275 §6.4.2; these continent aggregates are coarse and public, as
 * §11 asks of persistent ANEs).
 */
export function asnTopology(
  pids: readonly TopologyPid[],
  persistentPropertyMap?: string
): PathTableInput {
  const anes: AneRecord[] = []
  const index = new Map<string, number>()
  const add = (name: string, bps: number) => {
    index.set(name, anes.length)
    const ane: AneRecord = { name, maxReservableBandwidth: bps }
    if (persistentPropertyMap !== undefined)
      ane.persistentEntityId = `${persistentPropertyMap}.ane:${name}`
    anes.push(ane)
  }
  for (const r of REGIONS) add(accessAne(r), ACCESS_BPS[r])
  for (const r of REGIONS) add(regionalAne(r), REGIONAL_FACTOR * ACCESS_BPS[r])
  REGIONS.forEach((a, i) => {
    for (const b of REGIONS.slice(i + 1)) add(intercontinentalAne(a, b), intercontinentalBps(a, b))
  })
  const ane = (name: string) => index.get(name)!
  // One path per (source region, destination region, same PID): built once, shared by reference.
  const routes = new Map<string, number[]>()
  const route = (a: Region, b: Region, samePid: boolean): number[] => {
    const key = `${a}|${b}|${samePid}`
    let path = routes.get(key)
    if (path === undefined) {
      path = samePid
        ? [ane(accessAne(a))]
        : a === b
          ? [ane(accessAne(a)), ane(regionalAne(a))]
          : [
              ane(accessAne(a)),
              ane(regionalAne(a)),
              ane(intercontinentalAne(a, b)),
              ane(regionalAne(b)),
              ane(accessAne(b)),
            ]
      routes.set(key, path)
    }
    return path
  }
  const regions = pids.map((p) => p.region ?? 'unknown')
  const n = pids.length
  const paths: number[][] = new Array(n * n)
  for (let s = 0; s < n; s++)
    for (let d = 0; d < n; d++) paths[s * n + d] = route(regions[s], regions[d], s === d)
  return { n, paths, anes }
}

/** The compact path vector source (docs/path-vector.md, "Compact form") of `asnTopology`. */
export interface TopologySource {
  'network-map': string
  anes: Record<string, { 'max-reservable-bandwidth': number; 'persistent-entity-id'?: string }>
  classes: Record<string, string[]>
  'class-paths': Record<string, Record<string, string[]>>
  'self-paths': Record<string, string[]>
}

/**
 * The same topology as `asnTopology`, written as the compiler's compact source form: the ANEs,
 * one class per region (its PIDs, in the given order), the path of each (source region,
 * destination region) and of a PID to itself per region — 8 + 64 + 8 rules at most instead of
 * one entry per PID pair. Only regions with PIDs are listed.
 */
export function asnTopologySource(
  networkMap: string,
  pids: readonly TopologyPid[],
  persistentPropertyMap?: string
): TopologySource {
  const anes: TopologySource['anes'] = {}
  const add = (name: string, bps: number) => {
    anes[name] = { 'max-reservable-bandwidth': bps }
    if (persistentPropertyMap !== undefined)
      anes[name]['persistent-entity-id'] = `${persistentPropertyMap}.ane:${name}`
  }
  for (const r of REGIONS) add(accessAne(r), ACCESS_BPS[r])
  for (const r of REGIONS) add(regionalAne(r), REGIONAL_FACTOR * ACCESS_BPS[r])
  REGIONS.forEach((a, i) => {
    for (const b of REGIONS.slice(i + 1)) add(intercontinentalAne(a, b), intercontinentalBps(a, b))
  })
  const classes: Record<string, string[]> = {}
  for (const p of pids) (classes[p.region ?? 'unknown'] ??= []).push(p.name)
  const used = REGIONS.filter((r) => classes[r] !== undefined)
  const classPaths: TopologySource['class-paths'] = {}
  const selfPaths: TopologySource['self-paths'] = {}
  for (const a of used) {
    selfPaths[a] = [accessAne(a)]
    classPaths[a] = {}
    for (const b of used)
      classPaths[a][b] =
        a === b
          ? [accessAne(a), regionalAne(a)]
          : [accessAne(a), regionalAne(a), intercontinentalAne(a, b), regionalAne(b), accessAne(b)]
  }
  return {
    'network-map': networkMap,
    anes,
    classes: Object.fromEntries(used.map((r) => [r, classes[r]])),
    'class-paths': classPaths,
    'self-paths': selfPaths,
  }
}
