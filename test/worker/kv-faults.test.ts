/**
 * KV faults (issue #5 item 2): every fault is injected through a KV binding wrapper (or by
 * changing what KV holds) and must give 503 + `Retry-After` with no usable version, or — when
 * the isolate holds the last good version — an answer entirely from that version plus the log
 * line `alto-edge: serving last good version <v> because <reason>`.
 */
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { CURRENT_KEY, manifestKey, type Manifest } from '../../src/store/manifest.ts'
import worker from '../../src/worker/index.ts'
import { edgeCacheKey } from '../../src/worker/full-resource.ts'
import { forgetLastGoodVersion } from '../../src/worker/middleware/last-good.ts'
import { clearManifestCache, STORAGE_FAULT_RETRY_AFTER_SECONDS } from '../../src/worker/store.ts'
import { clearTableCache } from '../../src/worker/tables.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, exampleVariant, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const CM = 'rfc-example-num-routingcost'
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
const GARBAGE_KEY = 'test/garbage'

let build1: Build
let build2: Build
let v1: Manifest
let v2: Manifest

beforeAll(async () => {
  // v1: PID1→PID2 costs 31; v2: 32 and PID2 gains 203.0.113.0/24 (new vtag, new LPM and JSON).
  build1 = await compileRealMapSet(exampleVariant(31))
  build2 = await compileRealMapSet(exampleVariant(32, '203.0.113.0/24'))
  await env.ALTO_KV.put(GARBAGE_KEY, 'not json {')
  // Both versions stored once (keys are content-addressed and never change); v1 current.
  v2 = await publish(env.ALTO_KV, build2, { created: '2026-11-26T18:00:00.000Z' })
  v1 = await publish(env.ALTO_KV, build1, { created: '2026-11-26T17:00:00.000Z' })
})

/** What a faulty KV does for the keys a predicate selects. */
interface Fault {
  name: string
  /** A request that reads the faulty key (the GET or POST it breaks). */
  request: 'networkmap' | 'filtered-costmap' | 'endpoint-cost'
  applies: (key: string) => boolean
  effect: 'throw' | 'missing' | 'corrupt' | 'garbage'
}

/** A KV binding delegating to env.ALTO_KV, with `fault` applied. Counts injections. */
function faultyKv(fault: Fault, injected: { count: number }): KVNamespace {
  const inner = env.ALTO_KV.get as (key: string, options?: unknown) => Promise<unknown>
  return {
    get: async (key: string, options?: unknown) => {
      if (!fault.applies(key)) return inner.call(env.ALTO_KV, key, options)
      injected.count++
      switch (fault.effect) {
        case 'throw':
          throw new Error('KV GET failed: 500 Internal Server Error')
        case 'missing':
          return null
        case 'garbage':
          return inner.call(env.ALTO_KV, GARBAGE_KEY, options)
        case 'corrupt': {
          const value = await inner.call(env.ALTO_KV, key, options)
          if (!(value instanceof ArrayBuffer))
            throw new Error(`corrupt fault expects an arrayBuffer read of ${key}`)
          const bytes = new Uint8Array(value.slice(0))
          bytes[bytes.length >> 1] ^= 0xff // one flipped byte: same length, other SHA-256
          return bytes.buffer
        }
      }
    },
  } as unknown as KVNamespace
}

const requests: Record<Fault['request'], () => Request> = {
  networkmap: () => new Request(`${ORIGIN}/networkmap/${NM}`),
  'filtered-costmap': () =>
    new Request(`${ORIGIN}/costmap/${NM}/filtered`, {
      method: 'POST',
      headers: { 'Content-Type': MEDIA_TYPES.costMapFilter },
      body: JSON.stringify({
        'cost-type': numericalRouting,
        pids: { srcs: ['PID1'], dsts: ['PID2'] },
      }),
    }),
  'endpoint-cost': () =>
    new Request(`${ORIGIN}/endpointcost/${NM}/lookup`, {
      method: 'POST',
      headers: { 'Content-Type': MEDIA_TYPES.endpointCostParams },
      body: JSON.stringify({
        'cost-type': numericalRouting,
        endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:198.51.100.200'] },
      }),
    }),
}

