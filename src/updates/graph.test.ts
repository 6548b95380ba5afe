import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  type UpdatesGraph,
  addShortcut,
  addTipsResponse,
  appendVersion,
  checkGraphInvariants,
  checkRightShift,
  classifyEdgeRequest,
  emptyGraph,
  endSeq,
  findEdge,
  nextEdgeResponse,
  pruneGraph,
  pruneToWindow,
  recommendNextEdge,
  seqOfTag,
  startSeq,
  summarizeGraph,
} from './graph.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'

const COSTMAP = 'application/alto-costmap+json'
const snap = (bytes: number) => ({ mediaType: COSTMAP, bytes })
const patch = (bytes: number) => ({ mediaType: MEDIA_TYPES.mergePatch, bytes })

/** Versions 1..n, snapshots of `snapshotBytes`, patches of `patchBytes`. */
function linearGraph(n: number, snapshotBytes = 10_000, patchBytes = 100): UpdatesGraph {
  let g = emptyGraph('my-routingcost-map')
  for (let k = 1; k <= n; k++) {
    g = appendVersion(g, {
      tag: `t${k}`,
      snapshot: snap(snapshotBytes),
      incremental: k > 1 ? patch(patchBytes) : undefined,
    })
  }
  return g
}

/**
 * RFC 9569 "TIPS Model Example" figure: versions 101..106, snapshots 0→101, 0→103, 0→105,
 * incremental i→i+1, shortcut 103→105.
 */
function rfcExampleGraph(): UpdatesGraph {
  const tags = {
    101: '3421097',
    102: '6431234',
    103: '0881080',
    104: '6452654',
    105: '7838392',
    106: '6470983',
  }
  const nodes = Object.entries(tags).map(([seq, tag]) => ({ seq: Number(seq), tag }))
  const edges = [
    { from: 0, to: 101, kind: 'snapshot' as const, ...snap(10_000) },
    { from: 0, to: 103, kind: 'snapshot' as const, ...snap(10_000) },
    { from: 0, to: 105, kind: 'snapshot' as const, ...snap(10_000) },
    ...[101, 102, 103, 104, 105].map((i) => ({
      from: i,
      to: i + 1,
      kind: 'incremental' as const,
      ...patch(3_000),
    })),
    { from: 103, to: 105, kind: 'shortcut' as const, ...patch(4_000) },
  ].sort((a, b) => a.from - b.from || a.to - b.to)
  return { resourceId: 'my-routingcost-map', nodes, edges }
}

describe('updates graph model', () => {
  it('numbers versions from 1 with a snapshot per version and incremental edges between them', () => {
    const g = linearGraph(3)
    expect(g.nodes).toEqual([
      { seq: 1, tag: 't1' },
      { seq: 2, tag: 't2' },
      { seq: 3, tag: 't3' },
    ])
    expect(g.edges.map((e) => `${e.from}->${e.to}:${e.kind}`)).toEqual([
      '0->1:snapshot',
      '0->2:snapshot',
      '0->3:snapshot',
      '1->2:incremental',
      '2->3:incremental',
    ])
    expect(checkGraphInvariants(g)).toEqual([])
  })

  it('requires the incremental edge (continuity)', () => {
    expect(() => appendVersion(linearGraph(1), { tag: 'x', snapshot: snap(1) })).toThrow(
      /continuity/
    )
  })

  it('the RFC 9569 example graph satisfies the invariants', () => {
    expect(checkGraphInvariants(rfcExampleGraph())).toEqual([])
  })

  it('detects violated invariants', () => {
    const g = rfcExampleGraph()
    const noSnapshot = { ...g, edges: g.edges.filter((e) => !(e.from === 0 && e.to === 101)) }
    expect(checkGraphInvariants(noSnapshot)).toContain('feasibility: no snapshot edge 0 → 101')
    const gap = { ...g, edges: g.edges.filter((e) => !(e.from === 102 && e.to === 103)) }
    expect(checkGraphInvariants(gap)).toContain('continuity: no incremental edge 102 → 103')
    const hole = { ...g, nodes: g.nodes.filter((n) => n.seq !== 104) }
    expect(checkGraphInvariants(hole).some((p) => p.startsWith('continuity: version'))).toBe(true)
  })

  it('adds shortcuts only inside the graph', () => {
    const g = addShortcut(linearGraph(5), 2, 5, patch(150))
    expect(findEdge(g, 2, 5)?.kind).toBe('shortcut')
    expect(checkGraphInvariants(g)).toEqual([])
    expect(() => addShortcut(g, 2, 3, patch(1))).toThrow()
    expect(() => addShortcut(g, 4, 7, patch(1))).toThrow()
  })
})

