/** Reading chunked blobs (docs/storage-schema.md: `blob/<sha256>/<i>` when chunks > 1). */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { RequestFailureError } from '../../src/alto/errors.ts'
import type { BlobRef } from '../../src/store/manifest.ts'
import {
  StorageFault,
  readBlobBytes,
  readBlobStream,
  verifiedBlobStream,
} from '../../src/worker/store.ts'

const parts = ['{"meta":', '{"vtag":1}', ',"x":[1,2,3]}']
const whole = parts.join('')
let ref: BlobRef

beforeAll(async () => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(whole))
  const sha = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
  ref = { key: `blob/${sha}`, bytes: whole.length, sha256: sha, chunks: parts.length }
  for (const [i, part] of parts.entries()) await env.ALTO_KV.put(`blob/${sha}/${i}`, part)
})

describe('chunked blobs', () => {
  it('are streamed and read chunk after chunk, in order, and verified', async () => {
    expect(await new Response(await readBlobStream(env.ALTO_KV, ref)).text()).toBe(whole)
    expect(await new Response(await verifiedBlobStream(env.ALTO_KV, ref)).text()).toBe(whole)
    expect(new TextDecoder().decode(await readBlobBytes(env.ALTO_KV, ref))).toBe(whole)
  })

  it('bytes that do not hash to the recorded SHA-256 are a storage fault', async () => {
    // The same chunks stored under a SHA-256 they do not have.
    const wrong: BlobRef = { ...ref, sha256: 'c'.repeat(64), key: `blob/${'c'.repeat(64)}` }
    for (const [i, part] of parts.entries()) await env.ALTO_KV.put(`${wrong.key}/${i}`, part)
    await expect(readBlobBytes(env.ALTO_KV, wrong)).rejects.toBeInstanceOf(StorageFault)
    // Streamed: the body errors at its end instead of completing.
    await expect(
      new Response(await verifiedBlobStream(env.ALTO_KV, wrong)).text()
    ).rejects.toThrow()
  })

  it('a missing blob is a 503 failure, not a server error', async () => {
    const missing: BlobRef = { ...ref, sha256: 'd'.repeat(64), key: `blob/${'d'.repeat(64)}` }
    const failure = await readBlobStream(env.ALTO_KV, missing).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RequestFailureError)
    expect((failure as RequestFailureError).failure.kind).toBe('unavailable')
    await expect(readBlobBytes(env.ALTO_KV, { ...missing, chunks: 1 })).rejects.toBeInstanceOf(
      RequestFailureError
    )
  })
})
