/**
 * The build cache of `publish --local` (src/cli/build-cache.ts): a stored build comes back
 * byte for byte for exactly its inputs, and a damaged or foreign entry is never used.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cachedBuild, storeBuild } from '../../src/cli/build-cache.ts'
import { compileMapSet } from '../../src/compiler/index.ts'
import { baseFiles } from '../../src/compiler/test-fixtures.ts'

let tmp: string | undefined
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  tmp = undefined
})

async function compiled() {
  const r = await compileMapSet(baseFiles())
  if (!r.ok) throw new Error('compile failed')
  return { build: r.build, keep: r.keep, notices: r.notices }
}

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)

describe('publish --local: the build cache', () => {
  it('gives back the stored build, blobs byte for byte, only for its inputs', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-build-cache-'))
    const c = await compiled()
    expect(await cachedBuild(A, tmp)).toBeNull()
    await storeBuild(A, c, tmp)
    const back = await cachedBuild(A, tmp)
    expect(back).not.toBeNull()
    expect(back!.build.manifest).toEqual(c.build.manifest)
    expect(back!.build.summary).toEqual(c.build.summary)
    expect(back!.keep).toBe(c.keep)
    expect(back!.notices).toEqual(c.notices)
    expect([...back!.build.blobs.keys()]).toEqual([...c.build.blobs.keys()])
    for (const [sha, bytes] of c.build.blobs)
      expect(Buffer.compare(Buffer.from(back!.build.blobs.get(sha)!), Buffer.from(bytes))).toBe(0)
    expect(await cachedBuild(B, tmp)).toBeNull()
  })

  it('keeps only the newest entry', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-build-cache-'))
    const c = await compiled()
    await storeBuild(A, c, tmp)
    await storeBuild(B, c, tmp)
    expect(readdirSync(tmp)).toEqual([B])
    expect(await cachedBuild(A, tmp)).toBeNull()
    expect(await cachedBuild(B, tmp)).not.toBeNull()
  })

  it('does not use an entry whose blob bytes do not match their SHA-256 names', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-build-cache-'))
    const c = await compiled()
    await storeBuild(A, c, tmp)
    const [sha] = c.build.blobs.keys()
    writeFileSync(join(tmp, A, sha), 'damaged')
    expect(await cachedBuild(A, tmp)).toBeNull()
    rmSync(join(tmp, A, sha))
    expect(await cachedBuild(A, tmp)).toBeNull()
  })
})
