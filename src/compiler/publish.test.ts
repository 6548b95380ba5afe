import { describe, expect, it } from 'vitest'
import {
  blobKeys,
  manifestBlobs,
  type CurrentPointer,
  type History,
  type Manifest,
} from '../store/manifest.ts'
import {
  compileMapSet,
  diffBuild,
  kvStoreFromBinding,
  MemoryKvStore,
  prune,
  publishBuild,
  PublishError,
  readBlob,
  readCurrent,
  readHistory,
  rollback,
  sha256Hex,
  type Build,
  type KvStore,
  type SourceFiles,
} from './index.ts'
import { blobEntries } from './publish.ts'
import { baseFiles, editJson } from './test-fixtures.ts'

async function build(files: SourceFiles): Promise<Build> {
  const r = await compileMapSet(files)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.build
}

/** Builds with cost A→B = `cost`: distinct versions sharing the network map blobs. */
const variant = (cost: number) =>
  build(editJson(baseFiles(), 'cost.json', (d) => (d.costs.A.B = cost)))

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 18, minute))

function pointer(kv: MemoryKvStore): CurrentPointer {
  return JSON.parse(kv.text('current')!)
}

/** Every blob of `m` is stored with the right SHA-256 and the manifest is present. */
async function expectComplete(kv: KvStore, m: Manifest): Promise<void> {
  expect(await kv.get(`manifest/${m.version}`)).not.toBeNull()
  for (const ref of manifestBlobs(m)) {
    const bytes = await readBlob(kv, ref)
    expect(bytes, ref.key).not.toBeNull()
    expect(await sha256Hex(bytes!)).toBe(ref.sha256)
  }
}

describe('publishBuild', () => {
  it('writes blobs, manifest, history and the pointer; the pointer last', async () => {
    const kv = new MemoryKvStore()
    const order: string[] = []
    const put = kv.put.bind(kv)
    kv.put = async (key, value) => {
      order.push(key)
      return put(key, value)
    }
    const b = await variant(2)
    const r = await publishBuild(kv, b, { now: at(0) })
    expect(r).toMatchObject({
      version: b.manifest.version,
      seq: 1,
      previous: null,
      unchanged: false,
    })
    expect(order.at(-1)).toBe('current')
    expect(order.at(-2)).toBe('history')
    expect(pointer(kv)).toEqual({
      version: b.manifest.version,
      seq: 1,
      manifest: `manifest/${b.manifest.version}`,
    })
    const stored: Manifest = JSON.parse(kv.text(`manifest/${b.manifest.version}`)!)
    expect(stored).toEqual({ ...b.manifest, seq: 1, created: '2026-11-26T18:00:00.000Z' })
    await expectComplete(kv, b.manifest)
    const uniqueBlobKeys = new Set(manifestBlobs(b.manifest).flatMap(blobKeys))
    expect(r.keysWritten).toBe(uniqueBlobKeys.size + 3)
  })

  it('republishing the current version writes nothing', async () => {
    const kv = new MemoryKvStore()
    const b = await variant(2)
    await publishBuild(kv, b, { now: at(0) })
    const writes = kv.writes
    const again = await publishBuild(kv, await variant(2), { now: at(1) })
    expect(again).toEqual({
      version: b.manifest.version,
      seq: 1,
      previous: b.manifest.version,
      unchanged: true,
      keysWritten: 0,
      bytesWritten: 0,
    })
    expect(kv.writes).toBe(writes)
  })

  it('a second version writes only changed blobs and increments seq', async () => {
    const kv = new MemoryKvStore()
    const a = await variant(2)
    const b = await variant(3)
    await publishBuild(kv, a, { now: at(0) })
    const r = await publishBuild(kv, b, { now: at(1) })
    expect(r).toMatchObject({ seq: 2, previous: a.manifest.version, unchanged: false })
    // Changed: cost matrix, cost map JSON, IRD is unchanged (same resources) → 2 blobs + 3 keys.
    expect(r.keysWritten).toBe(2 + 3)
    await expectComplete(kv, a.manifest)
    await expectComplete(kv, b.manifest)
  })

  it('a failure after the blobs leaves current on the old version, fully readable', async () => {
    const kv = new MemoryKvStore()
    const a = await variant(2)
    await publishBuild(kv, a, { now: at(0) })
    const b = await variant(3)
    await expect(
      publishBuild(kv, b, {
        now: at(1),
        hooks: { afterBlobs: async () => Promise.reject(new Error('killed')) },
      })
    ).rejects.toThrow('killed')
    expect(pointer(kv)).toEqual({
      version: a.manifest.version,
      seq: 1,
      manifest: `manifest/${a.manifest.version}`,
    })
    expect((await readHistory(kv)).versions.map((v) => v.version)).toEqual([a.manifest.version])
    await expectComplete(kv, a.manifest)
    // The retry completes; the leftover manifest and blobs are reused.
    const r = await publishBuild(kv, b, { now: at(2) })
    expect(r).toMatchObject({ seq: 2, keysWritten: 2 })
  })

  it('verification catches a store that corrupts values', async () => {
    const kv = new MemoryKvStore()
    const putMany = kv.putMany.bind(kv)
    kv.putMany = async (entries) =>
      putMany(
        entries.map((e, i) =>
          i === 0 ? { key: e.key, value: new Uint8Array([...e.value, 0]) } : e
        )
      )
    await expect(publishBuild(kv, await variant(2))).rejects.toThrow(PublishError)
    expect(await readCurrent(kv)).toBeNull()
  })

  it('verification with a text bulk read falls back to get for binary blobs', async () => {
    const kv: MemoryKvStore & KvStore = new MemoryKvStore()
    const gets: string[] = []
    const get = kv.get.bind(kv)
    kv.get = async (key) => {
      gets.push(key)
      return get(key)
    }
    // Like `wrangler kv bulk get`: UTF-8 decoding, lossy for binary values.
    kv.getManyText = async (keys: string[]) => new Map(keys.map((k) => [k, kv.text(k)]))
    const b = await variant(2)
    await publishBuild(kv, b)
    const jsonKeys = [b.manifest.ird.key, b.manifest['network-maps'].net.json.key]
    for (const k of jsonKeys) expect(gets).not.toContain(k)
    // The LPM table is binary (not valid UTF-8): verified through get.
    expect(gets).toContain(b.manifest['network-maps'].net['lpm-v6']!.key)
  })

  it('trims history to keep, newest first', async () => {
    const kv = new MemoryKvStore()
    const versions: string[] = []
    for (let i = 0; i < 4; i++) {
      const b = await variant(10 + i)
      versions.push(b.manifest.version)
      await publishBuild(kv, b, { keep: 2, now: at(i) })
    }
    const history: History = JSON.parse(kv.text('history')!)
    expect(history.versions).toEqual([
      { version: versions[3], seq: 4, created: at(3).toISOString() },
      { version: versions[2], seq: 3, created: at(2).toISOString() },
    ])
  })

  it('splits blobs larger than KV_CHUNK_BYTES into chunks and reads them back', async () => {
    const bytes = new Uint8Array(100).map((_, i) => i)
    const ref = { key: 'blob/x', bytes: 100, sha256: 'x', chunks: 3 }
    const entries = blobEntries(ref, bytes)
    expect(entries.map((e) => e.key)).toEqual(['blob/x/0', 'blob/x/1', 'blob/x/2'])
    const kv = new MemoryKvStore()
    // 100 bytes do not make 3 chunks of KV_CHUNK_BYTES; write what blobEntries gives.
    await kv.putMany(entries)
    expect(await readBlob(kv, ref)).toEqual(bytes)
  })
})

