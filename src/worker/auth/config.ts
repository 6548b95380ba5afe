/**
 * @module Client authentication configuration, from env vars and secrets (docs/security.md).
 *
 * - `ALTO_AUTH` (var): `off` (default) | `digest` | `bearer` | `both`.
 * - `ALTO_CLIENTS` (secret, `wrangler secret put ALTO_CLIENTS`): JSON list of clients
 *   ```json
 *   [{ "name": "cdn-a",
 *      "digest-ha1": ["<hex SHA-256(name:realm:password)>", "<hex MD5(name:realm:password)>"],
 *      "token-sha256": "<hex SHA-256(token)>",
 *      "resources": ["my-default-network-map", "endpoint-property"] }]
 *   ```
 *   Credentials are stored only hashed: Digest as HA1 (RFC 7616 §3.4.2 — what a server needs to
 *   verify a response without the password; the algorithm follows from the length, 64 hex =
 *   SHA-256, 32 hex = MD5), bearer tokens as SHA-256. `resources` is `"*"` or the IRD resource ids
 *   the client may see (plus what they `uses`). `scripts/hash-credential.ts` prints the hashes.
 * - `ALTO_NONCE_KEY` (secret): HMAC key of the stateless Digest nonces.
 * - `ALTO_REALM` (var, default `alto-edge`).
 *
 * A configuration that does not parse fails CLOSED: every request gets 503 and the log says why.
 */
import * as z from 'zod'
import type { Env } from '../env.ts'

export type AuthMode = 'off' | 'digest' | 'bearer' | 'both'
export type DigestAlgorithm = 'SHA-256' | 'MD5'

export interface ClientCredentials {
  name: string
  /** HA1 per algorithm (lower-case hex). */
  ha1: ReadonlyMap<DigestAlgorithm, string>
  /** SHA-256 of each accepted bearer token (lower-case hex). */
  tokenHashes: readonly string[]
  resources: '*' | ReadonlySet<string>
}

export interface AuthConfig {
  mode: Exclude<AuthMode, 'off'>
  realm: string
  clients: readonly ClientCredentials[]
  /** HMAC-SHA-256 key of Digest nonces; null when Digest is not offered. */
  nonceKey: CryptoKey | null
}

export const DEFAULT_REALM = 'alto-edge'

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${length}}$`))
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)])

const clientSchema = z.object({
  // A Digest username: no `"` or `\` (quoted-string) and no `:` (part of HA1's input).
  name: z.string().regex(/^[\x21\x23-\x39\x3b-\x5b\x5d-\x7e]{1,64}$/),
  'digest-ha1': oneOrMany(z.union([hex(64), hex(32)])).optional(),
  'token-sha256': oneOrMany(hex(64)).optional(),
  resources: z.union([z.literal('*'), z.array(z.string())]),
})
const clientsSchema = z.array(clientSchema)

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

/** Parses `ALTO_CLIENTS`; throws a message naming the problem (never a credential). */
export function parseClients(json: string): ClientCredentials[] {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    throw new Error('ALTO_CLIENTS is not valid JSON')
  }
  const parsed = clientsSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`ALTO_CLIENTS: ${issue.path.join('/')}: ${issue.message}`)
  }
  const names = new Set<string>()
  return parsed.data.map((client) => {
    if (names.has(client.name))
      throw new Error(`ALTO_CLIENTS: duplicate client name ${client.name}`)
    names.add(client.name)
    const ha1 = new Map<DigestAlgorithm, string>()
    for (const h of asList(client['digest-ha1']))
      ha1.set(h.length === 64 ? 'SHA-256' : 'MD5', h.toLowerCase())
    return {
      name: client.name,
      ha1,
      tokenHashes: asList(client['token-sha256']).map((h) => h.toLowerCase()),
      resources: client.resources === '*' ? '*' : new Set(client.resources),
    }
  })
}

/** The configured mode; anything unrecognised is a configuration error (fail closed). */
export function authMode(env: Env): AuthMode {
  const mode = (env.ALTO_AUTH ?? 'off').trim().toLowerCase()
  if (mode === '' || mode === 'off') return 'off'
  if (mode === 'digest' || mode === 'bearer' || mode === 'both') return mode
  throw new Error(`ALTO_AUTH must be off, digest, bearer or both`)
}

let cachedKey: { source: string; config: Promise<AuthConfig> } | null = null

async function buildConfig(env: Env, mode: Exclude<AuthMode, 'off'>): Promise<AuthConfig> {
  if (!env.ALTO_CLIENTS) throw new Error(`ALTO_AUTH=${mode} but the ALTO_CLIENTS secret is not set`)
  const clients = parseClients(env.ALTO_CLIENTS)
  let nonceKey: CryptoKey | null = null
  if (mode !== 'bearer') {
    if (!env.ALTO_NONCE_KEY || env.ALTO_NONCE_KEY.length < 16) {
      throw new Error(`ALTO_AUTH=${mode} needs the ALTO_NONCE_KEY secret (16 characters or more)`)
    }
    nonceKey = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(env.ALTO_NONCE_KEY),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify']
    )
  }
  return { mode, realm: env.ALTO_REALM?.trim() || DEFAULT_REALM, clients, nonceKey }
}

/**
 * The authentication configuration, or null when authentication is off. Parsed once per isolate
 * per distinct configuration. Rejects (a configuration error) when it is invalid.
 */
export function authConfig(env: Env): Promise<AuthConfig> | null {
  const mode = authMode(env)
  if (mode === 'off') return null
  const source = JSON.stringify([mode, env.ALTO_CLIENTS, env.ALTO_NONCE_KEY, env.ALTO_REALM])
  if (cachedKey?.source !== source) cachedKey = { source, config: buildConfig(env, mode) }
  return cachedKey.config
}
