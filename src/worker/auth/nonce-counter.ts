/**
 * @module Replay protection for HTTP Digest (RFC 7616 §3.4: `nc` "allows the server to detect
 * request replays by maintaining its own copy of this count — if the same nc-value is seen twice,
 * then the request is a replay").
 *
 * Nonces stay stateless (digest.ts: an HMAC of the issue time); only their *use* is recorded, in
 * one Durable Object **per nonce** (`idFromName(nonce)`). There is no global object every request
 * passes through: the load spreads over as many objects as there are nonces in use, each touched
 * only by the client holding that nonce, and each forgets itself when the nonce expires (an alarm
 * at the end of its lifetime deletes its storage). A nonce used more than
 * {@link MAX_REQUESTS_PER_NONCE} times is worn out: the client gets `stale=true` and a new nonce.
 *
 * The object is consulted only after the Digest response has verified, so forged or garbage
 * credentials never create one.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env.ts'

/** Requests one nonce may authenticate before the client must take a new one. */
export const MAX_REQUESTS_PER_NONCE = 10_000

export type NonceUse = 'fresh' | 'replayed' | 'worn-out'

/** Storage key of one used nc-value. */
const ncKey = (nc: number): string => `nc:${nc.toString(16).padStart(8, '0')}`

export class DigestNonceCounter extends DurableObject<Env> {
  /** The nc-values seen, loaded once from storage (the object may be evicted between requests). */
  private seen: Set<number> | null = null

  private async load(): Promise<Set<number>> {
    if (this.seen) return this.seen
    const stored = await this.ctx.storage.list({ prefix: 'nc:' })
    this.seen = new Set([...stored.keys()].map((key) => parseInt(key.slice(3), 16)))
    return this.seen
  }

  /**
   * Records one use of the nonce with `nc`; `expiresAtMs` is when the nonce stops being valid
   * (the object deletes itself then). Calls for one nonce are serialised by the object.
   */
  async use(nc: number, expiresAtMs: number): Promise<NonceUse> {
    const seen = await this.load()
    if (seen.has(nc)) return 'replayed'
    if (seen.size >= MAX_REQUESTS_PER_NONCE) return 'worn-out'
    if (seen.size === 0) await this.ctx.storage.setAlarm(expiresAtMs)
    seen.add(nc)
    await this.ctx.storage.put(ncKey(nc), 1)
    return 'fresh'
  }

  override async alarm(): Promise<void> {
    this.seen = new Set()
    await this.ctx.storage.deleteAll()
  }
}

/** Records a verified Digest request's (nonce, nc) with the nonce's own object. */
export function useNonce(
  env: Env,
  nonce: string,
  nc: number,
  expiresAtMs: number
): Promise<NonceUse> {
  const counters = env.ALTO_DIGEST_NONCES
  return counters.get(counters.idFromName(nonce)).use(nc, expiresAtMs)
}
