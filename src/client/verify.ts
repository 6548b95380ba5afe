/**
 * @module Checking a signed ALTO answer (issue 11; docs/signing.md): the client's side of the
 * signing profile in src/alto/signing/profile.ts. Fetch and Web Crypto only, so a browser, Node
 * or a Worker can check — and a party that received the answer second-hand can check — that
 * the server that publishes the JWK Set gave this answer to this question, and until when.
 *
 * The question's `content-digest;req` is recomputed from the body the client sent (RFC 9421
 * §2.4: the request content is covered only through its digest, which the server computes when
 * the client sent none).
 */
import { contentDigest } from '../alto/signing/content-digest.ts'
import { verifyAltoResponse, type Jwks, type VerifyResult } from '../alto/signing/profile.ts'
import type { FetchLike } from './http.ts'

export type { Jwks, VerifyFailure, VerifyResult } from '../alto/signing/profile.ts'

/** The question as the client sent it: method, absolute URI and body (POST). */
export interface SentQuestion {
  method: string
  uri: string
  body?: string | Uint8Array
}

const bytesOf = (b: string | Uint8Array | undefined) =>
  typeof b === 'string' ? new TextEncoder().encode(b) : (b ?? new Uint8Array(0))

/**
 * The JWK Set a server's IRD names (`meta["signing-jwks-uri"]`, resolved against the IRD's URI),
 * or a JWK Set URI itself.
 */
export async function fetchJwks(uri: string, fetch: FetchLike = globalThis.fetch): Promise<Jwks> {
  const res = await fetch(uri, {
    headers: { Accept: 'application/jwk-set+json, application/json' },
  })
  if (!res.ok) throw new Error(`JWK Set ${uri}: HTTP ${res.status}`)
  return asJwks(await res.json(), `JWK Set ${uri}`)
}

/** `value` as a JWK Set, or an error naming `source` when it has no `keys` array. */
export function asJwks(value: unknown, source: string): Jwks {
  const jwks = value as Jwks
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error(`${source}: no "keys" array`)
  return jwks
}

/**
 * Verifies `response` (its body is read from a clone, so the caller may still read it) against
 * `jwks`. `question` is required for answers to POST requests (their signature covers it).
 * `now` in UNIX seconds (default: the clock).
 */
export async function verifyAnswer(opts: {
  response: Response
  question?: SentQuestion
  jwks: Jwks
  now?: number
}): Promise<VerifyResult> {
  const body = new Uint8Array(await opts.response.clone().arrayBuffer())
  const q = opts.question
  const reqBody = bytesOf(q?.body)
  return verifyAltoResponse({
    response: { status: opts.response.status, headers: opts.response.headers, body },
    request: q && {
      method: q.method,
      targetUri: q.uri,
      headers: new Headers({ 'content-digest': await contentDigest(reqBody) }),
      body: reqBody,
    },
    jwks: opts.jwks,
    now: opts.now ?? Math.floor(Date.now() / 1000),
  })
}
