/**
 * `npm start`: build the example maps, publish them to local KV and serve them with `wrangler dev`.
 *
 *   npm start                      # generate the large ASN map if missing, publish maps/, serve on 127.0.0.1:8787
 *   PORT=9000 npm start            # another port
 *   npm start -- --no-asn          # skip the large generated map (fast start)
 *   npm start -- --persist-to DIR  # local KV state elsewhere (default .wrangler/state, shared with wrangler)
 *   npm start -- --maps DIR        # another map set
 *
 * Runs under the Node 22 that npm puts first on PATH (node_modules/.bin/node).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)

interface StartOptions {
  port: string
  persistTo: string | undefined
  maps: string
  asn: boolean
}

function parseArgs(argv: string[]): StartOptions {
  const opts: StartOptions = {
    port: process.env.PORT ?? '8787',
    persistTo: undefined,
    maps: 'maps',
    asn: process.env.ALTO_EDGE_NO_ASN !== '1',
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--no-asn') opts.asn = false
    else if (a === '--port') opts.port = argv[++i]
    else if (a === '--persist-to') opts.persistTo = argv[++i]
    else if (a === '--maps') opts.maps = argv[++i]
    else {
      console.error(`start: unknown argument ${a}`)
      process.exit(2)
    }
  }
  return opts
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: childEnv() })
  if (r.status !== 0) {
    console.error(`start: ${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`)
    process.exit(r.status ?? 1)
  }
}

function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  }
}

const opts = parseArgs(process.argv.slice(2))
const persist = opts.persistTo ? ['--persist-to', opts.persistTo] : []

if (opts.asn && !existsSync(join(root, 'maps/asn/generated/network-map.json'))) {
  console.log('start: generating the large real map from @ip-location-db/asn (once; skip with --no-asn)')
  run(process.execPath, [join(root, 'scripts/gen-asn-map.ts')])
}

const mapsDir = opts.asn ? opts.maps : opts.maps
const publishArgs = [join(root, 'src/cli/main.ts'), 'publish', mapsDir, '--local', ...persist]
if (!opts.asn) publishArgs.push('--skip-optional')
console.log('start: publishing maps to local KV')
run(process.execPath, publishArgs)

console.log(`start: serving on http://127.0.0.1:${opts.port} (directory at /directory)`)
const dev = spawn(
  bin('wrangler'),
  ['dev', '--ip', '127.0.0.1', '--port', opts.port, '--show-interactive-dev-session=false', ...persist],
  { cwd: root, stdio: 'inherit', env: childEnv() }
)
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => dev.kill(sig))
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