const call = (request: Request, kv: KVNamespace = env.ALTO_KV) =>
  worker.fetch(request, { ...env, ALTO_KV: kv }, testExecutionContext())

/** Forgets the isolate's caches and the data center's copies of both versions' network maps. */
async function forgetEverything(): Promise<void> {
  clearTableCache()
  clearManifestCache()
  forgetLastGoodVersion()
  for (const version of [v1.version, v2.version]) {
    await caches.default.delete(edgeCacheKey(version, `networkmap/${NM}`))
  }
}

/** The network map vtag an answer was computed from. */
async function answeredVtag(res: Response): Promise<string> {
  const body = (await res.json()) as {
    meta: { vtag?: { tag: string }; 'dependent-vtags'?: { tag: string }[] }
  }
  // An endpoint cost answer has both: its own `vtag` and the network map's in `dependent-vtags`.
  return body.meta['dependent-vtags']?.[0].tag ?? body.meta.vtag!.tag
}

const faults = (): Fault[] => {
  const cm2 = v2['cost-maps'][CM]
  const nm2 = v2['network-maps'][NM]
  return [
    {
      name: 'pointer read error',
      request: 'filtered-costmap',
      applies: (k) => k === CURRENT_KEY,
      effect: 'throw',
    },
    {
      name: 'pointer missing',
      request: 'networkmap',
      applies: (k) => k === CURRENT_KEY,
      effect: 'missing',
    },
    {
      name: 'pointer corrupt',
      request: 'endpoint-cost',
      applies: (k) => k === CURRENT_KEY,
      effect: 'garbage',
    },
    {
      name: 'manifest missing',
      request: 'filtered-costmap',
      applies: (k) => k === manifestKey(v2.version),
      effect: 'missing',
    },
    {
      name: 'manifest read error',
      request: 'networkmap',
      applies: (k) => k === manifestKey(v2.version),
      effect: 'throw',
    },
    {
      name: 'manifest corrupt',
      request: 'endpoint-cost',
      applies: (k) => k === manifestKey(v2.version),
      effect: 'garbage',
    },
    {
      name: 'cost matrix blob missing',
      request: 'filtered-costmap',
      applies: (k) => k === cm2.matrix.key,
      effect: 'missing',
    },
    {
      name: 'cost matrix blob corrupt (checksum)',
      request: 'filtered-costmap',
      applies: (k) => k === cm2.matrix.key,
      effect: 'corrupt',
    },
    {
      name: 'cost matrix blob read error',
      request: 'endpoint-cost',
      applies: (k) => k === cm2.matrix.key,
      effect: 'throw',
    },
    {
      name: 'network map JSON blob corrupt (checksum)',
      request: 'networkmap',
      applies: (k) => k === nm2.json.key,
      effect: 'corrupt',
    },
    {
      name: 'network map JSON blob missing',
      request: 'networkmap',
      applies: (k) => k === nm2.json.key,
      effect: 'missing',
    },
    {
      name: 'LPM blob corrupt (checksum)',
      request: 'endpoint-cost',
      applies: (k) => k === nm2['lpm-v4']!.key,
      effect: 'corrupt',
    },
    {
      name: 'LPM blob read error',
      request: 'endpoint-cost',
      applies: (k) => k === nm2['lpm-v4']!.key,
      effect: 'throw',
    },
  ]
}

let warn: ReturnType<typeof vi.spyOn>
let error: ReturnType<typeof vi.spyOn>
/** Faults injected over the file (reported in the closing note of issue #5). */
const totals = { injected: 0, scenarios: 0 }

beforeEach(async () => {
  await forgetEverything()
  // Edge-cache copies would hide blob faults of full resources: use fresh versions per test.
  v1 = await publish(env.ALTO_KV, build1, { created: '2026-11-26T17:00:00.000Z' })
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  error = vi.spyOn(console, 'error').mockImplementation(() => {})
})

afterEach(() => {
  warn.mockRestore()
  error.mockRestore()
})

