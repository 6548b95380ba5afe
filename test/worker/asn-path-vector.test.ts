/**
 * RFC 9275 path vectors of the ASN map: a synthetic `asn-network-map` of 60 PIDs in every region
 * (as the generator names them), its topology written by the generator's source writer
 * (`asnTopologySource`: the compact class form) with persistent ANEs in `asn-anes`, compiled and
 * served. On random pairs (fixed seed) every path and every ANE property must equal the
 * pairwise rule `asnTopology` (scripts/lib/asn-topology.ts), an independent computation of the
 * same documented rule.
 */
import { getMultipartBoundary, parseMultipart } from '@remix-run/multipart-parser'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { asnTopology, asnTopologySource, type TopologyPid } from '../../scripts/lib/asn-topology.ts'
import { regionOf } from '../../scripts/lib/regions.ts'
import { mulberry32 } from '../../src/tables/test-helpers.ts'
import { post } from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'
import { ephemeralRenaming } from './pv-helpers.ts'
import type { Manifest } from '../../src/store/manifest.ts'

const NM = 'asn-network-map'
const ANES = 'asn-anes'
const PV = { 'cost-mode': 'array', 'cost-metric': 'ane-path' }
const BW = 'max-reservable-bandwidth'
const PEI = 'persistent-entity-id'
const COUNTRIES = ['US', 'CA', 'DE', 'FR', 'JP', 'CN', 'AU', 'BR', 'ZA', 'AQ', 'ZZ', 'GB']
/** PID-index order = code-unit order of the names, as the network map orders them. */
const PIDS: TopologyPid[] = [
  { name: 'default', region: null },
  ...Array.from({ length: 59 }, (_, i) => ({
    name: `as${64500 + i}`,
    region: regionOf(COUNTRIES[i % COUNTRIES.length]),
  })),
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
const prefixOf = (i: number) => `10.0.${i}.0/24`
const addr = (i: number) => `ipv4:10.0.${i}.9`
/** The rule, pair by pair. */
const RULE = asnTopology(PIDS, ANES)

let manifest: Manifest

beforeAll(async () => {
  const source = asnTopologySource(NM, PIDS, ANES)
  const files: Record<string, string> = {
    'alto-edge.json': JSON.stringify({
      'default-network-map': NM,
      'network-maps': [{ file: 'net.json' }],
      'property-maps': [{ file: 'anes.json' }],
      'path-vectors': [{ file: 'pv.json' }],
    }),
    'net.json': JSON.stringify({
      'resource-id': NM,
      pids: Object.fromEntries(
        PIDS.map((p, i) => [
          p.name,
          p.name === 'default' ? { ipv4: ['0.0.0.0/0'] } : { ipv4: [prefixOf(i)] },
        ])
      ),
    }),
    'anes.json': JSON.stringify({
      'resource-id': ANES,
      anes: Object.fromEntries(Object.keys(source.anes).map((n) => [n, { '.kind': 'x' }])),
    }),
    'pv.json': JSON.stringify(source),
  }
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(files), {
    created: '2026-12-02T18:00:00.000Z',
  })
})

async function parts(res: Response): Promise<Record<string, any>[]> {
  expect(res.status, await res.clone().text()).toBe(200)
  const boundary = getMultipartBoundary(res.headers.get('Content-Type')!)!
  const bytes = new Uint8Array(await res.arrayBuffer())
  return [...parseMultipart(bytes, { boundary })].map((p) => JSON.parse(p.text))
}

function randomPairs(seed: number): { srcs: number[]; dsts: number[] } {
  const rng = mulberry32(seed)
  const pick = () => Math.floor(rng() * PIDS.length)
  return { srcs: Array.from({ length: 8 }, pick), dsts: Array.from({ length: 16 }, pick) }
}

/** The rule's ANE names of pair (s, d). */
const rulePath = (s: number, d: number) =>
  RULE.paths[s * PIDS.length + d]!.map((i) => RULE.anes[i].name)
const ruleAne = new Map(RULE.anes.map((a) => [a.name, a]))

