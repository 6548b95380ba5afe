/**
 * @module RFC 8686 ALTO server discovery for an address or prefix, over DNS-over-HTTPS
 * (RFC 8484), on `fetch` alone (browsers, Node, Workers).
 *
 * RFC 8686 §3.3–§3.4: the client looks up the reverse-tree names of the cuts IPv4 R32, R24,
 * R16, R8 and IPv6 R128, R64, R56, R48, R40, R32, longest first, starting at the longest cut
 * not longer than the prefix; the first name with a U-NAPTR `ALTO:https` record (RFC 7286
 * §3.2, flag "u") wins, and its regexp (RFC 3402 §3.2 `delim ere delim repl delim`) yields the
 * IRD URI. NXDOMAIN or no ALTO record → next cut; all cuts exhausted → `not-found`. SERVFAIL,
 * timeouts and malformed answers are reported as typed failures (a {@link DiscoveryError}).
 */
import { IPV4_CUTS, IPV6_CUTS, reverseName, wordsToBigInt } from '../alto/reverse-tree.ts'
import { parseAddress, parsePrefix } from '../tables/index.ts'
import { decodeResponse, encodeQuery, RCODE, type Naptr } from './dns-wire.ts'
import type { FetchLike } from './http.ts'

/** RFC 8686 §3.4: the cuts, longest first. */
const CUTS_V4: readonly number[] = [...IPV4_CUTS].reverse()
const CUTS_V6: readonly number[] = [...IPV6_CUTS].reverse()
export const ALTO_SERVICE = 'ALTO:https'
export const DNS_MESSAGE = 'application/dns-message'

export type DiscoveryFailure =
  | { kind: 'invalid-address'; input: string; reason: string }
  /** RFC 6890 private or special-purpose range (or shorter than the shortest cut). */
  | { kind: 'refused-range'; input: string; range: string }
  | { kind: 'not-found'; input: string; names: string[] }
  | { kind: 'servfail'; name: string; rcode: number }
  | { kind: 'timeout'; name: string; ms: number }
  | { kind: 'http'; name: string; status: number }
  | { kind: 'unreachable'; name: string; reason: string }
  | { kind: 'malformed'; name: string; reason: string }

export class DiscoveryError extends Error {
  readonly failure: DiscoveryFailure
  constructor(failure: DiscoveryFailure) {
    super(`ALTO discovery: ${failure.kind}: ${JSON.stringify(failure)}`)
    this.name = 'DiscoveryError'
    this.failure = failure
  }
}

const fail = (f: DiscoveryFailure): never => {
  throw new DiscoveryError(f)
}

export interface DiscoveryOptions {
  /** DoH resolver URL (RFC 8484 URI template without variables, e.g. https://dns.example/dns-query). */
  resolver: string
  method?: 'GET' | 'POST'
  fetch?: FetchLike
  /** Per-query timeout (AbortSignal.timeout), default 5000 ms. */
  timeoutMs?: number
  /** Clock for the TTL cache, ms; default Date.now. */
  now?: () => number
  /** Allow the RFC 5737 / RFC 3849 documentation prefixes (tests, examples). */
  allowDocumentationPrefixes?: boolean
}

/** RFC 6890 (with RFC 5737, 3849, 6598, 4193, 4291) ranges a client must not ask about. */
const SPECIAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
]
const SPECIAL_V6 = [
  '::/127',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  '100::/64',
  '2001::/23',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
]
const DOCUMENTATION = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']

interface Target {
  family: 4 | 6
  addr: bigint
  len: number
}

function parseTarget(input: string): Target | null {
  if (input.includes('/')) {
    const p = parsePrefix(input)
    return p.ok ? { family: p.family, addr: wordsToBigInt(p.words), len: p.len } : null
  }
  const a = parseAddress(input)
  return a && { family: a.family, addr: wordsToBigInt(a.words), len: a.family === 4 ? 32 : 128 }
}

function overlaps(t: Target, range: string): boolean {
  const r = parseTarget(range)!
  if (r.family !== t.family) return false
  const width = BigInt(t.family === 4 ? 32 : 128)
  const len = BigInt(Math.min(r.len, t.len))
  return t.addr >> (width - len) === r.addr >> (width - len)
}

/** The names RFC 8686 §3.4 looks up for `input`, in order; or throws invalid-address/refused-range. */
export function lookupNames(input: string, allowDocumentationPrefixes = false): string[] {
  const t = parseTarget(input.trim())
  if (!t)
    return fail({ kind: 'invalid-address', input, reason: 'not an IPv4/IPv6 address or prefix' })
  const doc = DOCUMENTATION.find((r) => overlaps(t, r))
  if (doc && !allowDocumentationPrefixes) fail({ kind: 'refused-range', input, range: doc })
  const special = (t.family === 4 ? SPECIAL_V4 : SPECIAL_V6).find((r) => overlaps(t, r))
  if (special) fail({ kind: 'refused-range', input, range: special })
  const cuts = t.family === 4 ? CUTS_V4 : CUTS_V6
  const names = cuts.filter((c) => c <= t.len).map((c) => reverseName(t.family, t.addr, c))
  // RFC 8686 §3.2: IPv4 L < 8, IPv6 L < 32 is an unsupported prefix length
  if (names.length === 0)
    fail({ kind: 'refused-range', input, range: `shorter than /${cuts.at(-1)}` })
  return names
}

