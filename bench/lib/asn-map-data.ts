/**
 * @module The large generated ASN map (maps/asn/generated, scripts/gen-asn-map.ts) loaded for
 * benchmarks: PID list (sorted, as the compiler orders them), prefixes per family with PID
 * indexes, and the equivalent RFC 7285 network map response body (what a JSON-in-KV server
 * stores).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parsePrefix, type Prefix4, type Prefix6 } from '../../src/tables/index.ts'
import { log } from './harness.ts'

export const ASN_MAP_DIR = 'maps/asn/generated'

export interface AsnMapData {
  pids: string[]
  v4: Prefix4[]
  v6: Prefix6[]
  /** `{ meta: { vtag }, network-map: { pid: { ipv4: [...], ipv6: [...] } } }` as text. */
  rfcJson: string
  costsCsvBytes: number
}

/** Generates the map if it is missing (about 5 s), then loads it. */
export function loadAsnMap(dir = ASN_MAP_DIR): AsnMapData {
  if (!existsSync(join(dir, 'prefixes.csv'))) {
    log(`${dir} missing: running scripts/gen-asn-map.ts`)
    execFileSync(process.execPath, ['scripts/gen-asn-map.ts', '--out', dir], { stdio: 'inherit' })
  }
  const nm = JSON.parse(readFileSync(join(dir, 'network-map.json'), 'utf8')) as {
    'resource-id': string
    pids: Record<string, { ipv4?: string[]; ipv6?: string[] }>
    'prefix-csv': string[]
  }
  const byPid = new Map<string, { ipv4: string[]; ipv6: string[] }>()
  const entry = (pid: string) => {
    let e = byPid.get(pid)
    if (!e) byPid.set(pid, (e = { ipv4: [], ipv6: [] }))
    return e
  }
  for (const [pid, p] of Object.entries(nm.pids)) {
    entry(pid).ipv4.push(...(p.ipv4 ?? []))
    entry(pid).ipv6.push(...(p.ipv6 ?? []))
  }
  for (const csv of nm['prefix-csv']) {
    for (const line of readFileSync(join(dir, csv), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#') || line === 'pid,prefix') continue
      const comma = line.indexOf(',')
      const prefix = line.slice(comma + 1)
      const e = entry(line.slice(0, comma))
      if (prefix.includes(':')) e.ipv6.push(prefix)
      else e.ipv4.push(prefix)
    }
  }
  const pids = [...byPid.keys()].sort()
  const v4: Prefix4[] = []
  const v6: Prefix6[] = []
  pids.forEach((pid, value) => {
    const e = byPid.get(pid)!
    for (const text of [...e.ipv4, ...e.ipv6]) {
      const p = parsePrefix(text)
      if (!p.ok) throw new Error(`${pid}: ${p.error}`)
      if (p.family === 4) v4.push({ addr: p.words[0], len: p.len, value })
      else v6.push({ words: p.words as [number, number, number, number], len: p.len, value })
    }
  })
  const networkMap: Record<string, { ipv4?: string[]; ipv6?: string[] }> = {}
  for (const pid of pids) {
    const e = byPid.get(pid)!
    networkMap[pid] = {
      ...(e.ipv4.length ? { ipv4: e.ipv4 } : {}),
      ...(e.ipv6.length ? { ipv6: e.ipv6 } : {}),
    }
  }
  const rfcJson = JSON.stringify({
    meta: { vtag: { 'resource-id': nm['resource-id'], tag: '0'.repeat(40) } },
    'network-map': networkMap,
  })
  const costsCsvBytes = readFileSync(join(dir, 'costs.csv')).byteLength
  return { pids, v4, v6, rfcJson, costsCsvBytes }
}
