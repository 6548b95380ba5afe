/**
 * RFC 9241 §3.7.3 / §4.2.3 incremental updates of CDNI Advertisements through TIPS (RFC 9569)
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
import { publishWithUpdates, snapshotThenChange } from './tips-helpers.ts'

const CDNI = 'my-default-cdnifci'
const PID_CDNI = 'my-cdnifci-with-pid-footprints'
const EU = 'my-eu-netmap'
const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)

/** The map set with the §3.7.2 advertisement's second object offering `protocols`. */
function withDelivery(protocols: string[]): Record<string, string> {
  const src = JSON.parse(MAP_SET_FILES['example/cdni-advertisement.json']) as {
    'capabilities-with-footprints': { 'capability-value': Record<string, string[]> }[]
  }
  src['capabilities-with-footprints'][1]['capability-value']['delivery-protocols'] = protocols
  return { ...MAP_SET_FILES, 'example/cdni-advertisement.json': JSON.stringify(src) }
}

let builds: Build[]

beforeAll(async () => {
  // §3.7.3's change: http/1.1 leaves the [https/1.1, http/1.1] object, then comes back.
  builds = await Promise.all([
    compileRealMapSet(withDelivery(['https/1.1', 'http/1.1'])),
    compileRealMapSet(withDelivery(['https/1.1'])),
    compileRealMapSet(withDelivery(['https/1.1', 'http/1.1'])),
  ])
  await publishWithUpdates(builds[0])
})

describe('RFC 9241 CDNI Advertisements in TIPS and the update stream', () => {
  it('the IRD lists them in both update resources, merge patch, altopid ones on their network map hub', async () => {
    const ird = (await (await get('/directory')).json()) as Ird
    for (const service of ['tips', 'update-stream']) {
      const entry = ird.resources[service]
      expect(entry.uses).toEqual(expect.arrayContaining([CDNI, PID_CDNI, EU]))
      // Closed under dependency: the network map comes before the CDNI resource using it.
      expect(entry.uses!.indexOf(EU)).toBeLessThan(entry.uses!.indexOf(PID_CDNI))
      const types = entry.capabilities!['incremental-change-media-types'] as Record<string, string>
      expect(types[CDNI]).toBe(MEDIA_TYPES.mergePatch)
    }
    expect(hubShardOf(ird, PID_CDNI)).toBe(EU)
    expect(hubShardOf(ird, CDNI)).toBe(CDNI)
  })

  for (const [k, via] of [
    [0, 'tips'],
    [1, 'sse'],
  ] as const) {
    it(`follow via ${via}: the full advertisement first, then the body after a publication`, async () => {
      const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
      const full = await alto.cdniAdvertisement(CDNI)
      const controller = new AbortController()
      const updates = alto.follow(CDNI, { via, signal: controller.signal })
      const { snapshot, change } = await snapshotThenChange(
        updates,
        () => publishWithUpdates(builds[k + 1]),
        CDNI
      )
      expect(snapshot).toMatchObject({ type: 'update', kind: 'snapshot' })
      expect(snapshot!.body).toEqual(full)
      expect(change).toMatchObject({ type: 'update', kind: 'merge-patch' })
      const after = await (
        await AltoClient.discover(ORIGIN, { fetch: viaWorker })
      ).cdniAdvertisement(CDNI)
      expect(change!.body).toEqual(after)
      expect(after['cdni-advertisement']['capabilities-with-footprints'][1]).toMatchObject({
        'capability-value': {
          'delivery-protocols': k === 0 ? ['https/1.1'] : ['https/1.1', 'http/1.1'],
        },
      })
      controller.abort()
      await updates.return(undefined)
    })
  }

  // One follow (via the update stream); TIPS reads the same update log.
  for (const via of ['sse'] as const) {
    it(`RFC 9241 §6.3.3: the capabilities property map ${CDNI}-propmap is in both update resources; follow via ${via}: the GET body first, then the new GET body after a publication`, async () => {
      const rid = `${CDNI}-propmap`
      const ird = (await (await get('/directory')).json()) as Ird
      for (const service of ['tips', 'update-stream']) {
        const entry = ird.resources[service]
        expect(entry.uses).toContain(rid)
        expect(entry.uses!.indexOf(CDNI)).toBeLessThan(entry.uses!.indexOf(rid))
        const types = entry.capabilities!['incremental-change-media-types'] as Record<
          string,
          string
        >
        expect(types[rid]).toBe(MEDIA_TYPES.mergePatch)
      }
      const body = async () => (await get(`/cdni/${CDNI}/propmap`)).json()
      const before = await body()
      const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
      const controller = new AbortController()
      const updates = alto.follow(rid, { via, signal: controller.signal })
      // Alternate between the §3.7.3 versions: http/1.1 leaves (or comes back).
      const current = JSON.stringify(before).includes('http/1.1') ? 1 : 0
      const { snapshot, change } = await snapshotThenChange(
        updates,
        () => publishWithUpdates(builds[current === 1 ? 1 : 2]),
        hubShardOf(ird, rid)
      )
      expect(snapshot).toMatchObject({ type: 'update', kind: 'snapshot' })
      expect(snapshot!.body).toEqual(before)
      expect(change).toMatchObject({ type: 'update', kind: 'merge-patch' })
      const after = await body()
      expect(after).not.toEqual(before)
      expect(change!.body).toEqual(after)
      controller.abort()
      await updates.return(undefined)
    })
  }
})
