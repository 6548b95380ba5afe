/**
 * @module ISP-friendly peer selection for P2P live streaming (Picconi and Massoulié, "ISP friend
 * or foe? Making P2P live streaming ISP-aware", ICDCS 2009), with ALTO costs as the locality
 * signal: each peer keeps a LOCAL neighbour set (same PID, or a path cost under a threshold) and
 * a small GLOBAL one from the rest, and fetches over a non-local path only when local supply
 * falls short (no local neighbour holds the chunk, and it is old enough that none will soon, or
 * it is about to miss its playback deadline).
 *
 * Three policies, compared by the swarm simulator (scripts/lib/swarm.ts):
 * - `random`: neighbours uniformly at random; any holder serves (the ISP-oblivious baseline);
 * - `local-global`: the paper's scheme, locality from ALTO (PID or cost < `localCost`);
 * - `cost-weighted`: neighbours drawn with weight exp(−cost/`temperature`) and, among holders,
 *   the cheapest path first — non-local paths throttled as in `local-global`.
 *
 * Pure and deterministic: randomness comes from the caller's seeded generator.
 */
import { mulberry32 } from '../tables/random.ts'

/** A path cost between two PIDs (ALTO routingcost); undefined when the server defines none. */
export type PidCost = (a: string, b: string) => number | undefined

export type PolicyName = 'random' | 'local-global' | 'cost-weighted'

export interface SelectionPolicy {
  name: PolicyName
  /** Neighbours in total (random, cost-weighted) or in the local set (local-global). */
  neighbours: number
  /** Size of the global set (local-global). */
  global: number
  /** A path below this cost is local (same PID is cost 0). */
  localCost: number
  /** Cost scale of the cost-weighted draw. */
  temperature: number
}

export const DEFAULT_POLICIES: Record<PolicyName, SelectionPolicy> = {
  random: { name: 'random', neighbours: 20, global: 0, localCost: 20, temperature: 15 },
  'local-global': {
    name: 'local-global',
    neighbours: 20,
    global: 3,
    localCost: 20,
    temperature: 15,
  },
  'cost-weighted': {
    name: 'cost-weighted',
    neighbours: 23,
    global: 0,
    localCost: 20,
    temperature: 15,
  },
}

/** A seeded PRNG (mulberry32): a float in [0, 1). */
export type Random = () => number

export function seededRandom(seed: number): Random {
  return mulberry32(seed)
}

/** Cost of a pair, an undefined cost counting as the most expensive path. */
export const costOf = (cost: PidCost, a: string, b: string): number =>
  a === b ? 0 : (cost(a, b) ?? Number.POSITIVE_INFINITY)

/** `k` distinct items drawn uniformly (partial Fisher–Yates on a copy). */
function sample<T>(items: readonly T[], k: number, random: Random): T[] {
  const pool = [...items]
  const n = Math.min(k, pool.length)
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i))
    ;[pool[i], pool[j]] = [pool[j], pool[i]]
  }
  return pool.slice(0, n)
}

/** `k` distinct items drawn with probability proportional to `weight` (successive draws). */
function weightedSample<T>(
  items: readonly T[],
  weight: (t: T) => number,
  k: number,
  random: Random
): T[] {
  const pool = items.map((item) => ({ item, w: weight(item) })).filter((e) => e.w > 0)
  let total = pool.reduce((s, e) => s + e.w, 0)
  const out: T[] = []
  while (out.length < k && pool.length > 0) {
    let x = random() * total
    let i = 0
    while (i < pool.length - 1 && x >= pool[i].w) x -= pool[i++].w
    out.push(pool[i].item)
    total -= pool[i].w
    pool[i] = pool[pool.length - 1]
    pool.pop()
  }
  return out
}

export interface Candidate {
  id: number
  pid: string
}

/** The neighbour set of a peer in `pid` among `candidates` (itself excluded by the caller). */
export function selectNeighbours(
  pid: string,
  candidates: readonly Candidate[],
  cost: PidCost,
  policy: SelectionPolicy,
  random: Random
): number[] {
  if (policy.name === 'random')
    return sample(candidates, policy.neighbours, random).map((c) => c.id)
  if (policy.name === 'cost-weighted') {
    const w = (c: Candidate) => Math.exp(-costOf(cost, pid, c.pid) / policy.temperature)
    const chosen = weightedSample(candidates, w, policy.neighbours, random)
    if (chosen.length < policy.neighbours) {
      const taken = new Set(chosen)
      chosen.push(
        ...sample(
          candidates.filter((c) => !taken.has(c)),
          policy.neighbours - chosen.length,
          random
        )
      )
    }
    return chosen.map((c) => c.id)
  }
  const local: Candidate[] = []
  const remote: Candidate[] = []
  for (const c of candidates) (costOf(cost, pid, c.pid) < policy.localCost ? local : remote).push(c)
  return [
    ...sample(local, policy.neighbours, random),
    ...sample(remote, policy.global, random),
  ].map((c) => c.id)
}

/**
 * Whether a chunk may be fetched over a non-local path: local supply fell short (no local
 * neighbour holds it, and it is at least `minAge` slots old) or it is urgent (its deadline is
 * within `urgentSlots`). Under `random` every path is allowed.
 *
 * `chance` (with `random`) spreads the non-urgent remote fetches of one locality over time: a
 * peer whose local supply fell short fetches remotely in a given slot only with this
 * probability, so that usually one peer of the locality brings the chunk in and its local
 * neighbours take it from that peer in the next slots instead of all crossing the boundary in
 * the same slot. Default 1 (no spreading).
 */
export function mayFetchRemote(
  policy: SelectionPolicy,
  localHolderExists: boolean,
  ageSlots: number,
  slotsToDeadline: number,
  opts: { minAge: number; urgentSlots: number; chance?: number },
  random?: Random
): boolean {
  if (policy.name === 'random') return true
  if (slotsToDeadline <= opts.urgentSlots) return true
  if (localHolderExists || ageSlots < opts.minAge) return false
  const chance = opts.chance ?? 1
  return chance >= 1 || (random !== undefined && random() < chance)
}
