/**
 * @module Candidate ranking, the "alternative service" of draft-kiesel-alto-h12: a client sends
 * one source and its candidates with a primary rating criterion and further ones, and gets the
 * candidates back ranked. Here over the endpoint cost service (RFC 7285 §11.5.1):
 *
 * - one endpoint cost request per criterion (cost type), however many candidates — split only
 *   where a list would exceed the server's {@link MAX_LIST_ENTRIES}; when the resource offers
 *   several cost types at once (RFC 8189 multi-cost: `max-cost-types` ≥ the number of criteria
 *   and every criterion in `cost-type-names`), ONE request carries them all
 *   (`multi-cost-types`, answered with an array of costs per pair, RFC 8189 §4.2.2);
 * - order: the primary criterion, then each further one as a tie-breaker; lower is better in both
 *   modes (numerical: the value; ordinal: "the ranks", RFC 7285 §6.1.2); a candidate without a
 *   cost (no PID, no defined cost: "MAY be omitted", §11.5.1.6) ranks after every one with a cost;
 * - candidates in the same PID are one group: the server's costs are PID to PID (§6), so they
 *   share their costs and their rank; the groups are resolved with one endpoint property query
 *   (`<network-map>.pid`, §7.1.1);
 * - ties broken deterministically: equal cost vectors share a rank (dense ranks 1, 2, …); within
 *   it, groups are ordered by PID name, candidates by their string (UTF-16 code units), so the
 *   same inputs always give the same order, whatever order the candidates came in.
 */
import { byCodeUnits } from '../alto/identifiers.ts'
import { MAX_LIST_ENTRIES } from '../alto/limits.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import * as z from 'zod'
import type { AltoClient, CostTypeRef } from './client.ts'
import { clientFail } from './errors.ts'

export interface RankOptions {
  /** Network map whose PIDs group the candidates (default: the IRD's default). */
  networkMap?: string
  /** Endpoint cost resource to use (default: the first offering every criterion). */
  resourceId?: string
  /** Group by PID (one endpoint property query more); default true. */
  group?: boolean
  /** Largest list per request (default and maximum: the server limit, 10,000). */
  batchSize?: number
}

export interface RankedCandidate {
  candidate: string
  /** 1 is best; candidates with equal costs share a rank. */
  rank: number
  /** One cost per criterion, in criterion order; undefined where the server gave none. */
  costs: (number | undefined)[]
  /** The candidate's PID, when grouped and the address is in the network map. */
  pid?: string
}

export interface Ranking {
  /** The cost types used, primary first, as the server names them. */
  criteria: string[]
  ranked: RankedCandidate[]
  /** Requests sent (endpoint cost and endpoint property), for the one-request-per-criterion rule. */
  requests: number
}

/** RFC 8189 §4.2.2: with `multi-cost-types`, each cost is an array, one value per requested type. */
const multiCostResponse = z.looseObject({
  'endpoint-cost-map': z.record(z.string(), z.record(z.string(), z.array(z.number().nullable()))),
})

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const compareCosts = (a: (number | undefined)[], b: (number | undefined)[]): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x === undefined) return 1
    if (y === undefined) return -1
    return x - y
  }
  return 0
}

/** Ranks `candidates` as seen from `source` by `criteria` (primary first). */
export async function rank(
  client: AltoClient,
  source: string,
  candidates: readonly string[],
  criteria: readonly CostTypeRef[],
  opts: RankOptions = {}
): Promise<Ranking> {
  if (criteria.length === 0)
    clientFail({ kind: 'no-resource', reason: 'rank needs at least one criterion' })
  const batch = Math.min(opts.batchSize ?? MAX_LIST_ENTRIES, MAX_LIST_ENTRIES)
  const unique = [...new Set(candidates)]
  const resources = criteria.map((c) =>
    client.endpointCostResource(c, { resourceId: opts.resourceId })
  )
  const types = criteria.map((c, i) => client.costTypeOf(resources[i], c)!)
  const costs = new Map<string, (number | undefined)[]>(
    unique.map((c) => [c, criteria.map(() => undefined)])
  )
  let requests = 0
  const first = resources[0]
  const maxTypes = Number(first.capabilities['max-cost-types'] ?? 1)
  const multi =
    criteria.length > 1 && maxTypes >= criteria.length && resources.every((r) => r === first)
  for (const dsts of chunks(unique, batch)) {
    if (multi) {
      requests++
      const res = await client.transport.post(
        first.uri,
        MEDIA_TYPES.endpointCostParams,
        MEDIA_TYPES.endpointCost,
        { 'multi-cost-types': types.map((t) => t.type), endpoints: { srcs: [source], dsts } },
        multiCostResponse
      )
      const row = res['endpoint-cost-map'][source] ?? {}
      for (const dst of dsts) row[dst]?.forEach((v, k) => (costs.get(dst)![k] = v ?? undefined))
      continue
    }
    for (let k = 0; k < criteria.length; k++) {
      requests++
      const { 'cost-mode': mode, 'cost-metric': metric } = types[k].type
      const res = await client.endpointCost(
        {
          'cost-type': { 'cost-mode': mode, 'cost-metric': metric },
          endpoints: { srcs: [source], dsts },
        },
        { resourceId: resources[k].id }
      )
      const row = res['endpoint-cost-map'][source] ?? {}
      for (const dst of dsts) if (Object.hasOwn(row, dst)) costs.get(dst)![k] = row[dst]
    }
  }
  const pids = new Map<string, string>()
  if (opts.group ?? true) {
    for (const part of chunks(unique, batch)) {
      requests++
      for (const [a, p] of await client.pidsOf(part, opts.networkMap)) pids.set(a, p)
    }
  }
  const order = unique
    .map((candidate) => ({ candidate, costs: costs.get(candidate)!, pid: pids.get(candidate) }))
    .sort(
      (a, b) =>
        compareCosts(a.costs, b.costs) ||
        byCodeUnits(a.pid ?? '\uffff', b.pid ?? '\uffff') ||
        byCodeUnits(a.candidate, b.candidate)
    )
  let r = 0
  const ranked = order.map((c, i) => {
    if (i === 0 || compareCosts(order[i - 1].costs, c.costs) !== 0) r++
    return { ...c, rank: r, ...(c.pid === undefined ? { pid: undefined } : {}) }
  })
  return { criteria: types.map((t) => t.name), ranked, requests }
}
