/**
 * @module A deterministic, seeded, slot-based simulator of a P2P live stream, to compare peer
 * selection policies (src/client/peer-selection.ts) on an ALTO map: peers are placed into the
 * map's PIDs in proportion to address share, fetch chunks from their neighbours, and play them
 * with a fixed lag.
 *
 * Model (one slot = one chunk interval; the source makes one chunk per slot):
 * - the source pushes each new chunk to `sourceFanout` random peers (the same peers whatever the
 *   policy: the generator is seeded per purpose); its bytes are not peer-to-peer and are left out
 *   of the traffic ratios;
 * - upload capacity per peer in chunks per slot, drawn from `uploadClasses` (mean > 1, or no
 *   swarm can carry the stream); a peer downloads at most `downloadCap` chunks per slot;
 * - each slot, peers in a random order pull missing chunks earliest deadline first (chunk c is due
 *   at slot c + `lag`); a chunk fetched at slot t can be forwarded from slot t + 1;
 * - a peer takes a chunk from a local neighbour when one holds it (with upload budget left);
 *   over a non-local path only as `mayFetchRemote` allows. Local supply is judged per locality
 *   (`supplyView: 'locality'`: some peer of the peer's locality held the chunk at the start of
 *   the slot — the peers of a locality announce what they receive, with the same one-slot delay
 *   as to neighbours) or, as before, per peer (`'neighbours'`: only a local neighbour with
 *   budget counts);
 * - churn: each slot a peer leaves with probability `churn` and a newcomer in the same PID takes
 *   its place with an empty buffer and fresh neighbours (the population per PID stays constant);
 * - measured after `warmup` slots: inter-PID bytes per delivered byte, bytes over costly paths
 *   (cost ≥ `costlyCost`) per delivered byte, mean path cost, continuity (chunks played on time /
 *   chunks due) and the delivery lag of played chunks (slots from creation to arrival).
 */
import {
  costOf,
  fetcherRank,
  localities,
  mayFetchRemote,
  seededRandom,
  selectNeighbours,
  type Candidate,
  type SelectionPolicy,
} from '../../src/client/peer-selection.ts'

export interface SwarmMap {
  pids: readonly string[]
  /** Address share of each PID (any positive scale). */
  share: readonly number[]
  /** Path cost between PID indexes; undefined when none is defined. */
  cost: (a: number, b: number) => number | undefined
}

export interface SwarmConfig {
  peers: number
  slots: number
  seed: number
  lag: number
  warmup: number
  sourceFanout: number
  downloadCap: number
  churn: number
  uploadClasses: readonly { capacity: number; fraction: number }[]
  /** Throttle: a non-local fetch when no local holder and the chunk is this old, or urgent. */
  minAge: number
  urgentSlots: number
  /** Throttle: chance per slot of a non-urgent non-local fetch (mayFetchRemote `chance`). */
  remoteChance: number
  /** Throttle: designated fetchers per locality and chunk (mayFetchRemote `fetchers`); 0: all. */
  fetchers: number
  /** What counts as local supply: the whole locality's holdings, or the peer's neighbours'. */
  supplyView: 'locality' | 'neighbours'
  costlyCost: number
}

export const DEFAULT_SWARM: SwarmConfig = {
  peers: 2000,
  slots: 600,
  seed: 1,
  lag: 20,
  warmup: 60,
  sourceFanout: 8,
  downloadCap: 4,
  churn: 0.002,
  uploadClasses: [
    { capacity: 0.5, fraction: 0.3 },
    { capacity: 1, fraction: 0.3 },
    { capacity: 2, fraction: 0.3 },
    { capacity: 4, fraction: 0.1 },
  ],
  minAge: 1,
  urgentSlots: 4,
  remoteChance: 1,
  fetchers: 0,
  supplyView: 'locality',
  costlyCost: 30,
}

export interface SwarmResult {
  policy: string
  /** Peer-to-peer chunk transfers counted (after warmup). */
  transfers: number
  interPidRatio: number
  costlyRatio: number
  /**
   * Costly-path transfers of a chunk into a locality that had already received it, per
   * delivered byte (the part of `costlyRatio` a perfect locality throttle would save).
   */
  reentryRatio: number
  meanCost: number
  continuity: number
  meanLag: number
  p95Lag: number
  /** Distinct PIDs with peers. */
  pidsUsed: number
  /** Localities (groups of PIDs joined by local paths) with peers. */
  localitiesUsed: number
}

