/**
 * The short soak in `npm test` (issue #14; `npm run soak` is the ten-minute run): mixed load
 * against `wrangler dev` on 127.0.0.1 while versions are published and rolled back with the
 * publish hook and 2 % of the request path's KV reads fail; then a few hundred update
 * subscribers learning of one publish. Every rule of bench/soak/soak.ts must hold.
 */
import { describe, expect, it } from 'vitest'
import { runScale, runSoak } from '../../bench/soak/soak.ts'

describe('soak (issue #14)', () => {
  it('mixed load + publishes, a rollback and KV faults: no 5xx but explained 503s, no mixed versions, no lost updates', async () => {
    const s = await runSoak({
      durationSeconds: 45,
      stepSeconds: 10,
      workers: 3,
      subscribers: 3,
      faultRate: 0.02,
      maxRequests: 50_000,
    })
    // On failure the message carries the subscribers' verdict (examples of what went wrong).
    expect(s.broken, JSON.stringify(s.subscribers)).toEqual([])
    // The run did what it claims: answers checked, versions changed (a rollback among them),
    // faults injected, subscribers on both services followed every version.
    expect(s.mixedVersions.checked).toBeGreaterThan(100)
    expect(s.steps.filter((x) => x.action === 'rollback').length).toBeGreaterThanOrEqual(1)
    expect(s.steps.length).toBeGreaterThanOrEqual(3)
    expect(s.faults.injected).toBeGreaterThan(0)
    expect(s.subscribers.subscribers).toBe(6)
    expect(s.subscribers.missed).toBe(0)
    expect(s.subscribers.behindAtEnd).toBe(0)
  }, 300_000)

  it('200 ALTO/SSE streams and 200 TIPS long polls all learn of a publish within 5 s', async () => {
    const s = await runScale(200)
    expect(s.broken).toEqual([])
    expect(s.rows.map((r) => r.subscribers)).toEqual([200, 200])
  }, 300_000)
})
