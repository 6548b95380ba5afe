import { describe, expect, it } from 'vitest'
import type { BlobRef, Manifest } from '../store/manifest.ts'
import {
  checkGraphInvariants,
  classifyEdgeRequest,
  recommendNextEdge,
  summarizeGraph,
} from './graph.ts'
import {
  type ResourceVersion,
  advanceUpdateLog,
  buildUpdateLog,
  edgeItem,
  encodeIncrementalUpdate,
  graphFromUpdateLog,
  trackedResources,
  updateLogBlobs,
} from './history.ts'
import { blobRefFor } from '../store/manifest.ts'
import { type UpdateLog, checkUpdateLog, updateLogKey } from '../store/update-log.ts'
import { applyJsonPatch } from './json-patch.ts'
import { canonicalJson, jsonEqual } from './json.ts'
import { applyMergePatch } from './merge-patch.ts'
import {
  evolveCostMap,
  evolveNetworkMap,
  mulberry32,
  syntheticCostMap,
  syntheticNetworkMap,
} from './test-helpers.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'

/** An in-memory stand-in for KV blobs (content-addressed, like the publisher writes them). */
class BlobStore {
  readonly blobs = new Map<string, Uint8Array>()
  async put(body: unknown): Promise<BlobRef> {
    const bytes = new TextEncoder().encode(JSON.stringify(body))
    const ref = await blobRefFor(bytes)
    this.blobs.set(ref.key, bytes)
    return ref
  }
  write(blobs: { ref: BlobRef; bytes: Uint8Array }[]): void {
    for (const b of blobs) this.blobs.set(b.ref.key, b.bytes)
  }
  json(ref: BlobRef): unknown {
    const bytes = this.blobs.get(ref.key)
    if (!bytes) throw new Error(`missing blob ${ref.key}`)
    return JSON.parse(new TextDecoder().decode(bytes))
  }
  readonly load = (ref: BlobRef): unknown => this.json(ref)
}

async function publish(
  store: BlobStore,
  log: UpdateLog | null,
  resourceId: string,
  mediaType: string,
  version: string,
  tag: string,
  body: unknown
) {
  const snapshot = await store.put(body)
  const next: ResourceVersion = { resourceId, mediaType, version, tag, snapshot }
  const result = await advanceUpdateLog(log, next, store.load)
  store.write(result.newBlobs)
  return result
}

/** A TIPS client: fetch the recommended edge, then follow i → i+1 up to end-seq. */
function clientFollow(
  store: BlobStore,
  log: UpdateLog,
  fromSeq: number,
  held?: unknown
): { body: unknown; fetched: string[] } {
  const g = graphFromUpdateLog(log)
  const rec = recommendNextEdge(g, fromSeq)
  let body = held
  let at = 0
  const fetched: string[] = []
  let edge: [number, number] = [rec['seq-i'], rec['seq-j']]
  while (at !== g.nodes[g.nodes.length - 1].seq) {
    const [i, j] = edge
    const decision = classifyEdgeRequest(g, i, j)
    expect(decision.action).toBe('serve')
    const item = edgeItem(log, i, j)!
    const content = store.json(item.ref)
    fetched.push(`${i}->${j}`)
    if (item.mediaType === MEDIA_TYPES.mergePatch) body = applyMergePatch(body, content)
    else if (item.mediaType === MEDIA_TYPES.jsonPatch) body = applyJsonPatch(body, content as never)
    else body = content
    at = j
    edge = [j, j + 1]
  }
  return { body, fetched }
}

