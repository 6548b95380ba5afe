/**
 * @module A KvStore backed by the wrangler CLI (`wrangler kv ...`): the `--remote` path (local
 * commands open the state in-process, local-kv.ts; this store still works `--local` too). Every
 * call spawns wrangler (~1-2 s), so writes go in bulk files and reads of text values use
 * `kv bulk get`; docs/operator-cli.md counts the calls of a publish.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import type { KvStore } from '../compiler/index.ts'

export interface WranglerKvOptions {
  mode: 'local' | 'remote'
  /** Local persistence directory (`--persist-to`); default: wrangler's `.wrangler/state`. */
  persistTo?: string
  /** KV binding name in wrangler.toml. */
  binding?: string
  /** Called with each wrangler command line (verbose output). */
  onCommand?: (args: string[]) => void
  /** The wrangler script run by Node (tests: a recording stand-in); default: the installed one. */
  wranglerJs?: string
}

/** Project root (where wrangler.toml and node_modules are). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WRANGLER_JS = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')

/** Cloudflare's bulk write limits: 10,000 pairs and < 100 MB per request. */
export const BULK_PUT_MAX_KEYS = 10_000
export const BULK_PUT_MAX_BYTES = 64 * 1024 * 1024
/** Cloudflare's bulk read limit: 100 keys per request. */
export const BULK_GET_MAX_KEYS = 100
export const BULK_DELETE_MAX_KEYS = 10_000

/** Splits entries into slices under both a key-count and a byte budget. */
export function sliceBySize<T>(
  items: T[],
  size: (t: T) => number,
  maxItems: number,
  maxBytes: number
): T[][] {
  const slices: T[][] = []
  let cur: T[] = []
  let bytes = 0
  for (const item of items) {
    const s = size(item)
    if (cur.length > 0 && (cur.length >= maxItems || bytes + s > maxBytes)) {
      slices.push(cur)
      cur = []
      bytes = 0
    }
    cur.push(item)
    bytes += s
  }
  if (cur.length > 0) slices.push(cur)
  return slices
}

/** How the local SQLite store reports a lock held by another process (transient). */
const LOCAL_STORE_BUSY = /SQLITE_BUSY|database is locked/
/** Attempts per command when the local store is busy (backoff 0.25, 0.5, 1, 2 s). */
const BUSY_RETRIES = 5

export class WranglerError extends Error {
  override name = 'WranglerError'
}

export class WranglerKvStore implements KvStore {
  readonly #opts: WranglerKvOptions
  #tmp: string | undefined
  /**
   * Every key of the namespace, listed once (one process instead of one per prefix) and kept up
   * to date with this store's own writes and deletes. A command is the namespace's only writer
   * while it runs (docs/operator-cli.md: no concurrent publish/prune).
   */
  #keys: Promise<Set<string>> | undefined

  constructor(opts: WranglerKvOptions) {
    this.#opts = opts
  }

  #target(): string[] {
    const args = [
      '--binding',
      this.#opts.binding ?? 'ALTO_KV',
      this.#opts.mode === 'local' ? '--local' : '--remote',
    ]
    if (this.#opts.persistTo) args.push('--persist-to', resolve(this.#opts.persistTo))
    return args
  }

