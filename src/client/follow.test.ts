import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { follow, sleep, type UpdateEvent } from './follow.ts'
import { Transport } from './http.ts'

describe('follow: waiting between polls', () => {
  it('leaves no abort listener behind when the wait ends (a long follower waits thousands of times)', async () => {
    const signal = new AbortController().signal
    for (let i = 0; i < 50; i++) await sleep(0, signal)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })
  it('ends early when the signal aborts', async () => {
    const ac = new AbortController()
    const started = Date.now()
    const waiting = sleep(60_000, ac.signal)
    ac.abort()
    await waiting
    expect(Date.now() - started).toBeLessThan(30_000)
  })
})

describe('follow: an earlier update is never changed by a later one (RFC 8895 §6.7, RFC 7396)', () => {
  const sseOf = (events: [string, unknown][]) =>
    new Response(
      events
        .map(([type, data]) => `event: ${type},watch\ndata: ${JSON.stringify(data)}\n\n`)
        .join(''),
      { headers: { 'Content-Type': MEDIA_TYPES.eventStream } }
    )
  const first = {
    meta: { 'dependent-vtags': [{ 'resource-id': 'nm', tag: 'v1' }] },
    'cost-map': { A: { A: 1, B: 5 }, B: { A: 5, B: 1 } },
  }
  const patch = {
    meta: { 'dependent-vtags': [{ 'resource-id': 'nm', tag: 'v2' }] },
    'cost-map': { A: { B: 7 }, B: null },
  }

  it('keeps the first body as delivered after a merge patch, and the new body is patched', async () => {
    const transport = new Transport({
      fetch: async () =>
        sseOf([
          [MEDIA_TYPES.costMap, first],
          [MEDIA_TYPES.mergePatch, patch],
        ]),
    })
    const updates: UpdateEvent[] = []
    for await (const e of follow(transport, 'https://alto.test/updates', 'cm', { via: 'sse' }))
      if (e.type === 'update') updates.push(e)
    expect(updates.map((u) => [u.kind, u.tag])).toEqual([
      ['snapshot', 'v1'],
      ['merge-patch', 'v2'],
    ])
    expect(updates[0].body).toEqual(first)
    expect(updates[1].body).toEqual({
      meta: { 'dependent-vtags': [{ 'resource-id': 'nm', tag: 'v2' }] },
      'cost-map': { A: { A: 1, B: 7 } },
    })
  })
})
