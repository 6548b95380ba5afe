import { describe, expect, it } from 'vitest'
import {
  costServiceCapabilities,
  networkMapCostServiceCapabilities,
  networkMapCostTypeNames,
} from './ird.ts'

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
  it('some types untestable: testable-cost-type-names lists the others and cost-constraints is left out (§3.6.4, §3.6.5)', () => {
    expect(costServiceCapabilities(['num-a', 'num-b', 'num-c'], ['num-c', 'num-a'])).toEqual({
      'cost-type-names': ['num-a', 'num-b', 'num-c'],
      'max-cost-types': 3,
      'testable-cost-type-names': ['num-a', 'num-c'],
    })
  })
  it('no type testable: neither capability (no tests at all)', () => {
    expect(costServiceCapabilities(['num-a', 'num-b'], [])).toEqual({
      'cost-type-names': ['num-a', 'num-b'],
      'max-cost-types': 2,
    })
    expect(costServiceCapabilities(['num-a'], [])).toEqual({ 'cost-type-names': ['num-a'] })
  })
  it('from the manifest: a cost map with testable false makes its type untestable', () => {
    expect(
      networkMapCostServiceCapabilities(
        {
          a: { 'network-map': 'n', 'cost-type-name': 'num-routingcost' },
          b: { 'network-map': 'n', 'cost-type-name': 'num-bw', testable: false },
          c: { 'network-map': 'm', 'cost-type-name': 'num-routingcost', testable: false },
        },
        'n'
      )
    ).toEqual({
      'cost-type-names': ['num-bw', 'num-routingcost'],
      'max-cost-types': 2,
      'testable-cost-type-names': ['num-routingcost'],
    })
  })
})
