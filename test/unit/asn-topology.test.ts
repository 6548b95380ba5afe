/**
 * The ASN map's AS-level topology rule (docs/binary-format.md, "ASN map AS-level topology"),
 * checked against the documented rule and through the PATH_TABLE encoding (RFC 9275 paths).
 */
import { describe, expect, it } from 'vitest'
import {
  ACCESS_BPS,
  asnTopology,
  intercontinentalBps,
  REGIONS,
  type TopologyPid,
} from '../../scripts/lib/asn-topology.ts'
import { regionOf } from '../../scripts/lib/regions.ts'
import { encodePathTable, PathTable } from '../../src/tables/index.ts'

const pid = (name: string, country: string | null): TopologyPid => ({
  name,
  region: country === null ? null : regionOf(country),
})

// PID-index order: names sorted by code units, as the network map orders them.
const PIDS: TopologyPid[] = [
  pid('as13335', 'US'),
  pid('as3320', 'DE'),
  pid('as4134', 'CN'),
  pid('as7018', 'US'),
  pid('default', null),
  pid('rest-FR', 'FR'),
]

describe('ASN map AS-level topology (RFC 9275 path vectors)', () => {
  const topo = asnTopology(PIDS)
  const names = (s: number, d: number) =>
    topo.paths[s * PIDS.length + d]!.map((i) => topo.anes[i].name)

  it('ANEs: access and regional per region, one intercontinental link per region pair', () => {
    expect(topo.anes).toHaveLength(8 + 8 + 28)
    expect(topo.anes[0]).toEqual({ name: 'access-africa', maxReservableBandwidth: 40e9 })
    const byName = new Map(topo.anes.map((a) => [a.name, a.maxReservableBandwidth]))
    expect(byName.get('access-europe')).toBe(400e9)
    expect(byName.get('regional-europe')).toBe(1600e9)
    expect(byName.get('regional-antarctica')).toBe(4e9)
    // 100 Gbit/s × floor(160 / distance): Europe–North America 20 → 800, Asia–Europe 35 → 400,
    // unknown 80 → 200.
    expect(byName.get('ic-europe-north-america')).toBe(800e9)
    expect(byName.get('ic-asia-europe')).toBe(400e9)
    expect(byName.get('ic-asia-unknown')).toBe(200e9)
    expect(new Set(topo.anes.map((a) => a.name)).size).toBe(topo.anes.length)
    for (const r of REGIONS) expect(byName.get(`access-${r}`)).toBe(ACCESS_BPS[r])
  })

  it('paths: same PID, same region, other region', () => {
    expect(names(0, 0)).toEqual(['access-north-america'])
    expect(names(0, 3)).toEqual(['access-north-america', 'regional-north-america'])
    expect(names(1, 5)).toEqual(['access-europe', 'regional-europe'])
    expect(names(1, 2)).toEqual([
      'access-europe',
      'regional-europe',
      'ic-asia-europe',
      'regional-asia',
      'access-asia',
    ])
    // The reverse path crosses the same link; `default` is in `unknown`.
    expect(names(2, 1)).toEqual([
      'access-asia',
      'regional-asia',
      'ic-asia-europe',
      'regional-europe',
      'access-europe',
    ])
    expect(names(4, 0)).toEqual([
      'access-unknown',
      'regional-unknown',
      'ic-north-america-unknown',
      'regional-north-america',
      'access-north-america',
    ])
  })

  it('shared bottleneck: every US→DE flow lists the same intercontinental ANE', () => {
    const link = topo.anes.findIndex((a) => a.name === 'ic-europe-north-america')
    for (const s of [0, 3]) for (const d of [1, 5]) expect(topo.paths[s * 6 + d]).toContain(link)
    expect(topo.paths[2 * 6 + 1]).not.toContain(link)
  })

  it('deterministic, persistent ids on request, and at most 72 distinct paths through PATH_TABLE', () => {
    expect(asnTopology(PIDS)).toEqual(topo)
    const persistent = asnTopology(PIDS, 'asn-topology')
    expect(persistent.anes[3]).toEqual({
      name: 'access-europe',
      maxReservableBandwidth: 400e9,
      persistentEntityId: 'asn-topology.ane:access-europe',
    })
    // Every region and some countries twice: the distinct paths stay within 8 + 8 + 56.
    const many: TopologyPid[] = []
    for (let i = 0; i < 300; i++) many.push({ name: `p${i}`, region: REGIONS[i % 8] })
    const table = PathTable.open(encodePathTable(asnTopology(many, 'asn-topology')))
    expect(table.pathCount).toBe(72)
    expect(table.byteLength).toBeLessThan(300 * 300 + 4096)
    const s = 3 // europe
    const d = 2 // asia
    expect([...table.path(s, d)!].map((i) => table.ane(i).name)).toEqual([
      'access-europe',
      'regional-europe',
      'ic-asia-europe',
      'regional-asia',
      'access-asia',
    ])
    expect(table.ane(table.path(s, d)![2])).toEqual({
      name: 'ic-asia-europe',
      maxReservableBandwidth: intercontinentalBps('asia', 'europe'),
      persistentEntityId: 'asn-topology.ane:ic-asia-europe',
    })
  })
})
