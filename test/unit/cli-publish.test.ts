/**
 * The real operator CLI against local KV (`--local --persist-to <tmp>`, in-process Miniflare:
 * src/cli/local-kv.ts): publish, versions, then a second publish killed (SIGKILL) after its
 * blobs are written and before history/current: `current` must still name the first version,
 * complete and intact, and the killed CLI's workerd must not outlive it. Everything is then read
 * back through `wrangler kv … --local --persist-to <tmp>`: what the CLI wrote is what wrangler
 * (and so `wrangler dev`) sees. `diff --exit-code` around those steps: 5 while publishing would
 * change something, else 0.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT_DIFFERENCES, PAUSE_MARKER } from '../../src/cli/main.ts'
import { WranglerKvStore } from '../../src/cli/wrangler-kv.ts'
import {
  readBlob,
  readManifest,
  readPointerAndHistory,
  sha256Hex,
} from '../../src/compiler/index.ts'
import { manifestBlobs } from '../../src/store/manifest.ts'
import { writeExampleMapSet } from './publish-test-helpers.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const CLI = join(ROOT, 'src', 'cli', 'main.ts')

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** With `killAt`: the child processes the CLI had when it was killed. */
  children: number[]
}

/** Child pids of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`
  return readdirSync(tasks)
    .flatMap((t) => readFileSync(`${tasks}/${t}/children`, 'utf8').split(' '))
    .filter(Boolean)
    .map(Number)
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Runs the CLI; with `killAt`, SIGKILLs it as soon as that line appears on stdout. */
function runCli(
  args: string[],
  opts: { env?: Record<string, string>; killAt?: string } = {}
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--quiet'], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let children: number[] = []
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (opts.killAt && stdout.split('\n').includes(opts.killAt) && child.pid) {
        children = childrenOf(child.pid)
        child.kill('SIGKILL')
      }
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, children }))
  })
}

const versionOf = (stdout: string): string => {
  const m = /^version ([0-9a-f]{32}):/m.exec(stdout)
  if (!m) throw new Error(`no version in output:\n${stdout}`)
  return m[1]
}

