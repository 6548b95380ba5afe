/**
 * RFC 8189 multi-cost, answered by the Worker from the real pipeline. maps/example holds the
 * §5 examples' network map (`rfc8189-network-map`; the RFC's `my-default-network-map` is the
 * IETF-93 interop map here) and cost maps: routingcost and shoesize exactly as §5.2's answer,
 * sceneryrate as §5.5's answer where it shows a value (the other pairs are ours).
 *
 * The §5 examples do not agree with each other everywhere; where one contradicts §5.2's data or
 * its own constraints, the test says so and asserts what RFC 8189 §4 requires of §5.2's data.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import {
  anyCostMapResponseSchema,
  anyEndpointCostResponseSchema,
  costMapResponseSchema,
} from '../../src/alto/response-schemas.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { altoErrorMeta, get, postEndpointCost, postFilteredCostMap } from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'

const NM = 'rfc8189-network-map'
let manifest: Manifest
let vtag: { 'resource-id': string; tag: string }

beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(), {
    created: '2026-12-02T15:00:00.000Z',
  })
  vtag = { 'resource-id': NM, tag: manifest['network-maps'][NM].vtag }
})

const num = (metric: string) => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
const routing = num('routingcost')
const shoesize = num('shoesize')
const scenery = num('sceneryrate')
const ALL = { srcs: [], dsts: [] }

async function json(res: Response, mediaType: string): Promise<unknown> {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`)
  expect(res.headers.get('Content-Type')).toBe(mediaType)
  return res.json()
}
const costMapOf = async (body: unknown) =>
  json(await postFilteredCostMap(NM, body), MEDIA_TYPES.costMap)
const endpointCostOf = async (body: unknown, nm = NM) =>
  json(await postEndpointCost(nm, body), MEDIA_TYPES.endpointCost)

describe('RFC 8189 §4.1.1 / §4.2.1 capabilities in the IRD', () => {
  it('a network map with three cost types: max-cost-types 3 on both services, cost-constraints true, no testable-cost-type-names (§3.6.5)', async () => {
    const ird = (await json(await get('/directory'), MEDIA_TYPES.directory)) as {
      resources: Record<string, { capabilities?: Record<string, unknown> }>
    }
    const capabilities = {
      'cost-type-names': ['num-routingcost', 'num-sceneryrate', 'num-shoesize'],
      'cost-constraints': true,
      'max-cost-types': 3,
    }
    expect(ird.resources[`${NM}-costmap-filtered`].capabilities).toEqual(capabilities)
    expect(ird.resources[`${NM}-endpoint-cost`].capabilities).toEqual(capabilities)
    // A GET cost map stays single-valued (§3.5): one cost type, no multi-cost capability.
    expect(ird.resources['rfc8189-num-shoesize'].capabilities).toEqual({
      'cost-type-names': ['num-shoesize'],
    })
  })
})

describe('RFC 8189 §5 examples (filtered cost map)', () => {
  it('§5.2 example #1: the whole multi-cost map, null where routingcost is undefined', async () => {
    const body = await costMapOf({
      'multi-cost-types': [routing, shoesize],
      pids: { srcs: [], dsts: [] },
    })
    // The served JSON Schema of application/alto-costmap+json admits it; the RFC 7285 one does not.
    expect(anyCostMapResponseSchema.safeParse(body).success).toBe(true)
    expect(costMapResponseSchema.safeParse(body).success).toBe(false)
    expect(body).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': {}, 'multi-cost-types': [routing, shoesize] },
      'cost-map': {
        PID1: { PID1: [1, 0], PID2: [4, 3], PID3: [10, 2] },
        PID2: { PID1: [15, 5], PID2: [1, 0], PID3: [null, 9] },
        PID3: { PID1: [20, 12], PID2: [null, 1], PID3: [1, 0] },
      },
    })
  })

  it('§5.3 example #2: or-constraints (routingcost in [5, 10]) OR (shoesize = 0)', async () => {
    // The RFC's answer shows PID1 → PID3 as [10,5], but §5.2 gives that pair shoesize 2; with
    // §5.2's data the pair passes the first clause (routingcost 10) and carries [10,2].
    expect(
      await costMapOf({
        'multi-cost-types': [routing, shoesize],
        'or-constraints': [['[0] ge 5', '[0] le 10'], ['[1] eq 0']],
        pids: { srcs: ['PID1', 'PID2'], dsts: ['PID1', 'PID2', 'PID3'] },
      })
    ).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': {}, 'multi-cost-types': [routing, shoesize] },
      'cost-map': { PID1: { PID1: [1, 0], PID3: [10, 2] }, PID2: { PID2: [1, 0] } },
    })
  })

  it('§5.4 example #3: cost-type with testable-cost-types and or-constraints answers scalars', async () => {
    expect(
      await costMapOf({
        'cost-type': routing,
        'testable-cost-types': [routing, shoesize],
        'or-constraints': [
          ['[0] le 10', '[1] le 2'],
          ['[0] le 3', '[1] le 6'],
        ],
        pids: ALL,
      })
    ).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': routing },
      'cost-map': { PID1: { PID1: 1, PID3: 10 }, PID2: { PID2: 1 }, PID3: { PID3: 1 } },
    })
  })

  it('§5.5 example #4: returns routingcost and sceneryrate, tests routingcost and shoesize', async () => {
    expect(
      await costMapOf({
        'multi-cost-types': [routing, scenery],
        'testable-cost-types': [routing, shoesize],
        'or-constraints': [
          ['[0] le 10', '[1] le 2'],
          ['[0] le 3', '[1] le 6'],
        ],
        pids: ALL,
      })
    ).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': {}, 'multi-cost-types': [routing, scenery] },
      'cost-map': {
        PID1: { PID1: [1, 16], PID3: [10, 19] },
        PID2: { PID2: [1, 8] },
        PID3: { PID3: [1, 19] },
      },
    })
  })

  it('§3.6.3: "routingcost where hopcount <= 6" — a tested type that is not returned', async () => {
    expect(
      await costMapOf({
        'multi-cost-types': [routing],
        'testable-cost-types': [shoesize],
        constraints: ['[0] le 2'],
        pids: { srcs: ['PID1'], dsts: [] },
      })
    ).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': {}, 'multi-cost-types': [routing] },
      'cost-map': { PID1: { PID1: [1], PID3: [10] } },
    })
  })

  it('§4.1.2: one multi-cost type gives one-element arrays; a pair with no value is omitted (§4.1.3 MAY)', async () => {
    const body = (await costMapOf({ 'multi-cost-types': [routing], pids: ALL })) as {
      'cost-map': Record<string, Record<string, unknown>>
    }
    expect(body['cost-map'].PID2).toEqual({ PID1: [15], PID2: [1] })
    expect(body['cost-map'].PID3).toEqual({ PID1: [20], PID3: [1] })
  })

  it('§4.1.2: the request order decides the array order, the same type may repeat', async () => {
    const body = (await costMapOf({
      'multi-cost-types': [shoesize, routing, shoesize],
      pids: { srcs: ['PID2'], dsts: ['PID3'] },
    })) as { meta: unknown; 'cost-map': unknown }
    expect(body['cost-map']).toEqual({ PID2: { PID3: [9, null, 9] } })
  })

  it('§4.1.2: an index-less predicate is [0] ("le 10" is "[0] le 10")', async () => {
    const request = { 'multi-cost-types': [shoesize, routing], pids: ALL }
    expect(await costMapOf({ ...request, constraints: ['le 2'] })).toEqual(
      await costMapOf({ ...request, constraints: ['[0] le 2'] })
    )
  })

  it('§4.1.3: a plain cost-type request on the multi-cost resource is exactly RFC 7285 (scalars)', async () => {
    expect(await costMapOf({ 'cost-type': shoesize, constraints: ['ge 9'], pids: ALL })).toEqual({
      meta: { 'dependent-vtags': [vtag], 'cost-type': shoesize },
      'cost-map': { PID2: { PID3: 9 }, PID3: { PID1: 12 } },
    })
  })
})

describe('RFC 8189 §5.6 endpoint cost service', () => {
  it('multi-cost-types with or-constraints over endpoints', async () => {
    // The RFC's answer contradicts its own constraints ([15,5], [4,23] and [16,5] satisfy neither
    // clause). Here the addresses map to this network map's PIDs — 192.0.2.2, 2001:db8::1:0 and
    // 192.0.2.89 to PID1; 198.51.100.34 and 2001:db8::10 to PID2; 203.0.113.45 to PID3 — and the
    // answer is §5.2's data filtered by the request: PID1→PID1 [1,0] and PID1→PID3 [10,2] pass,
    // PID1→PID2 [4,3] fails both clauses.
    const body = (await endpointCostOf({
      'multi-cost-types': [routing, shoesize],
      'or-constraints': [
        ['[0] le 10', '[1] le 2'],
        ['[0] le 3', '[1] le 6'],
      ],
      endpoints: {
        srcs: ['ipv4:192.0.2.2', 'ipv6:2001:db8::1:0'],
        dsts: ['ipv4:192.0.2.89', 'ipv4:198.51.100.34', 'ipv4:203.0.113.45', 'ipv6:2001:db8::10'],
      },
    })) as { meta: Record<string, unknown>; 'endpoint-cost-map': unknown }
    expect(anyEndpointCostResponseSchema.safeParse(body).success).toBe(true)
    expect(body.meta).toEqual({
      vtag: { 'resource-id': `${NM}-endpoint-cost`, tag: expect.stringMatching(/^[0-9a-f]{64}$/) },
      'dependent-vtags': [vtag],
      'cost-type': {},
      'multi-cost-types': [routing, shoesize],
    })
    expect(body['endpoint-cost-map']).toEqual({
      'ipv4:192.0.2.2': { 'ipv4:192.0.2.89': [1, 0], 'ipv4:203.0.113.45': [10, 2] },
      'ipv6:2001:db8::1:0': { 'ipv4:192.0.2.89': [1, 0], 'ipv4:203.0.113.45': [10, 2] },
    })
  })

  it('the endpoint cost vtag names every cost map the answer read', async () => {
    const endpoints = { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.34'] }
    const tagOf = async (body: Record<string, unknown>) =>
      ((await endpointCostOf({ ...body, endpoints })) as { meta: { vtag: { tag: string } } }).meta
        .vtag.tag
    const single = await tagOf({ 'cost-type': routing })
    const multi = await tagOf({ 'multi-cost-types': [routing, shoesize] })
    const tested = await tagOf({
      'cost-type': routing,
      'testable-cost-types': [scenery],
      constraints: ['le 100'],
    })
    expect(new Set([single, multi, tested]).size).toBe(3)
    expect(await tagOf({ 'multi-cost-types': [routing, shoesize] })).toBe(multi)
  })
})

describe('RFC 8189 §4.1.2 / §4.2.2 errors (RFC 7285 §8.5.2 codes; RFC 8189 adds none)', () => {
  const cases: [string, Record<string, unknown>, Record<string, string>][] = [
    [
      'both cost-type and multi-cost-types ("MUST NOT specify both")',
      { 'cost-type': routing, 'multi-cost-types': [shoesize] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types' },
    ],
    ['neither cost-type nor multi-cost-types', {}, { code: 'E_MISSING_FIELD', field: 'cost-type' }],
    [
      'more than max-cost-types (3) types ("MUST NOT have more than")',
      { 'multi-cost-types': [routing, shoesize, scenery, routing] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types' },
    ],
    [
      'an empty multi-cost-types (<1..*>)',
      { 'multi-cost-types': [] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types' },
    ],
    [
      'multi-cost-types not an array',
      { 'multi-cost-types': routing },
      { code: 'E_INVALID_FIELD_TYPE', field: 'multi-cost-types' },
    ],
    [
      'a multi-cost type not in cost-type-names ("MUST match one of the supported cost types")',
      { 'multi-cost-types': [routing, num('hopcount')] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types/cost-metric', value: 'hopcount' },
    ],
    [
      'a known metric in a mode the resource does not offer',
      { 'multi-cost-types': [{ 'cost-mode': 'ordinal', 'cost-metric': 'shoesize' }] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types/cost-mode', value: 'ordinal' },
    ],
    [
      'a testable type outside cost-type-names (testable-cost-types must be a subset)',
      { 'cost-type': routing, 'testable-cost-types': [num('hopcount')], constraints: ['le 1'] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'testable-cost-types/cost-metric' },
    ],
    [
      'constraints and or-constraints together ("MUST NOT be specified if")',
      { 'multi-cost-types': [routing], constraints: ['le 1'], 'or-constraints': [['le 2']] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints' },
    ],
    [
      'an empty AND array in or-constraints ("MUST NOT contain any empty array")',
      { 'multi-cost-types': [routing], 'or-constraints': [['le 2'], []] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints', value: '[]' },
    ],
    [
      'an empty or-constraints (<1..*>)',
      { 'multi-cost-types': [routing], 'or-constraints': [] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints' },
    ],
    [
      'an index past multi-cost-types',
      { 'multi-cost-types': [routing, shoesize], constraints: ['[2] le 5'] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: '[2] le 5' },
    ],
    [
      'an index past testable-cost-types (it, not multi-cost-types, is indexed)',
      {
        'multi-cost-types': [routing, shoesize],
        'testable-cost-types': [scenery],
        'or-constraints': [['[1] le 5']],
      },
      { code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints', value: '[1] le 5' },
    ],
    [
      'an index other than 0 with cost-type ("the index MUST be 0")',
      { 'cost-type': routing, constraints: ['[1] le 5'] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: '[1] le 5' },
    ],
    [
      'an unknown operator',
      { 'multi-cost-types': [routing], constraints: ['[0] lte 5'] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: '[0] lte 5' },
    ],
    [
      'a malformed index',
      { 'multi-cost-types': [routing], 'or-constraints': [['[x] le 5']] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints', value: '[x] le 5' },
    ],
    [
      'a value that is not a JSON number',
      { 'multi-cost-types': [routing], constraints: ['[0] le 0x10'] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: '[0] le 0x10' },
    ],
    [
      'an or-constraints entry that is not an array of strings',
      { 'multi-cost-types': [routing], 'or-constraints': [[5]] },
      { code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints', value: '5' },
    ],
  ]
  for (const [what, members, error] of cases) {
    const expected =
      error.code === 'E_MISSING_FIELD' || error.code === 'E_INVALID_FIELD_TYPE'
        ? error
        : { ...error, value: error.value ?? expect.any(String) }
    it(`filtered cost map: ${what}`, async () => {
      const res = await postFilteredCostMap(NM, { ...members, pids: ALL })
      expect(await altoErrorMeta(res)).toEqual(expected)
    })
    it(`endpoint cost: ${what}`, async () => {
      const endpoints = { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:198.51.100.34'] }
      const res = await postEndpointCost(NM, { ...members, endpoints })
      expect(await altoErrorMeta(res)).toEqual(expected)
    })
  }
})

/** A deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Row = Record<string, Record<string, number>>

/** A reference filter written from the RFC text, independent of src/alto/multi-cost.ts. */
function referencePasses(predicates: string[][], tested: (number | undefined)[]): boolean {
  if (predicates.length === 0) return true
  return predicates.some((and) =>
    and.every((p) => {
      const m = /^(?:\[(\d+)\] )?(gt|lt|ge|le|eq) (-?\d+(?:\.\d+)?)$/.exec(p)!
      const v = tested[Number(m[1] ?? 0)]
      if (v === undefined) return false
      const target = Number(m[3])
      return { gt: v > target, lt: v < target, ge: v >= target, le: v <= target, eq: v === target }[
        m[2] as 'gt'
      ]
    })
  )
}

