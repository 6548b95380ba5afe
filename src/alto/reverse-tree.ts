/**
 * @module RFC 8686 reverse-tree names, shared by the operator's record generator
 * (src/cli/dns-records.ts) and the discovery client (src/client/discovery.ts), so that the
 * names written into a zone are the names the client looks up.
 *
 * RFC 8686 §3.3: the prefix lengths ("cuts") at which the reverse tree is consulted — IPv4 on
 * octet boundaries, IPv6 on the listed nibble boundaries. Ascending here; the client walks them
 * longest first (§3.4).
 */
export const IPV4_CUTS = [8, 16, 24, 32] as const
export const IPV6_CUTS = [32, 40, 48, 56, 64, 128] as const

/** An address's 32-bit words (src/tables/ip.ts) as one integer. */
export function wordsToBigInt(words: readonly number[]): bigint {
  let v = 0n
  for (const w of words) v = (v << 32n) | BigInt(w >>> 0)
  return v
}

/**
 * Reverse-tree name of the top `cut` bits of an address (v4: octets, v6: nibbles), e.g.
 * `100.51.198.in-addr.arpa` for 198.51.100.0 at cut 24 — without the root's trailing dot.
 */
export function reverseName(family: 4 | 6, addr: bigint, cut: number): string {
  const width = family === 4 ? 32 : 128
  const unit = family === 4 ? 8 : 4
  const labels: string[] = []
  for (let bit = 0; bit < cut; bit += unit) {
    const v = Number((addr >> BigInt(width - bit - unit)) & BigInt((1 << unit) - 1))
    labels.push(family === 4 ? String(v) : v.toString(16))
  }
  return `${labels.reverse().join('.')}.${family === 4 ? 'in-addr.arpa' : 'ip6.arpa'}`
}
