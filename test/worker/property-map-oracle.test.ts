/**
 * RFC 9240 §6.1.3 / §8.6 inheritance checked against an independent reference, per address
 * family: random nested prefixes (up to six levels, siblings and parents with different values,
 * some `null` — "no value", which stops inheritance) are compiled by the real compiler and
 * published; then 100,000 random entities (addresses and prefixes) per family are asked through
 * the Worker in requests of 10,000, and every answer is compared with a naive longest-match over
 * the source definitions (a hash lookup per defined prefix length, no tree, no LPM):
 *
 * - a requested entity carries, for each property, the value of the longest defined prefix
 *   containing it that defines the property, and is absent exactly when it has none;
 * - every other key is a defined prefix strictly inside a requested prefix, with its own values,
 *   and every defined prefix strictly inside a requested prefix that holds a value is listed.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { formatIPv4, formatIPv6 } from '../../src/tables/index.ts'
import { mulberry32 } from '../../src/tables/random.ts'
import { post } from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'

const QUERIES_PER_FAMILY = 100_000
const PER_REQUEST = 10_000
const PROPS = ['.a', '.b', '.c'] as const

interface Def {
  words: number[]
  len: number
  /** property → value (a string or null) */
  values: Map<string, string | null>
}

const mask = (len: number) => (len <= 0 ? 0 : len >= 32 ? 0xffffffff : (~0 << (32 - len)) >>> 0)
const masked = (words: readonly number[], len: number) =>
  words.map((w, i) => (w & mask(len - 32 * i)) >>> 0)
const keyOf = (words: readonly number[], len: number) => `${masked(words, len).join('.')}/${len}`
function entityKey(family: 4 | 6, words: readonly number[], len: number): string {
  const full = family === 4 ? 32 : 128
  const a = family === 4 ? formatIPv4(words[0]) : formatIPv6(words)
  return `ipv${family}:${a}${len === full ? '' : `/${len}`}`
}

/** Random nested prefixes: clusters of roots, each refined by children at longer lengths. */
function generate(family: 4 | 6, rnd: () => number): Def[] {
  const full = family === 4 ? 32 : 128
  const w = family === 4 ? 1 : 4
  const randWords = () => Array.from({ length: w }, () => Math.floor(rnd() * 2 ** 32) >>> 0)
  const defs = new Map<string, Def>()
  const pool = ['x', 'y', 'z', 'AS1', 'AS2', 'us', 'de']
  const add = (words: number[], len: number, depth: number) => {
    const key = keyOf(words, len)
    if (!defs.has(key)) {
      const values = new Map<string, string | null>()
      for (const p of PROPS) {
        const r = rnd()
        if (r < 0.05) values.set(p, null)
        else if (r < 0.55) values.set(p, pool[Math.floor(rnd() * pool.length)])
      }
      defs.set(key, { words: masked(words, len), len, values })
    }
    if (depth >= 6) return
    const children = Math.floor(rnd() * 4)
    for (let k = 0; k < children; k++) {
      const childLen = Math.min(full, len + 1 + Math.floor(rnd() * (family === 4 ? 6 : 20)))
      const inside = randWords().map((r, i) => {
        const m = mask(len - 32 * i)
        return ((words[i] & m) | (r & ~m)) >>> 0
      })
      add(inside, childLen, depth + 1)
    }
  }
  const roots = family === 4 ? [0, 8, 12, 16] : [0, 16, 24, 32]
  add(randWords(), 0, 4) // the default route, with few children
  for (let r = 0; r < 300; r++) add(randWords(), roots[r % roots.length] + Math.floor(rnd() * 8), 0)
  return [...defs.values()]
}

/** The reference: hash lookups by length, longest first. */
class Reference {
  private readonly byKey = new Map<string, Def>()
  private readonly lengths: number[]
  constructor(defs: readonly Def[]) {
    for (const d of defs) this.byKey.set(keyOf(d.words, d.len), d)
    this.lengths = [...new Set(defs.map((d) => d.len))].sort((a, b) => b - a)
  }
  /** §6.1.3: value of p for the prefix (words, len), or undefined. */
  inherited(words: readonly number[], len: number, p: string): string | null | undefined {
    for (const l of this.lengths) {
      if (l > len) continue
      const d = this.byKey.get(keyOf(words, l))
      if (d?.values.has(p)) return d.values.get(p)
    }
    return undefined
  }
  /** keyOf of each defined prefix's ancestors, by length (built once, reused by every batch). */
  private readonly ancestorKeys = new Map<Def, Map<number, string>>()
  /** The defined prefixes with a value strictly inside one of `queries` (a set of keyOf). */
  insideAny(queries: ReadonlySet<string>, queryLengths: readonly number[]): Def[] {
    const out: Def[] = []
    for (const d of this.byKey.values()) {
      if (d.values.size === 0) continue
      let keys = this.ancestorKeys.get(d)
      if (!keys) this.ancestorKeys.set(d, (keys = new Map()))
      const inside = queryLengths.some((l) => {
        if (l >= d.len) return false
        let k = keys.get(l)
        if (k === undefined) keys.set(l, (k = keyOf(d.words, l)))
        return queries.has(k)
      })
      if (inside) out.push(d)
    }
    return out
  }
}

