/**
 * @module Test helpers for src/updates: a seeded PRNG, random JSON, related JSON pairs, and
 * synthetic RFC 7285 network maps / cost maps with ~1% changes between versions.
 * Used only by the colocated *.test.ts files.
 */
import { mulberry32 } from '../tables/test-helpers.ts'
import { cloneJson, isJsonObject } from './json.ts'

export { mulberry32 }
export type Rng = () => number

export const randomInt = (rng: Rng, n: number): number => Math.floor(rng() * n)
const pick = <T>(rng: Rng, items: readonly T[]): T => items[randomInt(rng, items.length)]

/** Keys that stress escaping and prototype handling. */
const KEYS = ['a', 'b', 'c', 'PID1', 'x/y', 'm~n', '~1', '', '__proto__', 'constructor', 'é']

export interface RandomJsonOptions {
  /** Allow null as an object member (merge patch cannot write those). Default true. */
  nullMembers?: boolean
  depth?: number
}

export function randomJson(
  rng: Rng,
  opts: RandomJsonOptions = {},
  depth = opts.depth ?? 3
): unknown {
  const r = rng()
  if (depth <= 0 || r < 0.45) return randomPrimitive(rng, true)
  if (r < 0.7) {
    return Array.from({ length: randomInt(rng, 4) }, () => randomJson(rng, opts, depth - 1))
  }
  const obj: Record<string, unknown> = {}
  const n = randomInt(rng, 5)
  for (let k = 0; k < n; k++) {
    let value = randomJson(rng, opts, depth - 1)
    if (value === null && opts.nullMembers === false) value = 0
    Object.defineProperty(obj, pick(rng, KEYS), {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return obj
}

function randomPrimitive(rng: Rng, allowNull: boolean): unknown {
  const r = rng()
  if (r < 0.15 && allowNull) return null
  if (r < 0.3) return rng() < 0.5
  if (r < 0.65) return randomInt(rng, 7) - 3 + (rng() < 0.3 ? 0.5 : 0)
  return pick(rng, ['', 'b', 'c', 'a,b', '"q"', 'line\nbreak', 'data: x', '\\'])
}

/**
 * A random edit of `value`: change, add or delete members and array elements at random depth,
 * so `from`/`to` share most structure (the case patches exist for).
 */
export function mutateJson(rng: Rng, value: unknown, opts: RandomJsonOptions = {}): unknown {
  const copy = cloneJson(value)
  const edits = 1 + randomInt(rng, 3)
  let out: unknown = copy
  for (let k = 0; k < edits; k++) out = mutateOnce(rng, out, opts)
  return out
}

function mutateOnce(rng: Rng, value: unknown, opts: RandomJsonOptions): unknown {
  if (rng() < 0.15) return randomJson(rng, opts, 2)
  if (Array.isArray(value)) {
    if (value.length && rng() < 0.5) {
      const i = randomInt(rng, value.length)
      value[i] = mutateOnce(rng, value[i], opts)
    } else if (value.length && rng() < 0.5) {
      value.splice(randomInt(rng, value.length), 1)
    } else {
      value.splice(randomInt(rng, value.length + 1), 0, randomJson(rng, opts, 1))
    }
    return value
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value)
    const r = rng()
    if (keys.length && r < 0.5) {
      const key = pick(rng, keys)
      let next = mutateOnce(rng, value[key], opts)
      if (next === null && opts.nullMembers === false) next = 1
      Object.defineProperty(value, key, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    } else if (keys.length && r < 0.7) {
      delete value[pick(rng, keys)]
    } else {
      let next = randomJson(rng, opts, 1)
      if (next === null && opts.nullMembers === false) next = 2
      Object.defineProperty(value, pick(rng, KEYS), {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return value
  }
  return randomJson(rng, opts, 1)
}

const pidName = (k: number): string => `PID${k}`

/** An RFC 7285 §11.2.1.6 network map response body with `pids` PIDs of a few IPv4/IPv6 prefixes. */
export function syntheticNetworkMap(
  rng: Rng,
  pids: number,
  vtag = 'nm-v1'
): Record<string, unknown> {
  const map: Record<string, { ipv4: string[]; ipv6: string[] }> = {}
  let next = 0
  for (let k = 0; k < pids; k++) {
    const v4 = Array.from({ length: 1 + randomInt(rng, 4) }, () => {
      const n = next++
      return `10.${(n >> 8) & 255}.${n & 255}.0/24`
    })
    const v6 = rng() < 0.5 ? [`2001:db8:${k.toString(16)}::/48`] : []
    map[pidName(k)] = { ipv4: v4, ipv6: v6 }
  }
  return { meta: { vtag: { 'resource-id': 'my-network-map', tag: vtag } }, 'network-map': map }
}

/** Next network map version: ~`fraction` of PIDs lose one prefix to another PID; new vtag. */
export function evolveNetworkMap(
  rng: Rng,
  nm: Record<string, unknown>,
  fraction: number,
  vtag: string
): Record<string, unknown> {
  const out = cloneJson(nm) as {
    meta: { vtag: { tag: string } }
    'network-map': Record<string, { ipv4: string[] }>
  }
  const names = Object.keys(out['network-map'])
  const moves = Math.max(1, Math.round(names.length * fraction))
  for (let k = 0; k < moves; k++) {
    const from = out['network-map'][pick(rng, names)]
    const to = out['network-map'][pick(rng, names)]
    if (from.ipv4.length > 1 && from !== to)
      to.ipv4.push(from.ipv4.splice(randomInt(rng, from.ipv4.length), 1)[0])
  }
  out.meta.vtag.tag = vtag
  return out
}

/** An RFC 7285 §11.2.3.6 cost map body: n×n numerical routingcost (full mesh). */
export function syntheticCostMap(rng: Rng, n: number, nmTag = 'nm-v1'): Record<string, unknown> {
  const costMap: Record<string, Record<string, number>> = {}
  for (let i = 0; i < n; i++) {
    const row: Record<string, number> = {}
    for (let j = 0; j < n; j++) row[pidName(j)] = i === j ? 0 : 1 + randomInt(rng, 100)
    costMap[pidName(i)] = row
  }
  return {
    meta: {
      'dependent-vtags': [{ 'resource-id': 'my-network-map', tag: nmTag }],
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
    },
    'cost-map': costMap,
  }
}

/** Next cost map version: ~`fraction` of all cells get a new value. Returns the changed cell count. */
export function evolveCostMap(
  rng: Rng,
  cm: Record<string, unknown>,
  fraction: number
): { map: Record<string, unknown>; changed: number } {
  const out = cloneJson(cm) as { 'cost-map': Record<string, Record<string, number>> }
  const rows = Object.keys(out['cost-map'])
  const n = rows.length
  const changes = Math.round(n * n * fraction)
  const touched = new Set<string>()
  while (touched.size < changes) {
    const i = randomInt(rng, n)
    const j = randomInt(rng, n)
    const key = `${i}/${j}`
    if (touched.has(key)) continue
    touched.add(key)
    const row = out['cost-map'][rows[i]]
    row[rows[j]] = row[rows[j]] + 1 + randomInt(rng, 50) // always a different value
  }
  return { map: out, changed: touched.size }
}
