/**
 * @module Soak subscribers: clients of the alto-edge client library (src/client) following the
 * example cost map through TIPS (RFC 9569) or ALTO/SSE (RFC 8895). Each records the cost
 * PID1 → PID2 of every body it holds (the content number of the version, variants.ts) with the
 * time it arrived, and for TIPS the edge that carried it, so the run can check that every
 * subscriber saw every version in order (none missed, none twice, no gap in the seqs).
 */
import { setMaxListeners } from 'node:events'
import { AltoClient, Transport } from '../../src/client/index.ts'
import { CM } from './variants.ts'

export interface Received {
  cost: number
  at: number
  edge?: { from: number; to: number }
  kind: 'snapshot' | 'merge-patch'
}

export interface Subscriber {
  via: 'tips' | 'sse'
  received: Received[]
  /** Failures that ended a follow (the subscriber then starts a new one). */
  errors: string[]
  /** Status code → count of the subscriber's requests (503s make it wait `Retry-After`). */
  status: Record<number, number>
  /** Resolves when the first body arrived. */
  ready: Promise<void>
}

/**
 * Starts `count` subscribers of each kind in `vias` on one shared client (one IRD read); each
 * follows until `signal` aborts, restarting a follow that failed (recorded in `errors`).
 */
export async function startSubscribers(
  base: string,
  vias: ('tips' | 'sse')[],
  count: number,
  signal: AbortSignal
): Promise<Subscriber[]> {
  // Every follow's pending request listens on the one signal: thousands of listeners are expected.
  setMaxListeners(0, signal)
  const subs: Subscriber[] = []
  const directory = await AltoClient.discover(`${base}/directory`, { cacheEntries: 0 })
  for (const via of vias) {
    for (let i = 0; i < count; i++) {
      let markReady!: () => void
      const s: Subscriber = {
        via,
        received: [],
        errors: [],
        status: {},
        ready: new Promise((r) => (markReady = r)),
      }
      const client = new AltoClient(
        new Transport({
          cacheEntries: 0,
          fetch: async (input, init) => {
            const res = await fetch(input, init)
            s.status[res.status] = (s.status[res.status] ?? 0) + 1
            return res
          },
        }),
        directory.directory
      )
      subs.push(s)
      void (async () => {
        while (!signal.aborted) {
          try {
            for await (const ev of client.follow(CM, { via, signal })) {
              if (ev.type !== 'update') continue
              const body = ev.body as { 'cost-map': Record<string, Record<string, number>> }
              s.received.push({
                cost: body['cost-map'].PID1.PID2,
                at: Date.now(),
                edge: ev.edge,
                kind: ev.kind,
              })
              markReady()
            }
          } catch (e) {
            if (signal.aborted) break
            s.errors.push((e as Error).message.slice(0, 200))
            await new Promise((r) => setTimeout(r, 1000))
          }
        }
      })()
    }
  }
  return subs
}

export interface SubscriberVerdict {
  subscribers: number
  /** Versions published after a subscriber's first body that it never received. */
  missed: number
  /** Bodies that were not the next version (out of order, repeated, or unknown). */
  outOfOrder: number
  /** TIPS: edges that did not continue from the previous one (`from` ≠ previous `to`). */
  seqGaps: number
  /** Follows that failed and were restarted. */
  restarts: number
  /** Status code → count of the subscribers' requests, per update service. */
  status: Record<string, Record<number, number>>
  examples: string[]
}

/**
 * Compares what each subscriber received with `sequence`, the costs of the versions in the order
 * they became current (`sequence[0]` current when the subscribers started).
 */
export function judgeSubscribers(subs: Subscriber[], sequence: number[]): SubscriberVerdict {
  const v: SubscriberVerdict = {
    subscribers: subs.length,
    missed: 0,
    outOfOrder: 0,
    seqGaps: 0,
    restarts: 0,
    status: {},
    examples: [],
  }
  const note = (s: string) => v.examples.length < 10 && v.examples.push(s)
  subs.forEach((s, n) => {
    v.restarts += s.errors.length
    const st = (v.status[s.via] ??= {})
    for (const [code, n] of Object.entries(s.status)) st[+code] = (st[+code] ?? 0) + n
    if (s.errors.length) note(`${s.via}#${n}: ${s.errors[0]}`)
    let at = sequence.indexOf(s.received[0]?.cost ?? NaN)
    if (at < 0) {
      v.missed += sequence.length
      note(`${s.via}#${n}: first body ${s.received[0]?.cost} is no published version`)
      return
    }
    const startAt = at
    let lastEdge = s.received[0].edge
    for (const r of s.received.slice(1)) {
      if (r.cost !== sequence[at + 1]) {
        v.outOfOrder++
        note(`${s.via}#${n}: got ${r.cost} after ${sequence[at]}, expected ${sequence[at + 1]}`)
        const found = sequence.indexOf(r.cost, at + 1)
        if (found < 0) continue
        v.missed += found - at - 1
        at = found
      } else at++
      if (s.via === 'tips' && r.edge && lastEdge && r.edge.from !== lastEdge.to) {
        v.seqGaps++
        note(
          `${s.via}#${n}: edge ${r.edge.from}→${r.edge.to} after ${lastEdge.from}→${lastEdge.to}`
        )
      }
      lastEdge = r.edge
    }
    v.missed += sequence.length - 1 - at
    if (at < sequence.length - 1)
      note(`${s.via}#${n}: stopped at ${sequence[at]} (from ${startAt})`)
  })
  return v
}
