/**
 * The operator CLI's command line, as an operator meets it: the real `alto-edge` spawned with
 * Node 22 (exit codes as the shell sees them). Usage errors must be refused before any work —
 * no compile progress, no wrangler call (wrangler would create the --persist-to directory).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeExampleMapSet } from './publish-test-helpers.ts'
import { ROOT, runCli } from './run-cli.ts'
import {
  EXIT_INTERNAL,
  EXIT_OK,
  EXIT_SERVER,
  EXIT_STORAGE,
  EXIT_UNREACHABLE,
  EXIT_USAGE,
  EXIT_VALIDATION,
} from '../../src/cli/main.ts'

const BIN = join(ROOT, 'bin', 'alto-edge.mjs')
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version

/** Lines the CLI prints once it has started working (compile progress, wrangler calls). */
const WORK = /^ {2}(loading|building|wrangler|local KV|advancing)\b/m

let tmp: string
let maps: string
let bad: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'alto-edge-cli-args-'))
  maps = join(tmp, 'maps')
  writeExampleMapSet(maps, { optionalAsn: true, ordinal: false })
  bad = join(tmp, 'bad')
  cpSync(maps, bad, { recursive: true })
  const nm = JSON.parse(readFileSync(join(bad, 'example', 'network-map.json'), 'utf8'))
  nm.pids.PID2.ipv4.push('198.51.100.129/25')
  writeFileSync(join(bad, 'example', 'network-map.json'), JSON.stringify(nm, null, 2))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('exit codes are distinct', () => {
  it('0 ok, 1 validation, 2 usage, 3 storage, 4 unreachable, 5 differences, 6 server, 7 bad signature, 8 unverifiable, 70 internal', async () => {
    const codes = await import('../../src/cli/exit-codes.ts')
    const all = codes.EXIT_CODES.map((e) => e.code)
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 70])
    expect(new Set(all).size).toBe(all.length)
    expect([
      EXIT_OK,
      EXIT_VALIDATION,
      EXIT_USAGE,
      EXIT_STORAGE,
      EXIT_UNREACHABLE,
      codes.EXIT_DIFFERENCES,
      EXIT_SERVER,
      codes.EXIT_BAD_SIGNATURE,
      codes.EXIT_UNVERIFIABLE,
      EXIT_INTERNAL,
    ]).toEqual(all)
  })
})

describe('unknown commands and options: exit 2 with a suggestion', () => {
  it('valdate → did you mean validate?', async () => {
    const r = await runCli(['valdate', maps])
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain("unknown command 'valdate'")
    expect(r.stderr).toContain('Did you mean validate?')
  })

  it('--kep → did you mean --keep?', async () => {
    const r = await runCli(['publish', maps, '--local', '--kep', '3'])
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain("unknown option '--kep'")
    expect(r.stderr).toContain('Did you mean --keep?')
    expect(r.stderr).not.toMatch(WORK)
  })

  it('options of other commands are refused: validate --remote --keep 3 --via foo', async () => {
    const r = await runCli(['validate', maps, '--remote', '--keep', '3', '--via', 'foo'])
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain("unknown option '--remote'")
  })

  it.each([
    [['versions', '--local', '--keep', '3'], "unknown option '--keep'"],
    [['watch', 'http://127.0.0.1:8787', '--resource', 'x', '--local'], "unknown option '--local'"],
    [['build', maps, '--json', '--notify', 'http://x'], "unknown option '--notify'"],
    [['validate', maps, 'extra'], 'too many arguments'],
    [['rollback', 'maps', '--local'], 'too many arguments'],
    [[], 'Usage: alto-edge'],
  ])('%j → exit 2 (%s)', async (args, message) => {
    const r = await runCli(args)
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stderr).toContain(message)
    expect(r.stderr).not.toMatch(WORK)
  })
})

