/**
 * IETF-93 interop endpoint cost requests (maps/interop-ietf93/epcs_req*.json) against the
 * published default network map. Expected costs come from an independent oracle written here:
 * textual prefixes → BigInt ranges → linear longest-prefix match over
 * default-network-map.json, then the cost from routingcost-costmap.json. Nothing of src/tables
 * or src/compiler is used to compute the expectation.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { postEndpointCost } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet, expectedEndpointCostVtag, publish } from './map-set.ts'

const NM = 'my-default-network-map'

interface NetworkMapJson {
  'network-map': Record<string, Record<string, string[]>>
}
interface CostMapJson {
  'cost-map': Record<string, Record<string, number>>
}
interface EndpointCostRequestJson {
  'cost-type': { 'cost-mode': string; 'cost-metric': string }
  endpoints: { srcs: string[]; dsts: string[] }
}

const readJson = <T>(path: string): T => JSON.parse(MAP_SET_FILES[path]) as T

/** IPv4 dotted quad → BigInt. */
function v4ToBigInt(text: string): bigint {
  const parts = text.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`bad IPv4 ${text}`)
  }
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n)
}

/** IPv6 text (with at most one `::`, no embedded IPv4) → BigInt. */
function v6ToBigInt(text: string): bigint {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined]
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : []
  const missing = 8 - headGroups.length - tailGroups.length
  if (tail === undefined ? missing !== 0 : missing < 1) throw new Error(`bad IPv6 ${text}`)
  const groups = [
    ...headGroups,
    ...Array<string>(tail === undefined ? 0 : missing).fill('0'),
    ...tailGroups,
  ]
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n)
}

interface OraclePrefix {
  family: 'ipv4' | 'ipv6'
  first: bigint
  last: bigint
  length: number
  pid: string
}

function oraclePrefixes(map: NetworkMapJson): OraclePrefix[] {
  const prefixes: OraclePrefix[] = []
  for (const [pid, group] of Object.entries(map['network-map'])) {
    for (const [family, list] of Object.entries(group)) {
      if (family !== 'ipv4' && family !== 'ipv6') continue
      const bits = family === 'ipv4' ? 32n : 128n
      for (const text of list) {
        const [addr, len] = text.split('/')
        const length = Number(len)
        const value = family === 'ipv4' ? v4ToBigInt(addr) : v6ToBigInt(addr)
        const hostBits = bits - BigInt(length)
        const first = (value >> hostBits) << hostBits
        prefixes.push({ family, first, last: first + (1n << hostBits) - 1n, length, pid })
      }
    }
  }
  return prefixes
}

function oraclePid(prefixes: OraclePrefix[], typed: string): string | undefined {
  const colon = typed.indexOf(':')
  const family = typed.slice(0, colon)
  const text = typed.slice(colon + 1)
  const value = family === 'ipv4' ? v4ToBigInt(text) : v6ToBigInt(text)
  let best: OraclePrefix | undefined
  for (const p of prefixes) {
    if (p.family !== family || value < p.first || value > p.last) continue
    if (!best || p.length > best.length) best = p
  }
  return best?.pid
}

let manifest: Manifest
beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(), {
    created: '2026-11-26T18:00:00.000Z',
  })
})

describe('IETF-93 interop endpoint cost requests', () => {
  const prefixes = oraclePrefixes(
    readJson<NetworkMapJson>('interop-ietf93/default-network-map.json')
  )
  const costs = readJson<CostMapJson>('interop-ietf93/routingcost-costmap.json')['cost-map']

  it('the oracle itself agrees with hand-checked points of the map', () => {
    expect(oraclePid(prefixes, 'ipv4:100.0.1.100')).toBe('mine1a')
    expect(oraclePid(prefixes, 'ipv4:100.0.0.100')).toBe('mine1')
    expect(oraclePid(prefixes, 'ipv4:100.131.39.11')).toBe('mine3')
    expect(oraclePid(prefixes, 'ipv6:::1')).toBe('loopback')
    expect(oraclePid(prefixes, 'ipv6:2001:db8:8000::1')).toBe('peer2')
    expect(oraclePid(prefixes, 'ipv4:8.8.8.8')).toBe('default')
  })

  it.each(['epcs_req1.json', 'epcs_req2.json'])(
    '%s is answered with the routingcost-costmap costs',
    async (file) => {
      const request = readJson<EndpointCostRequestJson>(`interop-ietf93/${file}`)
      const expected: Record<string, Record<string, number>> = {}
      for (const src of request.endpoints.srcs) {
        for (const dst of request.endpoints.dsts) {
          const srcPid = oraclePid(prefixes, src)
          const dstPid = oraclePid(prefixes, dst)
          const cost = srcPid && dstPid ? costs[srcPid]?.[dstPid] : undefined
          if (cost !== undefined) (expected[src] ??= {})[dst] = cost
        }
      }
      expect(Object.keys(expected).length).toBeGreaterThan(0)
      const res = await postEndpointCost(NM, request, {
        Accept: `${MEDIA_TYPES.endpointCost},${MEDIA_TYPES.error}`,
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.endpointCost)
      expect(await res.json()).toEqual({
        meta: {
          vtag: await expectedEndpointCostVtag(manifest, NM, request['cost-type']),
          'dependent-vtags': [{ 'resource-id': NM, tag: manifest['network-maps'][NM].vtag }],
          'cost-type': request['cost-type'],
        },
        'endpoint-cost-map': expected,
      })
    }
  )

  it('epcs_req2 under constraints keeps exactly the oracle costs that satisfy them', async () => {
    const request = readJson<EndpointCostRequestJson>('interop-ietf93/epcs_req2.json')
    const res = await postEndpointCost(NM, { ...request, constraints: ['ge 5', 'le 40'] })
    const body = (await res.json()) as {
      'endpoint-cost-map': Record<string, Record<string, number>>
    }
    const all = Object.values(body['endpoint-cost-map']).flatMap((row) => Object.values(row))
    expect(all.length).toBeGreaterThan(0)
    expect(all.every((c) => c >= 5 && c <= 40)).toBe(true)
    let expectedCount = 0
    for (const src of request.endpoints.srcs) {
      for (const dst of request.endpoints.dsts) {
        const cost = costs[oraclePid(prefixes, src)!]?.[oraclePid(prefixes, dst)!]
        if (cost !== undefined && cost >= 5 && cost <= 40) expectedCount++
      }
    }
    expect(all.length).toBe(expectedCount)
  })
})
