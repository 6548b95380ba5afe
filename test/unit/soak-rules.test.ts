/**
 * The soak's judges (bench/soak): they must see a mixed-version answer and a lost or reordered
 * update when there is one — otherwise a green soak proves nothing.
 */
import { describe, expect, it } from 'vitest'
import { judgeSubscribers, type Subscriber } from '../../bench/soak/subscribers.ts'
import { judge, type Observation } from '../../bench/soak/variants.ts'

const nmOdd: Observation = { kind: 'networkmap', tag: 'odd', odd: true }
const nmEven: Observation = { kind: 'networkmap', tag: 'even', odd: false }

describe('mixed-version rules', () => {
  it('accepts answers whose parts come from one version', () => {
    const v = judge([
      nmOdd,
      nmEven,
      { kind: 'costmap', tag: 'odd', cost: 101 },
      { kind: 'filtered', tag: 'even', cost: 102 },
      { kind: 'endpointcost', toPid2: 101, toExtra: 101 },
      { kind: 'endpointcost', toPid2: 102, toExtra: 10 },
      { kind: 'endpointprop', tag: 'odd', extraPid: 'PID2' },
      { kind: 'endpointprop', tag: 'even', extraPid: 'PID3' },
    ])
    expect(v).toMatchObject({ checked: 8, mixed: 0, unknownTag: 0 })
  })
  it('finds each kind of mixed answer', () => {
    const v = judge([
      nmOdd,
      nmEven,
      { kind: 'networkmap', tag: 'odd', odd: false },
      { kind: 'costmap', tag: 'odd', cost: 102 },
      { kind: 'filtered', tag: 'even', cost: 103 },
      { kind: 'endpointcost', toPid2: 101, toExtra: 10 },
      { kind: 'endpointcost', toPid2: 102, toExtra: 102 },
      { kind: 'endpointprop', tag: 'odd', extraPid: 'PID3' },
      { kind: 'costmap', tag: 'never-seen', cost: 101 },
    ])
    expect(v.mixed).toBe(6)
    expect(v.unknownTag).toBe(1)
  })
})

const sub = (via: 'tips' | 'sse', costs: number[], edges?: [number, number][]): Subscriber => ({
  via,
  received: costs.map((cost, i) => ({
    cost,
    at: i,
    kind: i ? 'merge-patch' : 'snapshot',
    edge: edges && { from: edges[i][0], to: edges[i][1] },
  })),
  errors: [],
  status: {},
  ready: Promise.resolve(),
})

describe('update rules', () => {
  const sequence = [100, 101, 102, 101, 104]
  it('accepts every version in order (a rollback revisits a cost)', () => {
    const v = judgeSubscribers(
      [
        sub('sse', sequence),
        sub('tips', sequence, [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
        ]),
      ],
      sequence
    )
    expect(v).toMatchObject({ missed: 0, outOfOrder: 0, seqGaps: 0 })
  })
  it('counts a missed version, a stop short of the end, a reorder and a TIPS seq gap', () => {
    expect(judgeSubscribers([sub('sse', [100, 101, 101, 104])], sequence).missed).toBe(1)
    expect(judgeSubscribers([sub('sse', [100, 101])], sequence).missed).toBe(3)
    expect(judgeSubscribers([sub('sse', [100, 102, 101])], sequence).outOfOrder).toBe(1)
    const gap = judgeSubscribers(
      [
        sub(
          'tips',
          [100, 101, 102],
          [
            [0, 1],
            [1, 2],
            [3, 4],
          ]
        ),
      ],
      [100, 101, 102]
    )
    expect(gap.seqGaps).toBe(1)
  })
})