describe('flags are checked before any work', () => {
  const cases: [string, string[], string][] = [
    [
      '--keep 0',
      ['publish', '<maps>', '--local', '--keep', '0'],
      "option '--keep <n>' argument '0' is invalid",
    ],
    ['--keep abc', ['publish', '<maps>', '--local', '--keep', 'abc'], "argument 'abc' is invalid"],
    ['--keep 1.5', ['prune', '--local', '--keep', '1.5'], "argument '1.5' is invalid"],
    [
      '--updates-window 0',
      ['publish', '<maps>', '--local', '--updates-window', '0'],
      "'--updates-window <n>' argument '0'",
    ],
    [
      '--notify not-a-url',
      ['publish', '<maps>', '--local', '--notify', 'not-a-url'],
      'http:// or https:// URL',
    ],
    [
      '--local with --remote',
      ['publish', '<maps>', '--local', '--remote'],
      "'--local' cannot be used with option '--remote'",
    ],
    [
      '--persist-to with --remote',
      ['diff', '<maps>', '--remote'],
      "'--persist-to <dir>' cannot be used with option '--remote'",
    ],
    ['no --local|--remote (publish)', ['publish', '<maps>'], 'choose one of --local or --remote'],
    ['no --local|--remote (diff)', ['diff', '<maps>'], 'choose one of --local or --remote'],
    ['no --local|--remote (versions)', ['versions'], 'choose one of --local or --remote'],
    [
      '--via foo',
      ['watch', 'http://127.0.0.1:8787', '--resource', 'x', '--via', 'foo'],
      'Allowed choices are tips, sse',
    ],
    [
      '--count -1',
      ['watch', 'http://127.0.0.1:8787', '--resource', 'x', '--count', '-1'],
      "'--count <n>' argument '-1' is invalid",
    ],
    [
      '--count 0',
      ['watch', 'http://127.0.0.1:8787', '--resource', 'x', '--count', '0'],
      "argument '0' is invalid",
    ],
    [
      'watch without --resource',
      ['watch', 'http://127.0.0.1:8787'],
      "required option '--resource <id>' not specified",
    ],
    ['watch ftp://', ['watch', 'ftp://example.com', '--resource', 'x'], 'http:// or https:// URL'],
  ]
  it.each(cases)('%s → exit 2, no summary, no wrangler', async (_name, args, message) => {
    const state = join(tmp, `state-${Math.random().toString(36).slice(2)}`)
    const argv = args.map((a) => (a === '<maps>' ? maps : a))
    // Every KV command gets --persist-to: if wrangler ran, it would create that directory.
    const kv = ['publish', 'diff', 'versions', 'prune'].includes(argv[0])
    const r = await runCli(kv ? [...argv, '--persist-to', state] : argv)
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stderr).toContain(message)
    expect(r.stdout).toBe('') // in particular no build summary ("version …: N blobs")
    expect(r.stderr).not.toMatch(WORK)
    expect(existsSync(state)).toBe(false)
  })

  it('control: a valid KV command does reach wrangler (which creates --persist-to)', async () => {
    const state = join(tmp, 'state-control')
    const r = await runCli(['versions', '--local', '--persist-to', state, '--json'])
    expect(r.code).toBe(EXIT_OK)
    expect(r.stderr).toMatch(WORK)
    expect(existsSync(state)).toBe(true)
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, current: null, versions: [] })
  })
})

