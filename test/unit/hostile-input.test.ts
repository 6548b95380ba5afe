/**
 * The operator CLI on corrupted and hostile map sets (docs/source-format.md, "Limits"): each is a
 * clear source error (exit 1) in bounded time and memory, and nothing is published: a refused file
 * stops `publish --local` before the store is even opened, a source error before any write.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT_VALIDATION } from '../../src/cli/main.ts'
import { MAX_SOURCE_FILE_BYTES } from '../../src/cli/read-map-set.ts'
import { MAX_REPORTED_ERRORS } from '../../src/compiler/source-error.ts'
import { runCli } from './run-cli.ts'

const tmp = mkdtempSync(join(tmpdir(), 'alto-edge-hostile-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

let sets = 0
/** A map set with one network map file `net.json` (or whatever `files` holds). */
function mapSet(files: Record<string, string>, config?: unknown): string {
  const dir = join(tmp, `set-${sets++}`)
  mkdirSync(dir, { recursive: true })
  const cfg = config ?? { 'default-network-map': 'nm', 'network-maps': [{ file: 'net.json' }] }
  writeFileSync(join(dir, 'alto-edge.json'), JSON.stringify(cfg))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/** `validate --json` and `publish --local` on `dir`: both exit 1; returns the JSON errors. */
async function refused(dir: string): Promise<{ file: string; message: string }[]> {
  const validate = await runCli(['validate', dir, '--json'])
  expect(validate.code, validate.stderr).toBe(EXIT_VALIDATION)
  const doc = JSON.parse(validate.stdout) as {
    ok: boolean
    errors: { file: string; message: string }[]
  }
  expect(doc.ok).toBe(false)
  const state = join(tmp, `state-${sets++}`)
  const publish = await runCli(['publish', dir, '--local', '--persist-to', state, '--quiet'])
  expect(publish.code, publish.stderr).toBe(EXIT_VALIDATION)
  // Nothing published: the local store (if the publish opened it) names no version.
  if (existsSync(state)) {
    const versions = await runCli(['versions', '--local', '--persist-to', state, '--json'])
    expect(JSON.parse(versions.stdout)).toMatchObject({ ok: true, current: null, versions: [] })
  }
  return doc.errors
}

const nativeMap = (pids: Record<string, { ipv4?: string[] }>) =>
  JSON.stringify({ 'resource-id': 'nm', pids })

describe('hostile operator input: refused with clear errors, nothing published', () => {
  it('a file over the size limit is refused before it is read', async () => {
    const dir = mapSet({})
    // Sparse: the size is over the limit but no such data is written or read.
    const fd = openSync(join(dir, 'net.json'), 'w')
    writeSync(fd, '{', MAX_SOURCE_FILE_BYTES)
    closeSync(fd)
    const errors = await refused(dir)
    expect(errors).toEqual([
      {
        file: 'net.json',
        path: '',
        line: null,
        value: null,
        message: `refused: is ${MAX_SOURCE_FILE_BYTES + 1} bytes; source files are limited to ${MAX_SOURCE_FILE_BYTES} bytes`,
      },
    ])
  })

  it('a symbolic link leaving the map set is refused; ".." paths too', async () => {
    const outside = join(tmp, 'outside.json')
    writeFileSync(outside, nativeMap({ P: { ipv4: ['0.0.0.0/0'] } }))
    const dir = mapSet({})
    symlinkSync(outside, join(dir, 'net.json'))
    expect((await refused(dir)).map((e) => e.message)).toEqual([
      expect.stringMatching(/^refused: leaves the map set \(a symbolic link to .*outside\.json\)$/),
    ])
    const dotdot = mapSet(
      {},
      { 'default-network-map': 'nm', 'network-maps': [{ file: '../outside.json' }] }
    )
    expect((await refused(dotdot))[0].message).toBe(
      'path must be relative and stay inside the map-set directory'
    )
  })

  it('a FIFO (which would block a read forever) is not a regular file', async () => {
    const dir = mapSet({})
    execFileSync('mkfifo', [join(dir, 'net.json')])
    expect((await refused(dir)).map((e) => e.message)).toEqual(['refused: is not a regular file'])
  })

  it('JSON nested 100,000 deep is an error, not a stack overflow (RFC 8259 §9)', async () => {
    const dir = mapSet({ 'net.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}` })
    const [error] = await refused(dir)
    expect(error).toMatchObject({
      file: 'net.json',
      message: 'invalid JSON: JSON nested deeper than 64 levels',
    })
  })

  it('duplicate member names are an error (RFC 8259 §4), not "last one wins"', async () => {
    const text =
      '{"resource-id":"nm","pids":{"P":{"ipv4":["0.0.0.0/0"]},"P":{"ipv4":["10.0.0.0/8"]}}}'
    const dir = mapSet({ 'net.json': text })
    const [error] = await refused(dir)
    expect(error).toMatchObject({
      file: 'net.json',
      message: 'invalid JSON: duplicate member name "P"',
    })
  })

  it('binary garbage is invalid JSON with the parser message', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))
    const dir = mapSet({})
    writeFileSync(join(dir, 'net.json'), garbage)
    const [error] = await refused(dir)
    expect(error.message).toMatch(/^invalid JSON: /)
    expect(error.message.length).toBeLessThan(400)
  })

  it(`a million-line CSV of bad lines: at most ${MAX_REPORTED_ERRORS} errors, then a count`, async () => {
    const lines = Array.from({ length: 1_000_000 }, (_, i) => `P,999.${i % 256}.0.0/8`)
    const dir = mapSet({
      'net.json': JSON.stringify({ 'resource-id': 'nm', 'prefix-csv': ['p.csv'] }),
      'p.csv': `${lines.join('\n')}\n`,
    })
    const errors = await refused(dir)
    expect(errors.length).toBe(MAX_REPORTED_ERRORS + 1)
    expect(errors[0]).toMatchObject({ file: 'p.csv', line: 1 })
    expect(errors.at(-1)!.message).toBe(
      `${1_000_000 - MAX_REPORTED_ERRORS} more errors not reported (at most ${MAX_REPORTED_ERRORS} are)`
    )
  })

  it('a cost map over 10,000 PIDs is refused before its matrix is allocated', async () => {
    const pids: Record<string, { ipv4: string[] }> = {}
    for (let i = 0; i < 10_000; i++) pids[`p${i}`] = { ipv4: [`10.${i >> 8}.${i & 255}.0/24`] }
    pids.rest = { ipv4: ['0.0.0.0/0'] }
    const dir = mapSet(
      {
        'net.json': nativeMap(pids),
        'cost.json': JSON.stringify({
          'network-map': 'nm',
          'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
          costs: { p0: { p1: 1 } },
        }),
      },
      {
        'default-network-map': 'nm',
        'network-maps': [{ file: 'net.json' }],
        'cost-maps': [{ file: 'cost.json' }],
      }
    )
    expect((await refused(dir)).map((e) => e.message)).toEqual([
      expect.stringMatching(/cost map over 10001 PIDs needs 100020001 cells; at most 33554432/),
    ])
  })
})