/**
 * RFC 3402 §3.2 substitution expression `delim ere delim repl delim [i]`, applied to `aus`.
 * Backreferences `\1`–`\9` in repl; `\delim` escapes the delimiter. Returns null if malformed.
 */
export function applyNaptrRegexp(rule: string, aus: string): string | null {
  if (rule.length < 3) return null
  const d = rule[0]
  if (/[0-9\\i]/.test(d)) return null
  const parts: string[] = ['']
  for (let i = 1; i < rule.length; i++) {
    if (rule[i] === '\\' && rule[i + 1] === d) parts[parts.length - 1] += rule[++i]
    else if (rule[i] === d) parts.push('')
    else parts[parts.length - 1] += rule[i]
  }
  if (parts.length !== 3 || (parts[2] !== '' && parts[2] !== 'i')) return null
  let re: RegExp
  try {
    re = new RegExp(parts[0], parts[2])
  } catch {
    return null
  }
  const m = re.exec(aus)
  if (!m) return null
  return parts[1].replace(/\\([0-9])|\\\\/g, (s, n) => (n === undefined ? '\\' : (m[+n] ?? '')))
}

interface CacheEntry {
  expires: number
  uri: string | null
}

export interface DiscoveryResult {
  uri: string
  /** The reverse-tree name whose record gave the URI. */
  name: string
}

/** A discovery client with a TTL cache (per name, positive and RFC 2308 negative answers). */
export class DnsDiscovery {
  private readonly cache = new Map<string, CacheEntry>()
  private readonly opts: DiscoveryOptions
  /** DoH requests sent so far (for callers and tests). */
  queries = 0
  constructor(opts: DiscoveryOptions) {
    this.opts = opts
  }

  async discover(input: string): Promise<DiscoveryResult> {
    const names = lookupNames(input, this.opts.allowDocumentationPrefixes)
    for (const name of names) {
      const uri = await this.lookup(name)
      if (uri !== null) return { uri, name }
    }
    return fail({ kind: 'not-found', input, names })
  }

  private async lookup(name: string): Promise<string | null> {
    const now = (this.opts.now ?? Date.now)()
    const hit = this.cache.get(name)
    if (hit && hit.expires > now) return hit.uri
    const res = await this.query(name)
    if (res.rcode === RCODE.NXDOMAIN) {
      if (res.negativeTtl)
        this.cache.set(name, { expires: now + res.negativeTtl * 1000, uri: null })
      return null
    }
    if (res.rcode !== RCODE.NOERROR) return fail({ kind: 'servfail', name, rcode: res.rcode })
    const alto = res.naptr
      .filter((r) => r.name === name && r.services.toUpperCase() === ALTO_SERVICE.toUpperCase())
      .sort((a, b) => a.order - b.order || a.preference - b.preference)
    if (alto.length === 0) {
      if (res.negativeTtl)
        this.cache.set(name, { expires: now + res.negativeTtl * 1000, uri: null })
      return null
    }
    const uri = this.uriOf(name, alto[0])
    this.cache.set(name, { expires: now + alto[0].ttl * 1000, uri })
    return uri
  }

  private uriOf(name: string, r: Naptr): string {
    // RFC 4848 §2.2: U-NAPTR terminal rule, flag "u", regexp set and replacement empty
    if (r.flags.toLowerCase() !== 'u')
      fail({ kind: 'malformed', name, reason: `flag ${JSON.stringify(r.flags)}, expected "u"` })
    if (r.replacement !== '')
      fail({ kind: 'malformed', name, reason: 'replacement set in a U-NAPTR record' })
    const uri = applyNaptrRegexp(r.regexp, name)
    if (uri === null)
      return fail({ kind: 'malformed', name, reason: `regexp ${JSON.stringify(r.regexp)}` })
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      return fail({ kind: 'malformed', name, reason: `${JSON.stringify(uri)} is not a URI` })
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      fail({ kind: 'malformed', name, reason: `${uri} is not an http(s) URI` })
    return uri
  }

  private async query(name: string) {
    const { resolver, method = 'GET', timeoutMs = 5000 } = this.opts
    const doFetch = this.opts.fetch ?? fetch
    const wire = encodeQuery(name)
    const headers = { accept: DNS_MESSAGE }
    let response: Response
    this.queries++
    try {
      const signal = AbortSignal.timeout(timeoutMs)
      if (method === 'POST') {
        response = await doFetch(resolver, {
          method,
          headers: { ...headers, 'content-type': DNS_MESSAGE },
          body: wire,
          signal,
        })
      } else {
        // RFC 8484 §4.1: GET with the `dns` variable, base64url without padding
        const b64 = btoa(String.fromCharCode(...wire))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '')
        const url = new URL(resolver)
        url.searchParams.set('dns', b64)
        response = await doFetch(url.toString(), { method, headers, signal })
      }
      if (!response.ok) return fail({ kind: 'http', name, status: response.status })
      const body = new Uint8Array(await response.arrayBuffer())
      try {
        return decodeResponse(body)
      } catch (e) {
        return fail({ kind: 'malformed', name, reason: (e as Error).message })
      }
    } catch (e) {
      if (e instanceof DiscoveryError) throw e
      const err = e as Error
      if (err.name === 'TimeoutError') return fail({ kind: 'timeout', name, ms: timeoutMs })
      return fail({ kind: 'unreachable', name, reason: err.message })
    }
  }
}
