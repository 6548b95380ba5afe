import { env, exports } from 'cloudflare:workers'
import { expect, it } from 'vitest'

it('serves /health and has KV', async () => {
  await env.ALTO_KV.put('k', 'v')
  expect(await env.ALTO_KV.get('k')).toBe('v')
  const res = await exports.default.fetch('http://x/health')
  expect(await res.text()).toBe('ok')
})
