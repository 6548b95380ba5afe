/**
 * Incremental updates of RFC 9240 property maps (§7: GET-mode resources) through TIPS (RFC 9569)
 * and ALTO/SSE (RFC 8895), followed with alto-edge/client while publications happen.
 */
import { exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Ird } from '../../src/alto/ird.ts'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { AltoClient, type FetchLike } from '../../src/client/index.ts'
import type { Build } from '../../src/compiler/index.ts'
import { hubShardOf } from '../../src/worker/updates/common.ts'
import { get, ORIGIN } from './client.ts'
import { compileRealMapSet, MAP_SET_FILES } from './map-set.ts'
import { NM, publishWithUpdates, snapshotThenChange } from './tips-helpers.ts'

const PM = 'rfc-example-property-map'
const PREFIX = 'ipv4:192.0.2.0/24'
const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)

/** The map set with the example property map's `192.0.2.0/24` in `region`. */
function withRegion(region: string): Record<string, string> {
  const src = JSON.parse(MAP_SET_FILES['example/property-map.json']) as {
    prefixes: Record<string, Record<string, unknown>>
  }
  src.prefixes['192.0.2.0/24']['.region'] = region
  return { ...MAP_SET_FILES, 'example/property-map.json': JSON.stringify(src) }
}

async function fullPropertyMap(): Promise<{ 'property-map': Record<string, unknown> }> {
  const res = await get(`/propmap/${PM}`, { Accept: MEDIA_TYPES.propMap })
  expect(res.status).toBe(200)
  return (await res.json()) as { 'property-map': Record<string, unknown> }
}

let builds: Build[]

beforeAll(async () => {
  // The region of 192.0.2.0/24 moves away and then back: two publications that change the map.
  builds = await Promise.all([
    compileRealMapSet(withRegion('us-east')),
    compileRealMapSet(withRegion('eu-north')),
    compileRealMapSet(withRegion('us-east')),
  ])
  await publishWithUpdates(builds[0])
})

describe('RFC 9240 property maps in TIPS and the update stream', () => {
  it('the IRD lists them in both update resources after their network map, merge patch, on its hub (RFC 8895 §6.7)', async () => {
    const ird = (await (await get('/directory')).json()) as Ird
    expect(ird.resources[PM].uses).toEqual([NM])
    for (const service of ['tips', 'update-stream']) {
      const entry = ird.resources[service]
      expect(entry.uses).toEqual(expect.arrayContaining([PM, NM]))
      // Closed under dependency: the network map comes before the property map using it.
      expect(entry.uses!.indexOf(NM)).toBeLessThan(entry.uses!.indexOf(PM))
      // The filtered property map (POST-mode) follows with `input` (propmap-input.test.ts).
      expect(entry.uses!.indexOf(`${PM}-filtered`)).toBeGreaterThan(entry.uses!.indexOf(PM))
      const types = entry.capabilities!['incremental-change-media-types'] as Record<string, string>
      expect(types[PM]).toBe(MEDIA_TYPES.mergePatch)
    }
    expect(hubShardOf(ird, PM)).toBe(NM)
  })

  for (const [k, via] of [
    [0, 'tips'],
    [1, 'sse'],
  ] as const) {
    it(`follow via ${via}: the full map (= GET) first, then the patched body = the new GET after a publication`, async () => {
      const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
      const full = await fullPropertyMap()
      expect(full['property-map'][PREFIX]).toMatchObject({
        '.region': k === 0 ? 'us-east' : 'eu-north',
      })
      const controller = new AbortController()
      const updates = alto.follow(PM, { via, signal: controller.signal })
      const { snapshot, change } = await snapshotThenChange(
        updates,
        () => publishWithUpdates(builds[k + 1]),
        NM
      )
      expect(snapshot).toMatchObject({ type: 'update', kind: 'snapshot' })
      expect(snapshot!.body).toEqual(full)
      expect(change).toMatchObject({ type: 'update', kind: 'merge-patch' })
      const after = await fullPropertyMap()
      expect(change!.body).toEqual(after)
      expect(after['property-map'][PREFIX]).toMatchObject({
        '.region': k === 0 ? 'eu-north' : 'us-east',
      })
      controller.abort()
      await updates.return(undefined)
    })
  }
})