describe('update log: seq assignment', () => {
  it('starts at 1 and increments only when the tag changes', async () => {
    const store = new BlobStore()
    let r = await publish(store, null, 'nm', MEDIA_TYPES.networkMap, 'ver-a', 't1', { a: 1 })
    expect(r.log.seqs.map((e) => e.seq)).toEqual([1])
    r = await publish(store, r.log, 'nm', MEDIA_TYPES.networkMap, 'ver-b', 't1', { a: 1 })
    expect(r.changed).toBe(false)
    expect(r.newBlobs).toEqual([])
    r = await publish(store, r.log, 'nm', MEDIA_TYPES.networkMap, 'ver-c', 't2', { a: 2 })
    expect(r.changed).toBe(true)
    expect(r.log.seqs.map((e) => [e.seq, e.tag, e.version])).toEqual([
      [1, 't1', 'ver-a'],
      [2, 't2', 'ver-c'],
    ])
    // a rollback to old content is a new seq: never move left
    r = await publish(store, r.log, 'nm', MEDIA_TYPES.networkMap, 'ver-a', 't1', { a: 1 })
    expect(r.log.seqs.map((e) => [e.seq, e.tag])).toEqual([
      [1, 't1'],
      [2, 't2'],
      [3, 't1'],
    ])
    expect(store.json(r.log.seqs[2]['patch-from-prev']!)).toEqual({ a: 1 })
    expect(checkUpdateLog(r.log)).toEqual([])
  })

  it('keeps a window: the oldest kept entry drops its dangling patch', async () => {
    const store = new BlobStore()
    let log: UpdateLog | null = null
    for (let v = 1; v <= 6; v++) {
      const r = await advanceUpdateLog(
        log,
        {
          resourceId: 'cm',
          mediaType: MEDIA_TYPES.costMap,
          version: `v${v}`,
          tag: `t${v}`,
          snapshot: await store.put({ c: v, pad: 'x'.repeat(200) }),
        },
        store.load,
        { window: 3 }
      )
      store.write(r.newBlobs)
      log = r.log
    }
    expect(log!.seqs.map((e) => e.seq)).toEqual([4, 5, 6])
    expect(log!.seqs[0]['patch-from-prev']).toBeUndefined()
    expect(checkUpdateLog(log!)).toEqual([])
    const g = graphFromUpdateLog(log!)
    expect(checkGraphInvariants(g)).toEqual([])
    expect(summarizeGraph(g)).toEqual({
      'start-seq': 4,
      'end-seq': 6,
      'start-edge-rec': { 'seq-i': 0, 'seq-j': 6 },
    })
    expect(classifyEdgeRequest(g, 3, 4).status).toBe(410)
    expect(updateLogBlobs(log!).length).toBe(5)
  })

  it('buildUpdateLog folds a history and returns only blobs the window still needs', async () => {
    const store = new BlobStore()
    const versions: ResourceVersion[] = []
    for (let v = 1; v <= 5; v++) {
      versions.push({
        resourceId: 'cm',
        mediaType: MEDIA_TYPES.costMap,
        version: `v${v}`,
        tag: `t${v}`,
        snapshot: await store.put({ c: v, pad: 'y'.repeat(300) }),
      })
    }
    const { log, newBlobs } = await buildUpdateLog(versions, store.load, { window: 2 })
    expect(log!.seqs.map((e) => e.seq)).toEqual([4, 5])
    expect(newBlobs.map((b) => b.ref.key)).toEqual([log!.seqs[1]['patch-from-prev']!.key])
  })

  it('rejects a log of another resource', async () => {
    const store = new BlobStore()
    const r = await publish(store, null, 'a', MEDIA_TYPES.networkMap, 'v', 't', {})
    await expect(
      advanceUpdateLog(
        r.log,
        {
          resourceId: 'b',
          mediaType: MEDIA_TYPES.networkMap,
          version: 'v',
          tag: 'u',
          snapshot: r.log.seqs[0].snapshot,
        },
        store.load
      )
    ).rejects.toThrow()
  })
})

describe('incremental encoding choice', () => {
  it('merge patch by default', () => {
    expect(
      encodeIncrementalUpdate(
        { a: 1, pad: 'z'.repeat(50) },
        { a: 2, pad: 'z'.repeat(50) },
        MEDIA_TYPES.costMap
      )
    ).toEqual({ mediaType: MEDIA_TYPES.mergePatch, body: '{"a":2}' })
  })
  it('JSON patch when a null must be written and JSON patch is announced', () => {
    const r = encodeIncrementalUpdate(
      { a: 1, pad: 'z'.repeat(80) },
      { a: null, pad: 'z'.repeat(80) },
      'application/x+json',
      { encodings: ['merge-patch', 'json-patch'] }
    )
    expect(r).toEqual({
      mediaType: MEDIA_TYPES.jsonPatch,
      body: '[{"op":"replace","path":"/a","value":null}]',
    })
  })
  it('a full replacement when nothing announced can express it, or the patch is not smaller', () => {
    expect(encodeIncrementalUpdate({ a: 1 }, { a: null }, 'application/x+json').mediaType).toBe(
      'application/x+json'
    )
    expect(encodeIncrementalUpdate({ a: 1 }, { b: 2 }, MEDIA_TYPES.costMap)).toEqual({
      mediaType: MEDIA_TYPES.costMap,
      body: '{"b":2}',
    })
  })
  it('a full replacement edge reuses the snapshot blob', async () => {
    const store = new BlobStore()
    let r = await publish(store, null, 'x', MEDIA_TYPES.costMap, 'v1', 't1', { a: 1 })
    r = await publish(store, r.log, 'x', MEDIA_TYPES.costMap, 'v2', 't2', { b: 2 })
    expect(r.newBlobs).toEqual([])
    expect(r.log.seqs[1]['patch-from-prev']).toEqual(r.log.seqs[1].snapshot)
    expect(edgeItem(r.log, 1, 2)).toEqual({
      ref: r.log.seqs[1].snapshot,
      mediaType: MEDIA_TYPES.costMap,
    })
  })
})

