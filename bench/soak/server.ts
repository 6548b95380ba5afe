/**
 * @module The soak's server side: a map set and a local KV state in a temporary directory,
 * `publish --local` / `rollback --local` through the real CLI (src/cli/main.ts), and
 * `wrangler dev` running the soak Worker (bench/soak/worker.ts: the real Worker with a
 * fault-injecting KV wrapper) over that state on 127.0.0.1, with the V8 inspector open so the
 * isolate's memory can be sampled.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { writeVariant } from './variants.ts'

export const ROOT = resolve(import.meta.dirname, '../..')
const NODE = join(ROOT, 'node_modules/.bin/node')
const CLI = join(ROOT, 'src/cli/main.ts')
/** Bearer secret of the publish hook (POST /_alto/notify) in this run only. */
const OPERATOR_TOKEN = 'soak-operator-token'

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((r) => probe.close(() => r()))
  return port
}

export interface SoakServer {
  base: string
  /** `ip:port` of the Worker's V8 inspector. */
  inspector: string
  /** Publishes content `k` (variants.ts); resolves with the CLI's exit code and output. */
  publish(k: number): Promise<CliResult>
  /** `rollback --local` to the newest history entry that is not current. */
  rollback(): Promise<CliResult>
  /** The tail of wrangler dev's output. */
  log(): string
  stop(): void
}

export interface CliResult {
  code: number | null
  out: string
  ms: number
}

function runCli(args: string[]): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, [CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ALTO_OPERATOR_TOKEN: OPERATOR_TOKEN, WRANGLER_SEND_METRICS: 'false' },
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, out, ms: performance.now() - started }))
  })
}

export async function startSoakServer(opts: {
  faultRate: number
  vars?: Record<string, string>
  deadlineMs?: number
}): Promise<SoakServer> {
  const tmp = mkdtempSync(join(tmpdir(), 'alto-soak-'))
  const maps = join(tmp, 'maps')
  const state = join(tmp, 'state')
  const [port, inspectorPort] = [await freePort(), await freePort()]
  const base = `http://127.0.0.1:${port}`
  const target = ['--local', '--persist-to', state, '--quiet', '--notify', base]
  const publish = (k: number) => {
    writeVariant(maps, k)
    return runCli(['publish', maps, ...target])
  }
  const first = await publish(0)
  if (first.code !== 0) throw new Error(`first publish failed (${first.code}):\n${first.out}`)

  const vars = {
    SOAK_KV_FAULT_RATE: String(opts.faultRate),
    ALTO_OPERATOR_TOKEN: OPERATOR_TOKEN,
    ...opts.vars,
  }
  let log = ''
  const dev: ChildProcess = spawn(
    join(ROOT, 'node_modules/.bin/wrangler'),
    [
      'dev',
      'bench/soak/worker.ts',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      state,
      ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    ],
    {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      },
    }
  )
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000))
  dev.stdout?.on('data', keep)
  dev.stderr?.on('data', keep)
  const stop = () => {
    try {
      if (dev.pid) process.kill(-dev.pid, 'SIGTERM')
    } catch {
      /* already gone */
    }
    rmSync(tmp, { recursive: true, force: true })
  }
  const until = Date.now() + (opts.deadlineMs ?? 180_000)
  for (;;) {
    if (dev.exitCode !== null) {
      stop()
      throw new Error(`wrangler dev exited (${dev.exitCode}):\n${log.slice(-4000)}`)
    }
    try {
      if ((await fetch(`${base}/directory`)).status === 200) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      stop()
      throw new Error(`wrangler dev did not become ready:\n${log.slice(-4000)}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return {
    base,
    inspector: `127.0.0.1:${inspectorPort}`,
    publish,
    rollback: () => runCli(['rollback', ...target]),
    log: () => log,
    stop,
  }
}
