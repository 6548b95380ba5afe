/** Peer selection (Picconi & Massoulié, ICDCS 2009) on ALTO costs: sets, throttle, determinism. */
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_POLICIES,
  fetcherRank,
  localities,
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

  it('cost-weighted: the global set stays uniform (far localities kept), as in local-global', () => {
    // E is on the same continent (35), C far away (90): both stay in A's global set (a young
    // chunk's first foreign holder may be anywhere), about half each.
    const c3 = (a: string, b: string) => (a === 'E' || b === 'E' ? 35 : cost(a, b))
    const peers: Candidate[] = Array.from({ length: 90 }, (_, id) => ({
      id,
      pid: ['A', 'C', 'E'][id % 3],
    }))
    let far = 0
    let all = 0
    for (let s = 0; s < 50; s++) {
      const set = selectNeighbours(
        'A',
        peers,
        c3,
        DEFAULT_POLICIES['cost-weighted'],
        seededRandom(s)
      )
      const global = set.filter((id) => peers[id].pid !== 'A')
      far += global.filter((id) => peers[id].pid === 'C').length
      all += global.length
    }
    expect(far / all).toBeGreaterThan(0.35)
    expect(far / all).toBeLessThan(0.65)
  })

  it('cost-weighted: the full local set, and a global set drawn from the rest', () => {
    const policy = DEFAULT_POLICIES['cost-weighted']
    const set = selectNeighbours('A', candidates, cost, policy, seededRandom(5))
    expect(set.filter((id) => pidOf(id) !== 'C')).toHaveLength(policy.neighbours)
    expect(set.filter((id) => pidOf(id) === 'C')).toHaveLength(policy.global)
    expect(new Set(set).size).toBe(set.length)
    // Same PID first: A's local set leans to A (weight 1) over B (exp(−12/15) ≈ 0.45).
    let sameA = 0
    for (let s = 0; s < 50; s++)
      sameA += selectNeighbours('A', candidates, cost, policy, seededRandom(s)).filter(
        (id) => pidOf(id) === 'A'
      ).length
    expect(sameA / (50 * policy.neighbours)).toBeGreaterThan(0.55)
  })

  it('is deterministic for a seed', () => {
    const policy = DEFAULT_POLICIES['cost-weighted']
    expect(selectNeighbours('B', candidates, cost, policy, seededRandom(3))).toEqual(
      selectNeighbours('B', candidates, cost, policy, seededRandom(3))
    )
  })
})

describe('localities: PIDs joined by local paths, transitively', () => {
  it('groups same-country PIDs (cost < localCost) and leaves far ones apart', () => {
    // D is local to B only (cost 15): A, B, D form one locality through B.
    const c4 = (a: string, b: string) =>
      a === b ? 0 : `${a}${b}` === 'BD' || `${a}${b}` === 'DB' ? 15 : cost(a, b)
    expect(localities(['A', 'B', 'C', 'D'], c4, 20)).toEqual([0, 0, 1, 0])
    expect(localities(['A', 'B', 'C'], cost, 10)).toEqual([0, 1, 2])
    // An undefined cost is never local; one direction below the threshold is enough.
    expect(localities(['A', 'X'], cost, 20)).toEqual([0, 1])
    expect(localities(['A', 'B'], (a, b) => (a === 'A' && b === 'B' ? 5 : undefined), 20)).toEqual([
      0, 0,
    ])
  })
})

describe('fetcherRank: one designated fetcher per locality and chunk', () => {
  it('is a permutation of the members for every chunk, and rotates with the chunk', () => {
    const firsts = new Set<number>()
    for (let chunk = 0; chunk < 200; chunk++) {
      const ranks = Array.from({ length: 7 }, (_, m) => fetcherRank(m, 7, chunk))
      expect([...ranks].sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
      firsts.add(ranks.indexOf(0))
    }
    expect(firsts.size).toBe(7) // every member is the first fetcher of some chunks
    expect(fetcherRank(0, 1, 12345)).toBe(0)
  })
})

describe('mayFetchRemote: inter-ISP transfer throttled unless local supply falls short', () => {
  const opts = { minAge: 2, urgentSlots: 4 }
  const LG = DEFAULT_POLICIES['local-global']
  it.each([
    ['the locality holds the chunk, not urgent', true, 5, 10, false],
    ['the locality lacks it, chunk just made', false, 1, 10, false],
    ['the locality lacks it, chunk old enough', false, 2, 10, true],
    ['the locality holds it but the deadline is near', true, 5, 4, true],
  ])('%s', (_, localSupply, ageSlots, slotsToDeadline, allowed) => {
    expect(mayFetchRemote(LG, { localSupply, ageSlots, slotsToDeadline }, opts)).toBe(allowed)
    expect(
      mayFetchRemote(
        DEFAULT_POLICIES['cost-weighted'],
        { localSupply, ageSlots, slotsToDeadline },
        opts
      )
    ).toBe(allowed)
    expect(
      mayFetchRemote(DEFAULT_POLICIES.random, { localSupply, ageSlots, slotsToDeadline }, opts)
    ).toBe(true)
  })

  it('`fetchers`: only the designated fetchers at minAge, more of them as the chunk ages', () => {
    const f = { ...opts, fetchers: 2 }
    const at = (fetcherRank: number, ageSlots: number, slotsToDeadline = 10) =>
      mayFetchRemote(LG, { localSupply: false, ageSlots, slotsToDeadline, fetcherRank }, f)
    expect([0, 1, 2, 3].map((r) => at(r, 2))).toEqual([true, true, false, false])
    expect([2, 3, 4].map((r) => at(r, 3))).toEqual([true, true, false])
    expect(at(50, 3, 4)).toBe(true) // urgent: whatever the rank
    expect(at(0, 1)).toBe(false) // too young, even for the first fetcher
    expect(
      mayFetchRemote(LG, { localSupply: true, ageSlots: 5, slotsToDeadline: 10, fetcherRank: 0 }, f)
    ).toBe(false)
  })

  it('`chance` lets a share of the short-supplied peers cross per slot; urgent ones always do', () => {
    const spread = { ...opts, chance: 0.25 }
    const short = { localSupply: false, ageSlots: 5, slotsToDeadline: 10 }
    const random = seededRandom(7)
    let allowed = 0
    for (let i = 0; i < 4000; i++) if (mayFetchRemote(LG, short, spread, random)) allowed++
    expect(allowed / 4000).toBeGreaterThan(0.22)
    expect(allowed / 4000).toBeLessThan(0.28)
    // Never when the locality holds it; always when urgent; random selection is not throttled.
    expect(mayFetchRemote(LG, { ...short, localSupply: true }, spread, () => 0)).toBe(false)
    expect(mayFetchRemote(LG, { ...short, slotsToDeadline: 4 }, spread, () => 0.99)).toBe(true)
    expect(
      mayFetchRemote(DEFAULT_POLICIES.random, { ...short, localSupply: true }, spread, () => 0.99)
    ).toBe(true)
    // Without a random source a chance below 1 never lets a non-urgent fetch cross.
    expect(mayFetchRemote(LG, short, spread)).toBe(false)
  })
})
