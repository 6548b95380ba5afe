/**
 * @module ISP-friendly peer selection for P2P live streaming (Picconi and Massoulié, "ISP friend
 * or foe? Making P2P live streaming ISP-aware", ICDCS 2009), with ALTO costs as the locality
 * signal: each peer keeps a LOCAL neighbour set (same PID, or a path cost under a threshold) and
 * a small GLOBAL one from the rest, and fetches over a non-local path only when local supply
 * falls short (the chunk is not in the locality yet and it is old enough, or it is about to miss
 * its playback deadline).
 *
 * A LOCALITY is a group of PIDs joined by local paths (`localities`: cost < `localCost`, taken
 * transitively; on the ASN map, a country). The throttle decides per locality, not per peer:
 * "local supply" means that some peer of the locality already holds the chunk (the peers of a
 * locality announce the chunks they receive to each other, as they do to their neighbours), so a
 * chunk crosses into a locality about once and spreads inside it; only a peer whose deadline is
 * near fetches it over a non-local path anyway. Optionally (`fetchers`) only the first few
 * designated peers of the locality (`fetcherRank`, a rotation per chunk) may bring a chunk in,
 * more of them as it ages.
 *
 * Three policies, compared by the swarm simulator (scripts/lib/swarm.ts):
 * - `random`: neighbours uniformly at random; any holder serves (the ISP-oblivious baseline);
 * - `local-global`: the paper's scheme, locality from ALTO (PID or cost < `localCost`), the global
 *   set uniform over the other peers;
 * - `cost-weighted`: the local set drawn with weight exp(−cost/`temperature`) (same PID first),
 *   the global set uniform as in `local-global` (its diversity is what brings a young chunk into
 *   the locality early); among holders the cheapest path first, a border crossed only through
 *   the cheapest foreign holder — non-local paths throttled as in `local-global`.
 *
 * Pure and deterministic: randomness comes from the caller's seeded generator.
 */
import { mulberry32 } from '../tables/random.ts'

/** A path cost between two PIDs (ALTO routingcost); undefined when the server defines none. */
export type PidCost = (a: string, b: string) => number | undefined

export type PolicyName = 'random' | 'local-global' | 'cost-weighted'

export interface SelectionPolicy {
  name: PolicyName
  /** Neighbours in total (random) or in the local set (local-global, cost-weighted). */
  neighbours: number
  /** Size of the global set (local-global, cost-weighted). */
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
    neighbours: 20,
    global: 3,
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
  const local: Candidate[] = []
  const remote: Candidate[] = []
  for (const c of candidates) (costOf(cost, pid, c.pid) < policy.localCost ? local : remote).push(c)
  if (policy.name === 'local-global')
    return [
      ...sample(local, policy.neighbours, random),
      ...sample(remote, policy.global, random),
    ].map((c) => c.id)
  const w = (c: Candidate) => Math.exp(-costOf(cost, pid, c.pid) / policy.temperature)
  const drawn = (from: Candidate[], k: number) => {
    const chosen = weightedSample(from, w, k, random)
    if (chosen.length < k) {
      // Weights that underflow to 0 (or undefined costs): the rest uniformly.
      const taken = new Set(chosen)
      chosen.push(
        ...sample(
          from.filter((c) => !taken.has(c)),
          k - chosen.length,
          random
        )
      )
    }
    return chosen
  }
  // The global set stays uniform, as in local-global: it is what brings a chunk into the
  // locality, and the first foreign holder of a young chunk is anywhere in the world. A global
  // set weighted toward nearer (same-continent) localities waits for the continent to hold the
  // chunk, so more peers reach their deadline and fetch it across the border again (11.6x
  // against 13.1x transit cut on the default run). Cost weighs where it pays: the local draw
  // and the choice among holders (cheapest path first, inside and across the border).
  return [...drawn(local, policy.neighbours), ...sample(remote, policy.global, random)].map(
    (c) => c.id
  )
}

/**
 * The localities of `pids`: PIDs joined by a path cheaper than `localCost` (either direction),
 * transitively — the connected components of the local-path graph, numbered 0, 1, … in the order
 * of their first PID. On the ASN map (same country 10–19, elsewhere ≥ 30) a locality is a country.
 */
export function localities(pids: readonly string[], cost: PidCost, localCost: number): number[] {
  const of = new Array<number>(pids.length).fill(-1)
  let next = 0
  for (let start = 0; start < pids.length; start++) {
    if (of[start] >= 0) continue
    of[start] = next
    const stack = [start]
    while (stack.length > 0) {
      const a = stack.pop()!
      for (let b = 0; b < pids.length; b++) {
        if (of[b] >= 0) continue
        const ab = costOf(cost, pids[a], pids[b])
        if (ab < localCost || costOf(cost, pids[b], pids[a]) < localCost) {
          of[b] = of[start]
          stack.push(b)
        }
      }
    }
    next++
  }
  return of
}

/**
 * The designated-fetcher rank of a locality's `member`-th peer (0 ≤ member < `size`) for `chunk`:
 * 0 for the one peer that brings the chunk in first, 1 for the next, … A rotation of the
 * locality's member list (the order its peers learn from the tracker) by a hash of the chunk
 * number, so the load of fetching over non-local paths is spread over the members.
 */
export function fetcherRank(member: number, size: number, chunk: number): number {
  let h = Math.imul(chunk ^ 0x9e3779b9, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (((member - (h >>> 0)) % size) + size) % size
}

/** What a peer knows when it considers fetching a chunk over a non-local path. */
export interface RemoteFetchState {
  /**
   * Local supply: the chunk is already in the locality — some peer of it holds the chunk (the
   * locality-level view), or, for a peer that only sees its neighbours, a local neighbour does.
   */
  localSupply: boolean
  /** Slots since the chunk was made. */
  ageSlots: number
  /** Slots until its playback deadline. */
  slotsToDeadline: number
  /** The peer's `fetcherRank` for the chunk (only with `fetchers`). */
  fetcherRank?: number
}

export interface ThrottleOptions {
  /** A chunk younger than this never crosses unless urgent. */
  minAge: number
  /** Within this many slots of its deadline a chunk is urgent and may always cross. */
  urgentSlots: number
  /**
   * Chance per slot that a peer whose locality lacks the chunk fetches it remotely (with
   * `random`): spreads a locality's entries over slots. Default 1.
   */
  chance?: number
  /**
   * Designated fetchers: at age `minAge` only peers of `fetcherRank` < `fetchers` may bring the
   * chunk in, `fetchers` more for every slot it ages. Default: every peer.
   */
  fetchers?: number
}

/**
 * Whether a chunk may be fetched over a non-local path: it is urgent (its deadline is within
 * `urgentSlots`), or local supply fell short (the locality lacks it) and it is at least
 * `minAge` slots old (and the peer is a designated fetcher, with `fetchers`, and wins `chance`).
 * Under `random` every path is allowed.
 */
export function mayFetchRemote(
  policy: SelectionPolicy,
  state: RemoteFetchState,
  opts: ThrottleOptions,
  random?: Random
): boolean {
  if (policy.name === 'random') return true
  if (state.slotsToDeadline <= opts.urgentSlots) return true
  if (state.localSupply || state.ageSlots < opts.minAge) return false
  if (opts.fetchers !== undefined && state.fetcherRank !== undefined) {
    const allowed = opts.fetchers * (1 + state.ageSlots - opts.minAge)
    if (state.fetcherRank >= allowed) return false
  }
  const chance = opts.chance ?? 1
  return chance >= 1 || (random !== undefined && random() < chance)
}