  /**
   * Runs one wrangler kv command. Local KV is a SQLite file shared by every wrangler process (and
   * `wrangler dev`): concurrent commands can hit "database is locked" (SQLITE_BUSY), which says
   * nothing about the data — those are retried with backoff. Every command we run is idempotent
   * (gets, lists, puts of fixed values, deletes), so a retry cannot change the outcome.
   */
  async #run(args: string[]): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#runOnce(args)
      } catch (error) {
        const transient = error instanceof WranglerError && LOCAL_STORE_BUSY.test(error.message)
        if (!transient || attempt >= BUSY_RETRIES) throw error
        await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)))
      }
    }
  }

  async #runOnce(args: string[]): Promise<Buffer> {
    const full = ['kv', ...args, ...this.#target()]
    this.#opts.onCommand?.(full)
    return new Promise((resolvePromise, reject) => {
      execFile(
        process.execPath,
        [this.#opts.wranglerJs ?? WRANGLER_JS, ...full],
        {
          cwd: PROJECT_ROOT,
          encoding: 'buffer',
          maxBuffer: 1 << 30,
          env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
        },
        (err, stdout, stderr) => {
          if (err) {
            // wrangler colours its errors even with NO_COLOR set: keep our message plain.
            const text = (b: Buffer) =>
              stripVTControlCharacters(Buffer.from(b).toString('utf8')).trim()
            const detail = text(stderr) || text(stdout)
            reject(
              new WranglerError(
                `wrangler ${full.slice(0, 3).join(' ')} failed: ${detail || err.message}`
              )
            )
          } else resolvePromise(Buffer.from(stdout))
        }
      )
    })
  }

  async #tmpFile(name: string, content: string | Uint8Array): Promise<string> {
    this.#tmp ??= await mkdtemp(join(tmpdir(), 'alto-edge-kv-'))
    const path = join(this.#tmp, name)
    await writeFile(path, content)
    return path
  }

  /** Removes the temp directory of bulk files. */
  async close(): Promise<void> {
    if (this.#tmp) await rm(this.#tmp, { recursive: true, force: true })
    this.#tmp = undefined
  }

  async get(key: string): Promise<Uint8Array | null> {
    // `kv key get` prints "Value not found" (exit 0) for a missing key: confirm with bulk get.
    const out = await this.#run(['key', 'get', key])
    if (out.toString('latin1').trim() === 'Value not found') {
      const texts = await this.getManyText([key])
      if (texts.get(key) === null) return null
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  }

  async getManyText(keys: string[]): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>()
    let n = 0
    for (let i = 0; i < keys.length; i += BULK_GET_MAX_KEYS) {
      const slice = keys.slice(i, i + BULK_GET_MAX_KEYS)
      const file = await this.#tmpFile(`get-${n++}.json`, JSON.stringify(slice))
      const out = await this.#run(['bulk', 'get', file])
      const parsed = JSON.parse(out.toString('utf8')) as Record<
        string,
        { value: string | null } | null
      >
      for (const key of slice) result.set(key, parsed[key]?.value ?? null)
    }
    return result
  }

  async putMany(entries: { key: string; value: Uint8Array }[]): Promise<void> {
    const slices = sliceBySize(
      entries,
      (e) => Math.ceil(e.value.length / 3) * 4 + e.key.length + 64,
      BULK_PUT_MAX_KEYS,
      BULK_PUT_MAX_BYTES
    )
    let n = 0
    for (const slice of slices) {
      const body = JSON.stringify(
        slice.map((e) => ({
          key: e.key,
          value: Buffer.from(e.value.buffer, e.value.byteOffset, e.value.length).toString('base64'),
          base64: true,
        }))
      )
      const file = await this.#tmpFile(`put-${n++}.json`, body)
      await this.#run(['bulk', 'put', file])
      await this.#wrote(
        slice.map((e) => e.key),
        true
      )
      await rm(file, { force: true })
    }
  }

  async put(key: string, value: Uint8Array | string): Promise<void> {
    const file = await this.#tmpFile(
      'value.bin',
      typeof value === 'string' ? value : Buffer.from(value)
    )
    await this.#run(['key', 'put', key, '--path', file])
    await this.#wrote([key], true)
  }

  async delete(keys: string[]): Promise<void> {
    let n = 0
    for (let i = 0; i < keys.length; i += BULK_DELETE_MAX_KEYS) {
      const slice = keys.slice(i, i + BULK_DELETE_MAX_KEYS)
      const file = await this.#tmpFile(`delete-${n++}.json`, JSON.stringify(slice))
      await this.#run(['bulk', 'delete', file, '--force'])
      await this.#wrote(slice, false)
    }
  }

  async list(prefix: string): Promise<string[]> {
    this.#keys ??= this.#run(['key', 'list']).then((out) => {
      const parsed = JSON.parse(out.toString('utf8')) as { name: string }[]
      return new Set(parsed.map((k) => k.name))
    })
    this.#keys.catch(() => (this.#keys = undefined))
    return [...(await this.#keys)].filter((k) => k.startsWith(prefix))
  }

  /** Records keys written or deleted in the cached listing (once a listing exists). */
  async #wrote(keys: string[], present: boolean): Promise<void> {
    const known = await this.#keys?.catch(() => undefined)
    for (const k of keys) present ? known?.add(k) : known?.delete(k)
  }
}
