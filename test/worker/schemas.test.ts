/** `GET /schemas/` and `/schemas/<name>.json` from the Worker: public, cached, revalidated. */
import { describe, expect, it } from 'vitest'
import generated from '../../src/alto/schemas.generated.json' with { type: 'json' }
import { get } from './client.ts'

describe('JSON Schemas served by the Worker', () => {
  it('the index lists every schema, each served as application/schema+json with a strong ETag', async () => {
    const res = await get('/schemas/')
    expect(res.status).toBe(200)
    const index = (await res.json()) as { schemas: { name: string; path: string }[] }
    expect(index.schemas.length).toBe(Object.keys(generated.schemas).length)
    for (const { name, path } of index.schemas) {
      const one = await get(path)
      expect(one.status, path).toBe(200)
      expect(one.headers.get('Content-Type')).toBe('application/schema+json')
      expect(await one.json()).toEqual((generated.schemas as Record<string, unknown>)[name])
      const etag = one.headers.get('ETag')!
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
      expect((await get(path, { 'If-None-Match': etag })).status).toBe(304)
    }
  })

  it('an unknown schema is 404 naming the index', async () => {
    const res = await get('/schemas/alto-nothing.json')
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('/schemas/')
  })
})
