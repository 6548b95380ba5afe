/**
 * The operator CLI's offline commands (validate, build) and usage handling, called in-process
 * through main() with captured output. No wrangler involved.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeExampleMapSet } from './publish-test-helpers.ts'
import { EXIT_USAGE, EXIT_VALIDATION, main } from '../../src/cli/main.ts'
import { sha256Hex } from '../../src/compiler/index.ts'
import type { Manifest } from '../../src/store/manifest.ts'

async function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('alto-edge validate / build', () => {
  let tmp: string
  let maps: string

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'alto-edge-cli-unit-'))
    maps = join(tmp, 'maps')
    writeExampleMapSet(maps, { optionalAsn: true, ordinal: false })
  })
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('validate: OK with a notice for the missing optional file', async () => {
    const r = await run(['validate', maps])
    expect(r.code).toBe(0)
    expect(r.out).toBe(`${maps}: OK`)
    expect(r.err).toBe('notice: skipped optional asn/generated/network-map.json: file not found')
  })

  it('validate: prints every error as `file:line path: message (value)` and exits 1', async () => {
    const bad = join(tmp, 'bad')
    cpSync(maps, bad, { recursive: true })
    const nm = JSON.parse(readFileSync(join(bad, 'example', 'network-map.json'), 'utf8'))
    nm['prefix-csv'] = ['extra.csv']
    nm.pids.PID2.ipv4.push('198.51.100.129/25')
    writeFileSync(join(bad, 'example', 'network-map.json'), JSON.stringify(nm, null, 2))
    writeFileSync(
      join(bad, 'example', 'extra.csv'),
      'pid,prefix\nPID4,203.0.113.0/24\nPID4,2001:db8::1/32\n'
    )
    const r = await run(['validate', bad])
    expect(r.code).toBe(EXIT_VALIDATION)
    expect(r.out.split('\n')).toEqual([
      expect.stringMatching(
        /^example\/network-map\.json:\d+ pids\.PID2\.ipv4\[1\]: host bits not zero: .* \(198\.51\.100\.129\/25\)$/
      ),
      expect.stringMatching(
        /^example\/extra\.csv:3 prefix: host bits not zero: .* \(2001:db8::1\/32\)$/
      ),
    ])
    expect(r.err).toContain('2 errors')
    // The JSON error's line is the line of the offending prefix in the file.
    const line = Number(/^example\/network-map\.json:(\d+) /.exec(r.out)![1])
    expect(
      readFileSync(join(bad, 'example', 'network-map.json'), 'utf8').split('\n')[line - 1]
    ).toContain('198.51.100.129/25')
  })

  it('build: writes manifest.json and a wrangler bulk file matching the manifest, prints the summary', async () => {
    const out = join(tmp, 'build')
    const r = await run(['build', maps, '--out', out, '--quiet'])
    expect(r.code).toBe(0)
    const manifest: Manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(r.out).toContain(`version ${manifest.version}:`)
    expect(r.out).toMatch(/rfc-example-network-map\s+3\s+4\s+1\s/)
    expect(r.out).toContain(manifest['network-maps']['rfc-example-network-map'].vtag)
    const bulk: { key: string; value: string; base64: boolean }[] = JSON.parse(
      readFileSync(join(out, 'kv-bulk.json'), 'utf8')
    )
    for (const entry of bulk) {
      expect(entry.base64).toBe(true)
      if (entry.key.startsWith('blob/')) {
        expect(await sha256Hex(Buffer.from(entry.value, 'base64'))).toBe(
          entry.key.slice('blob/'.length)
        )
      }
    }
    expect(bulk.map((e) => e.key)).toContain(`manifest/${manifest.version}`)
    expect(bulk.map((e) => e.key)).toContain(manifest.ird.key)
  })

  it('usage errors exit 2', async () => {
    expect((await run([])).code).toBe(EXIT_USAGE)
    expect((await run(['frobnicate'])).code).toBe(EXIT_USAGE)
    expect((await run(['publish', maps])).err).toContain('choose one of --local or --remote')
    expect((await run(['publish', maps, '--local', '--remote'])).code).toBe(EXIT_USAGE)
    expect((await run(['prune', '--local', '--keep', '0'])).code).toBe(EXIT_USAGE)
    expect((await run(['versions', '--bogus'])).code).toBe(EXIT_USAGE)
  })
})
