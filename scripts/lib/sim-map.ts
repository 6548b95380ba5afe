/**
 * @module The map the swarm simulator places peers on: the real ASN map's PIDs (maps/asn,
 * `npm run maps:asn`), each weighted by its IPv4 address share, with the routingcost between
 * them — read either from the generated sources (the compiler's input) or through the client
 * library from a running server (`AltoClient.networkMap` / `costMap`). The `default` PID
 * (0.0.0.0/0, addresses no BGP row covers) holds no peers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AltoClient } from '../../src/client/client.ts'
import type { SwarmMap } from './swarm.ts'

export const ASN_NETWORK_MAP = 'asn-network-map'
const DEFAULT_PID = 'default'

const prefixSize = (prefix: string): number => 2 ** (32 - Number(prefix.split('/')[1]))

function build(
  shares: Map<string, number>,
  cost: (a: string, b: string) => number | undefined
): SwarmMap {
  const pids = [...shares.keys()].filter((p) => p !== DEFAULT_PID && shares.get(p)! > 0)
  return { pids, share: pids.map((p) => shares.get(p)!), cost: (a, b) => cost(pids[a], pids[b]) }
}

/** From `maps/asn/generated/` (prefixes.csv and costs.csv, see maps/asn/README.md). */
export function loadGeneratedMap(dir: string): SwarmMap {
  const shares = new Map<string, number>()
  for (const line of readFileSync(join(dir, 'prefixes.csv'), 'utf8').split('\n')) {
    const comma = line.indexOf(',')
    if (comma < 0 || line.startsWith('#') || line.startsWith('pid,')) continue
    const prefix = line.slice(comma + 1)
    if (prefix.includes(':')) continue
    const pid = line.slice(0, comma)
    shares.set(pid, (shares.get(pid) ?? 0) + prefixSize(prefix))
  }
  // costs.csv is the dense PID × PID matrix in PID order: read it into one typed array.
  const index = new Map<string, number>()
  const at = (pid: string) => {
    let i = index.get(pid)
    if (i === undefined) index.set(pid, (i = index.size))
    return i
  }
  const text = readFileSync(join(dir, 'costs.csv'), 'utf8')
  const rows: [number, number, number][] = []
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const a = text.indexOf(',', start)
    const b = a < 0 ? -1 : text.indexOf(',', a + 1)
    if (text[start] !== '#' && b > 0 && b < end && !text.startsWith('src,', start)) {
      rows.push([
        at(text.slice(start, a)),
        at(text.slice(a + 1, b)),
        Number(text.slice(b + 1, end)),
      ])
    }
    start = end + 1
  }
  const n = index.size
  const matrix = new Float32Array(n * n).fill(Number.NaN)
  for (const [a, b, c] of rows) matrix[a * n + b] = c
  return build(shares, (a, b) => {
    const i = index.get(a)
    const j = index.get(b)
    const c = i === undefined || j === undefined ? Number.NaN : matrix[i * n + j]
    return Number.isNaN(c) ? undefined : c
  })
}

/** Through the client library from a running ALTO server that serves the ASN map. */
export async function loadMapViaClient(server: string): Promise<SwarmMap> {
  const alto = await AltoClient.discover(server)
  const nm = await alto.networkMap(ASN_NETWORK_MAP)
  const shares = new Map<string, number>()
  for (const [pid, types] of Object.entries(nm['network-map']))
    shares.set(
      pid,
      (types.ipv4 ?? []).reduce((s, p) => s + prefixSize(p), 0)
    )
  const cm = await alto.costMap('num-routingcost', { networkMap: ASN_NETWORK_MAP })
  return build(shares, (a, b) => cm['cost-map'][a]?.[b])
}