describe('summary JSON (RFC 9569 AddTIPSResponse)', () => {
  it('reproduces the RFC open-response example: start 101, end 106, recommended 0 → 105', () => {
    const g = rfcExampleGraph()
    const body = addTipsResponse('https://alto.example.com/tips/2718281828459', summarizeGraph(g))
    expect(body).toEqual({
      'tips-view-uri': 'https://alto.example.com/tips/2718281828459',
      'tips-view-summary': {
        'updates-graph-summary': {
          'start-seq': 101,
          'end-seq': 106,
          'start-edge-rec': { 'seq-i': 0, 'seq-j': 105 },
        },
      },
    })
  })

  it('next-edge response is a merge patch carrying the whole updates-graph-summary', () => {
    const s = summarizeGraph(linearGraph(2))
    expect(nextEdgeResponse(s)).toEqual({ 'tips-view-summary': { 'updates-graph-summary': s } })
  })
})

describe('recommendNextEdge', () => {
  it('without a tag: the cheapest path from 0 (latest snapshot when patches add up)', () => {
    expect(recommendNextEdge(linearGraph(5))).toEqual({ 'seq-i': 0, 'seq-j': 5 })
  })

  it('with a recent tag: the first incremental edge when patches are cheaper than a snapshot', () => {
    const g = linearGraph(5)
    expect(recommendNextEdge(g, seqOfTag(g, 't3'))).toEqual({ 'seq-i': 3, 'seq-j': 4 })
  })

  it('with an old tag whose patches outweigh a snapshot: the snapshot', () => {
    const g = linearGraph(6, 1_000, 400)
    expect(recommendNextEdge(g, 1)).toEqual({ 'seq-i': 0, 'seq-j': 6 })
    expect(recommendNextEdge(g, 5)).toEqual({ 'seq-i': 5, 'seq-j': 6 })
  })

  it('takes a shortcut when it is cheaper', () => {
    expect(recommendNextEdge(rfcExampleGraph(), 103)).toEqual({ 'seq-i': 103, 'seq-j': 105 })
  })

  it('at end-seq: the long-poll edge end → end+1; an unknown or pruned tag counts as 0', () => {
    const g = pruneGraph(linearGraph(5), 3)
    expect(recommendNextEdge(g, 5)).toEqual({ 'seq-i': 5, 'seq-j': 6 })
    expect(seqOfTag(g, 't1')).toBeUndefined()
    expect(recommendNextEdge(g, 1)).toEqual({ 'seq-i': 0, 'seq-j': 5 })
  })

  it('finds the newest seq of a recurring tag', () => {
    let g = linearGraph(2)
    g = appendVersion(g, { tag: 't1', snapshot: snap(10), incremental: patch(1) })
    expect(seqOfTag(g, 't1')).toBe(3)
  })
})

describe('pruneGraph', () => {
  it('RFC 9569 compaction example: {103..106} and {105, 106} valid, {102..} and {104..} not', () => {
    const g = rfcExampleGraph()
    expect(pruneGraph(g, 103).nodes.map((n) => n.seq)).toEqual([103, 104, 105, 106])
    expect(pruneGraph(g, 105).nodes.map((n) => n.seq)).toEqual([105, 106])
    expect(checkGraphInvariants(pruneGraph(g, 103))).toEqual([])
    expect(findEdge(pruneGraph(g, 104 - 1), 103, 105)).toBeDefined()
    expect(() => pruneGraph(g, 102)).toThrow(/feasibility/)
    expect(() => pruneGraph(g, 104)).toThrow(/feasibility/)
  })

  it('never drops the newest version and never moves left', () => {
    const g = linearGraph(4)
    expect(pruneGraph(g, 99).nodes.map((n) => n.seq)).toEqual([4])
    expect(pruneGraph(pruneGraph(g, 3), 1)).toEqual(pruneGraph(g, 3))
    expect(pruneToWindow(g, 2).nodes.map((n) => n.seq)).toEqual([3, 4])
  })

  it('property: random appends, shortcuts and prunes keep every invariant and only shift right', () => {
    type Op =
      | { kind: 'append'; bytes: number }
      | { kind: 'prune'; back: number }
      | { kind: 'shortcut'; a: number; b: number }
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), bytes: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ kind: fc.constant('prune' as const), back: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ kind: fc.constant('shortcut' as const), a: fc.nat(20), b: fc.nat(20) })
    )
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        let g = emptyGraph('r')
        for (const o of ops) {
          const before = g
          if (o.kind === 'append') {
            g = appendVersion(g, {
              tag: `t${endSeq(g) + 1}`,
              snapshot: snap(4000),
              incremental: g.nodes.length ? patch(o.bytes) : undefined,
            })
          } else if (o.kind === 'prune' && g.nodes.length) {
            g = pruneGraph(g, endSeq(g) - o.back)
          } else if (o.kind === 'shortcut' && g.nodes.length) {
            const from = startSeq(g) + (o.a % g.nodes.length)
            const to = from + 2 + (o.b % 4)
            if (to <= endSeq(g)) g = addShortcut(g, from, to, patch(o.b + 1))
          }
          expect(checkGraphInvariants(g)).toEqual([])
          expect(checkRightShift(before, g)).toEqual([])
          if (g.nodes.length) {
            // the recommendation is always a servable edge or the long-poll edge
            for (const from of [0, startSeq(g), endSeq(g)]) {
              const rec = recommendNextEdge(g, from)
              const d = classifyEdgeRequest(g, rec['seq-i'], rec['seq-j'])
              expect(
                d.action === 'serve' || (d.action === 'hold' && rec['seq-i'] === endSeq(g))
              ).toBe(true)
            }
          }
        }
      }),
      { seed: 42, numRuns: 300 }
    )
  })

  it('checkRightShift flags left moves', () => {
    expect(checkRightShift(pruneGraph(linearGraph(4), 3), linearGraph(4))).toEqual([
      'right shift: start-seq 3 → 1',
    ])
    expect(checkRightShift(linearGraph(4), linearGraph(3))).toEqual(['right shift: end-seq 4 → 3'])
  })
})

