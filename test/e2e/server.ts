/**
 * Starts `wrangler dev` for a black-box test exactly the way `npm start` does (scripts/start.ts:
 * compile maps/ → publish to local KV through wrangler → wrangler dev) on a free port of
 * 127.0.0.1 with its own state directory, and stops it (the whole process group) afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const root = resolve(import.meta.dirname, '../..')

export interface DevServer {
  base: string
  stop(): void
}

/** A port that was free a moment ago (the kernel's choice). */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((r) => probe.close(() => r()))
  return port
}

export async function startDevServer(deadlineMs = 200_000): Promise<DevServer> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const persist = mkdtempSync(join(tmpdir(), 'alto-e2e-'))
  let log = ''
  const server: ChildProcess = spawn(
    join(root, 'node_modules/.bin/node'),
    [join(root, 'scripts/start.ts'), '--no-asn', '--port', String(port), '--persist-to', persist],
    { cwd: root, detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } }
  )
  server.stdout?.on('data', (d) => (log += d))
  server.stderr?.on('data', (d) => (log += d))
  const stop = () => {
    if (server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM')
      } catch {
        /* already gone */
      }
    }
    rmSync(persist, { recursive: true, force: true })
  }
  const until = Date.now() + deadlineMs
  while (Date.now() < until) {
    if (server.exitCode !== null) {
      stop()
      throw new Error(`npm start exited early (${server.exitCode}):\n${log.slice(-4000)}`)
    }
    try {
      if ((await fetch(`${base}/directory`)).status === 200) return { base, stop }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  stop()
  throw new Error(`wrangler dev did not become ready:\n${log.slice(-4000)}`)
}
