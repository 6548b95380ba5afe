/**
 * How many wrangler processes a `--remote` publish starts (docs/operator-cli.md, "How publish
 * writes"): the WranglerKvStore the CLI uses for `--remote`, driven by the real publisher, runs a
 * recording stand-in for wrangler (fixtures/fake-wrangler.mjs: same commands, same output shapes,
 * a directory for the namespace). No credentials needed; the command lines are the ones a real
 * remote publish would run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readMapSet } from '../../src/cli/read-map-set.ts'
import { WranglerKvStore } from '../../src/cli/wrangler-kv.ts'
import { compileMapSet, publishBuild, readCurrentManifest } from '../../src/compiler/index.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const FAKE = join(import.meta.dirname, 'fixtures', 'fake-wrangler.mjs')

let tmp: string | undefined
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  tmp = undefined
})

/** Publishes `maps/` (optional entries skipped) through the stand-in; returns the command lines. */
async function publishCounting(state: string, log: string): Promise<string[]> {
  process.env.FAKE_WRANGLER_STATE = state
  process.env.FAKE_WRANGLER_LOG = log
  const compiled = await compileMapSet(await readMapSet(join(ROOT, 'maps'), { skipOptional: true }))
  if (!compiled.ok) throw new Error('maps/ does not compile')
  const kv = new WranglerKvStore({ mode: 'remote', wranglerJs: FAKE })
  try {
    const before = (() => {
      try {
        return readFileSync(log, 'utf8').split('\n').filter(Boolean).length
      } catch {
        return 0
      }
    })()
    await publishBuild(kv, compiled.build, { keep: compiled.keep })
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).slice(before)
    return lines.map((l) => (JSON.parse(l) as string[]).slice(1, 3).join(' '))
  } finally {
    await kv.close()
  }
}

describe('publish --remote: wrangler processes per publish', () => {
  it('a first publish: one list, bulk puts, the read-back, then history and current', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-remote-'))
    const calls = await publishCounting(join(tmp, 'ns'), join(tmp, 'log'))
    // The whole sequence: if the publisher or the store adds a call, this says which.
    expect(calls).toMatchSnapshot()
    expect(calls.at(-1)).toBe('key put') // `current`, last
    const kv = new WranglerKvStore({ mode: 'remote', wranglerJs: FAKE })
    expect(await readCurrentManifest(kv)).not.toBeNull()
    await kv.close()
  })

  it('an unchanged republish reads the pointer and stops', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-remote-'))
    await publishCounting(join(tmp, 'ns'), join(tmp, 'log'))
    const again = await publishCounting(join(tmp, 'ns'), join(tmp, 'log'))
    expect(again).toMatchSnapshot()
    expect(again.some((c) => c.endsWith('put'))).toBe(false)
  })
})
