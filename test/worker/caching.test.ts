/**
 * Load reduction and HTTP caching: ETag/304 decided from pointer + manifest only, Last-Modified,
 * Cache-Control, HEAD, CORS, edge cache; and the IRD derived from the manifest.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import worker from '../../src/worker/index.ts'
import { clearTableCache } from '../../src/worker/tables.ts'
import { ORIGIN, get, post } from './client.ts'
import {
  compileRealMapSet,
  exampleVariant,
  publish,
  recordingKv,
  testExecutionContext,
} from './map-set.ts'

const NM = 'rfc-example-network-map'
const CREATED = '2026-11-26T18:00:00.000Z'
let manifest: Manifest

beforeAll(async () => {
  // A cost no other test file uses: a version (and edge-cache keys) of this file only.
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(exampleVariant(7.25)), {
    created: CREATED,
  })
})

/** Calls the Worker with a KV binding that records the keys read. */
async function fetchRecording(path: string, init: RequestInit = {}) {
  const { kv, reads } = recordingKv(env.ALTO_KV)
  const ctx = testExecutionContext()
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...env, ALTO_KV: kv },
    ctx
  )
  return {
    res,
    reads,
    blobReads: reads.filter((key) => key.startsWith('blob/')),
    settled: ctx.settled,
  }
}

describe('ETag and conditional GET', () => {
  it('serves a strong ETag from the manifest, Last-Modified, Cache-Control and Vary', async () => {
    const res = await get(`/networkmap/${NM}`)
    expect(res.headers.get('ETag')).toBe(`"${manifest['network-maps'][NM].vtag}"`)
    expect(res.headers.get('Last-Modified')).toBe(new Date(CREATED).toUTCString())
    expect(res.headers.get('Cache-Control')).toMatch(
      new RegExp(`^public, max-age=${env.ALTO_MAX_AGE}\\b`)
    )
    expect(res.headers.get('Vary')).toBe('Accept')
    const cm = await get('/costmap/rfc-example-num-routingcost')
    expect(cm.headers.get('ETag')).toBe(
      `"${manifest['cost-maps']['rfc-example-num-routingcost'].tag}"`
    )
    expect((await get('/directory')).headers.get('ETag')).toBe(`"${manifest['ird-tag']}"`)
  })

  it('304 without reading any blob — only pointer and manifest', async () => {
    const id = 'rfc-example-ord-routingcost' // not requested before in this file
    const path = `/costmap/${id}`
    const etag = `"${manifest['cost-maps'][id].tag}"`
    // Control: the first full GET of this version's cost map does read its blob from KV.
    const full = await fetchRecording(path)
    expect(full.res.status).toBe(200)
    await full.res.arrayBuffer()
    expect(full.blobReads).toEqual([manifest['cost-maps'][id].json.key])

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      clearTableCache()
      const { res, reads, blobReads } = await fetchRecording(path, {
        headers: { 'If-None-Match': ifNoneMatch },
      })
      expect([ifNoneMatch, res.status]).toEqual([ifNoneMatch, 304])
      expect(res.headers.get('ETag')).toBe(etag)
      expect(res.headers.get('Cache-Control')).toMatch(/^public/)
      expect(await res.text()).toBe('')
      expect(blobReads).toEqual([])
      expect(reads.every((key) => key === 'current' || key.startsWith('manifest/'))).toBe(true)
    }
  })

  it('200 when If-None-Match names another tag; 304 on If-Modified-Since', async () => {
    const path = `/networkmap/${NM}`
    expect((await get(path, { 'If-None-Match': '"stale-tag"' })).status).toBe(200)
    expect((await get(path, { 'If-Modified-Since': new Date(CREATED).toUTCString() })).status).toBe(
      304
    )
    expect((await get(path, { 'If-Modified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' })).status).toBe(
      200
    )
  })

  it('a repeated full GET is answered from the edge cache (no blob read)', async () => {
    const path = '/networkmap/alt-network-map' // not requested before in this file
    const first = await fetchRecording(path)
    const firstBody = await first.res.text()
    expect(first.blobReads).toHaveLength(1)
    await first.settled() // the edge-cache write runs in waitUntil
    const second = await fetchRecording(path)
    expect(await second.res.text()).toBe(firstBody)
    expect(second.res.headers.get('ETag')).toBe(first.res.headers.get('ETag'))
    expect(second.blobReads).toEqual([])
  })

  it('HEAD answers the GET headers without a body', async () => {
    const res = await worker.fetch(
      new Request(`${ORIGIN}/networkmap/${NM}`, { method: 'HEAD' }),
      env,
      testExecutionContext()
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.networkMap)
    expect(res.headers.get('ETag')).toBe(`"${manifest['network-maps'][NM].vtag}"`)
    expect(Number(res.headers.get('Content-Length'))).toBe(manifest['network-maps'][NM].json.bytes)
    expect(await res.text()).toBe('')
  })

  it('errors and POST answers are not cacheable', async () => {
    expect((await get('/networkmap/nope')).headers.get('Cache-Control')).toBe('no-store')
    const res = await post(`/networkmap/${NM}/filtered`, MEDIA_TYPES.networkMapFilter, { pids: [] })
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })
})

