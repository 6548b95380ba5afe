/**
 * @module The local KvStore (`--local`): the KV namespace of wrangler.toml opened in-process with
 * Miniflare (the copy wrangler itself runs) on the state directory `wrangler dev` reads — one
 * workerd for the whole command, started while the map set compiles — instead of one
 * `wrangler kv` process (1–5 s) per call.
 *
 * Where the data lives: `wrangler dev --persist-to DIR` and `wrangler kv … --local --persist-to
 * DIR` keep Miniflare's state under `DIR/v3` (KV in `DIR/v3/kv/<namespace id>/…`); without
 * `--persist-to`, DIR is `.wrangler/state` beside wrangler.toml. Wrangler names the local
 * namespace by the binding's `id` in wrangler.toml (the binding name when there is none): the
 * same id here is the same data (test/unit/local-kv-publish.test.ts reads it back through
 * `wrangler kv key get --local` and through `wrangler dev`).
 *
 * Only KV is started (no Durable Objects, rate limiter or cache), so nothing else in the state
 * directory is touched. wrangler itself is not imported: loading it costs more than the whole
 * unchanged publish (~1.5 s).
 */
import type { Miniflare } from 'miniflare'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { kvStoreFromBinding, type KvNamespaceLike, type KvStore } from '../compiler/index.ts'
import { PROJECT_ROOT } from './wrangler-kv.ts'

export interface LocalKvOptions {
  /** State directory (`--persist-to`); default: `.wrangler/state` in the project root. */
  persistTo?: string
  /** KV binding name in wrangler.toml. */
  binding?: string
  /** wrangler.toml to take the namespace id from (tests). */
  configPath?: string
}

/** The Miniflare persistence root `wrangler dev --persist-to DIR` uses: `DIR/v3`. */
export function localPersistRoot(persistTo: string | undefined): string {
  return join(resolve(persistTo ?? join(PROJECT_ROOT, '.wrangler', 'state')), 'v3')
}

/**
 * The local namespace id of `binding`, as wrangler derives it: the `id` of its
 * `[[kv_namespaces]]` entry, else the binding name. Reads the `[[kv_namespaces]]` tables of
 * wrangler.toml (string keys `binding` and `id`, the form the project's wrangler.toml uses).
 */
export function localNamespaceId(toml: string, binding: string): string {
  const tables = toml.split(/^\s*\[/m).filter((t) => /^\[kv_namespaces\]\]/.test(t))
  for (const table of tables) {
    const str = (key: string) =>
      new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, 'm').exec(table.replace(/#.*$/gm, ''))?.[1]
    if (str('binding') === binding) return str('id') ?? binding
  }
  throw new Error(`wrangler.toml has no [[kv_namespaces]] entry with binding = "${binding}"`)
}

/** A placeholder Worker: Miniflare needs one to attach the KV binding to. */
const SCRIPT = 'export default { fetch() { return new Response(null, { status: 404 }) } }'

async function startMiniflare(opts: LocalKvOptions) {
  const binding = opts.binding ?? 'ALTO_KV'
  const id = localNamespaceId(
    readFileSync(opts.configPath ?? join(PROJECT_ROOT, 'wrangler.toml'), 'utf8'),
    binding
  )
  const { Miniflare, convertV4MiniflareOptions } = await import('miniflare')
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      resourcePersistencePath: localPersistRoot(opts.persistTo),
      workers: [
        {
          name: 'alto-edge-cli',
          modules: true,
          script: SCRIPT,
          compatibilityDate: '2025-01-01',
          kvNamespaces: { [binding]: { id } },
        },
      ],
    })
  )
  try {
    const ns = streamingValues(await mf.getKVNamespace(binding))
    return { mf, ns, watchdog: watchWorkerd() }
  } catch (error) {
    await mf.dispose()
    throw error
  }
}

/**
 * The proxied namespace with values passed as streams. Miniflare's Node-side proxy serialises a
 * byte value into its JSON call message (and the answer back), but sends a stream as the raw
 * request or response body: measured on 3 × 24 MiB values, writes 1.6–1.7 s → 0.6–0.9 s and
 * reads 1.8–2.4 s → 0.2–0.25 s. The generated ASN map set is 275 MiB.
 */
function streamingValues(ns: Awaited<ReturnType<Miniflare['getKVNamespace']>>): KvNamespaceLike {
  return {
    async get(key) {
      const body = await ns.get(key, 'stream')
      return body === null ? null : new Response(body).arrayBuffer()
    },
    put(key, value) {
      return ns.put(
        key,
        typeof value === 'string' ? value : (new Blob([value]).stream() as NodeReadableStream)
      )
    },
    delete: (key) => ns.delete(key),
    list: (options) => ns.list(options),
  }
}

/** Our child processes that are workerd (Linux /proc; elsewhere none are found). */
function workerdChildren(): number[] {
  try {
    const tasks = `/proc/${process.pid}/task`
    return readdirSync(tasks)
      .flatMap((t) => readFileSync(`${tasks}/${t}/children`, 'utf8').split(' '))
      .filter(Boolean)
      .map(Number)
      .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('workerd'))
  } catch {
    return []
  }
}

/**
 * workerd outlives a parent killed with SIGKILL (it does not watch its pipes), keeping the state
 * open. A detached shell waits for this process to go and then stops workerd; `close` stops the
 * shell first (workerd is then disposed normally).
 */
function watchWorkerd(): ChildProcess | undefined {
  const pids = workerdChildren()
  if (pids.length === 0) return undefined
  const watchdog = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; shift; kill "$@" 2>/dev/null',
      'sh',
      String(process.pid),
      ...pids.map(String),
    ],
    { detached: true, stdio: 'ignore' }
  )
  watchdog.on('error', () => {})
  watchdog.unref()
  return watchdog
}

export class LocalKvStore implements KvStore {
  readonly #started: ReturnType<typeof startMiniflare>
  readonly #store: Promise<KvStore>
  #closed = false

  /** Starts workerd at once, in the background: the first call waits for it. */
  constructor(opts: LocalKvOptions = {}) {
    this.#started = startMiniflare(opts)
    this.#store = this.#started.then(({ ns }) => kvStoreFromBinding(ns))
    // A start failure is reported by the first call (or close), never as an unhandled rejection.
    this.#store.catch(() => {})
  }

  /** Disposes Miniflare (workerd exits), so the command exits at once. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const started = await this.#started.catch(() => null)
    started?.watchdog?.kill()
    await started?.mf.dispose()
  }

  async get(key: string): Promise<Uint8Array | null> {
    return (await this.#store).get(key)
  }

  async putMany(entries: { key: string; value: Uint8Array }[]): Promise<void> {
    return (await this.#store).putMany(entries)
  }

  async put(key: string, value: Uint8Array | string): Promise<void> {
    return (await this.#store).put(key, value)
  }

  async delete(keys: string[]): Promise<void> {
    return (await this.#store).delete(keys)
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.#store).list(prefix)
  }
}
