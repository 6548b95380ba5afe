/**
 * @module Per-client rate limiting with the Workers Rate Limiting binding (`ALTO_RATE_LIMITER`,
 * wrangler.toml `[[ratelimits]]`; docs/security.md).
 *
 * RFC 7285 §15.5.2 (availability): "an ALTO server may be the target of a denial-of-service
 * attack"; §8.5.3: an overloaded server SHOULD answer 503, optionally with `Retry-After`; RFC
 * 9569 §9 recommends 429 for a client that sends too much. `ALTO_RATE_LIMIT` picks `429`
 * (default) or `503`; both carry `Retry-After` = the binding's period (`ALTO_RATE_LIMIT_PERIOD`).
 *
 * Key: the authenticated client's name; otherwise the connecting address from `CF-Connecting-IP`
 * (IPv6 by /64, the usual allocation to one host, so address rotation does not evade the limit).
 * A request with neither, or from a loopback address, is not limited: only local runs lack
 * `CF-Connecting-IP` or carry `127.0.0.1`/`::1` there (`wrangler dev`, benchmarks). The
 * binding counts per Cloudflare location and approximately (platform docs). A limiter that fails
 * lets the request through (fail open: the limiter protects capacity, not data).
 */
import type { MiddlewareHandler } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { typedAddressOfIp } from '../../alto/typed-address.ts'
import type { AppContext } from '../http.ts'
import type { AppEnv } from '../env.ts'
import { replayPin } from './last-good.ts'

const DEFAULT_PERIOD_SECONDS = 60

/** The rate-limit key of a request, or null when it has no client identity. */
export function rateLimitKey(c: AppContext): string | null {
  const client = c.get('client')
  if (client) return `client:${client.name}`
  const ip = c.req.header('CF-Connecting-IP')
  const typed = ip ? typedAddressOfIp(ip.trim()) : null
  if (!typed) return null
  if (typed.address.type === 'ipv4') {
    if (typed.address.address >>> 24 === 127) return null // 127.0.0.0/8 loopback
    return `ip:${typed.text.slice('ipv4:'.length)}`
  }
  const [w0, w1, w2, w3] = typed.address.words
  if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 1) return null // ::1 loopback
  return `ip6:${w0.toString(16)}:${w1.toString(16)}::/64`
}

export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limiter = c.env.ALTO_RATE_LIMITER
  const setting = (c.env.ALTO_RATE_LIMIT ?? '429').trim()
  if (!limiter || setting === 'off' || replayPin(c.req.raw)) return next()
  const key = rateLimitKey(c)
  if (!key) return next()
  let allowed = true
  try {
    allowed = (await limiter.limit({ key })).success
  } catch (error) {
    console.error(
      `alto-edge: rate limiter failed, request let through: ${error instanceof Error ? error.name : 'error'}`
    )
  }
  if (!allowed) {
    const period = Number(c.env.ALTO_RATE_LIMIT_PERIOD)
    httpFail({
      kind: 'rate-limited',
      status: setting === '503' ? 503 : 429,
      retryAfterSeconds: Number.isInteger(period) && period > 0 ? period : DEFAULT_PERIOD_SECONDS,
    })
  }
  return next()
}
