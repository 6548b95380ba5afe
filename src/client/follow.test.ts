import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { sleep } from './follow.ts'

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
