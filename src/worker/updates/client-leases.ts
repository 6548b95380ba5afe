/**
 * @module Per-client caps on what the update services hold open for a client: ALTO/SSE streams
 * (RFC 8895) and TIPS long polls (RFC 9569). One Durable Object per client key (the rate
 * limiter's: the authenticated client, else the address, IPv6 by /64), so there is no global
 * counter. Each open stream or held poll holds a *lease*; a stream renews its lease with every
 * keep-alive, a poll releases it when answered. A lease not renewed for {@link LEASE_MS} is
 * dropped, so a stream object that vanished without releasing (evicted, crashed) cannot lock its
 * client out for longer than that.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env.ts'

/** A lease not renewed for this long is forgotten (4 keep-alive periods of a stream). */
export const LEASE_MS = 60_000
/** Default caps; `ALTO_SSE_MAX_STREAMS_PER_CLIENT` and `ALTO_TIPS_MAX_POLLS_PER_CLIENT` override. */
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 16
export const DEFAULT_MAX_POLLS_PER_CLIENT = 64

export type LeaseKind = 'stream' | 'poll'

export class ClientLeases extends DurableObject<Env> {
  /** Lease id → [kind, last renewal ms]. */
  private leases: Map<string, [LeaseKind, number]> | null = null

  private async load(now: number): Promise<Map<string, [LeaseKind, number]>> {
    this.leases ??= new Map(
      (await this.ctx.storage.get<[string, [LeaseKind, number]][]>('leases')) ?? []
    )
    for (const [id, [, renewed]] of this.leases)
      if (now - renewed > LEASE_MS) this.leases.delete(id)
    return this.leases
  }

  private async save(): Promise<void> {
    if (this.leases!.size === 0) await this.ctx.storage.delete('leases')
    else await this.ctx.storage.put('leases', [...this.leases!])
  }

  /** Takes a lease unless the client already holds `max` of this kind; false when at the cap. */
  async acquire(id: string, kind: LeaseKind, max: number, now = Date.now()): Promise<boolean> {
    const leases = await this.load(now)
    const held = [...leases.values()].filter(([k]) => k === kind).length
    if (held >= max) return false
    leases.set(id, [kind, now])
    await this.save()
    return true
  }

  /** Keeps a lease alive; false when it had expired (the stream should close). */
  async renew(id: string, now = Date.now()): Promise<boolean> {
    const leases = await this.load(now)
    const lease = leases.get(id)
    if (!lease) return false
    lease[1] = now
    await this.save()
    return true
  }

  async release(id: string): Promise<void> {
    const leases = await this.load(Date.now())
    if (leases.delete(id)) await this.save()
  }
}

/** The lease object of a client key. */
export function clientLeases(env: Env, clientKey: string) {
  return env.ALTO_CLIENT_LEASES.get(env.ALTO_CLIENT_LEASES.idFromName(clientKey))
}

/** A positive integer var, or the default. */
export function capFrom(value: string | undefined, fallback: number): number {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : fallback
}
