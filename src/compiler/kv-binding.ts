/**
 * @module Adapts a Workers KV namespace binding (e.g. `env.ALTO_KV` in Worker tests) to the
 * publisher's KvStore. Typed structurally so no workers-types import is needed.
 */
import type { KvStore } from './kv-store.ts'

/** The part of the Workers `KVNamespace` API the adapter uses. */
export interface KvNamespaceLike {
  get(key: string, type: 'arrayBuffer'): Promise<ArrayBuffer | null>
  put(key: string, value: ArrayBuffer | ArrayBufferView | string): Promise<void>
  delete(key: string): Promise<void>
  list(options: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    keys: { name: string }[]
    list_complete: boolean
    cursor?: string
  }>
}

/** Workers KV allows 1,000 operations per invocation; keep writes in modest parallel batches. */
const PARALLEL_WRITES = 16

export function kvStoreFromBinding(ns: KvNamespaceLike): KvStore {
  return {
    async get(key) {
      const v = await ns.get(key, 'arrayBuffer')
      return v === null ? null : new Uint8Array(v)
    },
    async putMany(entries) {
      for (let i = 0; i < entries.length; i += PARALLEL_WRITES) {
        await Promise.all(entries.slice(i, i + PARALLEL_WRITES).map((e) => ns.put(e.key, e.value)))
      }
    },
    async put(key, value) {
      await ns.put(key, value)
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += PARALLEL_WRITES) {
        await Promise.all(keys.slice(i, i + PARALLEL_WRITES).map((k) => ns.delete(k)))
      }
    },
    async list(prefix) {
      const names: string[] = []
      let cursor: string | undefined
      for (;;) {
        const page = await ns.list({ prefix, cursor, limit: 1000 })
        for (const k of page.keys) names.push(k.name)
        if (page.list_complete || !page.cursor) return names
        cursor = page.cursor
      }
    },
  }
}