describe('CORS', () => {
  it('allows any origin and exposes the validators', async () => {
    const res = await get(`/networkmap/${NM}`, { Origin: 'https://client.example' })
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('ETag')
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After')
  })

  it('answers a preflight', async () => {
    const res = await worker.fetch(
      new Request(`${ORIGIN}/endpointprop/lookup`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://client.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      }),
      env,
      testExecutionContext()
    )
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('POST')
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('content-type')
  })
})

describe('Information Resource Directory', () => {
  interface IrdEntry {
    uri: string
    'media-type': string
    accepts?: string
    capabilities?: Record<string, unknown>
    uses?: string[]
  }
  interface Ird {
    meta: { 'default-alto-network-map': string; 'cost-types': Record<string, unknown> }
    resources: Record<string, IrdEntry>
  }

  it('is derived from the manifest', async () => {
    const res = await get('/directory', { Accept: `${MEDIA_TYPES.directory},${MEDIA_TYPES.error}` })
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.directory)
    const ird = (await res.json()) as Ird
    expect(ird.meta['default-alto-network-map']).toBe(manifest['default-network-map'])
    // RFC 9275 §7.2.4: with a path table the PV cost type is defined too (docs/path-vector.md).
    const pv = manifest['path-vectors'] !== undefined ? ['path-vector'] : []
    expect(Object.keys(ird.meta['cost-types']).sort()).toEqual(
      [...Object.keys(manifest['cost-types']), ...pv].sort()
    )
    for (const nm of Object.keys(manifest['network-maps'])) {
      expect(ird.resources[nm]).toMatchObject({
        uri: `/networkmap/${nm}`,
        'media-type': MEDIA_TYPES.networkMap,
      })
    }
    for (const cm of Object.keys(manifest['cost-maps'])) {
      expect(ird.resources[cm]).toMatchObject({
        uri: `/costmap/${cm}`,
        'media-type': MEDIA_TYPES.costMap,
      })
    }
    expect(ird.resources['endpoint-property'].capabilities?.['prop-types']).toEqual(
      expect.arrayContaining([
        ...Object.keys(manifest['network-maps']).map((nm) => `${nm}.pid`),
        ...Object.keys(manifest.properties),
      ])
    )
  })

  it('every entry answers its implied method with its media type (§9.2.2), URIs resolved against the IRD', async () => {
    const irdUrl = `${ORIGIN}/directory`
    const ird = (await (await get('/directory')).json()) as Ird
    const minimalBody: Record<string, unknown> = {
      [MEDIA_TYPES.networkMapFilter]: { pids: [] },
      [MEDIA_TYPES.costMapFilter]: {
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      },
      [MEDIA_TYPES.endpointPropParams]: {
        properties: [`${NM}.pid`],
        endpoints: ['ipv4:192.0.2.1'],
      },
      [MEDIA_TYPES.endpointCostParams]: {
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
        endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:198.51.100.1'] },
      },
      [MEDIA_TYPES.cdniFilter]: { 'cdni-capabilities': [] },
      [MEDIA_TYPES.propMapParams]: { entities: ['ipv4:192.0.2.1'] },
    }
    for (const [id, entry] of Object.entries(ird.resources)) {
      // TIPS and the SSE update stream need update logs (this file publishes without them) and
      // SSE never ends: tips.test.ts and sse.test.ts cover both entries.
      if (
        entry['media-type'] === 'application/alto-tips+json' ||
        entry['media-type'] === 'text/event-stream'
      )
        continue
      const url = new URL(entry.uri, irdUrl)
      // RFC 9275 §7.2.1 / §7.3.1: `multipart/related;type=…` entries take the PV cost type and
      // answer with that type and their own boundary and start (path-vector.test.ts).
      const multipart = entry['media-type'].startsWith('multipart/related;')
      const pvType = { 'cost-mode': 'array', 'cost-metric': 'ane-path' }
      // RFC 9240 §8.6: an entity of a domain the map has (ipv4, or RFC 9275's `.ane`).
      const mappings = (entry.capabilities as { mappings?: Record<string, unknown> } | undefined)
        ?.mappings
      const propMapBody =
        mappings && !Object.hasOwn(mappings, 'ipv4')
          ? { entities: [`${Object.keys(mappings)[0]}:x`] }
          : undefined
      const body = entry.accepts
        ? propMapBody && entry.accepts === MEDIA_TYPES.propMapParams
          ? propMapBody
          : multipart
            ? { ...(minimalBody[entry.accepts] as object), 'cost-type': pvType }
            : minimalBody[entry.accepts]
        : undefined
      const init: RequestInit = entry.accepts
        ? {
            method: 'POST',
            headers: { 'Content-Type': entry.accepts, Accept: entry['media-type'] },
            body: JSON.stringify(body),
          }
        : { headers: { Accept: entry['media-type'] } }
      const res = await worker.fetch(new Request(url, init), env, testExecutionContext())
      const contentType = res.headers.get('Content-Type') ?? ''
      const [bare, ...params] = contentType.split(';').map((p) => p.trim())
      const shown = multipart
        ? `${bare};${params.find((p) => p.startsWith('type='))?.replaceAll('"', '')}`
        : contentType
      expect([id, res.status, shown]).toEqual([id, 200, entry['media-type']])
      await res.arrayBuffer()
    }
  })

  it('GET / serves the IRD only to clients asking for it', async () => {
    const ird = await get('/', { Accept: MEDIA_TYPES.directory })
    expect(ird.headers.get('Content-Type')).toBe(MEDIA_TYPES.directory)
    expect(ird.headers.get('ETag')).toBe(`"${manifest['ird-tag']}"`)
    const pointer = await get('/', { Accept: '*/*' })
    expect(pointer.headers.get('Content-Type')).toMatch(/^text\/plain/)
    expect(await pointer.text()).toContain('/directory')
    expect(pointer.headers.get('Vary')).toBe('Accept')
  })
})
