/**
 * @module Soak-only Worker entry (`wrangler dev bench/soak/worker.ts`, never deployed): the real
 * Worker (src/worker/app.ts and its Durable Objects) with its KV binding wrapped so that a
 * fraction of reads fail the way a faulty KV does — `get` rejects — at the rate the var
 * `SOAK_KV_FAULT_RATE` gives (0..1; unset or 0: no faults). Which reads fail is decided by a
 * seeded PRNG (`SOAK_KV_FAULT_SEED`), so a run can be repeated.
 *
 * `GET /_soak/faults` answers `{"injected": N, "reads": M}` for this isolate, so the soak can
 * check that every 503 it saw is explained by an injected fault. Only the request path's reads
 * are wrapped; the Durable Objects read KV through their own, unwrapped env.
 */
import { app } from '../../src/worker/app.ts'
import { mulberry32 } from '../../src/tables/random.ts'

export { UpdateHub } from '../../src/worker/updates/hub.ts'
export { UpdateStream } from '../../src/worker/updates/stream.ts'
export { ClientLeases } from '../../src/worker/updates/client-leases.ts'
export { DigestNonceCounter } from '../../src/worker/auth/nonce-counter.ts'

type SoakEnv = Cloudflare.Env & { SOAK_KV_FAULT_RATE?: string; SOAK_KV_FAULT_SEED?: string }

const counts = { injected: 0, reads: 0 }
let random: (() => number) | undefined

/** A KV binding whose `get` rejects with probability `rate`; everything else delegates. */
function faultyKv(inner: KVNamespace, rate: number): KVNamespace {
  const get = (key: string, options?: unknown): Promise<unknown> => {
    counts.reads++
    if (random!() < rate) {
      counts.injected++
      return Promise.reject(new Error(`soak: injected KV fault reading ${key}`))
    }
    return (inner.get as (k: string, o?: unknown) => Promise<unknown>).call(inner, key, options)
  }
  return new Proxy(inner, {
    get: (target, prop) =>
      prop === 'get' ? get : Reflect.get(target, prop, target)?.bind?.(target),
  })
}

export default {
  fetch(request: Request, env: SoakEnv, ctx: ExecutionContext): Response | Promise<Response> {
    if (new URL(request.url).pathname === '/_soak/faults') return Response.json(counts)
    const rate = Number(env.SOAK_KV_FAULT_RATE ?? 0)
    if (!(rate > 0)) return app.fetch(request, env, ctx)
    random ??= mulberry32(Number(env.SOAK_KV_FAULT_SEED ?? 1))
    const wrapped = Object.create(env, { ALTO_KV: { value: faultyKv(env.ALTO_KV, rate) } })
    return app.fetch(request, wrapped as SoakEnv, ctx)
  },
} satisfies ExportedHandler<SoakEnv>