function pickIndex(cumulative: Float64Array, x: number): number {
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cumulative[mid] > x) hi = mid
    else lo = mid + 1
  }
  return lo
}

export function runSwarm(map: SwarmMap, policy: SelectionPolicy, cfg: SwarmConfig): SwarmResult {
  const N = cfg.peers
  const C = cfg.slots
  // Separate streams, so every policy sees the same placement, capacities, churn and source pushes.
  const placeRandom = seededRandom(cfg.seed)
  const churnRandom = seededRandom(cfg.seed + 1)
  const sourceRandom = seededRandom(cfg.seed + 2)
  const policyRandom = seededRandom(cfg.seed + 3)

  const cumulative = new Float64Array(map.share.length)
  let sum = 0
  map.share.forEach((s, i) => (cumulative[i] = sum += s))
  const pidOf = new Int32Array(N)
  const capacity = new Float64Array(N)
  for (let p = 0; p < N; p++) {
    pidOf[p] = pickIndex(cumulative, placeRandom() * sum)
    let x = placeRandom()
    const cls = cfg.uploadClasses.find((c) => (x -= c.fraction) < 0) ?? cfg.uploadClasses[0]
    capacity[p] = cls.capacity
  }
  const used = [...new Set(pidOf)].sort((a, b) => a - b)
  const costCache = new Map<number, number>()
  const pathCost = (a: number, b: number): number => {
    if (a === b) return 0
    const key = a * map.pids.length + b
    let c = costCache.get(key)
    if (c === undefined) costCache.set(key, (c = map.cost(a, b) ?? Number.POSITIVE_INFINITY))
    return c
  }
  const index = new Map(map.pids.map((name, i) => [name, i]))
  const namedCost = (a: string, b: string) => pathCost(index.get(a)!, index.get(b)!)
  const everyone: Candidate[] = Array.from({ length: N }, (_, id) => ({
    id,
    pid: map.pids[pidOf[id]],
  }))

  const arrival = new Int32Array(N * C).fill(-1)
  // Localities of the PIDs with peers, and each peer's place in its locality's member list (a
  // newcomer takes the place of the peer it replaces: churn keeps the population per PID).
  const localityOfUsed = localities(
    used.map((i) => map.pids[i]),
    namedCost,
    policy.localCost
  )
  const localityOfPid = new Int32Array(map.pids.length).fill(-1)
  used.forEach((pid, k) => (localityOfPid[pid] = localityOfUsed[k]))
  const L = Math.max(0, ...localityOfUsed) + 1
  const localityOf = new Int32Array(N)
  const localitySize = new Int32Array(L)
  const member = new Int32Array(N)
  for (let p = 0; p < N; p++) {
    localityOf[p] = localityOfPid[pidOf[p]]
    member[p] = localitySize[localityOf[p]]++
  }
  // Per locality and chunk: peers holding it (visible from the slot after arrival), and the slot
  // it first arrived in the locality.
  const localHolders = new Int32Array(L * C)
  const localFirst = new Int32Array(L * C).fill(-1)
  let arrivedNow: number[] = []
  let arrivedBefore: number[] = []
  const arrive = (p: number, c: number, t: number) => {
    arrival[p * C + c] = t + 1
    const lc = localityOf[p] * C + c
    if (localFirst[lc] < 0) localFirst[lc] = t + 1
    arrivedNow.push(lc)
  }

  const join = new Int32Array(N)
  const budget = new Float64Array(N)
  const neighbours: Int32Array[] = new Array(N)
  const choose = (p: number) => {
    const others = everyone.filter((c) => c.id !== p)
    neighbours[p] = Int32Array.from(
      selectNeighbours(map.pids[pidOf[p]], others, namedCost, policy, policyRandom)
    )
  }
  for (let p = 0; p < N; p++) choose(p)

  let transfers = 0
  let interPid = 0
  let costly = 0
  let reentries = 0
  let costSum = 0
  let due = 0
  let played = 0
  const lags: number[] = []
  const order = Int32Array.from({ length: N }, (_, i) => i)
  const holders: number[] = []
  const remote: number[] = []
  const opts = {
    minAge: cfg.minAge,
    urgentSlots: cfg.urgentSlots,
    chance: cfg.remoteChance,
    ...(cfg.fetchers > 0 ? { fetchers: cfg.fetchers } : {}),
  }
  const byLocality = cfg.supplyView === 'locality'

  for (let t = 0; t < C; t++) {
    // Last slot's arrivals become visible to the locality.
    ;[arrivedBefore, arrivedNow] = [arrivedNow, arrivedBefore]
    for (const lc of arrivedBefore) localHolders[lc]++
    arrivedBefore.length = 0
    for (let p = 0; p < N; p++) {
      if (churnRandom() >= cfg.churn) continue
      const row = localityOf[p] * C
      for (let c = join[p]; c <= t; c++) if (arrival[p * C + c] >= 0) localHolders[row + c]--
      arrival.fill(-1, p * C, (p + 1) * C)
      join[p] = t
      choose(p)
    }
    for (let p = 0; p < N; p++)
      budget[p] = Math.min(budget[p] + capacity[p], Math.max(capacity[p], 1))
    for (let k = 0; k < cfg.sourceFanout; k++) {
      const p = Math.floor(sourceRandom() * N)
      if (arrival[p * C + t] < 0) arrive(p, t, t)
    }
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(policyRandom() * (i + 1))
      const tmp = order[i]
      order[i] = order[j]
      order[j] = tmp
    }
    const counting = t >= cfg.warmup
    for (const p of order) {
      let downloads = 0
      const row = p * C
      const my = pidOf[p]
      for (let c = Math.max(join[p], t + 1 - cfg.lag); c <= t && downloads < cfg.downloadCap; c++) {
        if (arrival[row + c] >= 0) continue
        holders.length = 0
        remote.length = 0
        let best = -1
        let bestCost = Number.POSITIVE_INFINITY
        for (const q of neighbours[p]) {
          const a = arrival[q * C + c]
          if (a < 0 || a > t || budget[q] < 1) continue
          const pc = pathCost(my, pidOf[q])
          if (policy.name !== 'random' && pc >= policy.localCost) {
            remote.push(q)
            continue
          }
          holders.push(q)
          if (pc < bestCost || (pc === bestCost && policyRandom() < 0.5)) {
            bestCost = pc
            best = q
          }
        }
        let q = -1
        if (holders.length > 0)
          q =
            policy.name === 'cost-weighted'
              ? best
              : holders[Math.floor(policyRandom() * holders.length)]
        else if (
          remote.length > 0 &&
          mayFetchRemote(
            policy,
            {
              localSupply: byLocality && localHolders[localityOf[p] * C + c] > 0,
              ageSlots: t - c,
              slotsToDeadline: c + cfg.lag - t,
              fetcherRank: fetcherRank(member[p], localitySize[localityOf[p]], c),
            },
            opts,
            policyRandom
          )
        ) {
          if (policy.name === 'cost-weighted') {
            for (const r of remote) {
              const pc = pathCost(my, pidOf[r])
              if (q < 0 || pc < bestCost) ((q = r), (bestCost = pc))
            }
          } else q = remote[Math.floor(policyRandom() * remote.length)]
        }
        if (q < 0) continue
        budget[q] -= 1
        const reentry = localFirst[localityOf[p] * C + c] >= 0
        arrive(p, c, t)
        downloads++
        if (!counting) continue
        const pc = pathCost(my, pidOf[q])
        transfers++
        if (pidOf[q] !== my) interPid++
        if (pc >= cfg.costlyCost) {
          costly++
          if (reentry) reentries++
        }
        costSum += Number.isFinite(pc) ? pc : 0
      }
    }
    const c = t - cfg.lag
    if (counting && c >= 0) {
      for (let p = 0; p < N; p++) {
        if (c < join[p]) continue
        due++
        const a = arrival[p * C + c]
        if (a >= 0 && a <= t) {
          played++
          lags.push(a - c)
        }
      }
    }
  }
  lags.sort((a, b) => a - b)
  return {
    policy: policy.name,
    transfers,
    interPidRatio: interPid / Math.max(transfers, 1),
    costlyRatio: costly / Math.max(transfers, 1),
    reentryRatio: reentries / Math.max(transfers, 1),
    meanCost: costSum / Math.max(transfers, 1),
    continuity: played / Math.max(due, 1),
    meanLag: lags.reduce((s, l) => s + l, 0) / Math.max(lags.length, 1),
    p95Lag: lags[Math.floor(lags.length * 0.95)] ?? 0,
    pidsUsed: used.length,
    localitiesUsed: L,
  }
}
