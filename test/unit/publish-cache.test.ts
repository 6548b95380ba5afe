/**
 * The record that lets an unchanged `publish --local` skip the compile (src/cli/publish-cache.ts):
 * it must name a version only for exactly the inputs it was written for.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inputsHash, recordedVersion, recordVersion } from '../../src/cli/publish-cache.ts'

let tmp: string | undefined
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  tmp = undefined
})

describe('publish --local: the last-publish record', () => {
  it('hashes every source file by name and content', async () => {
    const base = await inputsHash({ 'alto-edge.json': '{}', 'a.json': '[1]' })
    expect(await inputsHash({ 'a.json': '[1]', 'alto-edge.json': '{}' })).toBe(base)
    expect(await inputsHash({ 'alto-edge.json': '{}', 'a.json': '[2]' })).not.toBe(base)
    expect(await inputsHash({ 'alto-edge.json': '{}', 'b.json': '[1]' })).not.toBe(base)
    expect(await inputsHash({ 'alto-edge.json': '{}' })).not.toBe(base)
    // Name/content boundaries cannot be shifted into one another.
    expect(await inputsHash({ 'alto-edge.json': '{}', 'a.jso': 'n[1]' })).not.toBe(base)
  })

  it('names the version only for the inputs it was recorded with', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-record-'))
    const inputs = await inputsHash({ 'alto-edge.json': '{}' })
    expect(await recordedVersion(tmp, inputs)).toBeNull()
    await recordVersion(tmp, inputs, 'v1')
    expect(await recordedVersion(tmp, inputs)).toBe('v1')
    expect(await recordedVersion(tmp, await inputsHash({ 'alto-edge.json': '[]' }))).toBeNull()
  })
})
