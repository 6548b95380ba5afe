import { describe, expect, it } from 'vitest'
import { FAMILY_V4, parseAddressBatch, type AddressBatch } from './address-batch.ts'
import {
  buildFilteredNetworkMap,
  selectPids,
  writeEndpointCostMap,
  writeEndpointProperties,
  writeFilteredCostMap,
  type NetworkMapBody,
  type PidTable,
} from './responses.ts'

const vtag = { 'resource-id': 'nm', tag: 'v1' }
const full: NetworkMapBody = {
  meta: { vtag },
  'network-map': {
    PID1: { ipv4: ['192.0.2.0/24', '198.51.100.0/25'] },
    PID2: { ipv4: ['198.51.100.128/25'] },
    PID3: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
  },
}
const names = ['PID1', 'PID2', 'PID3']
const pids: PidTable = { names, indexOf: new Map(names.map((n, i) => [n, i])) }
// RFC 7285 §11.2.3.7 cost map; PID3 → PID3 undefined.
const matrix = [
  [1, 5, 10],
  [5, 1, 15],
  [20, 15, NaN],
]
const costs = {
  get: (s: number, d: number) => matrix[s][d],
  row: (s: number) => ({ get: (d: number) => matrix[s][d] }),
}
const costType = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost', description: 'ignored' }

describe('buildFilteredNetworkMap', () => {
  it('keeps requested, defined PIDs once; unknown ignored; full-map vtag', () => {
    expect(buildFilteredNetworkMap(full, vtag, ['PID2', 'NOPE', 'PID2'], undefined)).toEqual({
      meta: { vtag },
      'network-map': { PID2: { ipv4: ['198.51.100.128/25'] } },
    })
  })
  it('[] means all PIDs; address-types filters families, unknown types ignored', () => {
    expect(buildFilteredNetworkMap(full, vtag, [], ['ipv6', 'foo'])['network-map']).toEqual({
      PID1: {},
      PID2: {},
      PID3: { ipv6: ['::/0'] },
    })
    expect(buildFilteredNetworkMap(full, vtag, [], [])).toEqual(full)
  })
  it('a list left empty once unknown names are dropped means all (§11.3.1.6 "as if ... did not appear")', () => {
    expect(buildFilteredNetworkMap(full, vtag, ['NOPE'], undefined)).toEqual(full)
    expect(buildFilteredNetworkMap(full, vtag, ['PID3'], ['foo'])['network-map']).toEqual({
      PID3: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
    })
    // `__proto__` is not a PID of the map (own properties only).
    expect(buildFilteredNetworkMap(full, vtag, ['__proto__'], undefined)).toEqual(full)
  })
})

describe('selectPids', () => {
  it('maps names to indexes once, in request order; empty = all', () => {
    expect(selectPids(pids, ['PID3', 'x', 'PID1', 'PID3'])).toEqual([2, 0])
    expect(selectPids(pids, [])).toEqual([0, 1, 2])
    expect(selectPids(pids, undefined)).toEqual([0, 1, 2])
  })
  it('only unknown names: as if none appeared, so all PIDs (§11.3.2.6, §11.3.2.3)', () => {
    expect(selectPids(pids, ['x', 'y'])).toEqual([0, 1, 2])
  })
})

describe('writeFilteredCostMap', () => {
  const base = { pids, costs, dependentVtag: vtag, costType, accept: () => true }
  it('omits undefined pairs and echoes mode and metric only', () => {
    expect(JSON.parse(writeFilteredCostMap({ ...base, srcs: [2], dsts: [0, 1, 2] }))).toEqual({
      meta: {
        'dependent-vtags': [vtag],
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      },
      'cost-map': { PID3: { PID1: 20, PID2: 15 } },
    })
  })
  it('drops pairs failing the predicate, and rows left empty', () => {
    const body = JSON.parse(
      writeFilteredCostMap({
        ...base,
        srcs: [0, 1, 2],
        dsts: [0, 1, 2],
        accept: (c) => c >= 15,
      })
    ) as unknown
    expect(body).toMatchObject({ 'cost-map': { PID2: { PID3: 15 }, PID3: { PID1: 20, PID2: 15 } } })
    expect(Object.keys((body as { 'cost-map': object })['cost-map'])).toEqual(['PID2', 'PID3'])
  })
})

// A toy classifier: 192.0.2.0/24 → PID1, other IPv4 → PID3, IPv6 → no match.
const pidsOf = (batch: AddressBatch) =>
  Int32Array.from(batch.family, (f, i) =>
    f !== FAMILY_V4 ? -1 : batch.words[4 * i] >>> 8 === 0xc00002 ? 0 : 2
  )
const mapped = (texts: string[]) => {
  const batch = parseAddressBatch(texts, 'x')
  return { batch, indexes: pidsOf(batch) }
}

describe('writeEndpointCostMap', () => {
  it('keys by the client strings; unmapped addresses and undefined pairs are omitted', () => {
    const body = writeEndpointCostMap({
      srcs: mapped(['ipv4:192.0.2.2', 'ipv6:::1']),
      dsts: mapped(['ipv4:192.0.2.89', 'ipv4:203.0.113.45', 'ipv6:::2']),
      costs,
      accept: () => true,
      vtag: { 'resource-id': 'nm-endpoint-cost', tag: 't' },
      dependentVtag: vtag,
      costType,
    })
    expect(JSON.parse(body)).toEqual({
      meta: {
        vtag: { 'resource-id': 'nm-endpoint-cost', tag: 't' },
        'dependent-vtags': [vtag],
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      },
      'endpoint-cost-map': { 'ipv4:192.0.2.2': { 'ipv4:192.0.2.89': 1, 'ipv4:203.0.113.45': 10 } },
    })
  })
})

describe('writeEndpointProperties', () => {
  it('omits an undefined property for that endpoint only (§11.4.1.6)', () => {
    const endpoints = parseAddressBatch(['ipv4:192.0.2.34', 'ipv4:203.0.113.129'], 'endpoints')
    const pid = pidsOf(endpoints)
    const body = writeEndpointProperties(
      endpoints,
      [
        { name: 'nm.pid', indexes: pid, values: names },
        { name: 'priv:p', indexes: pid.map((p) => (p === 0 ? 0 : -1)), values: ['1'] },
      ],
      [vtag]
    )
    expect(JSON.parse(body)).toEqual({
      meta: { 'dependent-vtags': [vtag] },
      'endpoint-properties': {
        'ipv4:192.0.2.34': { 'nm.pid': 'PID1', 'priv:p': '1' },
        'ipv4:203.0.113.129': { 'nm.pid': 'PID3' },
      },
    })
  })
})
