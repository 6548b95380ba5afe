/** @module Worker bindings (wrangler.toml, secrets) and the hono environment shared by every route. */
import type { Manifest } from '../store/manifest.ts'

export interface Env {
  /** Every published version: pointer, manifests, content-addressed blobs (storage-schema.md). */
  ALTO_KV: KVNamespace
  /** Seconds caches may reuse a GET response before revalidating (`Cache-Control: max-age`). */
  ALTO_MAX_AGE?: string
  /** Client authentication (docs/security.md): `off` (default) | `digest` | `bearer` | `both`. */
  ALTO_AUTH?: string
  /** SECRET: JSON list of clients with hashed credentials and visible resources (auth/clients.ts). */
  ALTO_CLIENTS?: string
  /** SECRET: key of the HMAC that makes Digest nonces stateless (required for `digest`/`both`). */
  ALTO_NONCE_KEY?: string
  /** Digest/Bearer realm (default `alto-edge`). Part of every Digest HA1: changing it voids them. */
  ALTO_REALM?: string
  /** Workers Rate Limiting binding (`[[ratelimits]]`); absent = no rate limiting. */
  ALTO_RATE_LIMITER?: RateLimit
  /** `429` (default) or `503`: the status of a rate-limited request; `off` disables the limiter. */
  ALTO_RATE_LIMIT?: string
  /** Seconds in `Retry-After` of a rate-limited request: the binding's `period` (default 60). */
  ALTO_RATE_LIMIT_PERIOD?: string
}

/** The one published version a request is answered from. */
export interface PublishedVersion {
  manifest: Manifest
  /** `Last-Modified` of every GET resource: the manifest's `created`. */
  lastModified: Date
}

/** An authenticated client and the resources it may see (`*` = all). */
export interface AltoClient {
  name: string
  resources: '*' | ReadonlySet<string>
}

export type AppEnv = {
  Bindings: Env
  Variables: {
    /** Set once per request by `requestVersion`; every handler reads the same manifest. */
    version: Promise<PublishedVersion>
    /** The authenticated client; unset when authentication is off (everything visible). */
    client: AltoClient
    /** The POST body text once read (kept so a request can be replayed on the last good version). */
    requestBody: string
  }
}

/** Default `max-age` when `ALTO_MAX_AGE` is unset or not a non-negative integer. */
const DEFAULT_MAX_AGE_SECONDS = 60

export function maxAgeSeconds(env: Env): number {
  const value = Number(env.ALTO_MAX_AGE)
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_MAX_AGE_SECONDS
}