function sourceFiles(v4: Def[], v6: Def[]): Record<string, string> {
  const lines = ['prefix,property,value']
  const prefixes: Record<string, Record<string, string | null>> = {}
  for (const [family, defs] of [
    [4, v4],
    [6, v6],
  ] as const) {
    for (const d of defs) {
      const text = entityKey(family, d.words, d.len).slice(5)
      const withLen = text.includes('/') ? text : `${text}/${family === 4 ? 32 : 128}`
      // Half through JSON (with the nulls), half through CSV: both loaders are exercised.
      const json: Record<string, string | null> = {}
      for (const [p, v] of d.values) {
        if (v === null || (d.len & 1) === 0) json[p] = v
        else lines.push(`${withLen},${p},${v}`)
      }
      prefixes[withLen] = json
    }
  }
  return {
    'alto-edge.json': JSON.stringify({
      'default-network-map': 'nm',
      'network-maps': [{ file: 'nm.json' }],
      'property-maps': [{ file: 'pm.json' }],
    }),
    'nm.json': JSON.stringify({
      'resource-id': 'nm',
      pids: { d: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] } },
    }),
    'pm.json': JSON.stringify({ 'resource-id': 'oracle', prefixes, 'prefix-csv': ['pm.csv'] }),
    'pm.csv': `${lines.join('\n')}\n`,
  }
}

const rnd = mulberry32(9240)
const defs = { 4: generate(4, rnd), 6: generate(6, rnd) }
const refs = { 4: new Reference(defs[4]), 6: new Reference(defs[6]) }

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(sourceFiles(defs[4], defs[6])), {
    created: '2026-12-02T15:00:00.000Z',
  })
})

/** Random entities: addresses and prefixes, most of them in or around defined prefixes. */
function queries(family: 4 | 6, count: number): { words: number[]; len: number }[] {
  const full = family === 4 ? 32 : 128
  const w = family === 4 ? 1 : 4
  const list = defs[family]
  const out: { words: number[]; len: number }[] = []
  for (let i = 0; i < count; i++) {
    const random = Array.from({ length: w }, () => Math.floor(rnd() * 2 ** 32) >>> 0)
    let words = random
    if (rnd() < 0.85) {
      const d = list[Math.floor(rnd() * list.length)]
      words = random.map((r, k) => {
        const m = mask(d.len - 32 * k)
        return ((d.words[k] & m) | (r & ~m)) >>> 0
      })
    }
    const r = rnd()
    const len =
      r < 0.5
        ? full
        : family === 4
          ? 16 + Math.floor(rnd() * 17)
          : r < 0.75
            ? 40 + Math.floor(rnd() * 89)
            : 100 + Math.floor(rnd() * 29)
    out.push({ words: masked(words, len), len })
  }
  return out
}

describe('RFC 9240 §6.1.3 inheritance against a naive longest-match reference', () => {
  for (const family of [4, 6] as const) {
    it(`IPv${family}: ${QUERIES_PER_FAMILY} random addresses and prefixes (${defs[family].length} nested defined prefixes)`, async () => {
      const ref = refs[family]
      const all = queries(family, QUERIES_PER_FAMILY)
      let checkedValues = 0
      let listedInside = 0
      for (let start = 0; start < all.length; start += PER_REQUEST) {
        const batch = all.slice(start, start + PER_REQUEST)
        const res = await post('/propmap/oracle/filtered', MEDIA_TYPES.propMapParams, {
          entities: batch.map((q) => entityKey(family, q.words, q.len)),
          properties: [...PROPS],
        })
        expect(res.status).toBe(200)
        const map = (
          (await res.json()) as { 'property-map': Record<string, Record<string, unknown>> }
        )['property-map']
        const requested = new Set<string>()
        const queryKeys = new Set<string>()
        for (const q of batch) {
          const key = entityKey(family, q.words, q.len)
          requested.add(key)
          queryKeys.add(keyOf(q.words, q.len))
          const expected: Record<string, unknown> = {}
          for (const p of PROPS) {
            const v = ref.inherited(q.words, q.len, p)
            if (v !== undefined) expected[p] = v
          }
          if (Object.keys(expected).length === 0) expect([key, map[key]]).toEqual([key, undefined])
          else expect([key, map[key]]).toEqual([key, expected])
          checkedValues++
        }
        const lengths = [...new Set(batch.map((q) => q.len))]
        const inside = ref.insideAny(queryKeys, lengths)
        const expectedExtra = new Map<string, Record<string, unknown>>()
        for (const d of inside) {
          const key = entityKey(family, d.words, d.len)
          if (!requested.has(key)) expectedExtra.set(key, Object.fromEntries(d.values))
        }
        const extra = Object.keys(map).filter((k) => !requested.has(k))
        expect(extra.length).toBe(expectedExtra.size)
        for (const k of extra) expect([k, map[k]]).toEqual([k, expectedExtra.get(k)])
        listedInside += extra.length
      }
      expect(checkedValues).toBe(QUERIES_PER_FAMILY)
      // The data must exercise both rules (a test that cannot fail is a defect).
      expect(listedInside).toBeGreaterThan(1000)
    }, 180_000)
  }
})
