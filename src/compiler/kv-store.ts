/**
 * @module The storage interface the publisher writes through, and an in-memory implementation
 * (tests, and seeding). Adapters: src/compiler/kv-binding.ts (a Workers KV binding),
 * src/cli/wrangler-kv.ts (the wrangler CLI, local or remote).
 */

/** Minimal key-value store; values are bytes. */
export interface KvStore {
  /** The value, or null when the key does not exist. */
  get(key: string): Promise<Uint8Array | null>
  /** Writes many keys (not atomically: a failure may leave some written). */
  putMany(entries: { key: string; value: Uint8Array }[]): Promise<void>
  put(key: string, value: Uint8Array | string): Promise<void>
  delete(keys: string[]): Promise<void>
  /** Every key starting with `prefix` (all pages), in no particular order. */
  list(prefix: string): Promise<string[]>
  /**
   * Optional fast path for read-back: many values at once, decoded as UTF-8 text (binary values
   * may come back altered). Callers must check the text against a known hash and fall back to
   * `get` on mismatch.
   */
  getManyText?(keys: string[]): Promise<Map<string, string | null>>
}

/** A KvStore in memory. `writes` counts put operations (keys) for tests. */
export class MemoryKvStore implements KvStore {
  readonly data = new Map<string, Uint8Array>()
  writes = 0

  async get(key: string): Promise<Uint8Array | null> {
    const v = this.data.get(key)
    return v ? v.slice() : null
  }

  async putMany(entries: { key: string; value: Uint8Array }[]): Promise<void> {
    for (const e of entries) await this.put(e.key, e.value)
  }

  async put(key: string, value: Uint8Array | string): Promise<void> {
    this.writes++
    this.data.set(key, typeof value === 'string' ? new TextEncoder().encode(value) : value.slice())
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.data.delete(k)
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix))
  }

  /** The value of `key` as text (tests). */
  text(key: string): string | null {
    const v = this.data.get(key)
    return v ? new TextDecoder().decode(v) : null
  }
}
