/** RFC 7396 merge patches applied by the client with structural sharing (never in place). */
import { describe, expect, it } from 'vitest'
import { mergePatch } from './merge-patch.ts'

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

describe('mergePatch (RFC 7396 §2)', () => {
  it.each(RFC7396_EXAMPLES)('RFC 7396 Appendix A: %j + %j', (original, patch, result) => {
    const before = JSON.stringify(original)
    expect(mergePatch(original, patch)).toEqual(result)
    expect(JSON.stringify(original)).toBe(before)
  })

  it('RFC 7396 §2: the target is never modified; only objects on changed paths are new', () => {
    const rowA = { a: 1, b: 2 }
    const rowB = { a: 3, b: 4 }
    const target = { meta: { vtag: { tag: 'v1' } }, 'cost-map': { A: rowA, B: rowB } }
    const patched = mergePatch(target, {
      meta: { vtag: { tag: 'v2' } },
      'cost-map': { A: { b: null, c: 5 } },
    }) as typeof target & { 'cost-map': { A: Record<string, number> } }
    expect(patched).toEqual({
      meta: { vtag: { tag: 'v2' } },
      'cost-map': { A: { a: 1, c: 5 }, B: { a: 3, b: 4 } },
    })
    expect(target).toEqual({
      meta: { vtag: { tag: 'v1' } },
      'cost-map': { A: { a: 1, b: 2 }, B: rowB },
    })
    expect(patched['cost-map'].A).not.toBe(rowA)
    expect(patched['cost-map'].B).toBe(rowB) // untouched subtree shared, not copied
  })

  it('a member named __proto__ is data, in the target and in the patch (RFC 8259 §4 names)', () => {
    const target = JSON.parse('{"__proto__": {"x": 1}, "k": 1}') as Record<string, unknown>
    const patched = mergePatch(target, JSON.parse('{"__proto__": {"y": 2}}')) as Record<
      string,
      unknown
    >
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype)
    expect(Object.hasOwn(patched, '__proto__')).toBe(true)
    expect(JSON.stringify(patched)).toBe('{"__proto__":{"x":1,"y":2},"k":1}')
    expect(JSON.stringify(target)).toBe('{"__proto__":{"x":1},"k":1}')
  })
})