describe('classifyEdgeRequest', () => {
  // versions 3..6 kept (1, 2 pruned)
  const g = pruneGraph(linearGraph(6), 3)

  it('200 serve: existing snapshot and incremental edges', () => {
    expect(classifyEdgeRequest(g, 0, 3)).toMatchObject({
      action: 'serve',
      status: 200,
      edge: { kind: 'snapshot' },
    })
    expect(classifyEdgeRequest(g, 0, 6)).toMatchObject({
      action: 'serve',
      edge: { from: 0, to: 6 },
    })
    expect(classifyEdgeRequest(g, 5, 6)).toMatchObject({
      action: 'serve',
      edge: { kind: 'incremental', mediaType: MEDIA_TYPES.mergePatch },
    })
  })

  it('410 Gone: a seq below start-seq', () => {
    expect(classifyEdgeRequest(g, 2, 3)).toMatchObject({ action: 'reject', status: 410 })
    expect(classifyEdgeRequest(g, 1, 2)).toMatchObject({ status: 410 })
    expect(classifyEdgeRequest(g, 0, 2)).toMatchObject({ status: 410 })
    expect(classifyEdgeRequest(g, 1, 5)).toMatchObject({ status: 410 })
  })

  it('404: malformed, or an edge that does not and will not exist', () => {
    expect(classifyEdgeRequest(g, 4, 4)).toMatchObject({ status: 404 })
    expect(classifyEdgeRequest(g, 5, 4)).toMatchObject({ status: 404 })
    expect(classifyEdgeRequest(g, -1, 4)).toMatchObject({ status: 404 })
    expect(classifyEdgeRequest(g, 1.5, 4)).toMatchObject({ status: 404 })
    expect(classifyEdgeRequest(g, 3, 5)).toMatchObject({ status: 404 }) // no shortcut stored
    expect(classifyEdgeRequest(g, 5, 7)).toMatchObject({ status: 404 }) // future shortcut
    expect(classifyEdgeRequest(emptyGraph('r'), 0, 1)).toMatchObject({ status: 404 })
  })

  it('hold (long poll): end → end+1 and 0 → end+1 inside the window', () => {
    expect(classifyEdgeRequest(g, 6, 7)).toEqual(
      expect.objectContaining({ action: 'hold', status: 200, untilEndSeq: 7 })
    )
    expect(classifyEdgeRequest(g, 0, 7)).toMatchObject({ action: 'hold', untilEndSeq: 7 })
    expect(classifyEdgeRequest(g, 7, 8, { longPollWindow: 2 })).toMatchObject({
      action: 'hold',
      untilEndSeq: 8,
    })
    expect(classifyEdgeRequest(g, 5, 7, { futureShortcuts: true })).toMatchObject({
      action: 'hold',
    })
  })

  it('425 Too Early: beyond the long-poll window', () => {
    expect(classifyEdgeRequest(g, 7, 8)).toMatchObject({ action: 'reject', status: 425 })
    expect(classifyEdgeRequest(g, 0, 9)).toMatchObject({ status: 425 })
    expect(classifyEdgeRequest(g, 6, 7, { longPollWindow: 0 })).toMatchObject({ status: 425 })
  })

  it('property: in-range requests are served exactly when the edge exists', () => {
    const h = addShortcut(g, 3, 6, patch(10))
    for (let i = 0; i <= 8; i++) {
      for (let j = i + 1; j <= 9; j++) {
        const d = classifyEdgeRequest(h, i, j)
        expect(d.action === 'serve').toBe(findEdge(h, i, j) !== undefined)
        if ((i !== 0 && i < 3) || j < 3) expect(d.status).toBe(410)
      }
    }
  })
})