describe('RFC 9275 path vectors of the ASN map (AS-level topology rule)', () => {
  it('the compact source compiles to one path per pair: every pair of the map has the rule path (n² = 3,600 pairs, few distinct paths)', async () => {
    const pv = manifest['path-vectors']![NM]
    expect(pv['ane-count']).toBe(44)
    expect(pv['persistent-maps']).toEqual([ANES])
    const distinct = new Set(RULE.paths.map((p) => p!.join(','))).size
    expect(pv['path-count']).toBe(distinct)
  })

  it('§7.2 / §6.5.1: POST /costmap/asn-network-map/pv — random PID pairs have the rule path; every ANE its rule bandwidth and persistent id (§6.4)', async () => {
    for (const seed of [11, 12, 13]) {
      const { srcs, dsts } = randomPairs(seed)
      const [pvPart, propPart] = await parts(
        await post(`/costmap/${NM}/pv`, MEDIA_TYPES.costMapFilter, {
          'cost-type': PV,
          pids: { srcs: srcs.map((i) => PIDS[i].name), dsts: dsts.map((i) => PIDS[i].name) },
          'ane-property-names': [BW, PEI],
        })
      )
      const got: string[][] = []
      const want: string[][] = []
      for (const s of srcs)
        for (const d of dsts) {
          got.push(pvPart['cost-map'][PIDS[s].name][PIDS[d].name] as string[])
          want.push(rulePath(s, d))
        }
      // RFC 9275 §11: the names are ephemeral; one consistent renaming gives the rule paths.
      const toRule = ephemeralRenaming(got, want)
      const props = propPart['property-map'] as Record<string, Record<string, unknown>>
      expect(Object.keys(props).sort()).toEqual([...toRule.keys()].map((n) => `.ane:${n}`).sort())
      for (const [name, ruleName] of toRule) {
        expect(ruleAne.has(name)).toBe(false)
        const rule = ruleAne.get(ruleName)!
        expect(props[`.ane:${name}`]).toEqual({
          [BW]: rule.maxReservableBandwidth,
          [PEI]: rule.persistentEntityId,
        })
      }
      expect(propPart.meta['dependent-vtags'][1]).toEqual({
        'resource-id': ANES,
        tag: manifest['property-maps']![ANES].tag,
      })
    }
  })

  it('§7.3: POST /endpointcost/asn-network-map/pv — random endpoint pairs have their PIDs rule path', async () => {
    const { srcs, dsts } = randomPairs(21)
    // `default` holds 0.0.0.0/0; 192.0.2.1 is in no other PID, so it is `default`.
    const iDefault = PIDS.findIndex((p) => p.name === 'default')
    const ep = (i: number) => (i === iDefault ? 'ipv4:192.0.2.1' : addr(i))
    const [pvPart, propPart] = await parts(
      await post(`/endpointcost/${NM}/pv`, MEDIA_TYPES.endpointCostParams, {
        'cost-type': PV,
        endpoints: { srcs: [...srcs, iDefault].map(ep), dsts: [...dsts, iDefault].map(ep) },
        'ane-property-names': [BW],
      })
    )
    const got: string[][] = []
    const want: string[][] = []
    for (const s of [...srcs, iDefault])
      for (const d of [...dsts, iDefault]) {
        got.push(pvPart['endpoint-cost-map'][ep(s)][ep(d)] as string[])
        want.push(rulePath(s, d))
      }
    expect(got.length).toBeGreaterThan(100)
    const toRule = ephemeralRenaming(got, want)
    expect(Object.keys(propPart['property-map']).sort()).toEqual(
      [...toRule.keys()].map((n) => `.ane:${n}`).sort()
    )
    for (const [key, value] of Object.entries(propPart['property-map']))
      expect(value).toEqual({
        [BW]: ruleAne.get(toRule.get(key.slice('.ane:'.length))!)!.maxReservableBandwidth,
      })
  })

  it('§6.4.3: a persistent ANE of a path is queried at asn-anes as .ane:<name>', async () => {
    const res = await post(`/propmap/${ANES}/filtered`, MEDIA_TYPES.propMapParams, {
      entities: ['.ane:ic-asia-europe'],
    })
    expect(await res.json()).toEqual({ meta: {}, 'property-map': { '.ane:ic-asia-europe': {} } })
  })
})
