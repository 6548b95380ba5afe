import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CostType } from './cost-types.ts'
import { RequestFailureError, type AltoError } from './errors.ts'
import {
  clausesPredicate,
  evaluate,
  parseMultiCost,
  type MultiCostCapabilities,
  type MultiCostMembers,
} from './multi-cost.ts'

const num = (metric: string): CostType => ({ 'cost-mode': 'numerical', 'cost-metric': metric })
const COST_TYPES: Record<string, CostType> = {
  'num-routingcost': num('routingcost'),
  'num-hopcount': num('hopcount'),
  'num-shoesize': num('shoesize'),
  'ord-routingcost': { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' },
}
const MULTI: MultiCostCapabilities = {
  'cost-type-names': ['num-routingcost', 'num-hopcount', 'num-shoesize'],
  'max-cost-types': 2,
  'testable-cost-type-names': ['num-routingcost', 'num-hopcount'],
}
const LEGACY: MultiCostCapabilities = {
  'cost-type-names': ['num-routingcost', 'num-hopcount'],
  'cost-constraints': true,
}

function errorOf(req: MultiCostMembers, caps: MultiCostCapabilities = MULTI): AltoError {
  try {
    parseMultiCost(req, caps, COST_TYPES)
  } catch (e) {
    if (e instanceof RequestFailureError && e.failure.kind === 'alto') return e.failure.error
    throw e
  }
  throw new Error('expected an ALTO error')
}
const plan = (req: MultiCostMembers, caps: MultiCostCapabilities = MULTI) =>
  parseMultiCost(req, caps, COST_TYPES)

describe('RFC 8189 §4.1.2 cost-type / multi-cost-types', () => {
  it('a single cost-type keeps RFC 7285 semantics (scalar answers)', () => {
    expect(plan({ 'cost-type': num('routingcost') }, LEGACY)).toEqual({
      multi: false,
      types: ['num-routingcost'],
      testTypes: ['num-routingcost'],
      clauses: [],
    })
  })
  it('multi-cost-types keep request order', () => {
    const p = plan({ 'multi-cost-types': [num('hopcount'), num('routingcost')] })
    expect(p.multi).toBe(true)
    expect(p.types).toEqual(['num-hopcount', 'num-routingcost'])
  })
  it('MUST NOT specify both cost-type and multi-cost-types', () => {
    expect(
      errorOf({ 'cost-type': num('routingcost'), 'multi-cost-types': [num('hopcount')] })
    ).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'multi-cost-types',
    })
  })
  it('neither member is E_MISSING_FIELD cost-type', () => {
    expect(errorOf({})).toEqual({ code: 'E_MISSING_FIELD', field: 'cost-type' })
  })
  it('more than max-cost-types is E_INVALID_FIELD_VALUE', () => {
    const req = { 'multi-cost-types': [num('routingcost'), num('hopcount'), num('shoesize')] }
    expect(errorOf(req)).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types' })
  })
  it('multi-cost-types on a resource without max-cost-types (default 0) is rejected', () => {
    expect(errorOf({ 'multi-cost-types': [num('routingcost')] }, LEGACY)).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'multi-cost-types',
    })
  })
  it('an empty multi-cost-types (<1..*>) is rejected', () => {
    expect(errorOf({ 'multi-cost-types': [] })).toMatchObject({ code: 'E_INVALID_FIELD_VALUE' })
  })
  it('a type outside cost-type-names: an unknown metric is an invalid cost-metric, a known metric in another mode an invalid cost-mode (RFC 7285 §8.5.2)', () => {
    expect(errorOf({ 'multi-cost-types': [num('bandwidth')] })).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'multi-cost-types/cost-metric',
      value: 'bandwidth',
    })
    expect(
      errorOf({ 'multi-cost-types': [{ 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' }] })
    ).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'multi-cost-types/cost-mode',
      value: 'ordinal',
    })
  })
  it('wrong member types are E_INVALID_FIELD_TYPE, a missing cost-metric E_MISSING_FIELD', () => {
    expect(errorOf({ 'multi-cost-types': num('routingcost') })).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'multi-cost-types',
    })
    expect(errorOf({ 'multi-cost-types': [{ 'cost-mode': 'numerical' }] })).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'multi-cost-types/cost-metric',
    })
    expect(errorOf({ 'multi-cost-types': [num('routingcost')], constraints: '[0] le 5' })).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'constraints',
    })
  })
})

describe('RFC 8189 §4.1.2 testable-cost-types', () => {
  it('must be a subset of testable-cost-type-names', () => {
    const req = { 'multi-cost-types': [num('shoesize')], 'testable-cost-types': [num('shoesize')] }
    expect(errorOf(req)).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'testable-cost-types/cost-metric',
    })
  })
  it('indexes of constraints point into testable-cost-types, which need not be returned', () => {
    const p = plan({
      'multi-cost-types': [num('shoesize')],
      'testable-cost-types': [num('hopcount'), num('routingcost')],
      constraints: ['[1] le 10', '[0] lt 3'],
    })
    expect(p.testTypes).toEqual(['num-hopcount', 'num-routingcost'])
    expect(evaluate(p, [2, 10])).toBe(true)
    expect(evaluate(p, [3, 10])).toBe(false)
  })
  it('without testable-cost-types a test on an untestable requested type is rejected', () => {
    const req = {
      'multi-cost-types': [num('routingcost'), num('shoesize')],
      constraints: ['[1] le 5'],
    }
    expect(errorOf(req)).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'constraints',
      value: '[1] not testable',
    })
  })
  it('with cost-constraints true every cost-type-name is testable (§4.1.1)', () => {
    const p = plan({ 'cost-type': num('hopcount'), constraints: ['le 5'] }, LEGACY)
    expect(evaluate(p, [5])).toBe(true)
  })
  it('with neither capability no test is allowed', () => {
    const caps = { 'cost-type-names': ['num-routingcost'], 'max-cost-types': 2 }
    expect(errorOf({ 'cost-type': num('routingcost'), constraints: ['le 5'] }, caps)).toMatchObject(
      {
        code: 'E_INVALID_FIELD_VALUE',
        field: 'constraints',
      }
    )
  })
})