describe('rollback and prune', () => {
  it('rollback defaults to the previous version, increments seq, and can go forward again', async () => {
    const kv = new MemoryKvStore()
    const a = await variant(2)
    const b = await variant(3)
    await publishBuild(kv, a, { now: at(0) })
    await publishBuild(kv, b, { now: at(1) })
    const r = await rollback(kv, undefined, { now: at(2) })
    expect(r).toEqual({ version: a.manifest.version, seq: 3, previous: b.manifest.version })
    expect(pointer(kv)).toEqual({
      version: a.manifest.version,
      seq: 3,
      manifest: `manifest/${a.manifest.version}`,
    })
    expect((await readHistory(kv)).versions.map((v) => [v.version, v.seq])).toEqual([
      [a.manifest.version, 3],
      [b.manifest.version, 2],
    ])
    const forward = await rollback(kv, b.manifest.version)
    expect(forward).toMatchObject({ version: b.manifest.version, seq: 4 })
    // Publishing a version that is in history but not current moves the pointer (new seq).
    const again = await publishBuild(kv, a, { now: at(5) })
    expect(again).toMatchObject({ unchanged: false, seq: 5, keysWritten: 2 })
  })

  it('rollback refuses unknown or incomplete versions and leaves current alone', async () => {
    const kv = new MemoryKvStore()
    await expect(rollback(kv)).rejects.toThrow('nothing is published')
    const a = await variant(2)
    const b = await variant(3)
    await publishBuild(kv, a)
    await expect(rollback(kv)).rejects.toThrow('no earlier version')
    await publishBuild(kv, b)
    await expect(rollback(kv, 'f'.repeat(32))).rejects.toThrow('is not stored')
    await kv.delete([a.manifest['cost-maps']['net-num-routingcost'].matrix.key])
    await expect(rollback(kv)).rejects.toThrow('incomplete')
    expect(pointer(kv).version).toBe(b.manifest.version)
  })

  it('prune keeps the newest versions and current, deletes other manifests and unreferenced blobs', async () => {
    const kv = new MemoryKvStore()
    const builds = [await variant(2), await variant(3), await variant(4)]
    for (const [i, b] of builds.entries()) await publishBuild(kv, b, { now: at(i) })
    // Current becomes the oldest build (rollback puts it at the top of history).
    await rollback(kv, builds[0].manifest.version)
    const leftover = { key: 'blob/' + '0'.repeat(64), value: new Uint8Array([1]) } // interrupted publish
    await kv.putMany([leftover])
    const r = await prune(kv, 1)
    expect(r.kept).toEqual([builds[0].manifest.version])
    expect(r.manifestsDeleted.sort()).toEqual(
      [builds[1].manifest.version, builds[2].manifest.version].sort()
    )
    // Two unique cost blobs (matrix + JSON) per removed version, plus the leftover.
    expect(r.blobKeysDeleted).toBe(2 * 2 + 1)
    await expectComplete(kv, builds[0].manifest)
    expect(await kv.list('manifest/')).toEqual([`manifest/${builds[0].manifest.version}`])
    expect((await readHistory(kv)).versions.map((v) => v.version)).toEqual([
      builds[0].manifest.version,
    ])
  })

  it('prune never deletes the current version even when history is trimmed below it', async () => {
    const kv = new MemoryKvStore()
    const a = await variant(2)
    await publishBuild(kv, a)
    // A history that does not mention current (e.g. edited by hand).
    await kv.put('history', JSON.stringify({ versions: [] }))
    const r = await prune(kv, 1)
    expect(r.kept).toEqual([a.manifest.version])
    expect(r.blobKeysDeleted).toBe(0)
    await expectComplete(kv, a.manifest)
  })
})

