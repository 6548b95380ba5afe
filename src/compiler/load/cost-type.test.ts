import { describe, expect, it } from 'vitest'
import { Diagnostics } from '../source-error.ts'
import { checkCostType, costChecker } from './cost-type.ts'

const at = { file: 'c.json', path: 'costs.A.B' }

function check(mode: string, metric: string, value: unknown) {
  const diag = new Diagnostics()
  const cost = costChecker({ 'cost-mode': mode, 'cost-metric': metric })(diag, value, at)
  return { cost, errors: diag.errors.map((e) => e.message) }
}

describe('costChecker', () => {
  it('accepts any finite number in numerical mode', () => {
    expect(check('numerical', 'routingcost', -2.5)).toEqual({ cost: -2.5, errors: [] })
  })

  it('rejects non-numbers and non-finite numbers in every mode', () => {
    for (const mode of ['numerical', 'ordinal', 'bogus']) {
      expect(check(mode, 'routingcost', '1')).toEqual({
        cost: undefined,
        errors: ['cost must be a finite number'],
      })
      expect(check(mode, 'routingcost', Infinity).errors).toEqual(['cost must be a finite number'])
    }
  })

  it('ordinal mode takes non-negative integers only (RFC 7285 §6.1.2.2)', () => {
    expect(check('ordinal', 'routingcost', 3)).toEqual({ cost: 3, errors: [] })
    for (const bad of [1.5, -1]) {
      expect(check('ordinal', 'routingcost', bad)).toEqual({
        cost: undefined,
        errors: ['ordinal cost must be a non-negative integer (RFC 7285 §6.1.2.2)'],
      })
    }
  })

  it('does not mistake inherited object members for rules', () => {
    expect(check('constructor', 'constructor', 1.5)).toEqual({ cost: 1.5, errors: [] })
    expect(check('toString', '__proto__', 2)).toEqual({ cost: 2, errors: [] })
  })
})

describe('checkCostType', () => {
  it('reports an unknown mode and a bad metric, each at its own path', () => {
    const diag = new Diagnostics()
    const ok = checkCostType(
      diag,
      { 'cost-mode': 'fast', 'cost-metric': 'a b' },
      { file: 'c.json', path: 'cost-type' }
    )
    expect(ok).toBe(false)
    expect(diag.errors.map((e) => [e.path, e.value])).toEqual([
      ['cost-type.cost-mode', 'fast'],
      ['cost-type.cost-metric', 'a b'],
    ])
  })

  it('accepts the RFC 7285 modes', () => {
    const diag = new Diagnostics()
    expect(checkCostType(diag, { 'cost-mode': 'ordinal', 'cost-metric': 'hopcount' }, at)).toBe(
      true
    )
    expect(diag.errors).toEqual([])
  })
})