describe('alto-edge publish --local (in-process; read back through wrangler)', () => {
  let tmp: string
  let mapsDir: string
  let state: string

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-cli-'))
    mapsDir = join(tmp, 'maps')
    state = join(tmp, 'state')
    writeExampleMapSet(mapsDir)
  })

  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it(
    'publishes, lists versions, and survives a publish killed after its blobs',
    { timeout: 240_000 },
    async () => {
      const kvArgs = ['--local', '--persist-to', state]

      // Nothing published yet: everything would be added.
      const before = await runCli(['diff', mapsDir, ...kvArgs, '--exit-code', '--json'])
      expect(before.code).toBe(EXIT_DIFFERENCES)
      const report = JSON.parse(before.stdout)
      expect(report).toMatchObject({ ok: true, changed: true, identical: false, from: null })
      expect(report.resources).toContainEqual(
        expect.objectContaining({
          kind: 'network-map',
          id: 'rfc-example-network-map',
          change: 'added',
        })
      )

      const first = await runCli(['publish', mapsDir, ...kvArgs])
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      const v1 = versionOf(first.stdout)
      expect(first.stdout).toContain(`published version ${v1} as seq 1 (previous: none)`)

      const versions = await runCli(['versions', ...kvArgs])
      expect(versions.code).toBe(0)
      expect(versions.stdout).toContain(`current: ${v1} (seq 1)`)

      // Unchanged inputs, still current: nothing to write, and not even compiled.
      const again = await runCli(['publish', mapsDir, ...kvArgs])
      expect(again.code).toBe(0)
      expect(again.stdout).toBe(
        `version ${v1} is already published (seq 1): nothing written (map set and compiler unchanged since it was published; not recompiled)\n`
      )

      const same = await runCli(['diff', mapsDir, ...kvArgs, '--exit-code'])
      expect(same.code).toBe(0)
      expect(same.stdout).toContain(`version ${v1} is already published: no changes`)

      // A modified copy: one cost changes → new cost map blobs, new version.
      const costFile = join(mapsDir, 'example', 'cost-routingcost.json')
      const cost = JSON.parse(readFileSync(costFile, 'utf8'))
      cost.costs.PID1.PID2 = 6
      writeFileSync(costFile, JSON.stringify(cost))
      const changed = await runCli(['diff', mapsDir, ...kvArgs, '--exit-code'])
      expect(changed.code).toBe(EXIT_DIFFERENCES)
      expect(changed.stdout).toMatch(
        /^ {2}changed {3}cost-map {4}rfc-example-num-routingcost {2}tag /m
      )
      // Without --exit-code, diff only reports.
      expect((await runCli(['diff', mapsDir, ...kvArgs])).code).toBe(0)

      const killed = await runCli(['publish', mapsDir, ...kvArgs], {
        env: { ALTO_EDGE_TEST_PAUSE_AFTER_BLOBS: '1' },
        killAt: PAUSE_MARKER,
      })
      expect(killed.signal).toBe('SIGKILL')
      const v2 = versionOf(killed.stdout)
      expect(v2).not.toBe(v1)
      // Its workerd (the local KV) goes too, instead of holding the state open for ever.
      expect(killed.children.length).toBeGreaterThan(0)
      for (let i = 0; i < 40 && killed.children.some(alive); i++)
        await new Promise((r) => setTimeout(r, 250))
      expect(killed.children.filter(alive)).toEqual([])

      const kv = new WranglerKvStore({ mode: 'local', persistTo: state })
      try {
        const { current, history } = await readPointerAndHistory(kv)
        expect(current).toEqual({ version: v1, seq: 1, manifest: `manifest/${v1}` })
        expect(history.versions.map((v) => v.version)).toEqual([v1])
        // The killed publish got as far as its manifest (so its blobs were written)...
        expect((await kv.list('manifest/')).sort()).toEqual(
          [`manifest/${v1}`, `manifest/${v2}`].sort()
        )
        // ...and the current version is complete and intact.
        const m1 = await readManifest(kv, v1)
        expect(m1?.version).toBe(v1)
        const refs = manifestBlobs(m1!)
        const texts = await kv.getManyText(refs.map((r) => r.key))
        for (const ref of refs) {
          const text = texts.get(ref.key)
          expect(text, ref.key).not.toBeNull()
          const bytes =
            (await sha256Hex(new TextEncoder().encode(text!))) === ref.sha256
              ? null
              : await readBlob(kv, ref)
          if (bytes) expect(await sha256Hex(bytes), ref.key).toBe(ref.sha256)
        }
      } finally {
        await kv.close()
      }
    }
  )

  it(
    'a fresh local KV gets the build of unchanged inputs from the build cache, the same version and keys; --no-build-cache compiles',
    { timeout: 240_000 },
    async () => {
      const cache = join(tmp, 'build-cache')
      const env = { ALTO_EDGE_BUILD_CACHE_DIR: cache }
      const publishTo = (dir: string, ...extra: string[]) =>
        runCli(['publish', mapsDir, '--local', '--persist-to', join(tmp, dir), ...extra], { env })
      const cold = await publishTo('fresh-1')
      expect(cold.code).toBe(0)
      expect(cold.stderr).toBe('')
      expect(readdirSync(cache)).toHaveLength(1) // the entry of these inputs
      const warm = await publishTo('fresh-2')
      expect(warm.code).toBe(0)
      expect(warm.stderr).toMatch(
        /^compiled build of these inputs read from the build cache in \d+ ms/
      )
      expect(versionOf(warm.stdout)).toBe(versionOf(cold.stdout))
      const keys = (out: string) => /; (\d+) keys, /.exec(out)?.[1]
      expect(keys(warm.stdout)).toBe(keys(cold.stdout))
      const compiledAgain = await publishTo('fresh-3', '--no-build-cache')
      expect(compiledAgain.code).toBe(0)
      expect(compiledAgain.stderr).toBe('')
      expect(versionOf(compiledAgain.stdout)).toBe(versionOf(cold.stdout))
    }
  )
})
