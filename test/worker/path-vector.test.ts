/**
 * RFC 9275 path vectors answered by the Worker from the real pipeline: the shipped example
 * (maps/example/path-vectors.json, the §7.2.6 data on `rfc-example-network-map`) and, on
 * `rfc8189-network-map`, a topology in the style of §8 (NET1, L1, … with a shared ANE and an
 * empty path) added to the map set here. The multipart/related answers (RFC 2387) are parsed with
 * @remix-run/multipart-parser, a maintained parser for any multipart/* body.
 */
import { getMultipartBoundary, parseMultipart } from '@remix-run/multipart-parser'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { PathTable, decodeStringTable } from '../../src/tables/index.ts'
import { sha256Hex } from '../../src/tables/bytes.ts'
import worker from '../../src/worker/index.ts'
import { readBlobBytes } from '../../src/worker/store.ts'
import { aneNamingOf } from '../../src/worker/path-vector-answers.ts'
import {
  ORIGIN,
  altoErrorMeta,
  get,
  post,
  postEndpointCost,
  postFilteredCostMap,
} from './client.ts'
import { MAP_SET_FILES, compileRealMapSet, publish, testExecutionContext } from './map-set.ts'
import { EPHEMERAL, ephemeralRenaming } from './pv-helpers.ts'

const NM = 'rfc-example-network-map'
const NM2 = 'rfc8189-network-map'
/** The RFC 9275 §8.1 sample network (maps/example/rfc9275-*.json, ane-props.json). */
const NM3 = 'rfc9275-netmap'
const PEI = 'persistent-entity-id'
const PV = { 'cost-mode': 'array', 'cost-metric': 'ane-path' }
const BW = 'max-reservable-bandwidth'

/** §8-style topology on rfc8189-network-map: NET1 shared, AGGR1 on no path, an empty path. */
const TOPOLOGY = {
  'network-map': NM2,
  anes: {
    L1: { [BW]: 100000000 },
    L2: { [BW]: 50000000 },
    NET1: { 'persistent-entity-id': 'ane-props.ane:MEC1' },
    NET2: {},
    AGGR1: { [BW]: 10000000 },
  },
  paths: {
    PID1: { PID1: [], PID2: ['NET1', 'L1'], PID3: ['NET1', 'L2', 'NET2'] },
    PID2: { PID1: ['L1', 'NET1'] },
    PID3: { PID1: ['NET2', 'L2', 'NET1'], PID3: ['NET2'] },
  },
}

let manifest: Manifest

beforeAll(async () => {
  const config = JSON.parse(MAP_SET_FILES['alto-edge.json']) as {
    'path-vectors': { file: string }[]
  }
  config['path-vectors'].push({ file: 'example/test-pv-topology.json' })
  const files = {
    ...MAP_SET_FILES,
    'alto-edge.json': JSON.stringify(config),
    'example/test-pv-topology.json': JSON.stringify(TOPOLOGY),
  }
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(files), {
    created: '2026-12-02T16:00:00.000Z',
  })
})

const pvCostMapPath = (nm: string) => `/costmap/${nm}/pv`
const pvEcsPath = (nm: string) => `/endpointcost/${nm}/pv`
const postPvCostMap = (nm: string, body: unknown, headers?: Record<string, string>) =>
  post(pvCostMapPath(nm), MEDIA_TYPES.costMapFilter, body, headers)
const postPvEcs = (nm: string, body: unknown, headers?: Record<string, string>) =>
  post(pvEcsPath(nm), MEDIA_TYPES.endpointCostParams, body, headers)

interface Part {
  contentId: string | undefined
  contentType: string | undefined
  json: Record<string, unknown> & { meta: Record<string, unknown> }
}

/** Content-Type parameters (RFC 2045 §5.1), quoted or not, keys lower-cased. */
function contentTypeParams(value: string): { type: string; params: Record<string, string> } {
  const [type, ...rest] = value.split(';')
  const params: Record<string, string> = {}
  for (const p of rest) {
    const eq = p.indexOf('=')
    if (eq < 0) continue
    const v = p.slice(eq + 1).trim()
    params[p.slice(0, eq).trim().toLowerCase()] =
      v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v
  }
  return { type: type.trim().toLowerCase(), params }
}

