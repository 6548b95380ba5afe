/** Spawns the real operator CLI with this Node (22) and collects what the shell would see. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const CLI = join(ROOT, 'src', 'cli', 'main.ts')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

export function runCli(
  args: string[],
  opts: { script?: string; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.script ?? CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
