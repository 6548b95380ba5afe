/**
 * @module Typed endpoint addresses (RFC 7285 §10.4.1): `AddressType:EndpointAddr`, e.g.
 * `ipv4:192.0.2.34`, `ipv6:2001:db8::1`. "the AddressType and EndpointAddr are separated by
 * a colon" — split at the FIRST `:` (an IPv6 address contains colons itself).
 * Registered address types (§14.4): `ipv4` (RFC 3986 IPv4address) and `ipv6` (RFC 5952 §4;
 * parsers accept every RFC 4291 §2.2 text form).
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../tables/index.ts'

export type IPv6Words = readonly [number, number, number, number]

export type TypedAddress = { type: 'ipv4'; address: number } | { type: 'ipv6'; words: IPv6Words }

/** Parses a typed address, or returns null when the type is unknown or the address invalid. */
export function parseTypedAddress(text: string): TypedAddress | null {
  const colon = text.indexOf(':')
  if (colon < 0) return null
  const type = text.slice(0, colon)
  const address = text.slice(colon + 1)
  if (type === 'ipv4') {
    const value = parseIPv4(address)
    return value === null ? null : { type, address: value }
  }
  if (type === 'ipv6') {
    const words = parseIPv6(address)
    return words === null ? null : { type, words: [words[0], words[1], words[2], words[3]] }
  }
  return null
}

/**
 * The typed address of a bare IP address string (such as the platform's `CF-Connecting-IP`),
 * in canonical text (`ipv4:…` / `ipv6:…` RFC 5952 form), or null when it is not an address.
 */
export function typedAddressOfIp(ip: string): { text: string; address: TypedAddress } | null {
  const v4 = parseIPv4(ip)
  if (v4 !== null) return { text: `ipv4:${formatIPv4(v4)}`, address: { type: 'ipv4', address: v4 } }
  const v6 = parseIPv6(ip)
  if (v6 !== null) {
    const words: IPv6Words = [v6[0], v6[1], v6[2], v6[3]]
    return { text: `ipv6:${formatIPv6(words)}`, address: { type: 'ipv6', words } }
  }
  return null
}
