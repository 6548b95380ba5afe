/**
 * Overload (issue #5 item 5): per-client rate limiting with the Workers Rate Limiting binding
 * (`ALTO_RATE_LIMITER`, wrangler.toml `[[ratelimits]]`), answered 429 (or 503) + `Retry-After`.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { digestHex } from '../../src/worker/auth/digest.ts'
import type { Env } from '../../src/worker/env.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-11-26T18:00:00.000Z' })
})

/** A limiter allowing `allowed` requests per key, recording the keys it was asked about. */
function countingLimiter(allowed: number): { limiter: RateLimit; keys: string[] } {
  const keys: string[] = []
  const counts = new Map<string, number>()
  const limiter = {
    limit: async ({ key }: { key: string }) => {
      keys.push(key)
      const n = (counts.get(key) ?? 0) + 1
      counts.set(key, n)
      return { success: n <= allowed }
    },
  }
  return { limiter, keys }
}

const call = (headers: Record<string, string>, overrides: Partial<Env>, path = '/directory') =>
  worker.fetch(
    new Request(`${ORIGIN}${path}`, { headers }),
    { ...env, ...overrides },
    testExecutionContext()
  )

describe('rate limiting', () => {
  it('the wrangler.toml binding is available in workerd', async () => {
    const binding = (env as unknown as Env).ALTO_RATE_LIMITER
    expect(binding).toBeDefined()
    expect(typeof (await binding!.limit({ key: 'probe' })).success).toBe('boolean')
  })

  it('the real binding refuses the request after the configured limit from one address: 429 + Retry-After', async () => {
    const ip = { 'CF-Connecting-IP': '192.0.2.200' }
    const limit = 1000 // wrangler.toml [ratelimits.simple] limit (per 10 s)
    // Windows are aligned to the wall clock: if one rolls over during the loop, the requests
    // before the rollover are forgiven, so the first 429 comes after `limit` to `2 × limit`.
    let first429 = -1
    let refused: Response | null = null
    for (let i = 0; i <= 2 * limit + 1 && !refused; i++) {
      const res = await call(ip, {}, '/not-a-route')
      if (res.status === 429) [first429, refused] = [i, res]
      else await res.arrayBuffer()
    }
    expect(first429).toBeGreaterThanOrEqual(limit)
    expect(first429).toBeLessThanOrEqual(2 * limit)
    expect(refused!.headers.get('Retry-After')).toBe(env.ALTO_RATE_LIMIT_PERIOD)
    expect(refused!.headers.get('Content-Type')).toMatch(/^text\/plain/)
    // Another address is unaffected.
    expect((await call({ 'CF-Connecting-IP': '192.0.2.201' }, {})).status).toBe(200)
  })

  it('keys: client address, IPv6 by /64, the authenticated client; none in local runs', async () => {
    const { limiter, keys } = countingLimiter(1)
    const overrides = { ALTO_RATE_LIMITER: limiter }
    expect((await call({ 'CF-Connecting-IP': '198.51.100.7' }, overrides)).status).toBe(200)
    expect((await call({ 'CF-Connecting-IP': '198.51.100.7' }, overrides)).status).toBe(429)
    expect((await call({ 'CF-Connecting-IP': '2001:db8:1:2::1' }, overrides)).status).toBe(200)
    expect((await call({ 'CF-Connecting-IP': '2001:db8:1:2:ffff::9' }, overrides)).status).toBe(429) // same /64
    expect((await call({ 'CF-Connecting-IP': '2001:db8:1:3::1' }, overrides)).status).toBe(200)
    // No client identity, or loopback (only local runs: wrangler dev, benchmarks): not limited.
    const locals: Record<string, string>[] = [
      {},
      { 'CF-Connecting-IP': '127.0.0.1' },
      { 'CF-Connecting-IP': '::1' },
    ]
    for (const local of locals) {
      expect((await call(local, overrides)).status).toBe(200)
      expect((await call(local, overrides)).status).toBe(200)
    }
    expect(keys).toEqual([
      'ip:198.51.100.7',
      'ip:198.51.100.7',
      'ip6:20010db8:10002::/64',
      'ip6:20010db8:10002::/64',
      'ip6:20010db8:10003::/64',
    ])

    const token = 'tok_rate_limit_test_0123456789'
    const clients = JSON.stringify([
      { name: 'cdn-r', 'token-sha256': await digestHex('SHA-256', token), resources: '*' },
    ])
    const authed = { ...overrides, ALTO_AUTH: 'bearer', ALTO_CLIENTS: clients }
    // The client's name is the key, whatever address it comes from.
    expect(
      (await call({ Authorization: `Bearer ${token}`, 'CF-Connecting-IP': '203.0.113.1' }, authed))
        .status
    ).toBe(200)
    expect(
      (await call({ Authorization: `Bearer ${token}`, 'CF-Connecting-IP': '203.0.113.2' }, authed))
        .status
    ).toBe(429)
    expect(keys.slice(-2)).toEqual(['client:cdn-r', 'client:cdn-r'])
  })

  it('503 instead of 429 when configured; off disables; a failing limiter lets requests through', async () => {
    const ip = { 'CF-Connecting-IP': '198.51.100.8' }
    const { limiter } = countingLimiter(0)
    const res = await call(ip, {
      ALTO_RATE_LIMITER: limiter,
      ALTO_RATE_LIMIT: '503',
      ALTO_RATE_LIMIT_PERIOD: '60',
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('60')
    expect((await call(ip, { ALTO_RATE_LIMITER: limiter, ALTO_RATE_LIMIT: 'off' })).status).toBe(
      200
    )
    expect((await call(ip, { ALTO_RATE_LIMITER: undefined })).status).toBe(200)
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const broken = { limit: async () => Promise.reject(new Error('limiter down')) }
    expect((await call(ip, { ALTO_RATE_LIMITER: broken })).status).toBe(200)
    expect(String(log.mock.calls[0][0])).toMatch(/^alto-edge: rate limiter failed/)
    expect(String(log.mock.calls[0][0])).not.toContain('198.51.100.8')
    log.mockRestore()
  })

  it('/health is never limited', async () => {
    const { limiter, keys } = countingLimiter(0)
    expect(
      (
        await call(
          { 'CF-Connecting-IP': '198.51.100.9' },
          { ALTO_RATE_LIMITER: limiter },
          '/health'
        )
      ).status
    ).toBe(200)
    expect(keys).toEqual([])
  })
})
