/**
 * @module The TIPS updates graph of one resource (RFC 9569, "TIPS Updates Graph"), its summary
 * JSON, next-edge recommendation, pruning, and the status decision for `GET <view>/ug/<i>/<j>`.
 * Pure: no Node or Workers imports. Values are immutable: every operation returns a new graph.
 *
 * RFC 9569 model (quoted from draft-ietf-alto-new-transport-22, the text RFC 9569 was made from):
 * "Each node in the updates graph is a version of the resource ... 0 is reserved as the initial
 * state (empty/null). Each edge is an update item. In particular, the edge from i to j is the
 * update item to transit from version i to version j. Version is path-independent".
 *
 *     0 ──snapshot──▶ s ──▶ s+1 ──▶ … ──▶ e          s = start-seq, e = end-seq
 *     0 ──snapshot──▶ k   (any kept k; here: every kept version has one)
 *     i ──shortcut──▶ j   (optional, j > i+1)
 *
 * Invariants (RFC 9569 "Updates Graph Modification Invariants", all MUST), checked by
 * `checkGraphInvariants` and `checkRightShift`:
 * - Continuity: "any version in between ns and ne must also exist. This implies that the
 *   incremental update from ni to ni + 1 exists for any ns <= ni <= ne".
 * - Feasibility: "The server must provide a snapshot of ns ... there is always a direct link to
 *   ns in the update graph."
 * - "Right shift" only: "If t' > t, then n1' >= n1 and n2' >= n2."
 */

export type EdgeKind = 'snapshot' | 'incremental' | 'shortcut'

/** One update item: the content on edge `from → to`. */
export interface UpdateEdge {
  from: number
  to: number
  kind: EdgeKind
  /** Media type the item is served with: the resource's type for snapshots, a patch type otherwise. */
  mediaType: string
  /** Size of the item's body in bytes: the cost used by `recommendNextEdge`. */
  bytes: number
}

/** One version (node) of the resource; seq 0 (the empty version) is implicit. */
export interface UpdateNode {
  seq: number
  /** RFC 7285 §10.3 version tag of the resource at this version. */
  tag: string
}

export interface UpdatesGraph {
  resourceId: string
  /** Kept versions, ascending and contiguous: nodes[k].seq === nodes[0].seq + k. Empty before the first version. */
  nodes: UpdateNode[]
  /** Edges sorted by (from, to). */
  edges: UpdateEdge[]
}

/** RFC 9569 `UpdatesGraphSummary` ("Open Response"). */
export interface UpdatesGraphSummary {
  'start-seq': number
  'end-seq': number
  'start-edge-rec': { 'seq-i': number; 'seq-j': number }
}

/** RFC 9569 `TIPSViewSummary`. */
export interface TipsViewSummary {
  'updates-graph-summary': UpdatesGraphSummary
}

/** RFC 9569 `AddTIPSResponse`, media type `application/alto-tips+json`. */
export interface AddTipsResponse {
  'tips-view-uri': string
  'tips-view-summary': TipsViewSummary
}

export const emptyGraph = (resourceId: string): UpdatesGraph => ({
  resourceId,
  nodes: [],
  edges: [],
})

export const startSeq = (g: UpdatesGraph): number => (g.nodes.length ? g.nodes[0].seq : 0)
export const endSeq = (g: UpdatesGraph): number =>
  g.nodes.length ? g.nodes[g.nodes.length - 1].seq : 0

const compareEdges = (a: UpdateEdge, b: UpdateEdge): number => a.from - b.from || a.to - b.to

export function findEdge(g: UpdatesGraph, from: number, to: number): UpdateEdge | undefined {
  // Edges are few (a window of versions, ~2 per version); a linear scan is fine and allocation-free.
  for (const e of g.edges) if (e.from === from && e.to === to) return e
  return undefined
}

export interface NewVersion {
  tag: string
  /** Snapshot edge 0 → seq. */
  snapshot: { mediaType: string; bytes: number }
  /** Incremental edge prev → seq; required unless this is the first version of the graph. */
  incremental?: { mediaType: string; bytes: number }
}

/**
 * Adds version end-seq + 1 (seq 1 for an empty graph: "start at 1") with its snapshot edge and its
 * incremental edge from the previous version.
 */
