/**
 * @module HTTP Digest access authentication (RFC 7616), as RFC 7285 §8.3.5 requires of a server
 * that authenticates clients ("the ALTO server MUST support HTTP Digest Authentication").
 *
 * Supported: `algorithm=SHA-256` (preferred, offered first) and `MD5` (RFC 7616 §3.7: offer
 * several challenges in order of preference; MD5 for older clients), `qop=auth`. Not supported
 * (answered with a new challenge): `-sess` algorithms, `qop=auth-int`, `userhash`/`username*`.
 *
 * Nonces are stateless: `<issued-at, base 36 seconds>.<96 random bits>.<base64url
 * HMAC-SHA-256(key, issued-at ":" random ":" realm)>`. A nonce with a valid MAC older than {@link NONCE_LIFETIME_SECONDS} gets a new
 * challenge with `stale=true` (§3.3: the client may retry without asking the user). Their use is
 * recorded per nonce (nonce-counter.ts), so a request replayed with an nc-value already seen is
 * refused (with `stale=true`, so an honest client simply retries with a new nonce).
 *
 * Verification (§3.4.1): response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":"
 * uri)), with the stored HA1 = H(username ":" realm ":" password) — the password is never stored.
 * The `uri` parameter must equal the request-target (§3.4.6).
 */
import { toHex } from '../../tables/bytes.ts'
import type { AuthConfig, ClientCredentials, DigestAlgorithm } from './config.ts'

/** Seconds a nonce is accepted after it was issued. */
export const NONCE_LIFETIME_SECONDS = 300
/** Tolerated clock skew between isolates for a nonce issued "in the future". */
const NONCE_FUTURE_SKEW_SECONDS = 60

const encoder = new TextEncoder()

/** Lower-case hex digest of a UTF-8 string (MD5 is available in Workers' WebCrypto). */
export async function digestHex(algorithm: DigestAlgorithm, text: string): Promise<string> {
  return toHex(await crypto.subtle.digest(algorithm, encoder.encode(text)))
}

/** Equality of two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

async function nonceMac(
  key: CryptoKey,
  issuedAt: string,
  unique: string,
  realm: string
): Promise<string> {
  const text = `${issuedAt}:${unique}:${realm}`
  return base64url(await crypto.subtle.sign('HMAC', key, encoder.encode(text)))
}

/**
 * A new nonce: `<issued-at>.<96 random bits>.<MAC>`. The random part makes every challenge's
 * nonce its own, so two clients challenged in the same second never share an nc count.
 */
export async function createNonce(
  key: CryptoKey,
  realm: string,
  nowSeconds: number
): Promise<string> {
  const issuedAt = Math.floor(nowSeconds).toString(36)
  const unique = base64url(crypto.getRandomValues(new Uint8Array(12)).buffer)
  return `${issuedAt}.${unique}.${await nonceMac(key, issuedAt, unique, realm)}`
}

export type NonceState = 'valid' | 'stale' | 'invalid'

/** When a nonce stops being valid (ms since the epoch); null when it is not one of ours. */
export function nonceExpiresAtMs(nonce: string): number | null {
  const match = /^([0-9a-z]{1,12})\./.exec(nonce)
  return match ? (parseInt(match[1], 36) + NONCE_LIFETIME_SECONDS) * 1000 : null
}

export async function checkNonce(
  key: CryptoKey,
  realm: string,
  nonce: string,
  nowSeconds: number
): Promise<NonceState> {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(nonce)
  if (!match) return 'invalid'
  const [, issuedAt, unique, mac] = match
  if (!timingSafeEqual(mac, await nonceMac(key, issuedAt, unique, realm))) return 'invalid'
  const age = nowSeconds - parseInt(issuedAt, 36)
  if (age < -NONCE_FUTURE_SKEW_SECONDS) return 'invalid'
  return age > NONCE_LIFETIME_SECONDS ? 'stale' : 'valid'
}

/** `WWW-Authenticate` Digest challenges, SHA-256 first (RFC 7616 §3.3, §3.7). */
export function digestChallenges(realm: string, nonce: string, stale: boolean): string[] {
  return (['SHA-256', 'MD5'] as const).map(
    (algorithm) =>
      `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}"` +
      (stale ? ', stale=true' : '')
  )
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const AUTH_PARAM = new RegExp(
  `^\\s*(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))\\s*(?:,|$)`
)

/**
 * The auth-params of a credentials string after the scheme (`a="x", b=y`), names lower-cased and
 * quoted-strings unescaped; null when malformed or a name repeats.
 */
export function parseAuthParams(text: string): Map<string, string> | null {
  const params = new Map<string, string>()
  let rest = text.trim()
  while (rest.length > 0) {
    const match = AUTH_PARAM.exec(rest)
    if (!match) return null
    const name = match[1].toLowerCase()
    if (params.has(name)) return null
    params.set(name, match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3])
    rest = rest.slice(match[0].length).trimStart()
  }
  return params
}

export type DigestOutcome =
  { ok: true; client: ClientCredentials; nonce: string; nc: number } | { ok: false; stale: boolean }

/** Verifies Digest credentials (the auth-params) for a request. */
export async function verifyDigest(
  config: AuthConfig,
  params: ReadonlyMap<string, string>,
  request: { method: string; target: string },
  nowSeconds: number
): Promise<DigestOutcome> {
  const denied: DigestOutcome = { ok: false, stale: false }
  const key = config.nonceKey
  if (!key) return denied
  const username = params.get('username')
  const nonce = params.get('nonce')
  const uri = params.get('uri')
  const response = params.get('response')?.toLowerCase()
  const cnonce = params.get('cnonce')
  const nc = params.get('nc')
  const algorithmName = params.get('algorithm') ?? 'MD5' // §3.4: absent means MD5
  const algorithm: DigestAlgorithm | null =
    algorithmName.toUpperCase() === 'SHA-256'
      ? 'SHA-256'
      : algorithmName.toUpperCase() === 'MD5'
        ? 'MD5'
        : null
  if (!username || !nonce || !uri || !response || !cnonce || !nc || !algorithm) return denied
  if (
    params.get('realm') !== config.realm ||
    params.get('qop') !== 'auth' ||
    !/^[0-9a-fA-F]{8}$/.test(nc)
  )
    return denied
  if (params.has('userhash') && params.get('userhash') !== 'false') return denied
  if (uri !== request.target) return denied
  const client = config.clients.find((candidate) => candidate.name === username)
  const ha1 = client?.ha1.get(algorithm)
  const nonceState = await checkNonce(key, config.realm, nonce, nowSeconds)
  if (nonceState === 'invalid') return denied
  // Computed even for an unknown user (with a dummy HA1) so timing does not reveal names.
  const ha2 = await digestHex(algorithm, `${request.method}:${uri}`)
  const expected = await digestHex(algorithm, `${ha1 ?? '0'}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)
  if (!client || !ha1 || !timingSafeEqual(expected, response)) return denied
  // A correct response to an expired nonce: the client knows the password, only the nonce is old.
  if (nonceState === 'stale') return { ok: false, stale: true }
  return { ok: true, client, nonce, nc: parseInt(nc, 16) }
}
