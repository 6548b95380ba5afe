/** @module Worker bindings (wrangler.toml) and the hono environment shared by every route. */
import type { Manifest } from '../store/manifest.ts'

export interface Env {
  /** Every published version: pointer, manifests, content-addressed blobs (storage-schema.md). */
  ALTO_KV: KVNamespace
  /** Seconds caches may reuse a GET response before revalidating (`Cache-Control: max-age`). */
  ALTO_MAX_AGE?: string
}

/** The one published version a request is answered from. */
export interface PublishedVersion {
  manifest: Manifest
  /** `Last-Modified` of every GET resource: the manifest's `created`. */
  lastModified: Date
}

export type AppEnv = {
  Bindings: Env
  Variables: {
    /** Set once per request by `requestVersion`; every handler reads the same manifest. */
    version: Promise<PublishedVersion>
  }
}

/** Default `max-age` when `ALTO_MAX_AGE` is unset or not a non-negative integer. */
const DEFAULT_MAX_AGE_SECONDS = 60

export function maxAgeSeconds(env: Env): number {
  const value = Number(env.ALTO_MAX_AGE)
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_MAX_AGE_SECONDS
}
