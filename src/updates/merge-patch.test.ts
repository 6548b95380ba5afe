import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { canonicalJson, cloneJson, jsonEqual } from './json.ts'
import {
  MergePatchUnrepresentableError,
  applyMergePatch,
  applyMergePatchInPlace,
  createMergePatch,
  isMergePatchRepresentable,
} from './merge-patch.ts'
import {
  evolveCostMap,
  evolveNetworkMap,
  mulberry32,
  mutateJson,
  randomJson,
  syntheticCostMap,
  syntheticNetworkMap,
} from './test-helpers.ts'

/** RFC 7396 Appendix A: [original, patch, result]. */
const RFC7396_EXAMPLES: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
]

describe('applyMergePatch', () => {
  it.each(RFC7396_EXAMPLES)('RFC 7396 Appendix A: %j + %j', (original, patch, result) => {
    const before = JSON.stringify(original)
    expect(applyMergePatch(original, patch)).toEqual(result)
    expect(JSON.stringify(original)).toBe(before) // inputs are not mutated
    expect(applyMergePatchInPlace(cloneJson(original), patch)).toEqual(result)
  })

  it('in place: modifies the target objects and returns the same root', () => {
    const target = { a: { b: 1, c: 2 }, d: 3 }
    const result = applyMergePatchInPlace(target, { a: { b: null, e: 4 } })
    expect(result).toBe(target)
    expect(target).toEqual({ a: { c: 2, e: 4 }, d: 3 })
  })

  it('RFC 7396 §3 example document', () => {
    const target = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    }
    const patch = {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    }
    expect(applyMergePatch(target, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    })
  })

  it('creates "__proto__" as an ordinary member, never touching prototypes', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": 1}}')
    const result = applyMergePatch({}, patch) as Record<string, unknown>
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(Object.keys(result)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":1}}')
  })
})

describe('createMergePatch', () => {
  it('emits only changed members', () => {
    const from = {
      meta: { vtag: { tag: 'v1' } },
      'cost-map': { A: { A: 0, B: 5 }, B: { A: 5, B: 0 } },
    }
    const to = {
      meta: { vtag: { tag: 'v2' } },
      'cost-map': { A: { A: 0, B: 6 }, B: { A: 5, B: 0 } },
    }
    expect(createMergePatch(from, to)).toEqual({
      meta: { vtag: { tag: 'v2' } },
      'cost-map': { A: { B: 6 } },
    })
  })

  it('removes members with null and replaces arrays whole', () => {
    const from = {
      'network-map': { P1: { ipv4: ['10.0.0.0/8', '11.0.0.0/8'] }, P2: { ipv4: ['12.0.0.0/8'] } },
    }
    const to = { 'network-map': { P1: { ipv4: ['10.0.0.0/8'] } } }
    expect(createMergePatch(from, to)).toEqual({
      'network-map': { P1: { ipv4: ['10.0.0.0/8'] }, P2: null },
    })
  })

  it('gives {} for equal objects and the value itself for non-objects', () => {
    expect(createMergePatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual({})
    expect(createMergePatch([1], [1])).toEqual([1])
    expect(createMergePatch({ a: 1 }, 7)).toBe(7)
    expect(createMergePatch({ a: 1 }, null)).toBe(null)
  })

  it('refuses to write a null member (RFC 7396 cannot express it)', () => {
    expect(() => createMergePatch({ a: 1 }, { a: null })).toThrow(MergePatchUnrepresentableError)
    expect(() => createMergePatch({}, { a: { 'x/y': null } })).toThrow(/\/a\/x~1y/)
    expect(() => createMergePatch(1, { a: null })).toThrow(MergePatchUnrepresentableError)
    // unchanged nulls and nulls inside arrays are fine
    expect(createMergePatch({ a: null, b: 1 }, { a: null, b: 2 })).toEqual({ b: 2 })
    expect(createMergePatch({}, { a: [null, { b: null }] })).toEqual({ a: [null, { b: null }] })
    expect(isMergePatchRepresentable({ a: 1 }, { a: null })).toBe(false)
    expect(isMergePatchRepresentable({ a: 1 }, { a: 2 })).toBe(true)
  })

  it('round-trips 1,500 related random pairs (seeded): apply(from, create(from, to)) == to', () => {
    const rng = mulberry32(0x7396)
    let nonTrivial = 0
    for (let k = 0; k < 1500; k++) {
      const from = randomJson(rng, { nullMembers: false })
      const to = mutateJson(rng, from, { nullMembers: false })
      const patch = createMergePatch(from, to)
      const patched = applyMergePatch(from, JSON.parse(JSON.stringify(patch)))
      expect(jsonEqual(patched, to), `case ${k}: ${JSON.stringify([from, to, patch])}`).toBe(true)
      expect(canonicalJson(patched)).toBe(canonicalJson(to))
      expect(jsonEqual(applyMergePatchInPlace(cloneJson(from), patch), to)).toBe(true)
      if (!jsonEqual(from, to)) nonTrivial++
    }
    expect(nonTrivial).toBeGreaterThan(1000)
  })

  it('round-trips or reports unrepresentable for arbitrary JSON pairs (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (from, to) => {
        let patch: unknown
        try {
          patch = createMergePatch(from, to)
        } catch (err) {
          expect(err).toBeInstanceOf(MergePatchUnrepresentableError)
          return
        }
        expect(jsonEqual(applyMergePatch(from, patch), to)).toBe(true)
      }),
      { seed: 9569, numRuns: 1000 }
    )
  })

  it('patches synthetic network maps and cost maps exactly', () => {
    const rng = mulberry32(8895)
    let nm = syntheticNetworkMap(rng, 200)
    let cm = syntheticCostMap(rng, 60)
    for (let v = 2; v <= 5; v++) {
      const nextNm = evolveNetworkMap(rng, nm, 0.01, `nm-v${v}`)
      const nextCm = evolveCostMap(rng, cm, 0.01).map
      expect(canonicalJson(applyMergePatch(nm, createMergePatch(nm, nextNm)))).toBe(
        canonicalJson(nextNm)
      )
      expect(canonicalJson(applyMergePatch(cm, createMergePatch(cm, nextCm)))).toBe(
        canonicalJson(nextCm)
      )
      nm = nextNm
      cm = nextCm
    }
  })

  it('1,000×1,000 cost map, 1% of cells changed: the patch holds exactly the changed cells', () => {
    const rng = mulberry32(1000)
    const from = syntheticCostMap(rng, 1000)
    const { map: to, changed } = evolveCostMap(rng, from, 0.01)
    const patch = createMergePatch(from, to) as {
      'cost-map': Record<string, Record<string, number>>
    }
    const cells = Object.values(patch['cost-map']).reduce(
      (n, row) => n + Object.keys(row).length,
      0
    )
    expect(cells).toBe(changed)
    expect(Object.keys(patch)).toEqual(['cost-map'])
    const patched = applyMergePatchInPlace(from, patch)
    expect(jsonEqual(patched, to)).toBe(true)
    const fullBytes = JSON.stringify(to).length
    const patchBytes = JSON.stringify(patch).length
    console.info(
      `1000x1000 cost map, ${changed} cells changed: full ${fullBytes} B, merge patch ${patchBytes} B (${((100 * patchBytes) / fullBytes).toFixed(2)}%)`
    )
    expect(patchBytes).toBeLessThan(fullBytes * 0.05)
  })
})
