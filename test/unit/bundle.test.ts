/**
 * The Worker bundle, built the way `wrangler deploy` builds it (a dry run with an esbuild
 * metafile), holds no compiler, CLI or client module, and its size is printed. The import-rule
 * test (architecture.test.ts) reads the source; this one reads what would be uploaded, so an
 * import that slips past the rules (a re-export, a dynamic import) is still caught.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forbiddenBundleInputs } from './architecture.ts'

const out = mkdtempSync(join(tmpdir(), 'alto-edge-bundle-'))
let metafile: { inputs: Record<string, unknown>; outputs: Record<string, { bytes: number }> }

beforeAll(() => {
  const wrangler = join('node_modules', 'wrangler', 'bin', 'wrangler.js')
  const run = spawnSync(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--outdir', out, '--metafile', join(out, 'meta.json')],
    { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } }
  )
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
  metafile = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'))
})

afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('Worker bundle (wrangler deploy --dry-run)', () => {
  it('contains the Worker and none of src/compiler, src/cli, src/client', () => {
    const inputs = Object.keys(metafile.inputs)
    expect(inputs).toContain('src/worker/index.ts')
    expect(forbiddenBundleInputs(metafile)).toEqual([])
  })

  it('reports its size', () => {
    const js = readFileSync(join(out, 'index.js'))
    const gzip = gzipSync(js, { level: 9 }).length
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`
    console.log(
      `Worker bundle: ${kib(statSync(join(out, 'index.js')).size)} (gzip ${kib(gzip)}), ` +
        `${Object.keys(metafile.inputs).filter((p) => p.startsWith('src/')).length} modules of src/`
    )
    // Workers' limit on the free plan is 3 MiB gzip; far below, but a jump here means a large
    // dependency slipped in.
    expect(gzip).toBeLessThan(1024 * 1024)
  })

  it('the check itself finds a compiler module in a metafile', () => {
    const bad = { inputs: { 'src/worker/app.ts': {}, 'src/compiler/build.ts': {} } }
    expect(forbiddenBundleInputs(bad)).toEqual(['src/compiler/build.ts'])
  })
})