describe('KV faults with a last good version in the isolate', () => {
  it('every fault is answered from the last good version, with one log line', async () => {
    for (const fault of faults()) {
      await forgetEverything()
      v1 = await publish(env.ALTO_KV, build1, { created: '2026-11-26T17:00:00.000Z' })
      // Serve v1 once: it becomes the isolate's last good version (manifest and tables).
      const warm = await call(requests[fault.request]())
      expect([fault.name, warm.status]).toEqual([fault.name, 200])
      expect(await answeredVtag(warm)).toBe(v1['network-maps'][NM].vtag)
      v2 = await publish(env.ALTO_KV, build2, { created: '2026-11-26T18:00:00.000Z' })
      const fresh = fault
      warn.mockClear()
      const injected = { count: 0 }
      const res = await call(requests[fresh.request](), faultyKv(fresh, injected))
      expect([fault.name, injected.count > 0]).toEqual([fault.name, true])
      totals.injected += injected.count
      totals.scenarios++
      expect([fault.name, res.status]).toEqual([fault.name, 200])
      expect([fault.name, await answeredVtag(res)]).toEqual([
        fault.name,
        v1['network-maps'][NM].vtag,
      ])
      expect(warn).toHaveBeenCalledTimes(1)
      const line = String(warn.mock.calls[0][0])
      expect(line).toMatch(
        new RegExp(`^alto-edge: serving last good version ${v1.version} because \\S`)
      )
      expect(line).not.toMatch(/192\.0\.2|198\.51\.100|PID|cost-type/) // no request data in logs
      // Fault gone: the current version (v2) is served again.
      const healed = await call(requests[fault.request]())
      expect([fault.name, await answeredVtag(healed)]).toEqual([
        fault.name,
        v2['network-maps'][NM].vtag,
      ])
    }
  })

  it('a fault in the last good version itself is a 503 (no second fallback)', async () => {
    await (await call(requests['filtered-costmap']())).arrayBuffer()
    clearTableCache()
    const v1Matrix = v1['cost-maps'][CM].matrix.key
    const fault: Fault = {
      name: 'v1 matrix missing',
      request: 'filtered-costmap',
      applies: (k) => k === v1Matrix,
      effect: 'missing',
    }
    const injected = { count: 0 }
    const res = await call(requests['filtered-costmap'](), faultyKv(fault, injected))
    totals.injected += injected.count
    totals.scenarios++
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
  })
})

describe('KV faults without a last good version', () => {
  it('every fault is 503 + Retry-After, text/plain, not cacheable — never a 500', async () => {
    for (const fault of faults()) {
      await forgetEverything()
      v2 = await publish(env.ALTO_KV, build2, { created: '2026-11-26T18:00:00.000Z' })
      const fresh = fault
      const injected = { count: 0 }
      const res = await call(requests[fresh.request](), faultyKv(fresh, injected))
      expect([fault.name, injected.count > 0]).toEqual([fault.name, true])
      totals.injected += injected.count
      totals.scenarios++
      expect([fault.name, res.status]).toEqual([fault.name, 503])
      // A failed read is transient: a short wait, so followers are not a minute late.
      expect(res.headers.get('Retry-After')).toBe(String(STORAGE_FAULT_RETRY_AFTER_SECONDS))
      expect(res.headers.get('Cache-Control')).toBe('no-store')
      expect(res.headers.get('Content-Type')).toMatch(/^text\/plain/)
      expect(await res.text()).not.toMatch(/blob\/|manifest\//) // key names stay in the logs
      expect(warn).not.toHaveBeenCalled()
      // Publish v1 again so the next fault's v2 publication changes the pointer.
      v1 = await publish(env.ALTO_KV, build1, { created: '2026-11-26T17:00:00.000Z' })
    }
  })

  it('reports the number of faults injected', () => {
    console.info(
      `kv-faults: ${totals.scenarios} fault scenarios, ${totals.injected} faulty KV reads injected`
    )
    expect(totals.scenarios).toBe(2 * faults().length + 1)
  })
})