describe('diffBuild', () => {
  it('reports per-resource changes against the published manifest', async () => {
    const a = await variant(2)
    expect(
      diffBuild(a, null)
        .resources.filter((r) => r.kind !== 'ird')
        .map((r) => [r.id, r.change])
    ).toEqual([
      ['net', 'added'],
      ['net-num-routingcost', 'added'],
      ['priv:region', 'added'],
    ])
    const b = await build(
      editJson(
        editJson(baseFiles(), 'cost.json', (d) => (d.costs.A.B = 3)),
        'net.json',
        (d) => {
          d.pids.C = { ipv4: ['192.0.2.0/24', '198.51.100.0/24'] }
        }
      )
    )
    const report = diffBuild(b, a.manifest)
    expect(report.identical).toBe(false)
    const net = report.resources.find((r) => r.id === 'net')!
    expect(net).toMatchObject({
      change: 'changed',
      pids: { from: 3, to: 4 },
      ipv4: { from: 3, to: 5 },
      ipv6: { from: 2, to: 2 },
    })
    expect(report.resources.find((r) => r.id === 'priv:region')?.change).toBe('unchanged')
    expect(report.resources.find((r) => r.id === 'net-num-routingcost')?.change).toBe('changed')
    expect(diffBuild(a, a.manifest).identical).toBe(true)
  })
})

describe('kvStoreFromBinding', () => {
  it('adapts a KVNamespace-like binding (paged list, arrayBuffer get)', async () => {
    const data = new Map<string, ArrayBuffer | string>()
    const ns = {
      async get(key: string) {
        const v = data.get(key)
        if (v === undefined) return null
        return typeof v === 'string' ? (new TextEncoder().encode(v).buffer as ArrayBuffer) : v
      },
      async put(key: string, value: ArrayBuffer | ArrayBufferView | string) {
        data.set(
          key,
          typeof value === 'string'
            ? value
            : ArrayBuffer.isView(value)
              ? (value.buffer.slice(
                  value.byteOffset,
                  value.byteOffset + value.byteLength
                ) as ArrayBuffer)
              : value
        )
      },
      async delete(key: string) {
        data.delete(key)
      },
      async list({
        prefix = '',
        cursor,
        limit = 1000,
      }: {
        prefix?: string
        cursor?: string
        limit?: number
      }) {
        const all = [...data.keys()].filter((k) => k.startsWith(prefix)).sort()
        const start = cursor ? Number(cursor) : 0
        const page = all.slice(start, start + Math.min(limit, 2))
        const done = start + page.length >= all.length
        return {
          keys: page.map((name) => ({ name })),
          list_complete: done,
          cursor: done ? undefined : String(start + page.length),
        }
      },
    }
    const kv = kvStoreFromBinding(ns)
    const b = await variant(2)
    await publishBuild(kv, b)
    expect((await readCurrent(kv))?.version).toBe(b.manifest.version)
    await expectComplete(kv, b.manifest)
    expect((await kv.list('blob/')).length).toBe(
      new Set(manifestBlobs(b.manifest).map((r) => r.key)).size
    )
  })
})
