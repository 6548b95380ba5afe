/**
 * @module The `alto-edge` command line, defined once with commander: every command, its
 * arguments and options (each checked while parsing, before any work), and from these the
 * `--help` text (docs/operator-cli.md shows it).
 */
import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { PublishError } from '../compiler/index.ts'
import { DEFAULT_UPDATE_WINDOW } from '../updates/history.ts'
import {
  cmdBuild,
  cmdDiff,
  cmdPrune,
  cmdPublish,
  cmdRollback,
  cmdValidate,
  cmdVersions,
  cmdWatch,
  type Io,
  type KvTarget,
  type PublishCliOptions,
} from './commands.ts'
import { cmdBundle, cmdVerify, type BundleOptions, type VerifyOptions } from './bundle.ts'
import { cmdDnsRecords, type DnsRecordsOptions } from './dns-records-command.ts'
import { cmdKeysGenerate, cmdKeysJwks } from './keys.ts'
import { EXIT_STORAGE, exitCodesHelp } from './exit-codes.ts'
import { httpUrl, positiveInt } from './options.ts'
import {
  cmdQueryCost,
  cmdQueryPid,
  cmdQueryRank,
  costTypeList,
  endpointAddress,
  type QueryOptions,
} from './query.ts'
import { WranglerError } from './wrangler-kv.ts'

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

/** Help is wrapped at this width whatever the terminal (so docs can show it verbatim). */
const HELP_WIDTH = 100

interface KvFlags {
  local?: boolean
  remote?: boolean
  persistTo?: string
  quiet?: boolean
  json?: boolean
}

const quiet = () => new Option('-q, --quiet', 'no progress output on stderr')
const json = () =>
  new Option('--json', 'print one JSON document on stdout (shape: docs/operator-cli.md)')
const skipOptional = () =>
  new Option(
    '--skip-optional',
    'leave out config entries marked "optional" (e.g. the generated ASN map)'
  )
const updatesWindow = () =>
  new Option(
    '--updates-window <n>',
    `versions kept per resource for TIPS/SSE updates (default ${DEFAULT_UPDATE_WINDOW})`
  ).argParser(positiveInt)
const signingKey = () =>
  new Option(
    '--signing-key <file>',
    'sign the IRD and every full map with this private Ed25519 JWK (alto-edge keys generate)'
  )
const signatureTtl = () =>
  new Option(
    '--signature-ttl <seconds>',
    'lifetime of those signatures; renewed by a publish in their second half (default 30 days)'
  ).argParser(positiveInt)
const notify = () =>
  new Option(
    '--notify <url>',
    'after the pointer flips, POST the new update logs to URL/_alto/notify (bearer: env ALTO_OPERATOR_TOKEN)'
  ).argParser(httpUrl)

/** `--local | --remote [--persist-to DIR]`: exactly one target; checked in preAction (before work). */
function withKvTarget(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--local', 'local KV (Miniflare state, shared with wrangler dev)').conflicts(
        'remote'
      )
    )
    .addOption(new Option('--remote', 'the KV namespace in wrangler.toml (needs wrangler login)'))
    .addOption(
      new Option(
        '--persist-to <dir>',
        "local KV state directory (default: wrangler's .wrangler/state)"
      ).conflicts('remote')
    )
    .hook('preAction', (c) => {
      const o = c.opts<KvFlags>()
      if (!o.local && !o.remote) c.error('error: choose one of --local or --remote')
    })
}

function kvTarget(o: KvFlags): KvTarget {
  return { mode: o.local ? 'local' : 'remote', persistTo: o.persistTo, quiet: o.quiet }
}

/**
 * Builds the program. `done` receives the command's exit code; parse errors, `--help` and
 * `--version` throw CommanderError (exitOverride) with output already written through `io`.
 */
