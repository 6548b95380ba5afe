/**
 * Helpers of the browser tests (and of measure-asn.ts): write a small map set, publish it to a
 * local KV state through the operator CLI, start `wrangler dev` on its own port and state (like
 * test/e2e/wrangler-dev.test.ts), and launch Debian's headless Chromium through playwright-core
 * with a fresh profile, collecting console errors and CSP violations of every page.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type BrowserContext, type Page, chromium } from 'playwright-core'

export const root = resolve(import.meta.dirname, '../..')
const node = join(root, 'node_modules/.bin/node')
const childEnv = () => ({
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
})

/** Three PIDs, distinct costs: the heatmap test knows every cell. */
export const SMALL_PIDS = { pa: '10.0.0.0/24', pb: '10.0.1.0/24', pc: '0.0.0.0/0' }
export const SMALL_COSTS_V1 = {
  pa: { pa: 1, pb: 2, pc: 3 },
  pb: { pa: 4, pb: 5, pc: 6 },
  pc: { pa: 7, pb: 8, pc: 9 },
}

/**
 * A map set: one network map `dash-net`, one cost map `dash-cost` (numerical routingcost) and,
 * with `hopcount`, a second cost map `dash-hops` (numerical hopcount) over the same PIDs.
 */
export function writeMapSet(
  dir: string,
  costs: Record<string, Record<string, number>>,
  hopcount = false
): void {
  mkdirSync(dir, { recursive: true })
  const pids = Object.fromEntries(
    Object.entries(SMALL_PIDS).map(([p, prefix]) => [p, { ipv4: [prefix] }])
  )
  writeFileSync(join(dir, 'net.json'), JSON.stringify({ 'resource-id': 'dash-net', pids }))
  writeFileSync(
    join(dir, 'cost.json'),
    JSON.stringify({
      'resource-id': 'dash-cost',
      'network-map': 'dash-net',
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      costs,
    })
  )
  writeFileSync(
    join(dir, 'hops.json'),
    JSON.stringify({
      'resource-id': 'dash-hops',
      'network-map': 'dash-net',
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'hopcount' },
      costs,
    })
  )
  writeFileSync(
    join(dir, 'alto-edge.json'),
    JSON.stringify({
      'default-network-map': 'dash-net',
      'network-maps': [{ file: 'net.json' }],
      'cost-maps': [{ file: 'cost.json' }, ...(hopcount ? [{ file: 'hops.json' }] : [])],
    })
  )
}

/** `alto-edge publish <dir> --local --persist-to <persist>` (the operator CLI). */
export function publish(dir: string, persist: string, extra: string[] = []): void {
  const r = spawnSync(
    node,
    [join(root, 'src/cli/main.ts'), 'publish', dir, '--local', '--persist-to', persist, ...extra],
    { cwd: root, encoding: 'utf8', env: childEnv() }
  )
  if (r.status !== 0) throw new Error(`publish failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
}

/** {@link publish} without blocking the test (wrangler's local KV takes a minute). */
export function publishAsync(dir: string, persist: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      node,
      [join(root, 'src/cli/main.ts'), 'publish', dir, '--local', '--persist-to', persist],
      { cwd: root, env: childEnv() }
    )
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`publish failed:\n${out}`))))
  })
}

export interface DevServer {
  base: string
  log: () => string
  stop: () => void
}

/** `wrangler dev` on 127.0.0.1:`port` with its own state and extra `--var`s; waits for /health. */
export async function startDev(
  port: number,
  persist: string,
  vars: Record<string, string> = {}
): Promise<DevServer> {
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persist]
  args.push('--show-interactive-dev-session=false')
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`)
  const server: ChildProcess = spawn(join(root, 'node_modules/.bin/wrangler'), args, {
    cwd: root,
    detached: true,
    env: childEnv(),
  })
  let log = ''
  server.stdout?.on('data', (d) => (log += d))
  server.stderr?.on('data', (d) => (log += d))
  const base = `http://127.0.0.1:${port}`
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM')
    } catch {
      /* already gone */
    }
  }
  const until = Date.now() + 120_000
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited:\n${log.slice(-4000)}`)
    try {
      if ((await fetch(`${base}/health`)).status === 200) return { base, log: () => log, stop }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  stop()
  throw new Error(`wrangler dev did not become ready:\n${log.slice(-4000)}`)
}

export interface BrowserRun {
  context: BrowserContext
  /** Console errors, page errors and CSP violations seen so far, on every page. */
  problems: string[]
  close: () => Promise<void>
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]

/** Headless Debian Chromium with a fresh profile. */
export async function launchBrowser(
  opts: { width?: number; height?: number } = {}
): Promise<BrowserRun> {
  const profile = mkdtempSync(join(tmpdir(), 'alto-dash-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 1400, height: opts.height ?? 1000 },
  })
  const problems: string[] = []
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  }
  context.on('page', watch)
  for (const page of context.pages()) watch(page)
  // A CSP violation is also reported as an event in the page; record it from a binding that
  // every document gets before its own scripts run.
  await context.exposeBinding('__cspViolation', (_source, text: string) => problems.push(text))
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI))`,
  })
  return {
    context,
    problems,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * The RGB of canvas pixels in `#id`, read back once (the page's code as text: the tests have no
 * DOM types; one readback, so Chromium does not warn about repeated ones).
 */
export function pixelsAt(page: Page, id: string, points: [number, number][]): Promise<number[][]> {
  return page.evaluate(`(() => {
    const c = document.getElementById(${JSON.stringify(id)})
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    return ${JSON.stringify(points)}.map(([x, y]) => [...d.slice((y * c.width + x) * 4, (y * c.width + x) * 4 + 3)])
  })()`)
}
