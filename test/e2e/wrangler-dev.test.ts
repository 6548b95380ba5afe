/**
 * Black-box conformance run: starts `wrangler dev` exactly the way `npm start` does
 * (scripts/start.ts: compile maps/ → publish to local KV through wrangler → wrangler dev), then
 * exercises every resource the IRD announces over real HTTP on 127.0.0.1.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { root, startDevServer, type DevServer } from './server.ts'

let server: DevServer
let base = ''

interface IrdEntry {
  uri: string
  'media-type': string
  accepts?: string
  capabilities?: Record<string, unknown>
  uses?: string[]
}
let ird: { meta: Record<string, unknown>; resources: Record<string, IrdEntry> }

beforeAll(async () => {
  server = await startDevServer()
  base = server.base
  const res = await fetch(`${base}/directory`, {
    headers: { accept: 'application/alto-directory+json' },
  })
  ird = (await res.json()) as typeof ird
})

afterAll(() => server?.stop())

const url = (uri: string) => new URL(uri, `${base}/directory`).toString()

describe('npm start → wrangler dev, over HTTP', () => {
  it('serves the IRD with the ALTO media type at /directory and / (Accept)', async () => {
    const res = await fetch(`${base}/`, { headers: { accept: 'application/alto-directory+json' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/alto-directory+json')
    expect(ird.meta['default-alto-network-map']).toBe('my-default-network-map')
    expect(Object.keys(ird.resources).length).toBeGreaterThanOrEqual(10)
  })

  it('answers every GET resource with its media type, a strong ETag and 304 on revalidation', async () => {
    const gets = Object.entries(ird.resources).filter(([, e]) => !e.accepts)
    expect(gets.length).toBeGreaterThan(3)
    for (const [id, entry] of gets) {
      const res = await fetch(url(entry.uri), {
        headers: { accept: `${entry['media-type']},application/alto-error+json` },
      })
      expect(res.status, id).toBe(200)
      expect(res.headers.get('content-type'), id).toBe(entry['media-type'])
      const etag = res.headers.get('etag')
      expect(etag, id).toMatch(/^"[\x21\x23-\x7e]+"$/)
      const body = (await res.json()) as { meta: Record<string, unknown> }
      expect(body.meta, id).toBeTypeOf('object')
      const again = await fetch(url(entry.uri), { headers: { 'if-none-match': etag! } })
      expect(again.status, id).toBe(304)
      expect(again.headers.get('etag'), id).toBe(etag)
    }
  })

  it('answers every POST resource', async () => {
    const updateServices = new Set(['application/alto-tips+json', 'text/event-stream'])
    const posts = Object.entries(ird.resources).filter(
      ([, e]) => e.accepts && !updateServices.has(e['media-type'])
    )
    for (const [id, entry] of posts) {
      const body = samplePostBody(entry)
      const res = await fetch(url(entry.uri), {
        method: 'POST',
        headers: {
          'content-type': entry.accepts!,
          accept: `${entry['media-type']},application/alto-error+json`,
        },
        body: JSON.stringify(body),
      })
      const text = await res.text()
      expect(res.status, `${id}: ${text}`).toBe(200)
      if (entry['media-type'].startsWith('multipart/related;')) {
        // RFC 9275 §6.6: two parts, boundary and start parameters (test/worker/path-vector.test.ts).
        const type = entry['media-type'].slice('multipart/related;'.length)
        expect(res.headers.get('content-type'), id).toMatch(/^multipart\/related; boundary=/)
        expect(res.headers.get('content-type'), id).toContain(type.replace('=', '="'))
        expect(text.match(/^Content-ID: /gm), id).toHaveLength(2)
        continue
      }
      expect(res.headers.get('content-type'), id).toBe(entry['media-type'])
      expect(JSON.parse(text).meta, id).toBeTypeOf('object')
    }
  })

  it('answers the IETF-93 interop ECS request with the interop routingcost map', async () => {
    const entry = ird.resources['my-default-network-map-endpoint-cost']
    const req = readFileSync(join(root, 'maps/interop-ietf93/epcs_req2.json'), 'utf8')
    const res = await fetch(url(entry.uri), {
      method: 'POST',
      headers: { 'content-type': 'application/alto-endpointcostparams+json' },
      body: req,
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      'endpoint-cost-map': Record<string, Record<string, number>>
    }
    // 100.0.0.128 → mine1a? no: 100.0.0.0/24 is not in mine1a (100.0.1.0/24 is), so mine1 (/10);
    // 100.131.39.11 → mine3 (100.128.0.0/10). Costs from routingcost-costmap.json.
    expect(body['endpoint-cost-map']['ipv4:100.0.0.128']['ipv4:100.0.1.100']).toBe(2) // mine1 → mine1a
    expect(body['endpoint-cost-map']['ipv4:100.131.39.11']['ipv4:130.0.1.100']).toBe(25) // mine3 → peer1
  })

  it('opens a TIPS view whose snapshot edge equals the full network map', async () => {
    const tips = ird.resources['tips']
    const open = await fetch(url(tips.uri), {
      method: 'POST',
      headers: {
        'content-type': tips.accepts!,
        accept: 'application/alto-tips+json,application/alto-error+json',
      },
      body: JSON.stringify({ 'resource-id': 'my-default-network-map' }),
    })
    expect(open.status, await open.clone().text()).toBe(200)
    expect(open.headers.get('content-type')).toBe('application/alto-tips+json')
    const view = (await open.json()) as {
      'tips-view-uri': string
      'tips-view-summary': { 'updates-graph-summary': { 'start-seq': number; 'end-seq': number } }
    }
    const { 'end-seq': end } = view['tips-view-summary']['updates-graph-summary']
    expect(end).toBeGreaterThanOrEqual(1)
    const edge = await fetch(url(`${view['tips-view-uri']}/ug/0/${end}`))
    expect(edge.status).toBe(200)
    expect(edge.headers.get('cache-control')).toContain('immutable')
    const full = await fetch(url(ird.resources['my-default-network-map'].uri))
    expect(await edge.json()).toEqual(await full.json())
    // RFC 9569 §7.3: a seq beyond the long-poll window is 425 (Too Early); an edge that can
    // never exist (i >= j) is 404 — never a 5xx.
    const future = await fetch(url(`${view['tips-view-uri']}/ug/${end + 5}/${end + 6}`))
    expect(future.status).toBe(425)
    const never = await fetch(url(`${view['tips-view-uri']}/ug/${end}/0`))
    expect(never.status).toBe(404)
  })

  it('streams full data first on an ALTO/SSE update stream', async () => {
    const stream = ird.resources['update-stream']
    const controller = new AbortController()
    const res = await fetch(url(stream.uri), {
      method: 'POST',
      headers: {
        'content-type': stream.accepts!,
        accept: 'text/event-stream,application/alto-error+json',
      },
      body: JSON.stringify({ add: { net: { 'resource-id': 'rfc-example-network-map' } } }),
      signal: controller.signal,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('application/alto-networkmap+json,net')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    controller.abort()
    expect(text).toContain('event: application/alto-updatestreamcontrol+json')
    expect(text).toContain('event: application/alto-networkmap+json,net')
    expect(text).toContain('"resource-id":"rfc-example-network-map"')
  })

  it('rejects bad input with an ALTO error, never a 5xx', async () => {
    const entry = ird.resources['my-default-network-map-costmap-filtered']
    const res = await fetch(url(entry.uri), {
      method: 'POST',
      headers: { 'content-type': entry.accepts! },
      body: '{"cost-type":',
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/alto-error+json')
    expect(((await res.json()) as { meta: { code: string } }).meta.code).toBe('E_SYNTAX')
  })
})

function samplePostBody(entry: IrdEntry): unknown {
  const names = (entry.capabilities?.['cost-type-names'] as string[] | undefined) ?? []
  const types = ird.meta['cost-types'] as Record<
    string,
    { 'cost-mode': string; 'cost-metric': string }
  >
  switch (entry.accepts) {
    case 'application/alto-networkmapfilter+json':
      return { pids: [] }
    case 'application/alto-costmapfilter+json':
      return { 'cost-type': types[names[0]] }
    case 'application/alto-endpointpropparams+json':
      return {
        properties: (entry.capabilities?.['prop-types'] as string[]).slice(0, 3),
        endpoints: ['ipv4:192.0.2.34', 'ipv6:2001:db8::1', 'ipv4:100.0.1.7'],
      }
    case 'application/alto-endpointcostparams+json':
      return {
        'cost-type': types[names[0]],
        endpoints: {
          srcs: ['ipv4:192.0.2.2'],
          dsts: ['ipv4:192.0.2.89', 'ipv6:2001:db8::1', 'ipv4:100.0.1.7'],
        },
      }
    case 'application/alto-propmapparams+json': {
      // RFC 9240 §8.3: one address per mapped address domain, every property.
      const domains = Object.keys(entry.capabilities?.mappings as Record<string, string[]>)
      return {
        entities: [
          ...(domains.includes('ipv4') ? ['ipv4:192.0.2.34', 'ipv4:192.0.2.0/24'] : []),
          ...(domains.includes('ipv6') ? ['ipv6:2001:db8::1'] : []),
        ],
        properties: [],
      }
    }
    case 'application/alto-cdnifilter+json':
      // RFC 9241 §5.3: an empty capability list selects every object.
      return { 'cdni-capabilities': [] }
    default:
      throw new Error(`no sample body for ${entry.accepts}`)
  }
}
