/** Reading chunked blobs (docs/storage-schema.md: `blob/<sha256>/<i>` when chunks > 1). */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { RequestFailureError } from '../../src/alto/errors.ts'
import type { BlobRef } from '../../src/store/manifest.ts'
import { readBlobBytes, readBlobStream } from '../../src/worker/store.ts'

const sha = 'c'.repeat(64)
const parts = ['{"meta":', '{"vtag":1}', ',"x":[1,2,3]}']
const ref: BlobRef = { key: `blob/${sha}`, bytes: parts.join('').length, sha256: sha, chunks: parts.length }

describe('chunked blobs', () => {
  it('are streamed and read chunk after chunk, in order', async () => {
    for (const [i, part] of parts.entries()) await env.ALTO_KV.put(`blob/${sha}/${i}`, part)
    expect(await new Response(await readBlobStream(env.ALTO_KV, ref)).text()).toBe(parts.join(''))
    expect(new TextDecoder().decode(await readBlobBytes(env.ALTO_KV, ref))).toBe(parts.join(''))
  })

  it('a missing blob is a 503 failure, not a server error', async () => {
    const missing: BlobRef = { ...ref, sha256: 'd'.repeat(64), key: `blob/${'d'.repeat(64)}` }
    const failure = await readBlobStream(env.ALTO_KV, missing).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RequestFailureError)
    expect((failure as RequestFailureError).failure.kind).toBe('unavailable')
    await expect(readBlobBytes(env.ALTO_KV, { ...missing, chunks: 1 })).rejects.toBeInstanceOf(RequestFailureError)
  })
})
