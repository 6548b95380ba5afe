/**
 * Blobs as large maps really store them: a network map body over VERIFY_BEFORE_RESPONSE_BYTES
 * (streamed with its end withheld until the SHA-256 holds) and blobs stored as several KV chunks
 * (`blob/<sha256>/<i>`, docs/storage-schema.md). Production chunks are 25 MiB - 1 KiB; here the
 * blobs are re-split into small chunks, which runs the same reader code without writing tens of
 * megabytes. (Compiling a 500k-prefix map inside the test isolate would exhaust its heap, so the
 * large body is built directly: the Worker serves the prebuilt bytes as they are.)
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Build } from '../../src/compiler/index.ts'
import {
  blobKey,
  chunkKey,
  CURRENT_KEY,
  manifestKey,
  type BlobRef,
  type Manifest,
} from '../../src/store/manifest.ts'
import { edgeCacheKey, VERIFY_BEFORE_RESPONSE_BYTES } from '../../src/worker/full-resource.ts'
import { clearManifestCache } from '../../src/worker/store.ts'
import { get, postEndpointProperties } from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'

const NM = 'rfc-example-network-map'

let build: Build
let published: Manifest

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A valid RFC 7285 network map body of about 9 MB (2,200 PIDs of /32 host routes). */
function bigNetworkMapBody(vtag: string): Uint8Array {
  const parts: string[] = []
  for (let p = 0; p < 2200; p++) {
    const prefixes: string[] = []
    for (let k = 0; k < 240; k++) prefixes.push(`"10.${p >> 8}.${p & 255}.${k}/32"`)
    parts.push(`"P${p}":{"ipv4":[${prefixes.join(',')}]}`)
  }
  const meta = JSON.stringify({ vtag: { 'resource-id': NM, tag: vtag } })
  return new TextEncoder().encode(`{"meta":${meta},"network-map":{${parts.join(',')}}}`)
}

/** Stores `bytes` as chunks of `chunkBytes` under the blob's chunk keys; returns its ref. */
async function storeChunked(bytes: Uint8Array, chunkBytes: number): Promise<BlobRef> {
  const sha256 = await sha256Hex(bytes)
  const chunks = Math.ceil(bytes.length / chunkBytes)
  for (let i = 0; i < chunks; i++) {
    await env.ALTO_KV.put(chunkKey(sha256, i), bytes.slice(i * chunkBytes, (i + 1) * chunkBytes))
  }
  return { key: blobKey(sha256), bytes: bytes.length, sha256, chunks }
}

/** Stores `manifest` as version `version` and points `current` at it. */
async function pointAt(manifest: Manifest, version: string): Promise<void> {
  await env.ALTO_KV.put(manifestKey(version), JSON.stringify({ ...manifest, version }))
  await env.ALTO_KV.put(
    CURRENT_KEY,
    JSON.stringify({ version, seq: 99, manifest: manifestKey(version) })
  )
  clearManifestCache()
}

beforeAll(async () => {
  build = await compileRealMapSet()
  published = await publish(env.ALTO_KV, build, { created: '2026-11-26T12:00:00Z' })
})

describe('large and chunked blobs', () => {
  it('streams a > 8 MiB body stored in many chunks byte-identical, and reads chunked tables', async () => {
    const nm = published['network-maps'][NM]
    const body = bigNetworkMapBody(nm.vtag)
    expect(body.length).toBeGreaterThan(VERIFY_BEFORE_RESPONSE_BYTES)
    const json = await storeChunked(body, 1024 * 1024)
    expect(json.chunks).toBeGreaterThan(8)
    // The real PID table and IPv4 LPM table, re-stored in 16- and 64-byte chunks.
    const pids = await storeChunked(build.blobs.get(nm.pids.sha256)!, 16)
    const lpm4 = await storeChunked(build.blobs.get(nm['lpm-v4']!.sha256)!, 64)
    expect(pids.chunks).toBeGreaterThan(1)
    expect(lpm4.chunks).toBeGreaterThan(1)
    const manifest: Manifest = structuredClone(published)
    manifest['network-maps'][NM] = { ...nm, json, pids, 'lpm-v4': lpm4 }
    await pointAt(manifest, 'c'.repeat(32))

    const res = await get(`/networkmap/${NM}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBe(`"${nm.vtag}"`)
    // Compared by length and SHA-256 (a deep toEqual over 8 MB of bytes exhausts the test heap).
    const served = new Uint8Array(await res.arrayBuffer())
    expect(served.length).toBe(body.length)
    expect(await sha256Hex(served)).toBe(json.sha256)

    const eps = await postEndpointProperties({
      properties: [`${NM}.pid`],
      endpoints: ['ipv4:192.0.2.34', 'ipv4:203.0.113.129'],
    })
    expect(eps.status).toBe(200)
    expect(
      ((await eps.json()) as { 'endpoint-properties': unknown })['endpoint-properties']
    ).toEqual({
      'ipv4:192.0.2.34': { [`${NM}.pid`]: 'PID1' },
      'ipv4:203.0.113.129': { [`${NM}.pid`]: 'PID3' },
    })
  })

  it('a corrupted chunk breaks the transfer instead of completing a wrong body, and is never cached', async () => {
    const nm = published['network-maps'][NM]
    const body = bigNetworkMapBody(nm.vtag)
    const good = await storeChunked(body, 1024 * 1024)
    const corrupt = body.slice()
    corrupt[corrupt.length - 10] ^= 0x01 // same length, one wrong byte in the last chunk
    const lastChunk = good.chunks - 1
    await env.ALTO_KV.put(chunkKey(good.sha256, lastChunk), corrupt.slice(lastChunk * 1024 * 1024))
    const manifest: Manifest = structuredClone(published)
    manifest['network-maps'][NM] = { ...nm, json: good }
    const version = 'd'.repeat(32)
    await pointAt(manifest, version)

    const res = await get(`/networkmap/${NM}`)
    // The status line is sent before the end is known; the body must not complete.
    expect(res.status).toBe(200)
    await expect(res.arrayBuffer()).rejects.toThrow()
    expect(await caches.default.match(edgeCacheKey(version, `networkmap/${NM}`))).toBeUndefined()
  })
})