describe('oracle: random multi-cost requests equal the single-cost answers (RFC 8189 §4.1.3)', () => {
  const networks = [
    { nm: NM, types: [routing, shoesize, scenery], max: 25 },
    // The IETF-93 interop map: routingcost and hopcount over my-default-network-map.
    { nm: 'my-default-network-map', types: [routing, num('hopcount')], max: 70 },
  ]
  for (const { nm, types, max } of networks) {
    it(`${nm}: filtered cost maps and endpoint costs on random pairs, types and or-constraints`, async () => {
      const single = new Map<string, Row>()
      for (const t of types) {
        const body = (await json(
          await postFilteredCostMap(nm, { 'cost-type': t, pids: ALL }),
          MEDIA_TYPES.costMap
        )) as { 'cost-map': Row }
        single.set(t['cost-metric'], body['cost-map'])
      }
      const pids = [...new Set([...single.values()].flatMap((m) => Object.keys(m)))]
      const random = prng(8189 + nm.length)
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]
      const valueOf = (metric: string, s: string, d: string) => single.get(metric)![s]?.[d]
      for (let round = 0; round < 25; round++) {
        const n = 1 + Math.floor(random() * types.length)
        const wanted = Array.from({ length: n }, () => pick(types))
        const testable = random() < 0.5 ? Array.from({ length: 2 }, () => pick(types)) : undefined
        const testTypes = testable ?? wanted
        const predicates = Array.from({ length: Math.floor(random() * 3) }, () =>
          Array.from(
            { length: 1 + Math.floor(random() * 2) },
            () =>
              `[${Math.floor(random() * testTypes.length)}] ${pick(['gt', 'lt', 'ge', 'le', 'eq'])} ${Math.floor(random() * max)}`
          )
        )
        const srcs = pids.filter(() => random() < 0.6)
        const dsts = pids.filter(() => random() < 0.6)
        const request = {
          'multi-cost-types': wanted,
          ...(testable ? { 'testable-cost-types': testable } : {}),
          ...(predicates.length > 0 ? { 'or-constraints': predicates } : {}),
        }
        const got = (await json(
          await postFilteredCostMap(nm, { ...request, pids: { srcs, dsts } }),
          MEDIA_TYPES.costMap
        )) as { 'cost-map': Record<string, Record<string, (number | null)[]>> }
        const expected: Record<string, Record<string, (number | null)[]>> = {}
        for (const s of srcs.length > 0 ? srcs : pids) {
          for (const d of dsts.length > 0 ? dsts : pids) {
            const values = wanted.map((t) => valueOf(t['cost-metric'], s, d) ?? null)
            if (values.every((v) => v === null)) continue
            const tested = testTypes.map((t) => valueOf(t['cost-metric'], s, d))
            if (!referencePasses(predicates, tested)) continue
            ;(expected[s] ??= {})[d] = values
          }
        }
        expect(got['cost-map'], JSON.stringify({ request, srcs, dsts })).toEqual(expected)
      }
    })
  }

  it(`${NM}: endpoint cost multi answers equal the single-cost endpoint answers`, async () => {
    const pool = [
      'ipv4:192.0.2.7',
      'ipv4:198.51.100.200',
      'ipv4:203.0.113.1',
      'ipv6:2001:db8::1:5',
      'ipv6:2001:db8::22',
      'ipv6:2001:db8:ffff::1',
    ]
    const types = [routing, shoesize, scenery]
    const random = prng(4221)
    for (let round = 0; round < 10; round++) {
      const srcs = pool.filter(() => random() < 0.5)
      const dsts = pool.filter(() => random() < 0.5)
      if (srcs.length === 0 || dsts.length === 0) continue
      const wanted = types.filter(() => random() < 0.7)
      if (wanted.length === 0) continue
      const endpoints = { srcs, dsts }
      const singles: Record<string, Record<string, number>>[] = []
      for (const t of wanted) {
        const body = (await endpointCostOf({ 'cost-type': t, endpoints })) as {
          'endpoint-cost-map': Record<string, Record<string, number>>
        }
        singles.push(body['endpoint-cost-map'])
      }
      const got = (await endpointCostOf({ 'multi-cost-types': wanted, endpoints })) as {
        'endpoint-cost-map': unknown
      }
      const expected: Record<string, Record<string, (number | null)[]>> = {}
      for (const s of srcs) {
        for (const d of dsts) {
          const values = singles.map((m) => m[s]?.[d] ?? null)
          if (values.some((v) => v !== null)) (expected[s] ??= {})[d] = values
        }
      }
      expect(got['endpoint-cost-map'], JSON.stringify({ wanted, endpoints })).toEqual(expected)
    }
  })
})