export function appendVersion(g: UpdatesGraph, v: NewVersion): UpdatesGraph {
  const seq = g.nodes.length ? endSeq(g) + 1 : 1
  const edges = [...g.edges, { from: 0, to: seq, kind: 'snapshot' as const, ...v.snapshot }]
  if (g.nodes.length) {
    if (!v.incremental)
      throw new Error(`continuity: version ${seq} needs an incremental edge from ${seq - 1}`)
    edges.push({ from: seq - 1, to: seq, kind: 'incremental', ...v.incremental })
  }
  edges.sort(compareEdges)
  return { resourceId: g.resourceId, nodes: [...g.nodes, { seq, tag: v.tag }], edges }
}

/** Adds an optional shortcut edge i → j (start-seq ≤ i, i + 1 < j ≤ end-seq). */
export function addShortcut(
  g: UpdatesGraph,
  from: number,
  to: number,
  item: { mediaType: string; bytes: number }
): UpdatesGraph {
  if (!(from >= startSeq(g) && to > from + 1 && to <= endSeq(g)) || g.nodes.length === 0) {
    throw new Error(`shortcut ${from} → ${to} is outside [${startSeq(g)}, ${endSeq(g)}]`)
  }
  if (findEdge(g, from, to)) return g
  const edges = [...g.edges, { from, to, kind: 'shortcut' as const, ...item }].sort(compareEdges)
  return { ...g, edges }
}

/**
 * Drops every version below `keepFrom` and every edge touching them. The new start-seq is
 * min(keepFrom, end-seq): the newest version is never dropped. Throws when the kept start has no
 * snapshot edge (Feasibility), since then no valid prune to that point exists. RFC 9569's example:
 * from {101..106}, "{103, 104, 105, 106} and {105, 106} are valid sets" but "{104, 105, 106}" is not
 * when there is no snapshot to 104.
 */
export function pruneGraph(g: UpdatesGraph, keepFrom: number): UpdatesGraph {
  if (g.nodes.length === 0 || keepFrom <= startSeq(g)) return g
  const newStart = Math.min(keepFrom, endSeq(g))
  if (!findEdge(g, 0, newStart)) throw new Error(`feasibility: no snapshot edge 0 → ${newStart}`)
  return {
    resourceId: g.resourceId,
    nodes: g.nodes.filter((n) => n.seq >= newStart),
    edges: g.edges.filter((e) => e.to >= newStart && (e.from === 0 || e.from >= newStart)),
  }
}

/** Keeps the newest `window` versions (window ≥ 1). */
export const pruneToWindow = (g: UpdatesGraph, window: number): UpdatesGraph =>
  pruneGraph(g, endSeq(g) - Math.max(1, Math.floor(window)) + 1)

/** Invariant violations of one graph (empty list = valid). */
export function checkGraphInvariants(g: UpdatesGraph): string[] {
  const problems: string[] = []
  if (g.nodes.length === 0) {
    if (g.edges.length) problems.push('edges without versions')
    return problems
  }
  const s = startSeq(g)
  const e = endSeq(g)
  if (s < 1) problems.push(`start-seq ${s} < 1 (0 is the empty version)`)
  g.nodes.forEach((n, k) => {
    if (n.seq !== s + k) problems.push(`continuity: version ${s + k} missing`)
  })
  for (let i = s; i < e; i++)
    if (!findEdge(g, i, i + 1)) problems.push(`continuity: no incremental edge ${i} → ${i + 1}`)
  if (!findEdge(g, 0, s)) problems.push(`feasibility: no snapshot edge 0 → ${s}`)
  for (const edge of g.edges) {
    const inRange = (q: number) => q >= s && q <= e
    if (!(edge.to > edge.from && inRange(edge.to) && (edge.from === 0 || inRange(edge.from)))) {
      problems.push(`edge ${edge.from} → ${edge.to} is outside the graph`)
    }
    const expected: EdgeKind =
      edge.from === 0 ? 'snapshot' : edge.to === edge.from + 1 ? 'incremental' : 'shortcut'
    if (edge.kind !== expected)
      problems.push(`edge ${edge.from} → ${edge.to} has kind ${edge.kind}, expected ${expected}`)
  }
  for (let k = 1; k < g.edges.length; k++) {
    if (compareEdges(g.edges[k - 1], g.edges[k]) >= 0)
      problems.push('edges not sorted or duplicated')
  }
  return problems
}

/** RFC 9569 "Right shift" only: start-seq and end-seq never move left between two states. */
export function checkRightShift(before: UpdatesGraph, after: UpdatesGraph): string[] {
  if (before.nodes.length === 0) return []
  const problems: string[] = []
  if (after.nodes.length === 0) return ['right shift: graph emptied']
  if (startSeq(after) < startSeq(before))
    problems.push(`right shift: start-seq ${startSeq(before)} → ${startSeq(after)}`)
  if (endSeq(after) < endSeq(before))
    problems.push(`right shift: end-seq ${endSeq(before)} → ${endSeq(after)}`)
  return problems
}