/** A 200 multipart/related answer: its Content-Type parameters and its parts, parsed. */
async function multipart(
  res: Response
): Promise<{ params: Record<string, string>; parts: Part[] }> {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`)
  const header = res.headers.get('Content-Type') ?? ''
  const { type, params } = contentTypeParams(header)
  expect(type).toBe('multipart/related')
  const boundary = getMultipartBoundary(header)
  expect(boundary).toBe(params.boundary)
  const bytes = new Uint8Array(await res.arrayBuffer())
  const parts = [...parseMultipart(bytes, { boundary: boundary! })].map((p) => ({
    contentId: p.headers['content-id'],
    contentType: p.headers['content-type'],
    json: JSON.parse(p.text) as Part['json'],
  }))
  return { params, parts }
}

const pvVtag = (rid: string, part: string, nm: string) => ({
  'resource-id': `${rid}.${part}`,
  tag: manifest['path-vectors']![nm].tag,
})
const nmVtag = (nm: string) => ({ 'resource-id': nm, tag: manifest['network-maps'][nm].vtag })

/** The compiled PATH_TABLE and PID names of `nm`, read back from KV. */
async function compiled(nm: string): Promise<{ table: PathTable; pids: string[] }> {
  const table = PathTable.open(
    await readBlobBytes(env.ALTO_KV, manifest['path-vectors']![nm].table)
  )
  const pids = decodeStringTable(
    await readBlobBytes(env.ALTO_KV, manifest['network-maps'][nm].pids)
  )
  return { table, pids }
}

describe('RFC 9275 §6.5 / §7.2.4 / §7.3.4 the path-vector resources in the IRD', () => {
  it('§7.2.4: meta.cost-types defines the PV type (§8.2 name path-vector)', async () => {
    const ird = (await (await get('/directory')).json()) as {
      meta: { 'cost-types': Record<string, unknown> }
      resources: Record<string, Record<string, unknown>>
    }
    expect(ird.meta['cost-types']['path-vector']).toEqual(PV)
  })

  it('§7.2.1-§7.2.5 / §7.3.1-§7.3.5: a multipart filtered cost map and ECS per network map with a path table, none for the others', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, Record<string, unknown>>
    }
    // RFC 8189 multi-cost (§8.6): the network map's own cost types beside the PV type.
    const caps = {
      'cost-type-names': ['path-vector', 'num-routingcost', 'ord-routingcost'],
      'max-cost-types': 3,
      'ane-property-names': [BW],
    }
    expect(ird.resources[`${NM}-costmap-pv`]).toEqual({
      uri: pvCostMapPath(NM),
      'media-type': 'multipart/related;type=application/alto-costmap+json',
      accepts: MEDIA_TYPES.costMapFilter,
      capabilities: caps,
      uses: [NM], // §7.2.5: MUST include the network map
    })
    // §7.3.5: no persistent ANEs, so the ECS uses nothing.
    expect(ird.resources[`${NM}-endpoint-cost-pv`]).toEqual({
      uri: pvEcsPath(NM),
      'media-type': 'multipart/related;type=application/alto-endpointcost+json',
      accepts: MEDIA_TYPES.endpointCostParams,
      capabilities: caps,
    })
    // Tables with persistent ANEs offer persistent-entity-id (§6.4.2, the §8.2 endpoint-cost-pv)
    // and use their defining property map (§7.2.5 / §7.3.5 MUST).
    for (const nm of [NM2, NM3]) {
      const withPei =
        nm === NM3 // one routing cost map: the §8.2 "multicost-pv" capabilities
          ? {
              'cost-type-names': ['path-vector', 'num-routingcost'],
              'max-cost-types': 2,
              'ane-property-names': [BW, PEI],
              // RFC 9275 §9.4 / RFC 8896 §4.1: the path calendar and the routing cost calendar
              // share their timing, so one element names both.
              'calendar-attributes': [
                {
                  'cost-type-names': ['num-routingcost', 'path-vector'],
                  'time-interval-size': 21600,
                  'number-of-intervals': 4,
                },
              ],
            }
          : {
              'cost-type-names': [
                'path-vector',
                'num-routingcost',
                'num-sceneryrate',
                'num-shoesize',
              ],
              'max-cost-types': 4,
              'ane-property-names': [BW, PEI],
            }
      expect(ird.resources[`${nm}-costmap-pv`]).toMatchObject({
        capabilities: withPei,
        uses: [nm, 'ane-props'],
      })
      expect(ird.resources[`${nm}-endpoint-cost-pv`]).toEqual({
        uri: pvEcsPath(nm),
        'media-type': 'multipart/related;type=application/alto-endpointcost+json',
        accepts: MEDIA_TYPES.endpointCostParams,
        capabilities: withPei,
        uses: ['ane-props'],
      })
    }
    const pvResources = Object.keys(ird.resources).filter((id) => id.endsWith('-pv'))
    expect(pvResources.sort()).toEqual(
      [
        `${NM}-costmap-pv`,
        `${NM}-endpoint-cost-pv`,
        `${NM2}-costmap-pv`,
        `${NM2}-endpoint-cost-pv`,
        `${NM3}-costmap-pv`,
        `${NM3}-endpoint-cost-pv`,
      ].sort()
    )
    // §9.2: the PV type is never testable, and the single-part resources do not list it.
    for (const [id, entry] of Object.entries(ird.resources)) {
      const c = (entry.capabilities ?? {}) as Record<string, unknown>
      expect(c['testable-cost-type-names'] ?? []).not.toContain('path-vector')
      if (!id.endsWith('-pv')) expect(c['cost-type-names'] ?? []).not.toContain('path-vector')
    }
  })
})

describe('RFC 9275 §7.2 multipart filtered cost map', () => {
  it('§7.2.6 example: PID1 → PID2 is [ANE1], its property part holds ANE1 with max-reservable-bandwidth 100000000', async () => {
    const { params, parts } = await multipart(
      await postPvCostMap(NM, {
        'cost-type': PV,
        pids: { srcs: ['PID1'], dsts: ['PID2'] },
        'ane-property-names': [BW],
      })
    )
    // §6.6: `type` is the root part's type; `start`, when present, equals the PV part's Content-ID.
    expect(params.type).toBe(MEDIA_TYPES.costMap)
    expect(parts).toHaveLength(2)
    expect(params.start).toBe(parts[0].contentId)
    expect(parts[0].contentId).toBe('<costmap@alto.test>')
    expect(parts[0].contentType).toBe(MEDIA_TYPES.costMap)
    const vtag = pvVtag(`${NM}-costmap-pv`, 'costmap', NM)
    expect(parts[0].json).toEqual({
      meta: { vtag, 'dependent-vtags': [nmVtag(NM)], 'cost-type': PV },
      'cost-map': { PID1: { PID2: ['ANE1'] } },
    })
    expect(parts[1].contentId).toBe('<propmap@alto.test>')
    expect(parts[1].contentType).toBe(MEDIA_TYPES.propMap)
    expect(parts[1].json).toEqual({
      meta: { 'dependent-vtags': [vtag] },
      'property-map': { '.ane:ANE1': { [BW]: 100000000 } },
    })
  })

  it('§6.6 Content-ID is a msg-id <part@domain> and the body ends with the close delimiter (RFC 2046 §5.1.1)', async () => {
    const res = await postPvCostMap(NM, { 'cost-type': PV, pids: {} })
    const boundary = getMultipartBoundary(res.headers.get('Content-Type')!)!
    expect(boundary).toMatch(/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/)
    const text = await res.text()
    expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true)
    expect(text.match(/^Content-ID: .*$/gm)).toEqual([
      'Content-ID: <costmap@alto.test>',
      'Content-ID: <propmap@alto.test>',
    ])
    // RFC 2046 §5.1.1: header lines and delimiters end with CRLF.
    expect(text.split('\r\nContent-ID: ')).toHaveLength(3)
  })

  it('§8.3: without ane-property-names each ANE of the answer is {} (§7.2.3: absent is an empty list)', async () => {
    const { parts } = await multipart(await postPvCostMap(NM, { 'cost-type': PV, pids: {} }))
    expect(parts[0].json['cost-map']).toEqual({ PID1: { PID2: ['ANE1'] } })
    expect(parts[1].json['property-map']).toEqual({ '.ane:ANE1': {} })
  })

  it('§6.6: a selection without paths has an empty cost map and an empty property map', async () => {
    const { parts } = await multipart(
      await postPvCostMap(NM, {
        'cost-type': PV,
        pids: { srcs: ['PID2'], dsts: ['PID1', 'PID3'] },
        'ane-property-names': [BW],
      })
    )
    expect(parts[0].json['cost-map']).toEqual({})
    expect(parts[1].json['property-map']).toEqual({})
  })

  it('§6.5.1 / §6.6: every pair of the whole map has the compiled path in traversal order, and the property part lists exactly the ANEs used, with their compiled properties', async () => {
    const { table, pids } = await compiled(NM2)
    const { parts } = await multipart(
      await postPvCostMap(NM2, { 'cost-type': PV, 'ane-property-names': [BW] })
    )
    const got = parts[0].json['cost-map'] as Record<string, Record<string, string[]>>
    const answered: string[][] = []
    const source: string[][] = []
    for (let s = 0; s < pids.length; s++)
      for (let d = 0; d < pids.length; d++) {
        const path = table.path(s, d)
        if (path === null) {
          expect(got[pids[s]]?.[pids[d]]).toBeUndefined()
          continue
        }
        answered.push(got[pids[s]][pids[d]])
        source.push([...path].map((i) => table.ane(i).name))
      }
    expect(answered).toHaveLength(Object.values(got).flatMap((r) => Object.keys(r)).length)
    // §11: the answer's names are a renaming of the compiled paths, never the source's names.
    const toSource = ephemeralRenaming(answered, source)
    const byName = new Map(
      Array.from({ length: table.aneCount }, (_, i) => table.ane(i)).map((a) => [a.name, a])
    )
    for (const name of toSource.keys()) expect(byName.has(name)).toBe(false)
    // The same renaming maps the answer back onto the source, read back (TOPOLOGY.paths).
    const renamed = Object.fromEntries(
      Object.entries(got).map(([s, row]) => [
        s,
        Object.fromEntries(Object.entries(row).map(([d, p]) => [d, p.map((n) => toSource.get(n))])),
      ])
    )
    expect(renamed).toEqual(TOPOLOGY.paths)
    // §6.6: the property part has exactly the answer's names, each with its ANE's properties.
    const props: Record<string, Record<string, number>> = {}
    for (const [name, src] of toSource) {
      const ane = byName.get(src)!
      props[`.ane:${name}`] =
        ane.maxReservableBandwidth !== undefined ? { [BW]: ane.maxReservableBandwidth } : {}
    }
    expect(parts[1].json['property-map']).toEqual(props)
    expect([...toSource.values()].sort()).toEqual(['L1', 'L2', 'NET1', 'NET2'])
  })

  it('§6.6: only the ANEs of the returned paths appear (PID1 → PID2: NET1 and L1, not L2, NET2, AGGR1)', async () => {
    const { parts } = await multipart(
      await postPvCostMap(NM2, {
        'cost-type': PV,
        pids: { srcs: ['PID1'], dsts: ['PID1', 'PID2', 'PIDX'] },
        'ane-property-names': [BW],
      })
    )
    // An empty path (crosses no ANE) is [] (§6.5.1), distinct from no path (pair omitted).
    // §11: ephemeral names by first appearance: NET1 → ANE1, L1 → ANE2.
    expect(parts[0].json['cost-map']).toEqual({ PID1: { PID1: [], PID2: ['ANE1', 'ANE2'] } })
    expect(parts[1].json['property-map']).toEqual({
      '.ane:ANE1': {},
      '.ane:ANE2': { [BW]: 100000000 },
    })
  })
})

describe('RFC 9275 §7.3 multipart endpoint cost service', () => {
  it('§7.3.6: endpoints map to their PIDs paths; the PV part is an endpoint cost map with vtag <resource>.ecs', async () => {
    const { params, parts } = await multipart(
      await postPvEcs(NM, {
        'cost-type': PV,
        endpoints: {
          srcs: ['ipv4:192.0.2.2'],
          dsts: ['ipv4:198.51.100.130', 'ipv4:203.0.113.45', 'ipv6:2001:db8::10'],
        },
        'ane-property-names': [BW],
      })
    )
    expect(params.type).toBe(MEDIA_TYPES.endpointCost)
    expect(parts).toHaveLength(2)
    expect(params.start).toBe(parts[0].contentId)
    expect(parts[0].contentId).toBe('<ecs@alto.test>')
    expect(parts[0].contentType).toBe(MEDIA_TYPES.endpointCost)
    const vtag = pvVtag(`${NM}-endpoint-cost-pv`, 'ecs', NM)
    // PID1 → PID2 is [ANE1]; PID1 → PID3 has no path: omitted (RFC 7285 §6.2).
    expect(parts[0].json).toEqual({
      meta: { vtag, 'dependent-vtags': [nmVtag(NM)], 'cost-type': PV },
      'endpoint-cost-map': { 'ipv4:192.0.2.2': { 'ipv4:198.51.100.130': ['ANE1'] } },
    })
    expect(parts[1].contentId).toBe('<propmap@alto.test>')
    expect(parts[1].contentType).toBe(MEDIA_TYPES.propMap)
    expect(parts[1].json).toEqual({
      meta: { 'dependent-vtags': [vtag] },
      'property-map': { '.ane:ANE1': { [BW]: 100000000 } },
    })
  })

  it('§6.5.1: every endpoint pair has its PIDs compiled path; the property part has exactly those ANEs', async () => {
    const { table, pids } = await compiled(NM2)
    const endpoints: Record<string, string> = {
      'ipv4:192.0.2.7': 'PID1',
      'ipv6:2001:db8::1:5': 'PID1',
      'ipv4:198.51.100.9': 'PID2',
      'ipv4:203.0.113.1': 'PID3',
    }
    const all = Object.keys(endpoints)
    const { parts } = await multipart(
      await postPvEcs(NM2, {
        'cost-type': PV,
        endpoints: { srcs: all, dsts: all },
        'ane-property-names': [BW],
      })
    )
    const got = parts[0].json['endpoint-cost-map'] as Record<string, Record<string, string[]>>
    const answered: string[][] = []
    const source: string[][] = []
    let pairs = 0
    for (const s of all)
      for (const d of all) {
        const path = table.path(pids.indexOf(endpoints[s]), pids.indexOf(endpoints[d]))
        if (path === null) {
          expect(got[s]?.[d]).toBeUndefined()
          continue
        }
        pairs++
        answered.push(got[s][d])
        source.push([...path].map((i) => table.ane(i).name))
      }
    expect(Object.values(got).flatMap((r) => Object.keys(r))).toHaveLength(pairs)
    const toSource = ephemeralRenaming(answered, source)
    const byName = new Map(
      Array.from({ length: table.aneCount }, (_, i) => table.ane(i)).map((a) => [a.name, a])
    )
    for (const name of toSource.keys()) expect(byName.has(name)).toBe(false)
    expect(parts[1].json['property-map']).toEqual(
      Object.fromEntries(
        [...toSource].map(([n, src]) => {
          const bw = byName.get(src)!.maxReservableBandwidth
          return [`.ane:${n}`, bw !== undefined ? { [BW]: bw } : {}]
        })
      )
    )
  })

  it('RFC 2387 / RFC 9110 §12.5.1: Accept admitting multipart/related (exact, multipart/*, */*, with type parameter, none) is answered', async () => {
    const body = {
      'cost-type': PV,
      endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.130'] },
    }
    for (const accept of [
      'multipart/related',
      'multipart/related; type="application/alto-endpointcost+json"',
      'multipart/*',
      '*/*',
      `${MEDIA_TYPES.endpointCost}, multipart/related;q=0.5, ${MEDIA_TYPES.error}`,
    ]) {
      const res = await postPvEcs(NM, body, { Accept: accept })
      expect(res.status, accept).toBe(200)
      await res.body?.cancel()
    }
  })
})

describe('RFC 9275 §11 / §5.1.2 ephemeral ANE names', () => {
  const body = (srcs: string[], dsts: string[]) => ({
    'cost-type': PV,
    pids: { srcs, dsts },
    'ane-property-names': [BW, PEI],
  })

  it('§11: the names reveal no source name; the same ANE gets another name in another request; both parts of one answer agree', async () => {
    const sourceNames = Object.keys(TOPOLOGY.anes)
    const a = await multipart(await postPvCostMap(NM2, body(['PID1'], ['PID3'])))
    const b = await multipart(await postPvCostMap(NM2, body(['PID2'], ['PID1'])))
    const pathA = (a.parts[0].json['cost-map'] as Record<string, Record<string, string[]>>).PID1
      .PID3
    const pathB = (b.parts[0].json['cost-map'] as Record<string, Record<string, string[]>>).PID2
      .PID1
    // PID1 → PID3 is NET1, L2, NET2 and PID2 → PID1 is L1, NET1 in the source.
    expect(pathA).toEqual(['ANE1', 'ANE2', 'ANE3'])
    expect(pathB).toEqual(['ANE1', 'ANE2'])
    for (const name of [...pathA, ...pathB]) {
      expect(name).toMatch(EPHEMERAL)
      expect(sourceNames).not.toContain(name)
    }
    // NET1 (persistent: ane-props.ane:MEC1) is ANE1 in one answer and ANE2 in the other.
    const propsA = a.parts[1].json['property-map'] as Record<string, Record<string, unknown>>
    const propsB = b.parts[1].json['property-map'] as Record<string, Record<string, unknown>>
    expect(propsA['.ane:ANE1']).toEqual({ [PEI]: 'ane-props.ane:MEC1' })
    expect(propsB['.ane:ANE2']).toEqual({ [PEI]: 'ane-props.ane:MEC1' })
    // §6.6: the property part has one entry per name of the PV part, and no other.
    expect(Object.keys(propsA)).toEqual(pathA.map((n) => `.ane:${n}`))
    expect(Object.keys(propsB)).toEqual(pathB.map((n) => `.ane:${n}`))
    expect(propsA['.ane:ANE2']).toEqual({ [BW]: 50000000 }) // L2
    expect(propsB['.ane:ANE1']).toEqual({ [BW]: 100000000 }) // L1
  })

  it('§11 RECOMMENDED random names (ALTO_PV_ANE_NAMES=random): ANE + 16 hex digits, new in every answer to the same request, one renaming of the ranked answer that both parts agree on', async () => {
    const request = body(['PID3', 'PID1'], ['PID1', 'PID2', 'PID3'])
    const random = async () =>
      multipart(
        await worker.fetch(
          new Request(`${ORIGIN}${pvCostMapPath(NM2)}`, {
            method: 'POST',
            headers: {
              'Content-Type': MEDIA_TYPES.costMapFilter,
              Accept: 'multipart/related',
            },
            body: JSON.stringify(request),
          }),
          { ...env, ALTO_PV_ANE_NAMES: 'random' },
          testExecutionContext()
        )
      )
    const ranked = await multipart(await postPvCostMap(NM2, request))
    const [a, b] = [await random(), await random()]
    const paths = (answer: typeof a) =>
      Object.values(
        answer.parts[0].json['cost-map'] as Record<string, Record<string, string[]>>
      ).flatMap((row) => Object.values(row))
    const rankedPaths = paths(ranked)
    const shown = (answer: typeof a) => [...new Set(paths(answer).flat())]
    for (const answer of [a, b]) {
      for (const name of shown(answer)) expect(name).toMatch(/^ANE[0-9a-f]{16}$/)
      // One name per ANE: the random answer is the ranked one under a bijective renaming …
      const toRanked = new Map<string, string>()
      paths(answer).forEach((path, k) =>
        path.forEach((name, j) => {
          expect(toRanked.get(name) ?? rankedPaths[k][j]).toBe(rankedPaths[k][j])
          toRanked.set(name, rankedPaths[k][j])
        })
      )
      expect(new Set(toRanked.values()).size).toBe(toRanked.size)
      // … and the property part holds each ANE's ranked properties under its random name.
      const props = answer.parts[1].json['property-map'] as Record<string, unknown>
      const rankedProps = ranked.parts[1].json['property-map'] as Record<string, unknown>
      expect(Object.keys(props).sort()).toEqual(
        shown(answer)
          .map((n) => `.ane:${n}`)
          .sort()
      )
      for (const [name, rankedName] of toRanked)
        expect(props[`.ane:${name}`]).toEqual(rankedProps[`.ane:${rankedName}`])
    }
    // §11: "a different ephemeral ANE name ... even for different requests from the same client".
    const namesB = new Set(shown(b))
    expect(shown(a).some((n) => namesB.has(n))).toBe(false)
    // The default stays ranked: the same answer twice.
    expect(env.ALTO_PV_ANE_NAMES).toBe('ranked')
  })

  it('an ALTO_PV_ANE_NAMES that is neither ranked nor random is logged once and answers with ranked names', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      expect(aneNamingOf('Random ')).toBe('random')
      expect(aneNamingOf('ranked')).toBe('ranked')
      expect(aneNamingOf(undefined)).toBe('ranked')
      expect(warn).not.toHaveBeenCalled()
      expect(aneNamingOf('randon')).toBe('ranked')
      expect(aneNamingOf('randon')).toBe('ranked')
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0][0])).toMatch(/ALTO_PV_ANE_NAMES="randon" is neither/)
    } finally {
      warn.mockRestore()
    }
  })

  it('the same request at the same version gets the same answer (deterministic, so an update stream patches only what changed)', async () => {
    const request = body(['PID3', 'PID1'], ['PID1', 'PID2', 'PID3'])
    const first = await multipart(await postPvCostMap(NM2, request))
    const again = await multipart(await postPvCostMap(NM2, request))
    expect(again.parts.map((p) => p.json)).toEqual(first.parts.map((p) => p.json))
  })
})

describe('RFC 9275 §6.4.2 persistent ANEs and their property map (§8.1-§8.6 sample)', () => {
  /** The §8.4 and §8.6 requests' endpoints: 192.0.2.34 and 2001:db8::3:1 are in PID3. */
  const SAMPLE_ENDPOINTS = {
    srcs: ['ipv4:192.0.2.34', 'ipv6:2001:db8::3:1'],
    dsts: ['ipv4:192.0.2.2', 'ipv4:192.0.2.50', 'ipv6:2001:db8::4:1'],
  }
  /**
   * The §8.4 property part (both properties asked for), each under the ephemeral name its ANE
   * gets in those answers: NET3 → ANE1, L1 → ANE2, NET1 → ANE3, L2 → ANE4, NET2 → ANE5.
   */
  const SAMPLE_PROPERTIES = {
    '.ane:ANE3': { [BW]: 50000000000, [PEI]: 'ane-props.ane:MEC1' },
    '.ane:ANE5': { [BW]: 50000000000, [PEI]: 'ane-props.ane:MEC2' },
    '.ane:ANE1': { [BW]: 50000000000 },
    '.ane:ANE2': { [BW]: 10000000000 },
    '.ane:ANE4': { [BW]: 15000000000 },
  }
  const pmVtag = () => ({
    'resource-id': 'ane-props',
    tag: manifest['property-maps']!['ane-props'].tag,
  })

  it('§8.2: ane-props is a (filtered) property map of the .ane domain, mappings {".ane": ["cpu"]}', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, Record<string, unknown>>
    }
    expect(ird.resources['ane-props']).toEqual({
      uri: '/propmap/ane-props',
      'media-type': MEDIA_TYPES.propMap,
      capabilities: { mappings: { '.ane': ['cpu'] } },
    })
    expect(ird.resources['ane-props-filtered']).toEqual({
      uri: '/propmap/ane-props/filtered',
      'media-type': MEDIA_TYPES.propMap,
      accepts: MEDIA_TYPES.propMapParams,
      capabilities: { mappings: { '.ane': ['cpu'] } },
    })
  })

  it('§8.4 example: NET3/L1/NET1 and NET3/L2/NET2 with max-reservable-bandwidth and persistent-entity-id, under §11 ephemeral names; the property part depends on ane-props', async () => {
    const { parts } = await multipart(
      await postPvEcs(NM3, {
        'cost-type': PV,
        endpoints: SAMPLE_ENDPOINTS,
        'ane-property-names': [BW, PEI],
      })
    )
    const vtag = pvVtag(`${NM3}-endpoint-cost-pv`, 'ecs', NM3)
    const ecm = parts[0].json['endpoint-cost-map'] as Record<string, Record<string, string[]>>
    // The example's three pairs. (RFC 7285 §11.5.1 asks for every source × destination, so the
    // IPv6 source also gets the IPv4 destinations of its PIDs' paths, which the example omits.)
    // The example names its ANEs after the figure (NET3, L1, …); §11 wants names that do not
    // show the physical entities, so here they are ephemeral, by first appearance: NET3 → ANE1,
    // L1 → ANE2, NET1 → ANE3, L2 → ANE4, NET2 → ANE5 (the §7.2.6 example's `ANE1` scheme).
    expect(ecm['ipv4:192.0.2.34']).toEqual({
      'ipv4:192.0.2.2': ['ANE1', 'ANE2', 'ANE3'],
      'ipv4:192.0.2.50': ['ANE1', 'ANE4', 'ANE5'],
      'ipv6:2001:db8::4:1': ['ANE1', 'ANE4', 'ANE5'],
    })
    expect(ecm['ipv6:2001:db8::3:1']['ipv6:2001:db8::4:1']).toEqual(['ANE1', 'ANE4', 'ANE5'])
    // §7.3.6: the PV part's vtag, then "the version tags of the dependent resources that may
    // expose the entities in the response" (the example's ane-props). The example's properties,
    // each under the ephemeral name of its ANE; the persistent ANEs keep their ids (§6.4.2).
    expect(parts[1].json).toEqual({
      meta: { 'dependent-vtags': [vtag, pmVtag()] },
      'property-map': SAMPLE_PROPERTIES,
    })
  })

  it('§8.6 example: multi-cost-types [path-vector, routingcost] at the §8.1 sample — [[NET3, …], 3] and [[NET3, …], 2] per pair, the same property part as §8.4', async () => {
    const routing = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
    const res = await postPvEcs(NM3, {
      'multi-cost-types': [PV, routing],
      endpoints: SAMPLE_ENDPOINTS,
      'ane-property-names': [BW, PEI],
    })
    expect(res.headers.get('Content-Type')).toMatch(
      /^multipart\/related;.*type="application\/alto-endpointcost\+json"/
    )
    const { parts } = await multipart(res)
    // The paths' tag moves with the routing cost map's too (path-vector-answers.ts).
    const tag = await sha256Hex(
      [
        manifest['path-vectors']![NM3].tag,
        manifest['cost-maps']['rfc9275-num-routingcost'].tag,
      ].join('\n')
    )
    // The example's answer is [[NET3, AGGR1], 3], [[NET3, AGGR2], 2] and [[NET3, AGGR2], 2]: its
    // routing costs (maps/example/rfc9275-cost-routingcost.json: PID3 → PID1 3, PID3 → PID4 2)
    // with the §8.4 paths after the server aggregated NET1+L1 and NET2+L2, which §8.4 calls
    // "implementation specific" obfuscation. Here the paths are §8.4's own (NET3, L1, NET1 …),
    // under the §11 ephemeral names of the §8.4 test; the IPv6 source also gets the IPv4
    // destinations (RFC 7285 §11.5.1: every source × destination), which the example omits.
    const toPid1 = [['ANE1', 'ANE2', 'ANE3'], 3]
    const toPid4 = [['ANE1', 'ANE4', 'ANE5'], 2]
    expect(parts[0].json).toEqual({
      meta: {
        vtag: { 'resource-id': `${NM3}-endpoint-cost-pv.ecs`, tag },
        'dependent-vtags': [nmVtag(NM3)],
        // RFC 8189 §4.2.3: "cost-type" {} for RFC 7285 clients, then the types asked for.
        'cost-type': {},
        'multi-cost-types': [PV, routing],
      },
      'endpoint-cost-map': {
        'ipv4:192.0.2.34': {
          'ipv4:192.0.2.2': toPid1,
          'ipv4:192.0.2.50': toPid4,
          'ipv6:2001:db8::4:1': toPid4,
        },
        'ipv6:2001:db8::3:1': {
          'ipv4:192.0.2.2': toPid1,
          'ipv4:192.0.2.50': toPid4,
          'ipv6:2001:db8::4:1': toPid4,
        },
      },
    })
    // §8.6: "a property map that maps the ANEs to their requested properties" — the §8.4 values.
    expect(parts[1].json).toEqual({
      meta: {
        'dependent-vtags': [{ 'resource-id': `${NM3}-endpoint-cost-pv.ecs`, tag }, pmVtag()],
      },
      'property-map': SAMPLE_PROPERTIES,
    })
  })

  it('§7.2.6: persistent-entity-id not requested → neither the ids nor the property map vtag', async () => {
    const { parts } = await multipart(
      await postPvCostMap(NM3, {
        'cost-type': PV,
        pids: { srcs: ['PID3'], dsts: ['PID1'] },
        'ane-property-names': [BW],
      })
    )
    expect(parts[0].json['cost-map']).toEqual({ PID3: { PID1: ['ANE1', 'ANE2', 'ANE3'] } })
    expect(parts[1].json).toEqual({
      meta: { 'dependent-vtags': [pvVtag(`${NM3}-costmap-pv`, 'costmap', NM3)] },
      'property-map': {
        '.ane:ANE1': { [BW]: 50000000000 },
        '.ane:ANE2': { [BW]: 10000000000 },
        '.ane:ANE3': { [BW]: 50000000000 },
      },
    })
  })

  it('§7.2.6: persistent-entity-id requested but no persistent ANE in the answer → no property map vtag', async () => {
    const { parts } = await multipart(
      await postPvCostMap(NM3, {
        'cost-type': PV,
        pids: { srcs: ['PID3'], dsts: ['PID3'] },
        'ane-property-names': [PEI],
      })
    )
    expect(parts[0].json['cost-map']).toEqual({ PID3: { PID3: ['ANE1'] } })
    expect(parts[1].json).toEqual({
      meta: { 'dependent-vtags': [pvVtag(`${NM3}-costmap-pv`, 'costmap', NM3)] },
      'property-map': { '.ane:ANE1': {} },
    })
  })

  it('§6.4.3: the persistent entity id is queried at its property map as .ane:<name> (RFC 9240 §8)', async () => {
    const { parts } = await multipart(
      await postPvCostMap(NM3, {
        'cost-type': PV,
        pids: { srcs: ['PID1'], dsts: ['PID4'] },
        'ane-property-names': [PEI],
      })
    )
    const props = parts[1].json['property-map'] as Record<string, Record<string, string>>
    const ids = Object.values(props).flatMap((p) => (p[PEI] ? [p[PEI]] : []))
    expect(ids.sort()).toEqual(['ane-props.ane:MEC1', 'ane-props.ane:MEC2'])
    // `ane-props.ane:MEC1` → resource ane-props, entity `.ane:MEC1` (§6.2.4).
    const res = await post('/propmap/ane-props/filtered', MEDIA_TYPES.propMapParams, {
      entities: ids.map((id) => id.slice('ane-props'.length)),
      properties: ['cpu'],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      meta: {},
      'property-map': { '.ane:MEC1': { cpu: 16 }, '.ane:MEC2': { cpu: 32 } },
    })
    const full = await get('/propmap/ane-props')
    expect(await full.json()).toEqual({
      meta: {},
      'property-map': { '.ane:MEC1': { cpu: 16 }, '.ane:MEC2': { cpu: 32 } },
    })
  })

  it('RFC 9240 §8.6: at ane-props, an unknown ANE is omitted; ane-props.ane:MEC1 (not its self-defined domain), a bad ANE name or another domain → E_INVALID_FIELD_VALUE', async () => {
    const ok = await post('/propmap/ane-props/filtered', MEDIA_TYPES.propMapParams, {
      entities: ['.ane:MEC9', '.ane:MEC1'],
    })
    expect(await ok.json()).toEqual({ meta: {}, 'property-map': { '.ane:MEC1': {} } })
    for (const entity of ['ane-props.ane:MEC1', '.ane:bad.name', '.ane:', 'ipv4:192.0.2.1']) {
      const meta = await altoErrorMeta(
        await post('/propmap/ane-props/filtered', MEDIA_TYPES.propMapParams, {
          entities: [entity],
        })
      )
      expect(meta, entity).toMatchObject({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'entities',
        value: entity,
      })
    }
    // `.ane:` is not a domain of the other property maps.
    const other = await altoErrorMeta(
      await post('/propmap/rfc-example-property-map/filtered', MEDIA_TYPES.propMapParams, {
        entities: ['.ane:MEC1'],
      })
    )
    expect(other).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', value: '.ane:MEC1' })
  })
})

describe('RFC 9275 §9.4 calendared path vectors (RFC 8896) at the §8.1 sample', () => {
  /** The shipped sources: the path table with its calendar, the routing cost calendar. */
  const PV_SOURCE = JSON.parse(MAP_SET_FILES['example/rfc9275-path-vectors.json']) as {
    anes: Record<string, { [BW]?: number; [PEI]?: string }>
    paths: Record<string, Record<string, string[]>>
    calendar: {
      'number-of-intervals': number
      paths: Record<string, Record<string, (string[] | null)[]>>
    }
  }
  const RC_CALENDAR = JSON.parse(MAP_SET_FILES['example/rfc9275-calendar-routingcost.json']) as {
    costs: Record<string, Record<string, number[]>>
  }
  const N = PV_SOURCE.calendar['number-of-intervals']
  /** §9.4: the source's path from PID `s` to PID `d` in interval k (its calendar, else its path). */
  const sourcePath = (s: string, d: string, k: number): string[] | null =>
    PV_SOURCE.calendar.paths[s]?.[d]?.[k] ?? PV_SOURCE.paths[s]?.[d] ?? null
  const routing = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
  /** 192.0.2.34 and 2001:db8::3:1 are in PID3; 192.0.2.2 in PID1; the others in PID4. */
  const ENDPOINTS = {
    srcs: ['ipv4:192.0.2.34', 'ipv6:2001:db8::3:1'],
    dsts: ['ipv4:192.0.2.2', 'ipv4:192.0.2.50', 'ipv6:2001:db8::4:1'],
  }
  const PID_OF: Record<string, string> = {
    'ipv4:192.0.2.34': 'PID3',
    'ipv6:2001:db8::3:1': 'PID3',
    'ipv4:192.0.2.2': 'PID1',
    'ipv4:192.0.2.50': 'PID4',
    'ipv6:2001:db8::4:1': 'PID4',
  }

  /** RFC 8896 §5.1.2: the iteration holding now (a day of 4 × 6 h from 00:00 UTC), IMF-fixdate. */
  function expectIterationStart(text: unknown): void {
    expect(text).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} 00:00:00 GMT$/)
    const start = Date.parse(text as string)
    expect(start).toBeLessThanOrEqual(Date.now())
    expect(Date.now() - start).toBeLessThan(86_400_000)
  }

  /** The sample's one `calendar-response-attributes` element (§5.1.2), `names` when given. */
  function expectCalendarAttributes(meta: Record<string, unknown>, names?: string[]): void {
    const attrs = meta['calendar-response-attributes'] as Record<string, unknown>[]
    expect(attrs).toEqual([
      {
        ...(names ? { 'cost-type-names': names } : {}),
        'calendar-start-time': attrs[0]['calendar-start-time'],
        'time-interval-size': 21600,
        'number-of-intervals': 4,
        repeated: 7,
      },
    ])
    expectIterationStart(attrs[0]['calendar-start-time'])
  }

  /**
   * Checks every interval of every pair of a calendared PV part against the source (through the
   * §11 renaming, which must be one bijection by first appearance) and the property part against
   * the source's ANEs; returns the renaming.
   */
  function checkCalendaredPaths(
    rows: Record<string, Record<string, unknown>>,
    pidOf: (key: string) => string,
    pick: (value: unknown) => unknown,
    props: Record<string, Record<string, unknown>>
  ): Map<string, string> {
    const got: string[][] = []
    const want: string[][] = []
    for (const [src, row] of Object.entries(rows))
      for (const [dst, value] of Object.entries(row)) {
        const intervals = pick(value) as (string[] | null)[]
        expect(intervals, `${src} → ${dst}`).toHaveLength(N)
        intervals.forEach((path, k) => {
          const source = sourcePath(pidOf(src), pidOf(dst), k)
          expect(path === null, `${src} → ${dst} interval ${k}`).toBe(source === null)
          if (path !== null && source !== null) {
            got.push(path)
            want.push(source)
          }
        })
      }
    const toSource = ephemeralRenaming(got, want)
    // §9.4 / §6.6: one property entry per ANE of any interval, with that ANE's properties.
    expect(Object.keys(props).sort()).toEqual([...toSource.keys()].map((n) => `.ane:${n}`).sort())
    for (const [name, source] of toSource) {
      const bw = PV_SOURCE.anes[source][BW]
      expect(props[`.ane:${name}`]).toEqual(bw === undefined ? {} : { [BW]: bw })
    }
    return toSource
  }

  it('§9.4: a calendared ECS answers an array of number-of-intervals paths per pair, the k-th the path of the k-th interval; calendar-response-attributes in the PV part', async () => {
    const { parts } = await multipart(
      await postPvEcs(NM3, {
        'cost-type': PV,
        calendared: [true],
        endpoints: ENDPOINTS,
        'ane-property-names': [BW],
      })
    )
    const meta = parts[0].json.meta as Record<string, unknown>
    expect(meta['cost-type']).toEqual(PV)
    // RFC 8896 §5.1.2: cost-type-names only when more than one type is calendared.
    expectCalendarAttributes(meta)
    const rows = parts[0].json['endpoint-cost-map'] as Record<string, Record<string, unknown>>
    expect(Object.keys(rows)).toEqual(ENDPOINTS.srcs)
    const toSource = checkCalendaredPaths(
      rows,
      (a) => PID_OF[a],
      (v) => v,
      parts[1].json['property-map'] as Record<string, Record<string, unknown>>
    )
    // §9.4: "if such an ANE has different property values in two time intervals, it MUST be
    // treated as two different ANEs": L1 at reduced capacity during the maintenance interval is
    // another ANE, with another name, than L1 in the other intervals.
    const sources = [...toSource.values()]
    expect(sources).toContain('L1')
    expect(sources).toContain('L1-maintenance')
    const l1 = rows['ipv4:192.0.2.34']['ipv4:192.0.2.2'] as string[][]
    expect(l1[0][1]).not.toBe(l1[1][1])
    expect(l1.slice(1)).toEqual([l1[1], l1[1], l1[1]])
  })

  it('§9.4: the multipart filtered cost map, PID1 → PID3 and PID4, every interval from the source', async () => {
    const { parts } = await multipart(
      await postPvCostMap(NM3, {
        'cost-type': PV,
        calendared: [true],
        pids: { srcs: ['PID1'], dsts: ['PID3', 'PID4'] },
      })
    )
    const rows = parts[0].json['cost-map'] as Record<string, Record<string, unknown>>
    expect(Object.keys(rows.PID1)).toEqual(['PID3', 'PID4'])
    // §8.3: without ane-property-names each ANE is {}.
    const props = parts[1].json['property-map'] as Record<string, Record<string, unknown>>
    for (const v of Object.values(props)) expect(v).toEqual({})
    const got: string[][] = []
    const want: string[][] = []
    for (const dst of ['PID3', 'PID4'])
      (rows.PID1[dst] as string[][]).forEach((path, k) => {
        got.push(path)
        want.push(sourcePath('PID1', dst, k)!)
      })
    ephemeralRenaming(got, want)
    expect(parts[0].json.meta['calendar-response-attributes']).toHaveLength(1)
  })

  it('RFC 8189 + RFC 8896 §5.2.1: multi-cost [path-vector, routingcost] calendared [true, true] — per pair [paths per interval, costs per interval]; both types named in calendar-response-attributes', async () => {
    const { parts } = await multipart(
      await postPvEcs(NM3, {
        'multi-cost-types': [PV, routing],
        calendared: [true, true],
        endpoints: ENDPOINTS,
        'ane-property-names': [BW],
      })
    )
    const meta = parts[0].json.meta as Record<string, unknown>
    expect(meta['cost-type']).toEqual({})
    expect(meta['multi-cost-types']).toEqual([PV, routing])
    // §5.1.2: "cost-type-names" MUST be present when more than one type is calendared; both
    // calendars have the same timing, so one element names both, in request order.
    expectCalendarAttributes(meta, ['path-vector', 'num-routingcost'])
    const rows = parts[0].json['endpoint-cost-map'] as Record<string, Record<string, unknown>>
    checkCalendaredPaths(
      rows,
      (a) => PID_OF[a],
      (v) => (v as unknown[])[0],
      parts[1].json['property-map'] as Record<string, Record<string, unknown>>
    )
    for (const [src, row] of Object.entries(rows))
      for (const [dst, value] of Object.entries(row))
        expect((value as unknown[])[1], `${src} → ${dst}`).toEqual(
          RC_CALENDAR.costs[PID_OF[src]][PID_OF[dst]]
        )
    // The paths' tag also moves with the routing cost calendar (not covered by the GET map's tag).
    expect(parts[0].json.meta.vtag).toMatchObject({
      'resource-id': `${NM3}-endpoint-cost-pv.ecs`,
    })
    expect((parts[0].json.meta.vtag as { tag: string }).tag).not.toBe(
      manifest['path-vectors']![NM3].tag
    )
  })

  it('RFC 8896 §5.1.1: calendared [true, false] calendars only the first type; [false] and a type without calendar (§5.1.1 "MUST ignore") get single values, as without calendared', async () => {
    const mixed = await multipart(
      await postPvEcs(NM3, {
        'multi-cost-types': [PV, routing],
        calendared: [true, false],
        endpoints: ENDPOINTS,
      })
    )
    const attrs = mixed.parts[0].json.meta['calendar-response-attributes'] as unknown[]
    expect(attrs).toHaveLength(1)
    expect(attrs[0]).not.toHaveProperty('cost-type-names')
    const value = mixed.parts[0].json['endpoint-cost-map'] as Record<
      string,
      Record<string, unknown[]>
    >
    expect(value['ipv4:192.0.2.34']['ipv4:192.0.2.2'][0]).toHaveLength(N)
    expect(value['ipv4:192.0.2.34']['ipv4:192.0.2.2'][1]).toBe(3)

    const plain = await multipart(await postPvEcs(NM3, { 'cost-type': PV, endpoints: ENDPOINTS }))
    const off = await multipart(
      await postPvEcs(NM3, { 'cost-type': PV, calendared: [false], endpoints: ENDPOINTS })
    )
    expect(off.parts.map((p) => p.json)).toEqual(plain.parts.map((p) => p.json))
    expect(plain.parts[0].json.meta).not.toHaveProperty('calendar-response-attributes')
    // rfc-example-network-map's table has no calendar: true is ignored there.
    const body = {
      'cost-type': PV,
      pids: { srcs: ['PID1'], dsts: ['PID2'] },
    }
    const ignored = await multipart(await postPvCostMap(NM, { ...body, calendared: [true] }))
    const none = await multipart(await postPvCostMap(NM, body))
    expect(ignored.parts.map((p) => p.json)).toEqual(none.parts.map((p) => p.json))
  })

  it('RFC 8896 §5.1.1: a calendared array whose length is not the number of cost types → E_INVALID_FIELD_VALUE on calendared; not an array of booleans → E_INVALID_FIELD_TYPE / VALUE', async () => {
    for (const calendared of [
      [true, true],
      [true, false, true],
    ])
      expect(
        await altoErrorMeta(
          await postPvEcs(NM3, { 'cost-type': PV, calendared, endpoints: ENDPOINTS })
        )
      ).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'calendared' })
    expect(
      await altoErrorMeta(
        await postPvCostMap(NM3, {
          'multi-cost-types': [PV, routing],
          calendared: [true],
          pids: { srcs: ['PID1'] },
        })
      )
    ).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'calendared' })
    const wrongType = await altoErrorMeta(
      await postPvCostMap(NM3, { 'cost-type': PV, calendared: true, pids: {} })
    )
    expect(wrongType.code).toMatch(/^E_INVALID_FIELD_(TYPE|VALUE)$/)
    expect(wrongType.field).toBe('calendared')
  })
})

describe('RFC 9275 path vectors: every error is the proper ALTO error', () => {
  const ecsBody = (extra: Record<string, unknown>) => ({
    endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.130'] },
    ...extra,
  })

  it('§7.2.6 / RFC 7285 §8.3.4.1: Accept without multipart/related → 406 (both resources)', async () => {
    for (const accept of [
      MEDIA_TYPES.endpointCost,
      `${MEDIA_TYPES.costMap}, ${MEDIA_TYPES.error}`,
      'multipart/related;q=0',
      'multipart/mixed',
      'application/*',
    ]) {
      const ecs = await postPvEcs(NM, ecsBody({ 'cost-type': PV }), { Accept: accept })
      expect(ecs.status, accept).toBe(406)
      await ecs.body?.cancel()
      const fcm = await postPvCostMap(NM, { 'cost-type': PV }, { Accept: accept })
      expect(fcm.status, accept).toBe(406)
      await fcm.body?.cancel()
    }
  })

  it('§7.2.4: a cost type the PV resource does not offer → E_INVALID_FIELD_VALUE on cost-type (the metric, or the mode of an offered metric)', async () => {
    // numerical hopcount: no cost map of the network map has it (its routingcost is offered, §8.6).
    const cases: [Record<string, string>, string][] = [
      [{ 'cost-mode': 'numerical', 'cost-metric': 'hopcount' }, 'cost-type/cost-metric'],
      [{ 'cost-mode': 'array', 'cost-metric': 'routingcost' }, 'cost-type/cost-mode'],
    ]
    for (const [costType, field] of cases) {
      const meta = await altoErrorMeta(await postPvEcs(NM, ecsBody({ 'cost-type': costType })))
      expect(meta).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field })
      // The single-part service answers the same error for the same cost type.
      const plain = await altoErrorMeta(
        await postEndpointCost(NM, ecsBody({ 'cost-type': costType }))
      )
      expect(plain).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field })
      const fcm = await altoErrorMeta(await postPvCostMap(NM, { 'cost-type': costType }))
      expect(fcm).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field })
    }
  })

  it('§8.6 / RFC 8189 §4.2.3: multi-cost-types [path-vector, num-routingcost] — per pair [path, cost], each equal to the single-cost answers (the PV answer and the plain ECS); meta cost-type {} and multi-cost-types; the same property part', async () => {
    const routing = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
    const endpoints = {
      srcs: ['ipv4:192.0.2.2', 'ipv4:198.51.100.130'],
      dsts: ['ipv4:192.0.2.2', 'ipv4:198.51.100.130', 'ipv4:203.0.113.7', 'ipv6:2001:db8::1'],
    }
    const single = await multipart(
      await postPvEcs(NM, { 'cost-type': PV, endpoints, 'ane-property-names': [BW] })
    )
    const multi = await multipart(
      await postPvEcs(NM, {
        'multi-cost-types': [PV, routing],
        endpoints,
        'ane-property-names': [BW],
      })
    )
    const plainRes = await postEndpointCost(NM, { 'cost-type': routing, endpoints })
    expect(plainRes.status).toBe(200)
    const plain = (await plainRes.json()) as {
      'endpoint-cost-map': Record<string, Record<string, number>>
    }
    const paths = single.parts[0].json['endpoint-cost-map'] as Record<
      string,
      Record<string, string[]>
    >
    const both = multi.parts[0].json['endpoint-cost-map'] as Record<
      string,
      Record<string, [string[] | null, number | null]>
    >
    let pairs = 0
    for (const src of endpoints.srcs)
      for (const dst of endpoints.dsts) {
        const path = paths[src]?.[dst]
        const cost = plain['endpoint-cost-map'][src]?.[dst]
        if (path === undefined && cost === undefined) {
          expect(both[src]?.[dst]).toBeUndefined()
          continue
        }
        pairs++
        // Names are ranks of first appearance: the same walk, so the same names.
        expect(both[src][dst]).toEqual([path ?? null, cost ?? null])
      }
    expect(pairs).toBeGreaterThan(2)
    const meta = multi.parts[0].json.meta as Record<string, unknown>
    expect(meta['cost-type']).toEqual({})
    expect(meta['multi-cost-types']).toEqual([PV, routing])
    // The paths' tag also moves with the cost map's; the property part is the single one's but
    // for that dependent vtag.
    expect((meta.vtag as { tag: string }).tag).not.toBe(
      (single.parts[0].json.meta as { vtag: { tag: string } }).vtag.tag
    )
    expect(multi.parts[1].json['property-map']).toEqual(single.parts[1].json['property-map'])
    expect(
      (multi.parts[1].json.meta as { 'dependent-vtags': unknown[] })['dependent-vtags'][0]
    ).toEqual(meta.vtag)
  })

  it('§7.2.6: without the PV type among the requested types the property part is {} (filtered cost map, routingcost only)', async () => {
    const routing = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
    const { parts } = await multipart(await postPvCostMap(NM, { 'multi-cost-types': [routing] }))
    expect(parts[1].json['property-map']).toEqual({})
    const plain = await postFilteredCostMap(NM, { 'cost-type': routing })
    const map = ((await plain.json()) as { 'cost-map': Record<string, Record<string, number>> })[
      'cost-map'
    ]
    const wrapped = Object.fromEntries(
      Object.entries(map).map(([src, row]) => [
        src,
        Object.fromEntries(Object.entries(row).map(([dst, c]) => [dst, [c]])),
      ])
    )
    expect(parts[0].json['cost-map']).toEqual(wrapped)
    // max-cost-types 3: four types are one too many.
    const tooMany = await altoErrorMeta(
      await postPvCostMap(NM, { 'multi-cost-types': [PV, routing, routing, routing] })
    )
    expect(tooMany).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types' })
  })

  it('§7.2.4: the PV type at the single-part filtered cost map and endpoint cost service (not offered there) → E_INVALID_FIELD_VALUE cost-type/cost-metric', async () => {
    const ecs = await altoErrorMeta(await postEndpointCost(NM, ecsBody({ 'cost-type': PV })))
    expect(ecs).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-metric' })
    const fcm = await altoErrorMeta(await postFilteredCostMap(NM, { 'cost-type': PV }))
    expect(fcm).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-metric' })
  })

  it('§7.2.3: an ane-property-names entry not in the capability (incl. persistent-entity-id where the table has no persistent ANE) → E_INVALID_FIELD_VALUE', async () => {
    for (const name of ['persistent-entity-id', 'bandwidth', '']) {
      const meta = await altoErrorMeta(
        await postPvEcs(NM, ecsBody({ 'cost-type': PV, 'ane-property-names': [BW, name] }))
      )
      expect(meta).toMatchObject({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'ane-property-names',
        value: name,
      })
    }
  })

  it('§7.2.3: ane-property-names that is not an array → E_INVALID_FIELD_TYPE; a non-string element → E_INVALID_FIELD_VALUE on the array (RFC 7285 §8.5.2)', async () => {
    const element = await altoErrorMeta(
      await postPvCostMap(NM, { 'cost-type': PV, 'ane-property-names': [1] })
    )
    expect(element).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'ane-property-names' })
    for (const value of ['max-reservable-bandwidth', {}]) {
      const meta = await altoErrorMeta(
        await postPvCostMap(NM, { 'cost-type': PV, 'ane-property-names': value })
      )
      expect(meta.code).toBe('E_INVALID_FIELD_TYPE')
      expect(meta.field).toMatch(/^ane-property-names/)
    }
  })

  it('§7.2.4 / §9.2: cost-constraints false — constraints → E_INVALID_FIELD_VALUE; more types than max-cost-types (2 at the §8.1 sample) → E_INVALID_FIELD_VALUE', async () => {
    const constrained = await altoErrorMeta(
      await postPvCostMap(NM, { 'cost-type': PV, constraints: ['le 5'] })
    )
    expect(constrained.code).toBe('E_INVALID_FIELD_VALUE')
    // (A PV resource without max-cost-types refuses multi-cost-types at all: multi-cost.test.ts,
    // and path-vector.test.ts for the capabilities of a network map without cost maps.)
    const routing = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
    const multi = await altoErrorMeta(
      await postPvEcs(NM3, {
        endpoints: ecsBody({}).endpoints,
        'multi-cost-types': [PV, routing, routing],
      })
    )
    expect(multi).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types' })
  })

  it('RFC 7285 §11.3.2.3 / §11.5.1.3: missing cost-type → E_MISSING_FIELD; bad address → E_INVALID_FIELD_VALUE; both lists empty → E_INVALID_FIELD_VALUE', async () => {
    expect(await altoErrorMeta(await postPvCostMap(NM, {}))).toMatchObject({
      code: 'E_MISSING_FIELD',
      field: 'cost-type',
    })
    expect(
      await altoErrorMeta(
        await postPvEcs(NM, {
          'cost-type': PV,
          endpoints: { srcs: ['ipv4:300.0.0.1'], dsts: ['ipv4:192.0.2.1'] },
        })
      )
    ).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'endpoints/srcs' })
    expect(
      await altoErrorMeta(
        await postPvEcs(NM, { 'cost-type': PV, endpoints: { srcs: [], dsts: [] } })
      )
    ).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'endpoints' })
    expect((await altoErrorMeta(await postPvEcs(NM, '{"cost-type": '))).code).toBe('E_SYNTAX')
  })

  it('RFC 7285 §8.3.2 / §9.2: wrong Content-Type → 415, GET → 405, a network map without a path table → 404', async () => {
    const wrongType = await post(
      pvEcsPath(NM),
      MEDIA_TYPES.costMapFilter,
      ecsBody({ 'cost-type': PV })
    )
    expect(wrongType.status).toBe(415)
    await wrongType.body?.cancel()
    const getRes = await get(pvCostMapPath(NM))
    expect(getRes.status).toBe(405)
    await getRes.body?.cancel()
    for (const path of [
      pvCostMapPath('eu-network-map'),
      pvEcsPath('my-default-network-map'),
      pvEcsPath('nope'),
    ]) {
      const res = await post(
        path,
        path.includes('costmap') ? MEDIA_TYPES.costMapFilter : MEDIA_TYPES.endpointCostParams,
        { 'cost-type': PV }
      )
      expect(res.status, path).toBe(404)
      await res.body?.cancel()
    }
  })
})
