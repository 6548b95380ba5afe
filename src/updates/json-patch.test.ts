import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  type JsonPatchOperation,
  JsonPatchError,
  applyJsonPatch,
  createJsonPatch,
  formatJsonPointer,
  parseJsonPointer,
} from './json-patch.ts'
import { canonicalJson, jsonEqual } from './json.ts'
import {
  evolveNetworkMap,
  mulberry32,
  mutateJson,
  randomJson,
  syntheticNetworkMap,
} from './test-helpers.ts'

describe('JSON pointer (RFC 6901)', () => {
  // RFC 6901 §5 document and pointers.
  const doc = JSON.parse(
    '{"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\\\j": 5, "k\\"l": 6, " ": 7, "m~n": 8}'
  )
  const cases: [string, unknown][] = [
    ['', doc],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ]
  it.each(cases)('RFC 6901 §5: %j', (pointer, value) => {
    expect(applyJsonPatch(doc, [{ op: 'test', path: pointer, value }])).toEqual(doc)
  })

  it('decodes ~1 before ~0 and formats ~ before /', () => {
    expect(parseJsonPointer('/~01')).toEqual(['~1'])
    expect(parseJsonPointer('/a~1b/~0c')).toEqual(['a/b', '~c'])
    expect(formatJsonPointer(['~1', 'a/b'])).toBe('/~01/a~1b')
    expect(() => parseJsonPointer('a')).toThrow(JsonPatchError)
    expect(() => parseJsonPointer('/a~2')).toThrow(JsonPatchError)
  })
})

describe('applyJsonPatch (RFC 6902 Appendix A)', () => {
  const ok: [string, unknown, JsonPatchOperation[], unknown][] = [
    [
      'A.1 add member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'A.2 add element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    [
      'A.3 remove member',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'remove', path: '/baz' }],
      { foo: 'bar' },
    ],
    [
      'A.4 remove element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'A.5 replace',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'A.6 move member',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 move element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 test success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'A.10 add nested',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'A.14 ~ escape',
      { '/': 9, '~1': 10 },
      [{ op: 'test', path: '/~01', value: 10 }],
      { '/': 9, '~1': 10 },
    ],
    [
      'A.16 add array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    [
      'copy',
      { a: { b: 1 } },
      [{ op: 'copy', from: '/a', path: '/c' }],
      { a: { b: 1 }, c: { b: 1 } },
    ],
    ['replace root', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
  ]
  it.each(ok)('%s', (_name, doc, patch, result) => {
    const before = JSON.stringify(doc)
    expect(applyJsonPatch(doc, patch)).toEqual(result)
    expect(JSON.stringify(doc)).toBe(before)
  })

  const failing: [string, unknown, JsonPatchOperation[]][] = [
    ['A.9 test error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    [
      'A.12 add to nonexistent target',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    ],
    ['A.15 string vs number', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
    ['remove missing', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['replace missing', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]],
    ['index out of bounds', { a: [1] }, [{ op: 'add', path: '/a/2', value: 2 }]],
    ['leading zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }]],
    ['move into own child', { a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]],
  ]
  it.each(failing)('%s → JsonPatchError, target untouched', (_name, doc, patch) => {
    const before = JSON.stringify(doc)
    expect(() => applyJsonPatch(doc, patch)).toThrow(JsonPatchError)
    expect(JSON.stringify(doc)).toBe(before)
  })

  it('A.11 ignores unrecognized members of an operation', () => {
    const patch = [
      { op: 'add', path: '/baz', value: 'qux', xyz: 123 },
    ] as unknown as JsonPatchOperation[]
    expect(applyJsonPatch({ foo: 'bar' }, patch)).toEqual({ foo: 'bar', baz: 'qux' })
  })
})

describe('createJsonPatch', () => {
  it('tells null apart from absent', () => {
    expect(createJsonPatch({ a: 1 }, { a: null })).toEqual([
      { op: 'replace', path: '/a', value: null },
    ])
    expect(createJsonPatch({ a: null }, {})).toEqual([{ op: 'remove', path: '/a' }])
    expect(createJsonPatch({}, { a: null })).toEqual([{ op: 'add', path: '/a', value: null }])
    expect(createJsonPatch({ a: null }, { a: null })).toEqual([])
  })

  it('escapes member names in paths', () => {
    expect(createJsonPatch({}, { 'a/b~c': 1 })).toEqual([{ op: 'add', path: '/a~1b~0c', value: 1 }])
  })

  it('moves one prefix between PIDs with one remove and one add', () => {
    const from = {
      'network-map': {
        P1: { ipv4: ['10.0.0.0/8', '11.0.0.0/8', '12.0.0.0/8'] },
        P2: { ipv4: ['13.0.0.0/8'] },
      },
    }
    const to = {
      'network-map': {
        P1: { ipv4: ['10.0.0.0/8', '12.0.0.0/8'] },
        P2: { ipv4: ['13.0.0.0/8', '11.0.0.0/8'] },
      },
    }
    expect(createJsonPatch(from, to)).toEqual([
      { op: 'remove', path: '/network-map/P1/ipv4/1' },
      { op: 'add', path: '/network-map/P2/ipv4/1', value: '11.0.0.0/8' },
    ])
  })

  it('round-trips 1,500 related random pairs with nulls (seeded)', () => {
    const rng = mulberry32(0x6902)
    let nonTrivial = 0
    for (let k = 0; k < 1500; k++) {
      const from = randomJson(rng)
      const to = mutateJson(rng, from)
      const patch = JSON.parse(JSON.stringify(createJsonPatch(from, to)))
      const patched = applyJsonPatch(from, patch)
      expect(jsonEqual(patched, to), `case ${k}: ${JSON.stringify([from, to, patch])}`).toBe(true)
      if (!jsonEqual(from, to)) nonTrivial++
    }
    expect(nonTrivial).toBeGreaterThan(1000)
  })

  it('round-trips arbitrary JSON pairs (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (from, to) => {
        expect(jsonEqual(applyJsonPatch(from, createJsonPatch(from, to)), to)).toBe(true)
      }),
      { seed: 6902, numRuns: 1000 }
    )
  })

  it('patches synthetic network maps exactly', () => {
    const rng = mulberry32(7)
    let nm = syntheticNetworkMap(rng, 300)
    for (let v = 2; v <= 4; v++) {
      const next = evolveNetworkMap(rng, nm, 0.01, `nm-v${v}`)
      expect(canonicalJson(applyJsonPatch(nm, createJsonPatch(nm, next)))).toBe(canonicalJson(next))
      nm = next
    }
  })
})
