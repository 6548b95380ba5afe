/**
 * @module DNS discovery records for an operator: the RFC 7286 U-NAPTR record for the operator's
 * domain and the RFC 8686 reverse-tree NAPTR records for every network-map prefix, as a zone file.
 *
 * RFC 7286 §3.2 (U-NAPTR, RFC 4848): `example.net. IN NAPTR 100 10 "u" "ALTO:https"
 * "!.*!https://alto1.example.net/ird!" ""` — flag "u", service "ALTO:https", a regexp whose
 * replacement is the IRD URI, empty replacement field.
 *
 * RFC 8686 §3.3–§3.4 (Table 1): a client looks up only these cuts of the reverse tree,
 * longest first — IPv4 R32, R24, R16, R8; IPv6 R128, R64, R56, R48, R40, R32. A prefix whose
 * length is not a cut is published at the next longer cut, one name per sub-prefix (exact: it
 * never claims addresses outside the prefix); a prefix needing more than MAX_NAMES_PER_PREFIX
 * names (e.g. an IPv6 /80, whose next cut is /128) cannot be expressed and is reported.
 */
import { IPV4_CUTS, IPV6_CUTS, reverseName, wordsToBigInt } from '../alto/reverse-tree.ts'
import { parsePrefix } from '../tables/index.ts'

/** Above this many names for one prefix, it is reported as not expressible. */
export const MAX_NAMES_PER_PREFIX = 256

/** RFC 7286 §3.2 / RFC 8686 §3.4: the U-NAPTR service parameter for ALTO over HTTPS. */
export const ALTO_SERVICE = 'ALTO:https'

export interface DnsRecordsInput {
  /** The operator's domain for the RFC 7286 record, e.g. `example.net` (omit for none). */
  domain?: string
  /** The IRD URI the records point to. */
  irdUri: string
  /** Network-map prefixes (`addr/len`), any mix of IPv4 and IPv6. */
  prefixes: readonly string[]
  ttl?: number
  order?: number
  preference?: number
}

export interface DnsRecordsResult {
  zone: string
  recordCount: number
  /** Prefixes that cannot be expressed, each with the reason. */
  unexpressible: { prefix: string; reason: string }[]
}

/** The NAPTR regexp field for a URI: `!.*!URI!` (RFC 4848 §2.2; `!` may not occur in URI). */
export function naptrRegexp(uri: string): string {
  if (/[!"\\\s]/.test(uri)) throw new Error(`IRD URI ${uri} contains '!', '"', '\\' or space`)
  return `!.*!${uri}!`
}

/** The reverse-tree names that express `prefix` exactly, or a reason why none can. */
export function namesForPrefix(prefix: string): { names: string[] } | { reason: string } {
  const p = parsePrefix(prefix)
  if (!p.ok) return { reason: p.error }
  const cuts: readonly number[] = p.family === 4 ? IPV4_CUTS : IPV6_CUTS
  const width = p.family === 4 ? 32 : 128
  // RFC 8686 §3.2: IPv4 L < 8 and IPv6 L < 32 are "unsupported prefix length" for a client
  if (p.len < cuts[0]) return { reason: `/${p.len} is shorter than the shortest cut /${cuts[0]}` }
  const cut = cuts.find((c) => c >= p.len)!
  const count = 2 ** (cut - p.len)
  if (count > MAX_NAMES_PER_PREFIX)
    return {
      reason: `/${p.len} needs ${count} names at the next RFC 8686 cut /${cut} (limit ${MAX_NAMES_PER_PREFIX})`,
    }
  const base = wordsToBigInt(p.words)
  const names: string[] = []
  for (let i = 0; i < count; i++)
    names.push(`${reverseName(p.family, base + (BigInt(i) << BigInt(width - cut)), cut)}.`)
  return { names }
}

/** Builds the zone file text (absolute names, one NAPTR per name, deduplicated, sorted). */
export function dnsRecords(input: DnsRecordsInput): DnsRecordsResult {
  const ttl = input.ttl ?? 3600
  const rdata = `NAPTR ${input.order ?? 100} ${input.preference ?? 10} "u" "${ALTO_SERVICE}" "${naptrRegexp(input.irdUri)}" ""`
  const names = new Set<string>()
  const unexpressible: DnsRecordsResult['unexpressible'] = []
  for (const prefix of input.prefixes) {
    const r = namesForPrefix(prefix)
    if ('reason' in r) unexpressible.push({ prefix, reason: r.reason })
    else for (const n of r.names) names.add(n)
  }
  const lines = [`; ALTO discovery records (RFC 7286, RFC 8686) for ${input.irdUri}`, `$TTL ${ttl}`]
  if (input.domain) {
    const d = input.domain.endsWith('.') ? input.domain : `${input.domain}.`
    lines.push(`${d} ${ttl} IN ${rdata}`)
  }
  const sorted = [...names].sort()
  for (const n of sorted) lines.push(`${n} ${ttl} IN ${rdata}`)
  return {
    zone: `${lines.join('\n')}\n`,
    recordCount: sorted.length + (input.domain ? 1 : 0),
    unexpressible,
  }
}