describe('client simulation: snapshot at seq 1, then patches 1 → 2 → 3 → 4', () => {
  it.each([
    ['network map (500 PIDs)', MEDIA_TYPES.networkMap],
    ['cost map (150×150)', MEDIA_TYPES.costMap],
  ])('%s ends equal (and canonically byte-equal) to v4', async (_name, mediaType) => {
    const rng = mulberry32(mediaType.length)
    const store = new BlobStore()
    const bodies: unknown[] = []
    let body: Record<string, unknown> =
      mediaType === MEDIA_TYPES.networkMap
        ? syntheticNetworkMap(rng, 500)
        : syntheticCostMap(rng, 150)
    let log: UpdateLog | null = null
    for (let v = 1; v <= 4; v++) {
      if (v > 1)
        body =
          mediaType === MEDIA_TYPES.networkMap
            ? evolveNetworkMap(rng, body, 0.01, `nm-v${v}`)
            : evolveCostMap(rng, body, 0.01).map
      bodies.push(body)
      const r = await publish(store, log, 'res', mediaType, `ver${v}`, `tag${v}`, body)
      log = r.log
      if (v > 1) {
        expect(r.newBlobs).toHaveLength(1)
        expect(log.seqs[v - 1]['patch-media-type']).toBe(MEDIA_TYPES.mergePatch)
        expect(log.seqs[v - 1]['patch-from-prev']!.bytes).toBeLessThan(
          log.seqs[v - 1].snapshot.bytes / 10
        )
      }
    }
    expect(log!.seqs.map((e) => e.seq)).toEqual([1, 2, 3, 4])

    // the client explicitly takes the snapshot at seq 1 then walks the incremental edges
    let held = store.json(edgeItem(log!, 0, 1)!.ref)
    expect(jsonEqual(held, bodies[0])).toBe(true)
    for (let j = 2; j <= 4; j++) {
      const item = edgeItem(log!, j - 1, j)!
      expect(item.mediaType).toBe(MEDIA_TYPES.mergePatch)
      held = applyMergePatch(held, store.json(item.ref))
      expect(jsonEqual(held, bodies[j - 1])).toBe(true)
    }
    expect(canonicalJson(held)).toBe(canonicalJson(bodies[3]))

    // a client holding seq 2 (by tag) is recommended the incremental path, a new one the snapshot
    const fromTag = clientFollow(store, log!, 2, bodies[1])
    expect(fromTag.fetched).toEqual(['2->3', '3->4'])
    expect(canonicalJson(fromTag.body)).toBe(canonicalJson(bodies[3]))
    const fresh = clientFollow(store, log!, 0)
    expect(fresh.fetched).toEqual(['0->4'])
    expect(canonicalJson(fresh.body)).toBe(canonicalJson(bodies[3]))
  })
})

describe('blobs and keys', () => {
  it('blobRefFor is content-addressed SHA-256 (FIPS 180-2 "abc" vector)', async () => {
    const ref = await blobRefFor(new TextEncoder().encode('abc'))
    expect(ref).toEqual({
      key: 'blob/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      bytes: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      chunks: 1,
    })
  })

  it('update log key', () => {
    expect(updateLogKey('my-default-network-map')).toBe('updates/my-default-network-map')
  })

  it('trackedResources lists every network map and cost map of a manifest', () => {
    const ref: BlobRef = { key: 'blob/x', bytes: 1, sha256: 'x', chunks: 1 }
    const manifest = {
      version: 'abc',
      'network-maps': { nm: { vtag: 'v-nm', json: ref } },
      'cost-maps': { 'nm-num-routingcost': { tag: 'v-cm', json: ref } },
    } as unknown as Manifest
    expect(trackedResources(manifest)).toEqual([
      {
        resourceId: 'nm',
        mediaType: MEDIA_TYPES.networkMap,
        version: 'abc',
        tag: 'v-nm',
        snapshot: ref,
      },
      {
        resourceId: 'nm-num-routingcost',
        mediaType: MEDIA_TYPES.costMap,
        version: 'abc',
        tag: 'v-cm',
        snapshot: ref,
      },
    ])
  })
})