describe('--help and --version', () => {
  it('--version (and -V) print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag])
      expect(r.code).toBe(EXIT_OK)
      expect(r.stdout).toBe(`${VERSION}\n`)
    }
    const bin = await runCli(['--version'], { script: BIN })
    expect(bin).toEqual({ code: EXIT_OK, stdout: `${VERSION}\n`, stderr: '' })
  })

  it('global --help lists every command and the exit codes', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(EXIT_OK)
    for (const c of [
      'validate',
      'build',
      'diff',
      'publish',
      'rollback',
      'prune',
      'versions',
      'watch',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
    }
    expect(r.stdout).toMatch(/^ {3}4 {2}server unreachable/m)
    expect(r.stdout).toMatch(/^ {3}5 {2}diff --exit-code/m)
    expect((await runCli(['help'])).stdout).toBe(r.stdout)
  })

  /** The option names a command's --help lists. */
  const optionsOf = (help: string) =>
    [...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]).sort()

  it.each([
    ['validate', ['--help', '--json', '--skip-optional']],
    [
      'build',
      [
        '--help',
        '--json',
        '--out',
        '--quiet',
        '--signature-ttl',
        '--signing-key',
        '--skip-optional',
      ],
    ],
    [
      'diff',
      [
        '--exit-code',
        '--help',
        '--json',
        '--local',
        '--persist-to',
        '--quiet',
        '--remote',
        '--skip-optional',
      ],
    ],
    [
      'publish',
      [
        '--help',
        '--keep',
        '--local',
        '--no-build-cache',
        '--no-verify',
        '--notify',
        '--persist-to',
        '--quiet',
        '--remote',
        '--signature-ttl',
        '--signing-key',
        '--skip-optional',
        '--updates-window',
      ],
    ],
    [
      'rollback',
      [
        '--help',
        '--local',
        '--notify',
        '--persist-to',
        '--quiet',
        '--remote',
        '--to',
        '--updates-window',
      ],
    ],
    ['prune', ['--help', '--keep', '--local', '--persist-to', '--quiet', '--remote']],
    ['versions', ['--help', '--json', '--local', '--persist-to', '--quiet', '--remote']],
    ['watch', ['--count', '--help', '--resource', '--via']],
  ])('%s --help shows that command and its options only', async (command, options) => {
    const r = await runCli([command, '--help'])
    expect(r.code).toBe(EXIT_OK)
    expect(r.stdout).toMatch(new RegExp(`^Usage: alto-edge ${command} `))
    expect(optionsOf(r.stdout)).toEqual(options)
    expect((await runCli(['help', command])).stdout).toBe(r.stdout)
  })

  it('docs/operator-cli.md shows the --help output as the code generates it (no drifting copy)', async () => {
    const docs = readFileSync(join(ROOT, 'docs', 'operator-cli.md'), 'utf8')
    for (const args of [
      ['--help'],
      ...['validate', 'build', 'diff', 'publish', 'rollback', 'prune', 'versions', 'watch'].map(
        (c) => [c, '--help']
      ),
      ['keys', 'generate', '--help'],
      ['keys', 'jwks', '--help'],
    ]) {
      const r = await runCli(args)
      expect(docs, `alto-edge ${args.join(' ')}`).toContain(
        `$ alto-edge ${args.join(' ')}\n${r.stdout}`
      )
    }
  })
})

describe('--json documents (stdout), progress on stderr', () => {
  it('validate --json: ok document', async () => {
    const r = await runCli(['validate', maps, '--json'])
    expect(r.code).toBe(EXIT_OK)
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      dir: maps,
      errors: [],
      notices: ['skipped optional asn/generated/network-map.json: file not found'],
    })
  })

  it('validate --json: errors with file, line, path, value, message', async () => {
    const r = await runCli(['validate', bad, '--json'])
    expect(r.code).toBe(EXIT_VALIDATION)
    const doc = JSON.parse(r.stdout)
    expect(doc).toEqual({
      ok: false,
      dir: bad,
      errors: [
        {
          file: 'example/network-map.json',
          line: expect.any(Number),
          path: 'pids.PID2.ipv4[1]',
          value: '198.51.100.129/25',
          message: expect.stringContaining('host bits not zero'),
        },
      ],
      notices: expect.any(Array),
    })
    expect(r.stderr).toContain('1 error in')
    // Human output stays the default.
    const text = await runCli(['validate', bad])
    expect(text.code).toBe(EXIT_VALIDATION)
    expect(text.stdout).toMatch(
      /^example\/network-map\.json:\d+ pids\.PID2\.ipv4\[1\]: host bits not zero/
    )
  })

  it('build --json: one document naming the files written; progress still on stderr', async () => {
    const out = join(tmp, 'build-json')
    const r = await runCli(['build', maps, '--out', out, '--json'])
    expect(r.code).toBe(EXIT_OK)
    expect(r.stderr).toMatch(/^ {2}building network map rfc-example-network-map/m)
    const doc = JSON.parse(r.stdout)
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(doc).toMatchObject({
      ok: true,
      dir: maps,
      version: manifest.version,
      manifest: join(out, 'manifest.json'),
      bulk: join(out, 'kv-bulk.json'),
      keys: JSON.parse(readFileSync(join(out, 'kv-bulk.json'), 'utf8')).length,
      summary: { version: manifest.version },
    })
    expect(doc.summary.networkMaps.map((m: { id: string }) => m.id)).toEqual([
      'rfc-example-network-map',
    ])
    expect(doc.summary.networkMaps[0]).toMatchObject({ pids: 3, prefixes: { ipv4: 4, ipv6: 1 } })
  })

  it('build --json on an invalid map set: the validation document, exit 1', async () => {
    const r = await runCli(['build', bad, '--out', join(tmp, 'build-bad'), '--json', '--quiet'])
    expect(r.code).toBe(EXIT_VALIDATION)
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      errors: [{ path: 'pids.PID2.ipv4[1]' }],
    })
    expect(existsSync(join(tmp, 'build-bad'))).toBe(false)
  })
})

