/**
 * @module Bench only: the Workers platform pieces the handler uses, held in memory in Node — a
 * KV namespace (the `KVNamespace` methods the Worker and the publisher call: `get` as text /
 * json / arrayBuffer / stream with or without an options object, `list` with prefix + cursor,
 * `put`, `delete`) and the Cache API (`caches.default`: `match` / `put` / `delete`), so the
 * real app's `fetch` can run in-process and what is timed is the handler, not a runtime's IPC.
 * Also workerd's `crypto.DigestStream` (used to verify streamed large blobs).
 */
import { createHash } from 'node:crypto'

type KvType = 'text' | 'json' | 'arrayBuffer' | 'stream'

function kvType(arg: unknown): KvType {
  if (typeof arg === 'string') return arg as KvType
  if (arg && typeof arg === 'object' && 'type' in arg) return (arg as { type: KvType }).type
  return 'text'
}

async function bytesOf(value: unknown): Promise<Uint8Array> {
  if (typeof value === 'string') return new TextEncoder().encode(value)
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0))
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
  if (value instanceof ReadableStream)
    return new Uint8Array(await new Response(value).arrayBuffer())
  throw new TypeError(`unsupported KV value ${typeof value}`)
}

/** An in-memory KV namespace; `reads` counts `get` calls (a warm handler reads only `current`). */
export class MemoryKv {
  readonly store = new Map<string, Uint8Array>()
  reads = 0

  async get(key: string, typeOrOptions?: unknown): Promise<unknown> {
    this.reads++
    const bytes = this.store.get(key)
    if (bytes === undefined) return null
    switch (kvType(typeOrOptions)) {
      case 'text':
        return new TextDecoder().decode(bytes)
      case 'json':
        return JSON.parse(new TextDecoder().decode(bytes)) as unknown
      case 'arrayBuffer':
        return bytes.slice().buffer
      case 'stream':
        return new Blob([bytes.slice()]).stream()
    }
  }

  async put(key: string, value: unknown): Promise<void> {
    this.store.set(key, await bytesOf(value))
  }

  async delete(key: string): Promise<void> {
    this.store.delete(key)
  }

  async list(options: { prefix?: string; cursor?: string; limit?: number } = {}): Promise<{
    keys: { name: string }[]
    list_complete: boolean
    cursor?: string
  }> {
    const prefix = options.prefix ?? ''
    const limit = options.limit ?? 1000
    const names = [...this.store.keys()].filter((k) => k.startsWith(prefix)).sort()
    const start = options.cursor ? Number(options.cursor) : 0
    const page = names.slice(start, start + limit)
    const done = start + limit >= names.length
    return {
      keys: page.map((name) => ({ name })),
      list_complete: done,
      ...(done ? {} : { cursor: String(start + limit) }),
    }
  }
}

/** `caches.default` in memory: bodies and headers stored, a fresh Response per match. */
export class MemoryCache {
  readonly entries = new Map<
    string,
    { bytes: Uint8Array; status: number; headers: [string, string][] }
  >()

  async match(key: RequestInfo | URL): Promise<Response | undefined> {
    const entry = this.entries.get(String(key instanceof Request ? key.url : key))
    if (!entry) return undefined
    return new Response(entry.bytes.slice(), { status: entry.status, headers: entry.headers })
  }

  async put(key: RequestInfo | URL, response: Response): Promise<void> {
    const bytes = new Uint8Array(await response.arrayBuffer())
    this.entries.set(String(key instanceof Request ? key.url : key), {
      bytes,
      status: response.status,
      headers: [...response.headers],
    })
  }

  async delete(key: RequestInfo | URL): Promise<boolean> {
    return this.entries.delete(String(key instanceof Request ? key.url : key))
  }
}

/** Installs `globalThis.caches` (only `default` is used by the Worker). */
export function installMemoryCaches(): MemoryCache {
  const cache = new MemoryCache()
  ;(globalThis as { caches?: unknown }).caches = {
    default: cache,
    open: async () => cache,
  }
  return cache
}

/** An ExecutionContext whose `waitUntil` promises can be awaited by the caller. */
export function memoryExecutionContext(): ExecutionContext & { settle(): Promise<void> } {
  const pending: Promise<unknown>[] = []
  return {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException: () => {},
    props: {},
    async settle() {
      await Promise.allSettled(pending.splice(0))
    },
  } as unknown as ExecutionContext & { settle(): Promise<void> }
}

/** workerd's `crypto.DigestStream` (SHA-256 only here): a WritableStream with a `digest` promise. */
class DigestStream extends WritableStream<ArrayBufferView | ArrayBuffer> {
  readonly digest: Promise<ArrayBuffer>
  constructor(algorithm: string) {
    if (algorithm !== 'SHA-256') throw new TypeError(`DigestStream shim: ${algorithm} unsupported`)
    const hash = createHash('sha256')
    let done!: (d: ArrayBuffer) => void
    const digest = new Promise<ArrayBuffer>((resolve) => (done = resolve))
    super({
      write(chunk) {
        hash.update(
          chunk instanceof ArrayBuffer
            ? new Uint8Array(chunk)
            : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        )
      },
      close() {
        const d = hash.digest()
        done(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer)
      },
    })
    this.digest = digest
  }
}

/** Installs `crypto.DigestStream` when the runtime lacks it (Node). */
export function installDigestStream(): void {
  const c = (globalThis as unknown as { crypto: { DigestStream?: unknown } }).crypto
  if (!c.DigestStream) c.DigestStream = DigestStream
}
