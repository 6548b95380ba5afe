/**
 * @module Client authentication middleware (RFC 7285 §8.3.5, §15.1–15.3; docs/security.md).
 *
 * Off by default. When on, every ALTO resource needs credentials — HTTP Digest (RFC 7616), a
 * bearer token (RFC 6750), or either (`ALTO_AUTH=both`) — and a request without valid ones gets
 * 401 with one `WWW-Authenticate` challenge per accepted scheme: Digest SHA-256, Digest MD5,
 * Bearer. The authenticated client is `c.var.client`; access.ts decides what it may see.
 * CORS preflights and `/health` are answered before this middleware runs.
 */
import type { MiddlewareHandler } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { authConfig, type AuthConfig, type ClientCredentials } from '../auth/config.ts'
import {
  createNonce,
  digestChallenges,
  digestHex,
  nonceExpiresAtMs,
  parseAuthParams,
  timingSafeEqual,
  verifyDigest,
} from '../auth/digest.ts'
import { useNonce } from '../auth/nonce-counter.ts'
import type { AppEnv, Env } from '../env.ts'
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../store.ts'
import { replayPin } from './last-good.ts'

/** RFC 6750 §2.1 b64token. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

type Authentication =
  | { ok: true; client: ClientCredentials }
  | { ok: false; staleNonce: boolean; invalidToken: boolean }

async function verifyBearer(config: AuthConfig, token: string): Promise<ClientCredentials | null> {
  if (!BEARER_TOKEN.test(token)) return null
  const hash = await digestHex('SHA-256', token)
  let found: ClientCredentials | null = null
  // Every stored hash is compared (no early exit) so timing does not depend on the match.
  for (const client of config.clients) {
    for (const stored of client.tokenHashes) if (timingSafeEqual(stored, hash)) found = client
  }
  return found
}

async function authenticate(
  config: AuthConfig,
  request: Request,
  env: Env
): Promise<Authentication> {
  const header = request.headers.get('Authorization') ?? ''
  const space = header.indexOf(' ')
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase()
  const rest = space < 0 ? '' : header.slice(space + 1)
  const offersDigest = config.mode !== 'bearer'
  const offersBearer = config.mode !== 'digest'
  if (scheme === 'digest' && offersDigest) {
    const params = parseAuthParams(rest)
    if (params) {
      const url = new URL(request.url)
      const outcome = await verifyDigest(
        config,
        params,
        { method: request.method, target: url.pathname + url.search },
        Date.now() / 1000
      )
      if (!outcome.ok) return { ok: false, staleNonce: outcome.stale, invalidToken: false }
      // RFC 7616 §3.4: "if the same nc-value is seen twice, then the request is a replay".
      const expiresAt = nonceExpiresAtMs(outcome.nonce)!
      const use = await useNonce(env, outcome.nonce, outcome.nc, expiresAt)
      if (use === 'fresh') return { ok: true, client: outcome.client }
      return { ok: false, staleNonce: true, invalidToken: false }
    }
  }
  if (scheme === 'bearer' && offersBearer) {
    const client = await verifyBearer(config, rest.trim())
    if (client) return { ok: true, client }
    return { ok: false, staleNonce: false, invalidToken: true }
  }
  return { ok: false, staleNonce: false, invalidToken: false }
}

async function challenges(
  config: AuthConfig,
  failure: { staleNonce: boolean; invalidToken: boolean }
): Promise<string[]> {
  const list: string[] = []
  if (config.nonceKey) {
    const nonce = await createNonce(config.nonceKey, config.realm, Date.now() / 1000)
    list.push(...digestChallenges(config.realm, nonce, failure.staleNonce))
  }
  if (config.mode !== 'digest') {
    list.push(
      `Bearer realm="${config.realm}"` + (failure.invalidToken ? ', error="invalid_token"' : '')
    )
  }
  return list
}

function misconfigured(error: unknown): never {
  console.error(
    `alto-edge: client authentication is misconfigured, refusing requests: ${error instanceof Error ? error.message : 'unknown error'}`
  )
  return httpFail({
    kind: 'unavailable',
    reason: 'the server is not configured correctly',
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  })
}

export const clientAuthentication: MiddlewareHandler<AppEnv> = async (c, next) => {
  const pin = replayPin(c.req.raw)
  if (pin) {
    if (pin.client) c.set('client', pin.client) // authenticated before the replay
    return next()
  }
  let config: AuthConfig | null
  try {
    config = await authConfig(c.env)
  } catch (error) {
    misconfigured(error)
  }
  if (!config) return next()
  const outcome = await authenticate(config, c.req.raw, c.env)
  if (!outcome.ok) httpFail({ kind: 'unauthorized', challenges: await challenges(config, outcome) })
  c.set('client', { name: outcome.client.name, resources: outcome.client.resources })
  return next()
}
