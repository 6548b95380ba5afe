/**
 * A response never mixes versions: the pointer is read once per request and every body and
 * header comes from that manifest. The race is forced: the KV binding publishes v2 right after
 * the request has read the v1 pointer, before any manifest or blob is read.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { CURRENT_KEY, type Manifest } from '../../src/store/manifest.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, exampleVariant, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }

let build1: Build
let build2: Build
let minute = 0

beforeAll(async () => {
  // v1: PID1 → PID2 costs 11; v2: 22 and PID2 gains 203.0.113.0/24 (so the vtag changes too).
  build1 = await compileRealMapSet(exampleVariant(11))
  build2 = await compileRealMapSet(exampleVariant(22, '203.0.113.0/24'))
  expect(build1.manifest['network-maps'][NM].vtag).not.toBe(
    build2.manifest['network-maps'][NM].vtag
  )
})

/** KV that publishes `next` as soon as the request has read the pointer. */
function racingKv(next: Build): { kv: KVNamespace; published: Promise<Manifest | null> } {
  let fire: (m: Manifest | null) => void = () => {}
  const published = new Promise<Manifest | null>((resolve) => (fire = resolve))
  let raced = false
  const kv = {
    get: async (key: string, options?: unknown) => {
      const value = await (env.ALTO_KV.get as (k: string, o?: unknown) => Promise<unknown>)(
        key,
        options
      )
      if (key === CURRENT_KEY && !raced) {
        raced = true
        fire(
          await publish(env.ALTO_KV, next, {
            created: new Date(Date.UTC(2026, 10, 26, 18, ++minute)).toISOString(),
          })
        )
      }
      return value
    },
  } as unknown as KVNamespace
  return { kv, published }
}

async function racedRequest(
  path: string,
  init: RequestInit
): Promise<{ res: Response; v2: Manifest }> {
  const { kv, published } = racingKv(build2)
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...env, ALTO_KV: kv },
    testExecutionContext()
  )
  const v2 = await published
  if (!v2) throw new Error('v2 was not published during the request')
  return { res, v2 }
}

const post = (contentType: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': contentType },
  body: JSON.stringify(body),
})

describe('one version per response', () => {
  it.each([
    [
      'filtered cost map',
      `/costmap/${NM}/filtered`,
      post(MEDIA_TYPES.costMapFilter, { 'cost-type': numericalRouting, pids: { srcs: ['PID1'] } }),
    ],
    [
      'endpoint cost',
      `/endpointcost/${NM}/lookup`,
      post(MEDIA_TYPES.endpointCostParams, {
        'cost-type': numericalRouting,
        endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:198.51.100.200', 'ipv4:203.0.113.9'] },
      }),
    ],
    ['network map', `/networkmap/${NM}`, {}],
  ])(
    '%s started on v1 is answered entirely from v1 although v2 is published meanwhile',
    async (_, path, init) => {
      const v1 = await publish(env.ALTO_KV, build1, { created: '2026-11-26T17:00:00.000Z' })
      const v1Tag = v1['network-maps'][NM].vtag
      const { res, v2 } = await racedRequest(path, init)
      expect(res.status).toBe(200)
      const body = (await res.json()) as Record<string, unknown> & { meta: Record<string, unknown> }
      if (path.startsWith('/networkmap/')) {
        expect(res.headers.get('ETag')).toBe(`"${v1Tag}"`)
        expect(res.headers.get('Last-Modified')).toBe(new Date(v1.created).toUTCString())
        expect(body.meta.vtag).toEqual({ 'resource-id': NM, tag: v1Tag })
        expect(JSON.stringify(body)).not.toContain('203.0.113.0/24')
      } else {
        expect(body.meta['dependent-vtags']).toEqual([{ 'resource-id': NM, tag: v1Tag }])
        const costs = Object.values(
          body[path.startsWith('/costmap') ? 'cost-map' : 'endpoint-cost-map'] as object
        )[0]
        // v1 costs: PID1→PID2 = 11; under v2 it would be 22, and 203.0.113.9 would be PID2.
        expect(Object.values(costs as object)).toContain(11)
        expect(Object.values(costs as object)).not.toContain(22)
      }
      // The next request sees v2, consistently.
      const after = await worker.fetch(
        new Request(`${ORIGIN}${path}`, init),
        env,
        testExecutionContext()
      )
      const afterBody = (await after.json()) as { meta: Record<string, unknown> }
      const v2Tag = { 'resource-id': NM, tag: v2['network-maps'][NM].vtag }
      if (path.startsWith('/networkmap/')) expect(afterBody.meta.vtag).toEqual(v2Tag)
      else expect(afterBody.meta['dependent-vtags']).toEqual([v2Tag])
    }
  )
})