describe('RFC 8189 §4.1.2 constraints and or-constraints', () => {
  const two = { 'multi-cost-types': [num('routingcost'), num('hopcount')] }
  it('the RFC example or-constraints [["[0] le 100","[1] le 2"],["[0] le 10","[1] le 6"]]', () => {
    const p = plan({
      ...two,
      'or-constraints': [
        ['[0] le 100', '[1] le 2'],
        ['[0] le 10', '[1] le 6'],
      ],
    })
    expect(p.clauses).toHaveLength(2)
    expect(evaluate(p, [100, 2])).toBe(true) // first AND
    expect(evaluate(p, [10, 6])).toBe(true) // second AND
    expect(evaluate(p, [50, 5])).toBe(false) // neither
    expect(evaluate(p, [101, 1])).toBe(false)
  })
  it('an omitted index means [0]', () => {
    const p = plan({ ...two, constraints: ['ge 5'] })
    expect(p.clauses).toEqual([[{ index: 0, operator: 'ge', value: 5 }]])
  })
  it('an index out of range is E_INVALID_FIELD_VALUE with the string', () => {
    expect(errorOf({ ...two, constraints: ['[2] le 5'] })).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'constraints',
      value: '[2] le 5',
    })
    expect(errorOf({ 'cost-type': num('routingcost'), constraints: ['[1] le 5'] })).toMatchObject({
      field: 'constraints',
    })
  })
  it('a malformed predicate is E_INVALID_FIELD_VALUE', () => {
    for (const bad of ['[0]le', '[x] le 5', '[0] ne 5', '[-1] le 5', 'le 5 [0]']) {
      expect(errorOf({ ...two, 'or-constraints': [[bad]] })).toEqual({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'or-constraints',
        value: bad,
      })
    }
  })
  it('MUST NOT specify both constraints and or-constraints', () => {
    expect(errorOf({ ...two, constraints: ['le 5'], 'or-constraints': [['le 5']] })).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'or-constraints',
    })
  })
  it('an empty inner (or outer) or-constraints array is rejected', () => {
    expect(errorOf({ ...two, 'or-constraints': [['le 5'], []] })).toMatchObject({
      field: 'or-constraints',
    })
    expect(errorOf({ ...two, 'or-constraints': [] })).toMatchObject({ field: 'or-constraints' })
    expect(errorOf({ ...two, 'or-constraints': ['le 5'] })).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'or-constraints',
    })
  })
  it('or-constraints need max-cost-types > 0 but may go with cost-type', () => {
    expect(
      errorOf({ 'cost-type': num('routingcost'), 'or-constraints': [['le 5']] }, LEGACY)
    ).toMatchObject({
      field: 'or-constraints',
    })
    const p = plan({ 'cost-type': num('routingcost'), 'or-constraints': [['le 5'], ['ge 9']] })
    expect([evaluate(p, [5]), evaluate(p, [7]), evaluate(p, [9])]).toEqual([true, false, true])
  })
  it('empty constraints filter nothing', () => {
    expect(evaluate(plan({ ...two, constraints: [] }), [null, null])).toBe(true)
  })
  it('§4.1.3: a null (undefined) component fails every test on it', () => {
    const p = plan({ ...two, 'or-constraints': [['[0] ge 0'], ['[1] le 3']] })
    expect(evaluate(p, [null, 3])).toBe(true)
    expect(evaluate(p, [null, null])).toBe(false)
    expect(evaluate(p, [null, 4])).toBe(false)
  })
})

describe('evaluate equals a naive reference filter (property)', () => {
  const ops = ['gt', 'lt', 'ge', 'le', 'eq'] as const
  const naive = (op: string, a: number, b: number): boolean =>
    op === 'gt'
      ? a > b
      : op === 'lt'
        ? a < b
        : op === 'ge'
          ? a >= b
          : op === 'le'
            ? a <= b
            : a === b
  const small = fc.integer({ min: -5, max: 5 })
  const predicate = fc.record({
    index: fc.integer({ min: 0, max: 1 }),
    op: fc.constantFrom(...ops),
    value: small,
  })
  it('on random OR-of-AND plans and vectors with nulls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(predicate, { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.tuple(fc.option(small), fc.option(small)),
        (groups, values) => {
          const texts = groups.map((g) => g.map((p) => `[${p.index}] ${p.op} ${p.value}`))
          const p = plan({
            'multi-cost-types': [num('routingcost'), num('hopcount')],
            'or-constraints': texts,
          })
          const expected = groups.some((g) =>
            g.every(
              (q) => values[q.index] !== null && naive(q.op, values[q.index] as number, q.value)
            )
          )
          expect(evaluate(p, values)).toBe(expected)
          // The writers' predicate: NaN where evaluate has null.
          const nan = values.map((v) => (v === null ? NaN : v))
          expect(clausesPredicate(p.clauses)(nan)).toBe(expected)
        }
      ),
      { numRuns: 500 }
    )
  })
})