/** The newest kept version carrying `tag` (a tag can recur when content returns to an older state). */
export function seqOfTag(g: UpdatesGraph, tag: string): number | undefined {
  for (let k = g.nodes.length - 1; k >= 0; k--) if (g.nodes[k].tag === tag) return g.nodes[k].seq
  return undefined
}

export interface PathCostOptions {
  /** Fixed cost per fetched edge in bytes (request/response overhead). Default 512. */
  perEdgeBytes?: number
}

/** Cheapest path (sum of `bytes + perEdgeBytes`) from `from` to end-seq, or undefined when none. */
export function cheapestPath(
  g: UpdatesGraph,
  from: number,
  opts: PathCostOptions = {}
): { cost: number; edges: UpdateEdge[] } | undefined {
  const overhead = opts.perEdgeBytes ?? 512
  const e = endSeq(g)
  if (g.nodes.length === 0) return undefined
  if (from === e) return { cost: 0, edges: [] }
  // Edges only go forward, so one pass over nodes in seq order is a DAG shortest path.
  const best = new Map<number, { cost: number; via: UpdateEdge | null }>([
    [from, { cost: 0, via: null }],
  ])
  const order = [0, ...g.nodes.map((n) => n.seq)].filter((q) => q >= from)
  for (const q of order) {
    const here = best.get(q)
    if (!here) continue
    for (const edge of g.edges) {
      if (edge.from !== q) continue
      const cost = here.cost + edge.bytes + overhead
      const seen = best.get(edge.to)
      if (!seen || cost < seen.cost) best.set(edge.to, { cost, via: edge })
    }
  }
  const target = best.get(e)
  if (!target) return undefined
  const edges: UpdateEdge[] = []
  for (let at = target; at.via; at = best.get(at.via.from)!) edges.unshift(at.via)
  return { cost: target.cost, edges }
}

/**
 * The edge a client should fetch first. RFC 9569 "New Next Edge Recommendation" (paraphrased
 * from the -22 text, see docs/updates.md): the server looks up the client's tag among the versions
 * in [start-seq, end-seq] (tag-seq; no tag or an unknown tag counts as 0), computes the cheapest
 * path to end-seq from tag-seq and from 0, and returns the first edge of the cheaper one. The cost
 * is implementation-specific; here: bytes fetched plus a fixed per-edge overhead. RFC 9569 "Open
 * Response" gives the same rule for the open request: without a tag "recommend the edge of the
 * latest snapshot"; with one, compare "the cumulative size of the incremental updates available
 * from that version onward" with "the size of the complete resource snapshot".
 *
 * `fromSeq` is that tag-seq. A client already at end-seq is pointed at the next edge to
 * long-poll: end-seq → end-seq + 1.
 */
export function recommendNextEdge(
  g: UpdatesGraph,
  fromSeq = 0,
  opts: PathCostOptions = {}
): { 'seq-i': number; 'seq-j': number } {
  if (g.nodes.length === 0) throw new Error(`no versions of ${g.resourceId} yet`)
  const e = endSeq(g)
  const inRange = fromSeq >= startSeq(g) && fromSeq <= e
  if (inRange && fromSeq === e) return { 'seq-i': e, 'seq-j': e + 1 }
  const fromSnapshot = cheapestPath(g, 0, opts)!
  const fromTag = inRange ? cheapestPath(g, fromSeq, opts) : undefined
  const chosen = fromTag && fromTag.cost <= fromSnapshot.cost ? fromTag : fromSnapshot
  const first = chosen.edges[0]
  return { 'seq-i': first.from, 'seq-j': first.to }
}

/** RFC 9569 `UpdatesGraphSummary` for a client at `fromSeq` (0 = no usable tag). */
export function summarizeGraph(
  g: UpdatesGraph,
  fromSeq = 0,
  opts: PathCostOptions = {}
): UpdatesGraphSummary {
  return {
    'start-seq': startSeq(g),
    'end-seq': endSeq(g),
    'start-edge-rec': recommendNextEdge(g, fromSeq, opts),
  }
}

