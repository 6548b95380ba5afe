/**
 * @module The few DNS wire-format pieces discovery needs (RFC 1035 §4.1, RFC 3403 §4.1 NAPTR,
 * RFC 2308 SOA for negative TTL), on Uint8Array/DataView only (no Node Buffer), so the client
 * runs in browsers, Node and Workers. `@leichtgewicht/dns-packet` 6.0.3 (the Uint8Array port of
 * dns-packet) was tried first: its NAPTR encoder produced a message its own decoder refused
 * ("Header must be 12 bytes"), so it is not used.
 *
 *     header (12 bytes): ID(16) | QR OPCODE AA TC RD RA Z RCODE (16) | QD | AN | NS | AR (16 each)
 *     NAPTR rdata: ORDER(16) PREFERENCE(16) <FLAGS> <SERVICES> <REGEXP> REPLACEMENT(name)
 */

export const TYPE_NAPTR = 35
export const TYPE_SOA = 6
export const CLASS_IN = 1
const HEADER = 12
const FLAG_RD = 0x0100
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const

export interface Naptr {
  order: number
  preference: number
  flags: string
  services: string
  regexp: string
  replacement: string
  ttl: number
}

export interface DnsResponse {
  id: number
  rcode: number
  /** NAPTR answers for any owner name (the caller checks the name). */
  naptr: (Naptr & { name: string })[]
  /** RFC 2308 §5: negative-answer TTL, min(SOA TTL, SOA MINIMUM), when an SOA is in authority. */
  negativeTtl?: number
}

/** A query for `name` type NAPTR class IN, ID 0 (RFC 8484 §4.1: ID 0 for HTTP caching), RD set. */
export function encodeQuery(name: string): Uint8Array {
  const labels = name.replace(/\.$/, '').split('.')
  const enc = new TextEncoder()
  const parts = labels.map((l) => enc.encode(l))
  const size = HEADER + parts.reduce((n, p) => n + 1 + p.length, 1) + 4
  const out = new Uint8Array(size)
  const v = new DataView(out.buffer)
  v.setUint16(2, FLAG_RD)
  v.setUint16(4, 1)
  let o = HEADER
  for (const p of parts) {
    if (p.length === 0 || p.length > 63) throw new Error(`bad DNS label in ${name}`)
    out[o++] = p.length
    out.set(p, o)
    o += p.length
  }
  out[o++] = 0
  v.setUint16(o, TYPE_NAPTR)
  v.setUint16(o + 2, CLASS_IN)
  return out
}

/** Decodes a name at `o` (RFC 1035 §4.1.4 compression allowed); returns name and next offset. */
function readName(b: Uint8Array, o: number): [string, number] {
  const labels: string[] = []
  let next = -1
  let hops = 0
  for (;;) {
    if (o >= b.length) throw new Error('name runs past the message')
    const len = b[o]
    if ((len & 0xc0) === 0xc0) {
      if (o + 1 >= b.length || ++hops > 32) throw new Error('bad compression pointer')
      if (next < 0) next = o + 2
      o = ((len & 0x3f) << 8) | b[o + 1]
      continue
    }
    if (len & 0xc0) throw new Error('bad label type')
    if (len === 0) break
    if (o + 1 + len > b.length) throw new Error('label runs past the message')
    labels.push(String.fromCharCode(...b.subarray(o + 1, o + 1 + len)))
    o += 1 + len
  }
  return [labels.join('.').toLowerCase(), next < 0 ? o + 1 : next]
}

function readString(b: Uint8Array, o: number, end: number): [string, number] {
  if (o >= end || o + 1 + b[o] > end) throw new Error('character-string runs past the rdata')
  return [new TextDecoder().decode(b.subarray(o + 1, o + 1 + b[o])), o + 1 + b[o]]
}

/** Decodes a response; throws Error on any malformed part. */
export function decodeResponse(bytes: Uint8Array): DnsResponse {
  if (bytes.length < HEADER) throw new Error(`message of ${bytes.length} bytes, header needs 12`)
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const id = v.getUint16(0)
  const flags = v.getUint16(2)
  if (!(flags & 0x8000)) throw new Error('QR bit not set: not a response')
  const counts = [v.getUint16(4), v.getUint16(6), v.getUint16(8), v.getUint16(10)]
  let o = HEADER
  for (let i = 0; i < counts[0]; i++) o = readName(bytes, o)[1] + 4
  const naptr: DnsResponse['naptr'] = []
  let negativeTtl: number | undefined
  for (let i = 0; i < counts[1] + counts[2]; i++) {
    const [name, p] = readName(bytes, o)
    if (p + 10 > bytes.length) throw new Error('resource record header runs past the message')
    const type = v.getUint16(p)
    const ttl = v.getUint32(p + 4)
    const rdlen = v.getUint16(p + 8)
    const start = p + 10
    const end = start + rdlen
    if (end > bytes.length) throw new Error('rdata runs past the message')
    if (i < counts[1] && type === TYPE_NAPTR) {
      if (rdlen < 4) throw new Error('NAPTR rdata shorter than ORDER and PREFERENCE')
      let q = start + 4
      let flagsS, services, regexp
      ;[flagsS, q] = readString(bytes, q, end)
      ;[services, q] = readString(bytes, q, end)
      ;[regexp, q] = readString(bytes, q, end)
      const [replacement, r] = readName(bytes, q)
      if (r !== end) throw new Error('NAPTR rdata length does not match its fields')
      naptr.push({
        name,
        order: v.getUint16(start),
        preference: v.getUint16(start + 2),
        flags: flagsS,
        services,
        regexp,
        replacement,
        ttl,
      })
    } else if (i >= counts[1] && type === TYPE_SOA && rdlen >= 20) {
      negativeTtl = Math.min(ttl, v.getUint32(end - 4))
    }
    o = end
  }
  return { id, rcode: flags & 0x0f, naptr, negativeTtl }
}
