/**
 * Builds the operator dashboard's browser assets (README "Dashboard"): src/dashboard/main.ts is
 * bundled by esbuild (already installed: wrangler bundles with it) into one ES module, and the
 * static page and style sheet are copied beside it, into build/assets/dashboard/. wrangler.toml's
 * `[build]` runs this before `wrangler dev` / `wrangler deploy`; vitest.config.ts runs it before
 * the tests. The Worker never imports this code: it serves the files through its `ASSETS`
 * binding (src/worker/routes/dashboard.ts).
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const DASHBOARD_ASSETS_DIR = join(root, 'build', 'assets')

export function buildDashboard(): void {
  const out = join(DASHBOARD_ASSETS_DIR, 'dashboard')
  mkdirSync(out, { recursive: true })
  buildSync({
    entryPoints: [join(root, 'src/dashboard/main.ts')],
    outfile: join(out, 'dashboard.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  for (const file of ['index.html', 'dashboard.css', 'favicon.svg']) {
    copyFileSync(join(root, 'src/dashboard', file), join(out, file))
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildDashboard()
