/** Peer selection (Picconi & Massoulié, ICDCS 2009) on ALTO costs: sets, throttle, determinism. */
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_POLICIES,
  mayFetchRemote,
  seededRandom,
  selectNeighbours,
  type Candidate,
} from './peer-selection.ts'

// Three PIDs: A and B in one country (cost 12), C far away (cost 90).
const COSTS: Record<string, number> = {
  'A B': 12,
  'B A': 12,
  'A C': 90,
  'C A': 90,
  'B C': 90,
  'C B': 90,
}
const cost = (a: string, b: string) => COSTS[`${a} ${b}`]
const candidates: Candidate[] = Array.from({ length: 90 }, (_, id) => ({
  id,
  pid: ['A', 'B', 'C'][id % 3],
}))
const pidOf = (id: number) => candidates[id].pid

describe('selectNeighbours', () => {
  it('local-global: the local set from same-PID or cheap peers, a small global set from the rest', () => {
    const set = selectNeighbours(
      'A',
      candidates,
      cost,
      DEFAULT_POLICIES['local-global'],
      seededRandom(7)
    )
    const local = set.filter((id) => pidOf(id) !== 'C')
    const global = set.filter((id) => pidOf(id) === 'C')
    expect(local.length).toBe(DEFAULT_POLICIES['local-global'].neighbours)
    expect(global.length).toBe(DEFAULT_POLICIES['local-global'].global)
    expect(new Set(set).size).toBe(set.length)
  })

  it('cost-weighted: cheap peers dominate the draw; random: every PID about equally', () => {
    const far = (name: 'cost-weighted' | 'random') => {
      let n = 0
      for (let s = 0; s < 50; s++)
        n += selectNeighbours(
          'A',
          candidates,
          cost,
          DEFAULT_POLICIES[name],
          seededRandom(s)
        ).filter((id) => pidOf(id) === 'C').length
      return n / (50 * DEFAULT_POLICIES[name].neighbours)
    }
    expect(far('cost-weighted')).toBeLessThan(0.05)
    expect(far('random')).toBeGreaterThan(0.25)
  })

  it('is deterministic for a seed', () => {
    const policy = DEFAULT_POLICIES['cost-weighted']
    expect(selectNeighbours('B', candidates, cost, policy, seededRandom(3))).toEqual(
      selectNeighbours('B', candidates, cost, policy, seededRandom(3))
    )
  })
})

describe('mayFetchRemote: inter-ISP transfer throttled unless local supply falls short', () => {
  const opts = { minAge: 2, urgentSlots: 4 }
  it.each([
    ['a local holder exists, not urgent', true, 5, 10, false],
    ['no local holder, chunk just made', false, 1, 10, false],
    ['no local holder, chunk old enough', false, 2, 10, true],
    ['a local holder exists but the deadline is near', true, 5, 4, true],
  ])('%s', (_, localHolder, age, toDeadline, allowed) => {
    expect(
      mayFetchRemote(DEFAULT_POLICIES['local-global'], localHolder, age, toDeadline, opts)
    ).toBe(allowed)
    expect(mayFetchRemote(DEFAULT_POLICIES.random, localHolder, age, toDeadline, opts)).toBe(true)
  })

  it('`chance` lets a share of the short-supplied peers cross per slot; urgent ones always do', () => {
    const spread = { ...opts, chance: 0.25 }
    const random = seededRandom(7)
    let allowed = 0
    for (let i = 0; i < 4000; i++)
      if (mayFetchRemote(DEFAULT_POLICIES['local-global'], false, 5, 10, spread, random)) allowed++
    expect(allowed / 4000).toBeGreaterThan(0.22)
    expect(allowed / 4000).toBeLessThan(0.28)
    // Never when a local holder exists; always when urgent; random selection is not throttled.
    expect(mayFetchRemote(DEFAULT_POLICIES['local-global'], true, 5, 10, spread, () => 0)).toBe(
      false
    )
    expect(mayFetchRemote(DEFAULT_POLICIES['local-global'], false, 5, 4, spread, () => 0.99)).toBe(
      true
    )
    expect(mayFetchRemote(DEFAULT_POLICIES.random, true, 0, 10, spread, () => 0.99)).toBe(true)
    // Without a random source a chance below 1 never lets a non-urgent fetch cross.
    expect(mayFetchRemote(DEFAULT_POLICIES['local-global'], false, 5, 10, spread)).toBe(false)
  })
})
