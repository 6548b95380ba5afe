/** docs/client.md's Worker example, run in workerd against this Worker as its service binding. */
import { env, exports } from 'cloudflare:workers'
import { beforeAll, expect, it } from 'vitest'
import example from '../../docs/examples/worker.ts'
import { compileRealMapSet, publish } from './map-set.ts'

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-11-26T18:00:00.000Z' })
})

it('docs/examples/worker.ts ranks the mirrors for a visitor', async () => {
  const binding = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(input, init),
  }
  const res = await example.fetch(
    new Request('https://mirrors.example/', { headers: { 'CF-Connecting-IP': '198.51.100.140' } }),
    { ALTO: binding }
  )
  expect(await res.json()).toEqual({
    visitor: 'ipv4:198.51.100.140',
    mirrors: ['ipv4:198.51.100.130', 'ipv4:192.0.2.77', 'ipv4:203.0.113.9'], // PID2, PID1, PID3
  })
})
