/**
 * @module A least-recently-used map bounded by the total byte weight of its values. Used for the
 * per-isolate caches of immutable decoded tables (keys are content-addressed, so entries never go
 * stale; they only need evicting to stay well inside the 128 MB isolate memory limit).
 */
export class ByteLru<V> {
  readonly #entries = new Map<string, { value: V; bytes: number }>()
  readonly #maxBytes: number
  #bytes = 0

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  /** Total weight currently held. */
  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    // Re-insert: Map iteration order is insertion order, so the first key is the LRU one.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  /** Stores a value; a value heavier than the whole budget is not cached. */
  set(key: string, value: V, bytes: number): void {
    const old = this.#entries.get(key)
    if (old) {
      this.#entries.delete(key)
      this.#bytes -= old.bytes
    }
    if (bytes > this.#maxBytes) return
    this.#entries.set(key, { value, bytes })
    this.#bytes += bytes
    for (const [lruKey, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break
      this.#entries.delete(lruKey)
      this.#bytes -= entry.bytes
    }
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
  }
}