export function createProgram(io: Io, done: (code: number) => void): Command {
  const write = (sink: (line: string) => void) => (s: string) => sink(s.replace(/\n$/, ''))
  /** Runs a command; storage failures are reported (and in --json mode also as a document). */
  const act =
    (run: (...args: never[]) => Promise<number>) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command
      try {
        done(await run(...(args as never[])))
      } catch (e) {
        if (!(e instanceof PublishError || e instanceof WranglerError)) throw e
        io.err(`error: ${e.message}`)
        if (cmd.opts<KvFlags>().json) io.out(JSON.stringify({ ok: false, error: e.message }))
        done(EXIT_STORAGE)
      }
    }

  const program = new Command('alto-edge')
    .description('Compile, publish and follow ALTO (RFC 7285) map sets for alto-edge.')
    .version(VERSION, '-V, --version', 'print the alto-edge version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: write(io.out),
      writeErr: write(io.err),
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `\nRun alto-edge <command> --help for its options.\n\n${exitCodesHelp()}\n\nDocs: docs/operator-cli.md`
    )

  program
    .command('validate')
    .description('check the map set and print every error (nothing is built)')
    .argument('[dir]', 'map set directory', 'maps')
    .addOption(skipOptional())
    .addOption(json())
    .action(
      act((dir: string, o: { skipOptional?: boolean; json?: boolean }) => cmdValidate(dir, o, io))
    )

  program
    .command('build')
    .description(
      'compile; write OUT/manifest.json and OUT/kv-bulk.json (a wrangler kv bulk put file); print the summary'
    )
    .argument('[dir]', 'map set directory', 'maps')
    .option('--out <dir>', 'output directory', 'build')
    .addOption(signingKey())
    .addOption(signatureTtl())
    .addOption(skipOptional())
    .addOption(json())
    .addOption(quiet())
    .action(
      act(
        (
          dir: string,
          o: {
            out: string
            skipOptional?: boolean
            json?: boolean
            quiet?: boolean
            signingKey?: string
            signatureTtl?: number
          }
        ) => cmdBuild(dir, o, io)
      )
    )

  withKvTarget(
    program
      .command('diff')
      .description('compare the compiled map set with the published version, per resource')
      .argument('[dir]', 'map set directory', 'maps')
  )
    .option(
      '--exit-code',
      'exit 5 when publishing would change something (like git diff --exit-code)'
    )
    .addOption(skipOptional())
    .addOption(json())
    .addOption(quiet())
    .action(
      act((dir: string, o: KvFlags & { exitCode?: boolean; skipOptional?: boolean }) =>
        cmdDiff(dir, o, kvTarget(o), io)
      )
    )

  withKvTarget(
    program
      .command('publish')
      .description(
        'compile and publish: blobs, manifest, read-back check, then history and current last'
      )
      .argument('[dir]', 'map set directory', 'maps')
  )
    .addOption(
      new Option(
        '--keep <n>',
        "history entries to keep (default: the config's history.keep)"
      ).argParser(positiveInt)
    )
    .option('--no-verify', 'skip reading back what was written')
    .option('--no-build-cache', '--local: compile even if a build of these inputs is cached')
    .addOption(updatesWindow())
    .addOption(notify())
    .addOption(signingKey())
    .addOption(signatureTtl())
    .addOption(skipOptional())
    .addOption(quiet())
    .action(
      act((dir: string, o: KvFlags & PublishCliOptions) => cmdPublish(dir, o, kvTarget(o), io))
    )

  withKvTarget(
    program.command('rollback').description('point current at an earlier stored version')
  )
    .option('--to <version>', 'the version (default: the newest history entry that is not current)')
    .addOption(updatesWindow())
    .addOption(notify())
    .addOption(quiet())
    .action(
      act((o: KvFlags & { to?: string; updatesWindow?: number; notify?: string }) =>
        cmdRollback(o, kvTarget(o), io)
      )
    )

  withKvTarget(
    program
      .command('prune')
      .description('delete manifests beyond the newest N history entries, then unreferenced blobs')
  )
    .addOption(
      new Option('--keep <n>', 'history entries to keep (default 5)').argParser(positiveInt)
    )
    .addOption(quiet())
    .action(act((o: KvFlags & { keep?: number }) => cmdPrune(o, kvTarget(o), io)))

  withKvTarget(
    program.command('versions').description('print current and the history (* marks current)')
  )
    .addOption(json())
    .addOption(quiet())
    .action(act((o: KvFlags) => cmdVersions(o, kvTarget(o), io)))

  program
    .command('watch')
    .description(
      'follow one map through TIPS or SSE and print each change (bearer: env ALTO_CLIENT_TOKEN)'
    )
    .argument('<server-url>', 'the server, e.g. http://127.0.0.1:8787', httpUrl)
    .requiredOption('--resource <id>', 'the network map or cost map to follow')
    .addOption(
      new Option('--via <service>', 'update service').choices(['tips', 'sse']).default('tips')
    )
    .addOption(
      new Option(
        '--count <n>',
        'stop after N changes (default: follow until interrupted)'
      ).argParser(positiveInt)
    )
    .action(
      act((server: string, o: { resource: string; via: 'tips' | 'sse'; count?: number }) =>
        cmdWatch(server, o, io)
      )
    )

  program
    .command('dns-records')
    .description(
      'print the discovery zone file: RFC 7286 U-NAPTR for --domain, RFC 8686 reverse-tree NAPTR per network-map prefix'
    )
    .argument('[dir]', 'map set directory', 'maps')
    .requiredOption('--ird <uri>', 'the IRD URI the records point to', httpUrl)
    .option('--domain <name>', "the operator's domain for the RFC 7286 record")
    .option('--map <resource-id>', 'only this network map (default: all)')
    .option('--out <file>', 'write the zone file here instead of stdout')
    .option('--ttl <seconds>', 'record TTL (default 3600)', positiveInt)
    .addOption(skipOptional())
    .addOption(json())
    .action(act((dir: string, o: DnsRecordsOptions) => cmdDnsRecords(dir, o, io)))

  program
    .command('bundle')
    .description(
      'ask a server and keep question + whole answer in one file (to pass on and verify)'
    )
    .argument('<url>', 'the ALTO resource URL', httpUrl)
    .requiredOption('--out <file>', 'the bundle file to write')
    .option('--body <json>', 'POST this request body (default: GET)')
    .option('--content-type <type>', 'Content-Type of --body (an application/alto-*params+json)')
    .option('--accept <type>', 'Accept header')
    .action(act((url: string, o: BundleOptions) => cmdBundle(url, o, io)))

  program
    .command('verify')
    .description("check a bundle's signature (RFC 9421) against the server's JWK Set")
    .argument('<bundle>', 'a file written by `alto-edge bundle`')
    .requiredOption('--jwks <url|file>', "the server's JWK Set (the IRD's signing-jwks-uri)")
    .option('--at <unix-seconds>', 'judge expiry at this time (default: now)', positiveInt)
    .addOption(json())
    .action(act((file: string, o: VerifyOptions) => cmdVerify(file, o, io)))

  const keys = program
    .command('keys')
    .description('Ed25519 signing keys: generate one, or list public halves as a JWK Set')
  keys
    .command('generate')
    .description(
      'write a new private Ed25519 JWK (mode 0600, never overwritten); print its JWK Set'
    )
    .requiredOption('--kid <id>', 'the key id (e.g. operator-2026-12); never reuse one')
    .requiredOption('--out <file>', 'the private key file to create')
    .action(act((o: { kid: string; out: string }) => cmdKeysGenerate(o, io)))
  keys
    .command('jwks')
    .description('print one JWK Set of the public halves of the given keys (for ALTO_SIGNING_JWKS)')
    .argument('<files...>', 'private or public JWKs or JWK Sets')
    .action(act((files: string[]) => cmdKeysJwks(files, io)))

  const query = program
    .command('query')
    .description(
      'ask any ALTO server: PIDs of addresses, endpoint costs, candidates ranked (bearer: env ALTO_CLIENT_TOKEN)'
    )
  /** The options every `query` subcommand takes. */
  const queryCommand = (name: string, description: string) =>
    query
      .command(name)
      .description(description)
      .addOption(
        new Option('--server <url>', 'the ALTO server or its IRD URL')
          .argParser(httpUrl)
          .default('http://127.0.0.1:8787')
      )
      .option('--network-map <id>', "network map for PIDs (default: the IRD's default)")
      .addOption(json())
  const endpointCostResource = () =>
    new Option(
      '--resource <id>',
      'endpoint cost resource id from the IRD (default: the first offering the cost type)'
    )
  queryCommand('pid', 'print the PID of each address (endpoint property <network-map>.pid)')
    .argument('<address...>', 'ipv4:A.B.C.D, ipv6:X::Y or a bare IP', endpointAddress)
    .action(act((addresses: string[], o: QueryOptions) => cmdQueryPid(addresses, o, io)))
  queryCommand('cost', 'print the endpoint cost from SRC to each DST')
    .argument('<src>', 'source address', (raw: string) => endpointAddress(raw)[0])
    .argument('<dst...>', 'destination addresses', endpointAddress)
    .addOption(
      new Option(
        '--cost-type <name>',
        'cost type name from the IRD, e.g. num-routingcost (default: the first offered)'
      ).argParser(costTypeList)
    )
    .addOption(endpointCostResource())
    .action(act((src: string, dsts: string[], o: QueryOptions) => cmdQueryCost(src, dsts, o, io)))
  queryCommand('rank', 'rank the candidates as seen from SRC, best first (ties share a rank)')
    .argument('<src>', 'source address', (raw: string) => endpointAddress(raw)[0])
    .argument('<candidate...>', 'candidate addresses', endpointAddress)
    .addOption(
      new Option(
        '--cost-type <names>',
        'criteria, primary first: NAME[,NAME…] (default: the first cost type offered)'
      ).argParser(costTypeList)
    )
    .addOption(endpointCostResource())
    .action(
      act((src: string, candidates: string[], o: QueryOptions) =>
        cmdQueryRank(src, candidates, o, io)
      )
    )

  return program
}
