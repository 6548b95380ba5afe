/**
 * @module Signed edge answers (issue 11 item 1; docs/signing.md; the profile: alto/signing/profile.ts).
 *
 * With `ALTO_SIGNING = "on"` every successful POST answer the Worker computes — filtered network
 * and cost maps, endpoint cost, endpoint property (and any other `application/alto-*` POST
 * answer) — gets `Content-Digest` (RFC 9530), `Signature-Input` and `Signature` (RFC 9421) under
 * the ALTO profile, bound to the question: `@method;req @target-uri;req content-digest;req`.
 * Off (the default) or without a usable `ALTO_SIGNING_KEY`, nothing is added.
 *
 * Not signed, on purpose:
 * - errors (`application/alto-error+json`, any non-2xx): a signature vouches for map data; an
 *   error carries none, and signing whatever an unauthenticated client can provoke only hands
 *   out signing work (RFC 9421 §7.3.5: the cost of signing is an attack surface);
 * - GET answers (full maps, IRD): they are the same for every client and meant to be signed once
 *   per version at build time (docs/signing.md, "not yet built"), not per request at the edge;
 * - streams (ALTO/SSE `text/event-stream`): no single body to digest.
 *
 * The private key is imported once per isolate (keyed by the secret's text, so a rotated secret
 * is picked up by new isolates and by this one as soon as the binding changes).
 */
import type { MiddlewareHandler } from 'hono'
import { importPrivateKey } from '../../alto/signing/message-signature.ts'
import { signAltoResponse, type Jwks, type SigningKey } from '../../alto/signing/profile.ts'
import type { AppEnv, Env } from '../env.ts'

/** Default signature lifetime (`expires - created`) when `ALTO_SIGNATURE_TTL` is unset or bad. */
export const DEFAULT_SIGNATURE_TTL_SECONDS = 300

export function signingEnabled(env: Env): boolean {
  return env.ALTO_SIGNING === 'on'
}

export function signatureTtlSeconds(env: Env): number {
  const value = Number(env.ALTO_SIGNATURE_TTL)
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_SIGNATURE_TTL_SECONDS
}

let cachedKey: { text: string; key: Promise<SigningKey | undefined> } | undefined

/** The edge signing key from `ALTO_SIGNING_KEY` (a private Ed25519 JWK with `kid`), imported once. */
export function signingKey(env: Env): Promise<SigningKey | undefined> {
  const text = env.ALTO_SIGNING_KEY
  if (!text) return Promise.resolve(undefined)
  if (cachedKey?.text !== text) cachedKey = { text, key: importSigningKey(text) }
  return cachedKey.key
}

async function importSigningKey(text: string): Promise<SigningKey | undefined> {
  try {
    const jwk = JSON.parse(text) as JsonWebKey & { kid?: string }
    if (typeof jwk.kid !== 'string' || !jwk.kid || typeof jwk.d !== 'string') throw new Error()
    return { keyid: jwk.kid, key: await importPrivateKey(jwk) }
  } catch {
    // Logged without the secret's text.
    console.error('alto-edge: ALTO_SIGNING_KEY is not a private Ed25519 JWK with a "kid"')
    return undefined
  }
}

/** The public members of an OKP JWK (RFC 8037 §2); everything else (above all `d`) is dropped. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'kid', 'alg', 'use'] as const

function publicJwk(jwk: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const m of PUBLIC_MEMBERS) if (typeof jwk[m] === 'string') out[m] = jwk[m]
  return out
}

/**
 * The JWK Set served at `/signing/jwks.json`: `ALTO_SIGNING_JWKS` (public members only), or when
 * that is unset the public half of `ALTO_SIGNING_KEY`. Undefined when neither is usable.
 */
export function publicJwks(env: Env): Jwks | undefined {
  const parse = (text: string | undefined): Record<string, unknown>[] | undefined => {
    if (!text) return undefined
    try {
      const value = JSON.parse(text) as { keys?: unknown } & Record<string, unknown>
      const keys = Array.isArray(value.keys) ? value.keys : [value]
      return keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null)
    } catch {
      return undefined
    }
  }
  const keys = (parse(env.ALTO_SIGNING_JWKS) ?? parse(env.ALTO_SIGNING_KEY) ?? [])
    .map(publicJwk)
    .filter((k) => k.kty === 'OKP' && typeof k.x === 'string' && typeof k.kid === 'string')
  return keys.length ? ({ keys } as unknown as Jwks) : undefined
}

function isSignableAnswer(res: Response): boolean {
  const type = (res.headers.get('Content-Type') ?? '').toLowerCase()
  return (
    res.ok &&
    res.status !== 204 &&
    type.startsWith('application/alto-') &&
    !type.startsWith('application/alto-error+json')
  )
}

export const responseSigning: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  if (c.req.method !== 'POST' || !signingEnabled(c.env) || !isSignableAnswer(c.res)) return
  const key = await signingKey(c.env)
  if (!key) return
  // Read once: the answer is rebuilt below from these bytes, so no clone (a tee) is needed.
  const body = new Uint8Array(await c.res.arrayBuffer())
  const created = Math.floor(Date.now() / 1000)
  const headers = await signAltoResponse({
    status: c.res.status,
    contentType: c.res.headers.get('Content-Type')!,
    body,
    request: {
      method: c.req.method,
      targetUri: c.req.url,
      body: c.get('requestBody') ?? new Uint8Array(0),
    },
    key,
    created,
    expires: created + signatureTtlSeconds(c.env),
  })
  const res = new Response(body, c.res)
  res.headers.set('Content-Digest', headers['content-digest'])
  res.headers.set('Signature-Input', headers['signature-input'])
  res.headers.set('Signature', headers.signature)
  c.res = undefined
  c.res = res
}
