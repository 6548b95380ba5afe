import { describe, expect, it } from 'vitest'
import { constraintPredicate, parseConstraint, parseConstraints } from './constraints.ts'

describe('parseConstraint', () => {
  it('parses every operator with a JSON number', () => {
    expect(parseConstraint('gt 5')).toEqual({ operator: 'gt', value: 5 })
    expect(parseConstraint('lt -1.5')).toEqual({ operator: 'lt', value: -1.5 })
    expect(parseConstraint('ge 1e3')).toEqual({ operator: 'ge', value: 1000 })
    expect(parseConstraint('le 0')).toEqual({ operator: 'le', value: 0 })
    expect(parseConstraint('eq 0.1')).toEqual({ operator: 'eq', value: 0.1 })
  })

  it('tolerates surrounding and repeated whitespace', () => {
    expect(parseConstraint('  ge\t 5  ')).toEqual({ operator: 'ge', value: 5 })
  })

  it.each([
    '',
    'ge',
    '5',
    'ge5',
    'GE 5',
    'ne 5',
    'ge five',
    'ge 5 6',
    'ge 0x10',
    'ge +5',
    'ge .5',
    'ge 05',
    'ge NaN',
    'ge Infinity',
    'ge 1e999',
  ])('rejects %j', (text) => expect(parseConstraint(text)).toBeNull())
})

describe('parseConstraints', () => {
  it('reports the first invalid constraint as E_INVALID_FIELD_VALUE on constraints', () => {
    expect(parseConstraints(['ge 1', 'bogus', 'lt x'])).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: 'bogus' },
    })
  })

  it('accepts an absent list', () => {
    expect(parseConstraints(undefined)).toEqual({ ok: true, constraints: [] })
  })
})

describe('constraintPredicate', () => {
  const predicate = (texts: string[]) => {
    const parsed = parseConstraints(texts)
    if (!parsed.ok) throw new Error('unexpected invalid constraint')
    return constraintPredicate(parsed.constraints)
  }

  it('ANDs the constraints (RFC 7285 §11.3.2.3)', () => {
    const inRange = predicate(['ge 5', 'lt 15'])
    expect([0, 4.999, 5, 10, 14.999, 15, 20].filter(inRange)).toEqual([5, 10, 14.999])
  })

  it('compares exactly in double precision', () => {
    expect(predicate(['eq 0.1'])(0.1)).toBe(true)
    expect(predicate(['eq 0.1'])(0.1 + 2 ** -56)).toBe(false)
    expect(predicate(['eq 0.3'])(0.1 + 0.2)).toBe(false)
    expect(predicate(['gt 1'])(1 + Number.EPSILON)).toBe(true)
    expect(predicate(['le 9007199254740993'])(9007199254740992)).toBe(true)
  })

  it('accepts everything without constraints', () => {
    expect(predicate([])(Number.MAX_VALUE)).toBe(true)
  })
})
