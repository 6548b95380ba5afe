import { describe, expect, it } from 'vitest'
import { costServiceCapabilities, networkMapCostTypeNames } from './ird.ts'

describe('cost service capabilities (RFC 7285 §11.3.2.4, RFC 8189 §4.1.1)', () => {
  it('one cost type: no max-cost-types (default 0: not multi-cost aware)', () => {
    expect(costServiceCapabilities(['num-routingcost'])).toEqual({
      'cost-type-names': ['num-routingcost'],
      'cost-constraints': true,
    })
  })
  it('two or more: max-cost-types is their number, never with testable-cost-type-names (§3.6.5)', () => {
    const caps = costServiceCapabilities(['num-hopcount', 'num-routingcost'])
    expect(caps).toEqual({
      'cost-type-names': ['num-hopcount', 'num-routingcost'],
      'cost-constraints': true,
      'max-cost-types': 2,
    })
    expect(caps).not.toHaveProperty('testable-cost-type-names')
  })
  it('the names of one network map, distinct and sorted', () => {
    const cm = (nm: string, name: string) => ({ 'network-map': nm, 'cost-type-name': name })
    expect(
      networkMapCostTypeNames(
        { a: cm('n', 'num-routingcost'), b: cm('m', 'num-x'), c: cm('n', 'num-hopcount') },
        'n'
      )
    ).toEqual(['num-hopcount', 'num-routingcost'])
  })
})
