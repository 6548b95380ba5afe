/**
 * `publish --local` while `wrangler dev` serves the same state directory (what `npm start` and
 * an operator editing maps do): the CLI's in-process KV (src/cli/local-kv.ts) and wrangler dev's
 * workerd open the same SQLite store. The publish must succeed, and the running Worker must then
 * serve the new version: local KV reads storage on every get (Miniflare only validates
 * `cacheTtl`, it caches nothing), so the Worker's `current` read with `cacheTtl: 60` sees the new
 * pointer on the next request.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeExampleMapSet } from './publish-test-helpers.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const CLI = join(ROOT, 'src', 'cli', 'main.ts')
const PORT = 19000 + (process.pid % 1000)
const BASE = `http://127.0.0.1:${PORT}`
const NETWORK_MAP = `${BASE}/networkmap/rfc-example-network-map`

let tmp = ''
let mapsDir = ''
let state = ''
let dev: ChildProcess | undefined
let devLog = ''

function publish(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'publish', mapsDir, '--local', '--persist-to', state, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out }))
  })
}

async function networkMapTag(): Promise<string> {
  const res = await fetch(NETWORK_MAP)
  expect(res.status).toBe(200)
  const body = (await res.json()) as { meta: { vtag: { tag: string } } }
  return body.meta.vtag.tag
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'alto-edge-serve-'))
  mapsDir = join(tmp, 'maps')
  state = join(tmp, 'state')
  writeExampleMapSet(mapsDir)
  const first = await publish()
  expect(first.code, first.out).toBe(0)
  dev = spawn(
    join(ROOT, 'node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(PORT), '--persist-to', state],
    {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      },
    }
  )
  dev.stdout?.on('data', (d) => (devLog += d))
  dev.stderr?.on('data', (d) => (devLog += d))
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/directory`)).status === 200) break
    } catch {
      /* not listening yet */
    }
    if (i > 240 || dev.exitCode !== null) throw new Error(`wrangler dev did not start:\n${devLog}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}, 180_000)

afterAll(() => {
  if (dev?.pid) {
    try {
      process.kill(-dev.pid, 'SIGTERM')
    } catch {
      /* already gone */
    }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('publish --local while wrangler dev serves the same state', () => {
  it('writes through the shared store and the running Worker serves the new version', async () => {
    const before = await networkMapTag()
    // A changed network map: PID1 gains a prefix → a new network map tag.
    const file = join(mapsDir, 'example', 'network-map.json')
    const map = JSON.parse(readFileSync(file, 'utf8'))
    map.pids.PID1.ipv4.push('203.0.113.0/24')
    writeFileSync(file, JSON.stringify(map))

    const second = await publish()
    expect(second.code, second.out).toBe(0)
    expect(second.out).toMatch(/published version [0-9a-f]{32} as seq 2/)
    // The very next request: nothing in local KV caches `current`.
    const after = await networkMapTag()
    expect(after).not.toBe(before)
    const body = await (await fetch(NETWORK_MAP)).text()
    expect(body).toContain('203.0.113.0/24')
    // Republishing the unchanged set while serving writes nothing and changes nothing.
    const third = await publish()
    expect(third.code, third.out).toBe(0)
    expect(third.out).toContain('is already published (seq 2)')
    expect(await networkMapTag()).toBe(after)
  })
})