describe('watch: network failures exit 4, server errors exit 6', () => {
  let server: Server
  let url: string

  beforeAll(async () => {
    server = createServer((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no')
    )
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('http://127.0.0.1:1 → exit 4, "cannot reach"', async () => {
    const r = await runCli(['watch', 'http://127.0.0.1:1', '--resource', 'my-default-network-map'])
    expect(r.code).toBe(EXIT_UNREACHABLE)
    expect(r.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:1\/directory: /)
    expect(r.stderr).not.toContain('fetch failed')
  })

  it('a closed port → exit 4 naming ECONNREFUSED', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const r = await runCli(['watch', `http://127.0.0.1:${port}`, '--resource', 'x', '--via', 'sse'])
    expect(r.code).toBe(EXIT_UNREACHABLE)
    expect(r.stderr).toBe(`error: cannot reach http://127.0.0.1:${port}/directory: ECONNREFUSED\n`)
  })

  it('a server that answers 404 → exit 6', async () => {
    const r = await runCli(['watch', url, '--resource', 'x'])
    expect(r.code).toBe(EXIT_SERVER)
    expect(r.stderr).toBe(`error: GET ${url}/directory: 404\n`)
  })
})

describe('scripts/start.ts (npm start) arguments', () => {
  const START = join(ROOT, 'scripts', 'start.ts')

  it('--help lists its options', async () => {
    const r = await runCli(['--help'], { script: START })
    expect(r.code).toBe(0)
    for (const o of ['--port <port>', '--no-asn', '--persist-to <dir>', '--maps <dir>', '--help'])
      expect(r.stdout).toContain(o)
    expect(r.stdout).toContain('env: PORT')
  })

  it.each([
    [['--prot', '9000'], {}, 'Did you mean --port?'],
    [['--port', '0'], {}, "'--port <port>' argument '0' is invalid"],
    [['--port'], {}, "option '--port <port>' argument missing"],
    [[], { PORT: 'abc' }, "value 'abc' from env 'PORT' is invalid"],
    [['extra'], {}, 'too many arguments'],
  ])('%j (env %j) → exit 2 before publishing: %s', async (args, env, message) => {
    const r = await runCli(args, { script: START, env })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stdout).not.toContain('start: publishing')
  })
})

describe('storage failures exit 3', () => {
  it('versions --remote --json without credentials → exit 3, {ok:false,error} on stdout, no escape codes', async () => {
    // No token and an empty config home: wrangler refuses before any network access.
    const env: Record<string, string> = {
      XDG_CONFIG_HOME: join(tmp, 'no-wrangler-login'),
      CLOUDFLARE_API_TOKEN: '',
    }
    const r = await runCli(['versions', '--remote', '--json', '--quiet'], { env })
    expect(r.code).toBe(EXIT_STORAGE)
    const doc = JSON.parse(r.stdout)
    expect(doc).toEqual({
      ok: false,
      error: expect.stringMatching(/^wrangler kv bulk get failed: /),
    })
    expect(doc.error).not.toContain('\u001b')
    expect(r.stderr).toMatch(/^error: wrangler kv bulk get failed: /)
  })
})
