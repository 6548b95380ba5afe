/** Storage not (yet) readable: 503 with Retry-After, not an ALTO error and not a 500. */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { CURRENT_KEY } from '../../src/store/manifest.ts'
import { get, postFilteredNetworkMap } from './client.ts'

describe('no usable version in KV', () => {
  it('503 + Retry-After before anything is published', async () => {
    for (const res of [await get('/directory'), await postFilteredNetworkMap('x', { pids: [] })]) {
      expect(res.status).toBe(503)
      expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
      expect(res.headers.get('Cache-Control')).toBe('no-store')
    }
  })

  it('503 when the pointer names a manifest that is missing or corrupt', async () => {
    await env.ALTO_KV.put(
      CURRENT_KEY,
      JSON.stringify({ version: 'v9', seq: 9, manifest: 'manifest/v9' })
    )
    expect((await get('/directory')).status).toBe(503)
    await env.ALTO_KV.put('manifest/v9', '{"format":1}')
    expect((await get('/directory')).status).toBe(503)
    await env.ALTO_KV.put(CURRENT_KEY, 'not json')
    expect((await get('/directory')).status).toBe(503)
  })

  it('the health check does not need KV', async () => {
    expect((await get('/health')).status).toBe(200)
  })
})