/** Body of the open response (`POST <tips>`, 200, `application/alto-tips+json`). */
export function addTipsResponse(
  tipsViewUri: string,
  summary: UpdatesGraphSummary
): AddTipsResponse {
  return { 'tips-view-uri': tipsViewUri, 'tips-view-summary': { 'updates-graph-summary': summary } }
}

/**
 * Body of `POST <tips-view-path>/ug`: per RFC 9569 (-22 text) a JSON merge patch
 * (`application/merge-patch+json`) of the client's AddTIPSResponse that carries
 * `tips-view-summary.updates-graph-summary`. The whole summary is sent: the server does not know
 * which summary the client holds, and replacing all three members is a valid merge patch of any.
 */
export function nextEdgeResponse(summary: UpdatesGraphSummary): {
  'tips-view-summary': TipsViewSummary
} {
  return { 'tips-view-summary': { 'updates-graph-summary': summary } }
}

// ---------------------------------------------------------------------------------------------
// GET <tips-view-uri>/ug/<i>/<j>

export interface EdgeRequestOptions {
  /**
   * How far past end-seq a request may reach and still be held (long poll) until the edge exists.
   * RFC 9569: "It is RECOMMENDED that the server allows for at least the prefetch of
   * <end-seq> -> <end-seq + 1>". Default 1. 0: nothing is held (a Worker without a Durable Object
   * to park requests answers 425 and the client polls again).
   */
  longPollWindow?: number
  /** Whether the server will create shortcut edges in future (then a future i → j, j > i+1, may be held). Default false. */
  futureShortcuts?: boolean
}

export type EdgeRequestDecision =
  | { action: 'serve'; status: 200; edge: UpdateEdge }
  | { action: 'hold'; status: 200; untilEndSeq: number; reason: string }
  | { action: 'reject'; status: 404 | 410 | 425; reason: string }

/**
 * What to answer to `GET <view>/ug/<i>/<j>`. RFC 9569 "Client Pull / Response": "the server
 * processing logic SHOULD be: If ug/<i>/<j> exists: return content using encoding. Else if
 * ug/<i>/<j> pre-fetch is acceptable: put request in a backlog queue. Else: return error." with
 * the RECOMMENDED codes
 * - "404 (Not Found): if the requested TIPS view does not exist or is closed by the server."
 *   (here also: an edge that does not and will not exist between kept versions, or a malformed i/j)
 * - "410 (Gone): if an update has a seq that is smaller than the start-seq."
 * - "425 (Too Early): if the seq exceeds the server prefetch window" (RFC 9569: long-polling window)
 * 415 (Accept) and 429 (too many pending polls) depend on the request and server load, not on the
 * graph; the Worker decides those.
 */
export function classifyEdgeRequest(
  g: UpdatesGraph,
  i: number,
  j: number,
  opts: EdgeRequestOptions = {}
): EdgeRequestDecision {
  const window = opts.longPollWindow ?? 1
  // j may exceed 2^53 (a client's far-future guess): still "beyond the window" below, not malformed.
  if (!Number.isSafeInteger(i) || !Number.isInteger(j) || i < 0 || j <= i) {
    return { action: 'reject', status: 404, reason: `no edge ${i} → ${j}: need integers 0 ≤ i < j` }
  }
  if (g.nodes.length === 0)
    return { action: 'reject', status: 404, reason: 'the view has no versions' }
  const s = startSeq(g)
  const e = endSeq(g)
  const edge = findEdge(g, i, j)
  if (edge) return { action: 'serve', status: 200, edge }
  if ((i !== 0 && i < s) || j < s) {
    return {
      action: 'reject',
      status: 410,
      reason: `seq below start-seq ${s} (pruned); ask POST <view>/ug for a new edge`,
    }
  }
  if (j <= e)
    return {
      action: 'reject',
      status: 404,
      reason: `no edge ${i} → ${j} between kept versions [${s}, ${e}]`,
    }
  // j > end-seq: a future edge. Only shapes the server will create can ever exist.
  const willExist = i === 0 || j === i + 1 || (opts.futureShortcuts ?? false)
  if (!willExist)
    return {
      action: 'reject',
      status: 404,
      reason: `edge ${i} → ${j} will never exist (no shortcuts)`,
    }
  if (j > e + window) {
    return {
      action: 'reject',
      status: 425,
      reason: `seq ${j} is beyond the long-poll window (end-seq ${e} + ${window})`,
    }
  }
  return {
    action: 'hold',
    status: 200,
    untilEndSeq: j,
    reason: `edge ${i} → ${j} appears when end-seq reaches ${j}`,
  }
}
