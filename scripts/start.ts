/**
 * `npm start`: build the example maps, publish them to local KV and serve them with `wrangler dev`
 * (started at once, so its start-up overlaps the publish).
 * Options: `npm start -- --help` (commander, like the operator CLI). Runs under the Node 22 that
 * npm puts first on PATH (node_modules/.bin/node).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { port } from '../src/cli/options.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)

interface StartOptions {
  port: number
  persistTo?: string
  maps: string
  asn: boolean
}

function parseArgs(argv: string[]): StartOptions {
  const program = new Command('npm start --')
    .description('Publish a map set to local KV and serve it with wrangler dev.')
    .addOption(
      new Option('--port <port>', 'port on 127.0.0.1').env('PORT').default(8787).argParser(port)
    )
    .option(
      '--no-asn',
      'skip the large generated ASN map (fast start; also env ALTO_EDGE_NO_ASN=1)'
    )
    .option(
      '--persist-to <dir>',
      'local KV state directory (default .wrangler/state, shared with wrangler)'
    )
    .option('--maps <dir>', 'map set directory', 'maps')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showHelpAfterError('(run npm start -- --help for usage)')
  try {
    program.parse(argv, { from: 'user' })
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2)
    throw e
  }
  const o = program.opts<StartOptions>()
  return { ...o, asn: o.asn && process.env.ALTO_EDGE_NO_ASN !== '1' }
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  }
  // Miniflare fetches https://workers.cloudflare.com/cf.json for `request.cf` at every start
  // (cached 30 days under node_modules/.mf); offline that prints a warning with an ENOTFOUND
  // stack. The Worker never reads `request.cf`: use Miniflare's built-in placeholder object.
  if (env.CLOUDFLARE_CF_FETCH_ENABLED === undefined && env.CLOUDFLARE_CF_FETCH_PATH === undefined) {
    env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
  }
  return env
}

/** Runs a command to its end; resolves with its exit code (or 1 after a signal). */
function runAsync(cmd: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: childEnv() })
    child.on('error', () => done(1))
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)))
  })
}

const opts = parseArgs(process.argv.slice(2))
const persist = opts.persistTo ? ['--persist-to', opts.persistTo] : []

// wrangler dev (bundling, workerd) starts while the maps are generated and published: the two
// share nothing until the first request, and the Worker reads `current` on every request (local
// KV caches nothing), so it serves the set as soon as the publish has flipped the pointer.
const dev = spawn(
  bin('wrangler'),
  [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--show-interactive-dev-session=false',
    ...persist,
  ],
  { cwd: root, stdio: 'inherit', env: childEnv() }
)
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => dev.kill(sig))
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

/** Stops wrangler dev and exits with the failed step's code. */
function fail(step: string, code: number): never {
  console.error(`start: ${step} failed (exit ${code}); stopping wrangler dev`)
  dev.removeAllListeners('exit')
  dev.kill('SIGTERM')
  process.exit(code)
}

// Regenerate when any output is missing: a directory from an older generator lacks the metric
// maps and the calendar, which maps/alto-edge.json lists as optional (so they would be skipped).
const ASN_OUTPUTS = ['network-map.json', 'cost-tput.json', 'calendar-routingcost.json']
if (opts.asn && ASN_OUTPUTS.some((f) => !existsSync(join(root, 'maps/asn/generated', f)))) {
  console.log(
    'start: generating the large real map from @ip-location-db/asn (once; skip with --no-asn)'
  )
  const code = await runAsync(process.execPath, [join(root, 'scripts/gen-asn-map.ts')])
  if (code !== 0) fail('generating the ASN map', code)
}

// A larger young generation: the ASN map's loaders make millions of short-lived strings, and
// fewer of them survive into the old generation, whose collections are the publish's largest
// cost (a cold publish 21.3 / 21.0 s → 19.5 / 20.5 s, paired runs, 2026-12-04).
const publishArgs = [
  '--max-semi-space-size=64',
  join(root, 'src/cli/main.ts'),
  'publish',
  opts.maps,
  '--local',
  ...persist,
]
if (!opts.asn) publishArgs.push('--skip-optional')
console.log('start: publishing maps to local KV (in-process; wrangler dev starts meanwhile)')
const published = await runAsync(process.execPath, publishArgs)
if (published !== 0) fail('publish', published)
console.log(`start: serving on http://127.0.0.1:${opts.port} (directory at /directory)`)
