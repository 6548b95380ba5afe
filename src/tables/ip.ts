/**
 * @module IP address and prefix text forms, as unsigned 32-bit words.
 *
 * IPv4 is one u32; IPv6 is four u32 words w0..w3, w0 the most significant. All words returned
 * are unsigned (`>>> 0`).
 */

/** A parsed `address/length` prefix with zero host bits, or a human-readable error. */
export type ParsedPrefix =
  | { ok: true; family: 4 | 6; words: number[] /* 1 word for v4, 4 for v6 */; len: number }
  | { ok: false; error: string }

/** Four unsigned words of an IPv6 address, w0 the most significant. */
export type IPv6Words = [number, number, number, number]

const CHAR_0 = 0x30
const CHAR_DOT = 0x2e

/**
 * Parses a dotted-quad IPv4 address. Strict, as RFC 3986 §3.2.2 `IPv4address`:
 * "dec-octet = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "25" %x30-35 / "2" %x30-34 DIGIT" — exactly
 * four parts, each 0-255 with no leading zeros, no other characters. Returns the unsigned u32,
 * or null.
 */
export function parseIPv4(s: string): number | null {
  return parseIPv4Range(s, 0, s.length)
}

/** parseIPv4 over `s` from index `start` to its end (a typed address without slicing it). */
export function parseIPv4At(s: string, start: number): number | null {
  return parseIPv4Range(s, start, s.length)
}

/** The two 16-bit halves of the address being parsed (the parser is synchronous). */
const halvesScratch = new Int32Array(2)

/** parseIPv4 over s[start, end). */
function parseIPv4Range(s: string, start: number, end: number): number | null {
  const h = halvesScratch
  return parseIPv4HalvesRange(s, start, end, h) ? h[0] * 65536 + h[1] : null
}

/**
 * parseIPv4 from index `start` of `s` to its end, writing the address's top and bottom 16 bits
 * into out[0] and out[1] (small integers: nothing boxed, and the top half is Lpm4's direct index
 * as it is, see Lpm4.lookupHalves); false when not an address (then `out` is unspecified).
 */
export function parseIPv4Halves(s: string, start: number, out: Int32Array): boolean {
  return parseIPv4HalvesRange(s, start, s.length, out)
}

/** Characters of the shortest and the longest dotted quad (`0.0.0.0`, `255.255.255.255`). */
const IPV4_MIN_CHARS = 7
const IPV4_MAX_CHARS = 15

/**
 * The one IPv4 grammar (see parseIPv4) over s[start, end), as two 16-bit halves.
 *
 * Each octet reads its first digit, then looks at the next two characters (never past `end`) to
 * decide between one, two and three digits, instead of a digit loop that stops on the first
 * non-digit: the loop's exit branch is taken at a data-dependent place and is mispredicted about
 * once per octet. ~20-30 % less CPU per address on freshly parsed request strings (bench/lpm.ts).
 */
function parseIPv4HalvesRange(s: string, start: number, end: number, out: Int32Array): boolean {
  if (end - start < IPV4_MIN_CHARS || end - start > IPV4_MAX_CHARS) return false
  let i = start
  let hi = 0
  let lo = 0
  for (let part = 0; part < 4; part++) {
    // i < end here: the length check leaves room for every part's first digit, and a dot is
    // only consumed when a character follows it (the next part reads it, or `i === end` fails).
    if (i >= end) return false
    const d1 = s.charCodeAt(i) - CHAR_0
    if (d1 < 0 || d1 > 9) return false
    const d2 = i + 1 < end ? s.charCodeAt(i + 1) - CHAR_0 : -1
    let octet = d1
    if (d2 >= 0 && d2 <= 9) {
      if (d1 === 0) return false // a leading zero ("01")
      octet = d1 * 10 + d2
      i += 2
      const d3 = i < end ? s.charCodeAt(i) - CHAR_0 : -1
      if (d3 >= 0 && d3 <= 9) {
        octet = octet * 10 + d3
        if (octet > 255) return false
        i++
      }
    } else {
      i++
    }
    if (part < 2) hi = (hi << 8) | octet
    else lo = (lo << 8) | octet
    if (part < 3) {
      if (i >= end || s.charCodeAt(i) !== CHAR_DOT) return false
      i++
    }
  }
  out[0] = hi
  out[1] = lo
  return i === end
}

const CHAR_COLON = 0x3a

/**
 * Hex digit value by UTF-16 code unit (-1: not a hex digit), for the IPv6 parser. 64 KiB so that
 * any `charCodeAt` result indexes it without a range check; only its first two cache lines are
 * ever hot.
 */
const HEX_VALUE = (() => {
  const t = new Int8Array(0x10000).fill(-1)
  for (let d = 0; d < 10; d++) t[0x30 + d] = d
  for (let d = 0; d < 6; d++) {
    t[0x61 + d] = 10 + d // a-f
    t[0x41 + d] = 10 + d // A-F
  }
  return t
})()

/** The 16-bit groups of the address being parsed (the parser is synchronous and not reentrant). */
const groupScratch = new Int32Array(8)
/** Output of parseIPv6 before it is copied into a fresh tuple. */
const wordScratch = new Uint32Array(4)

/**
 * Parses an IPv6 address in the text forms of RFC 4291 §2.2: eight groups of 1-4 hex digits
 * (case-insensitive), "::" standing for "one or more groups of 16 bits of zeros" at most once,
 * and an optional dotted-quad IPv4 tail (`::ffff:192.0.2.1`, RFC 4291 §2.2 form 3:
 * "x:x:x:x:x:x:d.d.d.d"). Zone ids (`%eth0`) and prefix lengths are rejected. Writes the four
 * words (w0 most significant) into `out[at..at+3]` and returns true, or returns false (then
 * `out` is unspecified). `start` skips a leading part of `s` (a typed address's `ipv6:`). One pass over the characters and no allocation: this runs once per endpoint in
 * every endpoint-cost and endpoint-property request.
 */
export function parseIPv6Into(s: string, out: Uint32Array, start = 0, at = 0): boolean {
  const n = s.length
  // The longest valid form is "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45 characters).
  if (n - start < 2 || n - start > 45) return false
  const groups = groupScratch
  let count = 0
  let gapAt = -1
  let i = start
  if (s.charCodeAt(start) === CHAR_COLON) {
    if (s.charCodeAt(start + 1) !== CHAR_COLON) return false
    gapAt = 0
    i = start + 2
  }
  // Each group: its first hex digit, then up to three more read one by one (unrolled: no loop
  // whose exit is mispredicted at every group end), then ':' , '.' (an IPv4 tail) or the end.
  while (i < n) {
    const groupStart = i
    let group = HEX_VALUE[s.charCodeAt(i)]
    if (group < 0) return false // an empty group (":::", or '.' where a group starts)
    i++
    if (i < n) {
      let d = HEX_VALUE[s.charCodeAt(i)]
      if (d >= 0) {
        group = (group << 4) | d
        i++
        if (i < n) {
          d = HEX_VALUE[s.charCodeAt(i)]
          if (d >= 0) {
            group = (group << 4) | d
            i++
            if (i < n) {
              d = HEX_VALUE[s.charCodeAt(i)]
              if (d >= 0) {
                group = (group << 4) | d
                i++
              }
            }
          }
        }
      }
    }
    if (i === n) {
      if (count === 8) return false
      groups[count++] = group
      break
    }
    const c = s.charCodeAt(i)
    if (c === CHAR_DOT) {
      // "x:x:x:x:x:x:d.d.d.d": the dotted quad starts where this group started.
      if (count > 6) return false
      const v4 = parseIPv4Range(s, groupStart, n)
      if (v4 === null) return false
      groups[count++] = v4 >>> 16
      groups[count++] = v4 & 0xffff
      break
    }
    if (c !== CHAR_COLON || count === 8) return false // a fifth hex digit, another character
    groups[count++] = group
    i++
    if (i < n && s.charCodeAt(i) === CHAR_COLON) {
      if (gapAt >= 0) return false // "::" twice, or ":::"
      gapAt = count
      i++
    } else if (i === n) {
      return false // trailing single ':'
    }
  }
  return packGroups(groups, count, gapAt, out, at)
}

/**
 * The end of both IPv6 parsers: `count` parsed groups with the "::" (if any, `gapAt` >= 0)
 * before group `gapAt`, widened to eight groups and written as four words into out[at..at+3];
 * false when they do not make an address (eight groups without "::", at most seven with it).
 */
function packGroups(
  groups: Int32Array,
  count: number,
  gapAt: number,
  out: Uint32Array,
  at: number
): boolean {
  if (gapAt < 0) {
    if (count !== 8) return false
  } else {
    if (count > 7) return false // "::" must stand for at least one group
    const tail = count - gapAt
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k]
    for (let k = gapAt; k < 8 - tail; k++) groups[k] = 0
  }
  out[at] = (groups[0] << 16) | groups[1]
  out[at + 1] = (groups[2] << 16) | groups[3]
  out[at + 2] = (groups[4] << 16) | groups[5]
  out[at + 3] = (groups[6] << 16) | groups[7]
  return true
}

const CHAR_QUOTE = 0x22

/**
 * {@link parseIPv4Halves} of the text that starts at b[start] and ends at the next '"' (a JSON
 * string's content in a request body's UTF-8 bytes, address-scan.ts): the same grammar and the
 * same halves, read from bytes so that no string is made per address, and the end found by the
 * parse itself. Returns the index of that '"', or -1 when the bytes before the first '"' are not
 * an address (or there is no '"'). Bytes and UTF-16 code units agree on ASCII, and no byte of a
 * multi-byte UTF-8 sequence is a digit, '.' or '"'.
 */
export function parseIPv4QuotedHalves(b: Uint8Array, start: number, out: Int32Array): number {
  const n = b.length
  let i = start
  let hi = 0
  let lo = 0
  for (let part = 0; part < 4; part++) {
    if (i >= n) return -1
    const d1 = b[i] - CHAR_0
    if (d1 < 0 || d1 > 9) return -1
    const d2 = i + 1 < n ? b[i + 1] - CHAR_0 : -1
    let octet = d1
    if (d2 >= 0 && d2 <= 9) {
      if (d1 === 0) return -1 // a leading zero ("01")
      octet = d1 * 10 + d2
      i += 2
      const d3 = i < n ? b[i] - CHAR_0 : -1
      if (d3 >= 0 && d3 <= 9) {
        octet = octet * 10 + d3
        if (octet > 255) return -1
        i++
      }
    } else {
      i++
    }
    if (part < 2) hi = (hi << 8) | octet
    else lo = (lo << 8) | octet
    if (part < 3) {
      if (i >= n || b[i] !== CHAR_DOT) return -1
      i++
    }
  }
  if (i >= n || b[i] !== CHAR_QUOTE) return -1
  out[0] = hi
  out[1] = lo
  return i
}

/** Each byte of a u32 set to one value. */
const BYTES_80 = 0x80808080 | 0
const BYTES_0F = 0x0f0f0f0f
const BYTES_20 = 0x20202020
const BYTES_01 = 0x01010101

/**
 * Per byte of x (each < 0x80): 0x80 where lo <= byte <= hi, else 0 (SWAR: adding 0x80 - lo
 * sets a byte's top bit exactly when it is >= lo, adding 0x7f - hi when it is > hi; no byte
 * carries into the next, every sum staying below 0x100).
 */
function bytesInRange(x: number, lo: number, hi: number): number {
  const ge = (x + (0x80 - lo) * BYTES_01) | 0
  const gt = (x + (0x7f - hi) * BYTES_01) | 0
  return ge & ~gt & BYTES_80
}

/** The group value of the last fourHexDigitsAt that returned true. */
let hexGroup = 0

/**
 * Whether the four bytes at view[i..i+3] are hex digits and `next` (the byte after them) ends a
 * group (':' or '"'): the common group of an IPv6 text, read as one 32-bit word instead of four
 * table lookups; its value goes to hexGroup. A digit's low nibble is its value ('0'-'9'), a
 * letter's ('a'-'f', 'A'-'F': low nibble 1-6) plus 9.
 */
function fourHexDigitsAt(view: DataView, i: number, next: number): boolean {
  if (next !== CHAR_COLON && next !== CHAR_QUOTE) return false
  const x = view.getUint32(i, true) | 0 // the first character in the low byte
  if ((x & BYTES_80) !== 0) return false
  const digits = bytesInRange(x, 0x30, 0x39)
  const letters = bytesInRange(x | BYTES_20, 0x61, 0x66)
  if ((digits | letters) !== BYTES_80) return false
  const nibbles = (x & BYTES_0F) + (letters >>> 7) * 9
  const pairs = ((nibbles << 4) | (nibbles >>> 8)) & 0x00ff00ff
  hexGroup = ((pairs & 0xff) << 8) | (pairs >>> 16)
  return true
}

/**
 * {@link parseIPv6Into} of the text that starts at b[start] and ends at the next '"' (see
 * parseIPv4QuotedHalves): the same grammar (RFC 4291 §2.2, see there) and the same four words
 * into out[at..at+3]; the index of that '"', or -1. ip.test.ts checks that both parsers agree
 * on the string parser's cases and on random texts.
 */
export function parseIPv6QuotedInto(
  b: Uint8Array,
  start: number,
  out: Uint32Array,
  at: number,
  view?: DataView
): number {
  const n = b.length
  const groups = groupScratch
  let count = 0
  let gapAt = -1
  let i = start
  let end = -1
  if (i < n && b[i] === CHAR_COLON) {
    if (i + 1 >= n || b[i + 1] !== CHAR_COLON) return -1
    gapAt = 0
    i += 2
    if (i < n && b[i] === CHAR_QUOTE) end = i // "::"
  }
  while (end < 0) {
    if (i >= n) return -1
    const groupStart = i
    let group: number
    if (view !== undefined && i + 4 < n && fourHexDigitsAt(view, i, b[i + 4])) {
      group = hexGroup // the common group: four hex digits, then ':' or '"'
      i += 4
    } else {
      group = HEX_VALUE[b[i]]
      if (group < 0) return -1 // an empty group (":::", '.' or '"' where a group starts)
      i++
      if (i < n) {
        let d = HEX_VALUE[b[i]]
        if (d >= 0) {
          group = (group << 4) | d
          i++
          if (i < n) {
            d = HEX_VALUE[b[i]]
            if (d >= 0) {
              group = (group << 4) | d
              i++
              if (i < n) {
                d = HEX_VALUE[b[i]]
                if (d >= 0) {
                  group = (group << 4) | d
                  i++
                }
              }
            }
          }
        }
      }
    }
    if (i >= n) return -1
    const c = b[i]
    if (c === CHAR_QUOTE) {
      if (count === 8) return -1
      groups[count++] = group
      end = i
      break
    }
    if (c === CHAR_DOT) {
      // "x:x:x:x:x:x:d.d.d.d": the dotted quad starts where this group started.
      if (count > 6) return -1
      end = parseIPv4QuotedHalves(b, groupStart, halvesScratch)
      if (end < 0) return -1
      groups[count++] = halvesScratch[0]
      groups[count++] = halvesScratch[1]
      break
    }
    if (c !== CHAR_COLON || count === 8) return -1 // a fifth hex digit, another character
    groups[count++] = group
    i++
    if (i < n && b[i] === CHAR_COLON) {
      if (gapAt >= 0) return -1 // "::" twice, or ":::"
      gapAt = count
      i++
      if (i < n && b[i] === CHAR_QUOTE) end = i // "…::"
    } else if (i < n && b[i] === CHAR_QUOTE) {
      return -1 // trailing single ':'
    }
  }
  return packGroups(groups, count, gapAt, out, at) ? end : -1
}

/** parseIPv6Into returning a fresh tuple of the four unsigned words, or null. */
export function parseIPv6(s: string): IPv6Words | null {
  const w = wordScratch
  if (!parseIPv6Into(s, w)) return null
  return [w[0], w[1], w[2], w[3]]
}

/** Dotted-quad text of an IPv4 address given as a u32 (signed or unsigned). */
export function formatIPv4(n: number): string {
  const u = n >>> 0
  return `${u >>> 24}.${(u >>> 16) & 0xff}.${(u >>> 8) & 0xff}.${u & 0xff}`
}

/**
 * Canonical IPv6 text (RFC 5952 §4): lowercase hex without leading zeros; "::" replaces the
 * longest run of two or more zero groups ("When there is an alternative choice in the placement
 * of a '::', the longest run of consecutive 16-bit 0 fields MUST be shortened ... When the
 * length of the consecutive 16-bit 0 fields are equal ..., the first sequence of zero bits MUST
 * be shortened"; "The symbol '::' MUST NOT be used to shorten just one 16-bit 0 field").
 * Every address, IPv4-mapped ones included, is written in hex groups: RFC 7285 §10.4.3 encodes
 * IPv6 addresses "as specified in Section 4 of [RFC5952]", not §5's mixed notation, so
 * `::ffff:192.0.2.1` is written `::ffff:c000:201`.
 */
export function formatIPv6(w: readonly number[]): string {
  const groups: number[] = []
  for (let i = 0; i < 4; i++) groups.push((w[i] >>> 16) & 0xffff, w[i] & 0xffff)
  let bestStart = -1
  let bestLength = 1 // a run must be longer than this to be compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':')
  if (bestStart < 0) return hex(0, 8)
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`
}

/** Parses an address of either family: IPv4 dotted quad or IPv6 text. Null if neither. */
export function parseAddress(s: string): { family: 4 | 6; words: number[] } | null {
  const v4 = parseIPv4(s)
  if (v4 !== null) return { family: 4, words: [v4] }
  const v6 = parseIPv6(s)
  return v6 === null ? null : { family: 6, words: v6 }
}

/** Address bits of a family: 32 or 128. */
export const familyBits = (family: 4 | 6): number => (family === 4 ? 32 : 128)

/** Netmask of the top `len` bits (0..32) of a u32 word, unsigned. */
export const wordMask = (len: number): number =>
  len <= 0 ? 0 : len >= 32 ? 0xffffffff : (~0 << (32 - len)) >>> 0

/** Copy of `words` with every bit after the first `len` cleared (unsigned words). */
export function maskWords(words: readonly number[], len: number): number[] {
  return words.map((w, i) => (w & wordMask(len - 32 * i)) >>> 0)
}

/** 1-based position (from the left) of the first set bit after the first `len`, or 0 if none. */
export function firstHostBit(words: readonly number[], len: number): number {
  for (let i = 0; i < words.length; i++) {
    const host = (words[i] & ~wordMask(len - 32 * i)) >>> 0
    if (host !== 0) return 32 * i + Math.clz32(host) + 1
  }
  return 0
}

/** Text of an address of the given family from its words. */
export function formatAddress(family: 4 | 6, words: readonly number[]): string {
  return family === 4 ? formatIPv4(words[0]) : formatIPv6(words)
}

/** Canonical `address/length` text of a prefix, host bits cleared. */
export function maskedPrefixString(family: 4 | 6, words: readonly number[], len: number): string {
  return `${formatAddress(family, maskWords(words, len))}/${len}`
}

/**
 * Parses an `address/length` prefix (RFC 7285 §10.4.3 "IPv4 and IPv6 prefixes are encoded as
 * specified in Section 3.1 of [RFC4632] and Section 2.3 of [RFC4291]"). The length is a decimal
 * without leading zeros in 0..32 (IPv4) or 0..128 (IPv6); bits after the prefix length must be
 * zero. The address may use any form parseIPv4/parseIPv6 accept (mixed case, `::0/0`). Errors
 * name what is wrong, e.g. "host bits not zero: bit 32 of 192.0.2.1/24 is set (address bits
 * after the first 24 must be 0); did you mean 192.0.2.0/24?".
 */
export function parsePrefix(s: string): ParsedPrefix {
  const slash = s.indexOf('/')
  const addressText = slash < 0 ? s : s.slice(0, slash)
  const address = parseAddress(addressText)
  if (address === null) {
    return { ok: false, error: `not an IPv4 or IPv6 prefix: ${JSON.stringify(s)}` }
  }
  const familyName = address.family === 4 ? 'IPv4' : 'IPv6'
  if (slash < 0) {
    return {
      ok: false,
      error: `missing prefix length: ${JSON.stringify(s)} is an ${familyName} address, expected address/length`,
    }
  }
  const lengthText = s.slice(slash + 1)
  const maxLen = familyBits(address.family)
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lengthText)) {
    return {
      ok: false,
      error: `prefix length ${JSON.stringify(lengthText)} is not a decimal number 0..${maxLen} in ${JSON.stringify(s)}`,
    }
  }
  const len = Number(lengthText)
  if (len > maxLen) {
    return { ok: false, error: `prefix length ${len} out of range 0..${maxLen} for ${familyName}` }
  }
  const bit = firstHostBit(address.words, len)
  if (bit !== 0) {
    const suggestion = maskedPrefixString(address.family, address.words, len)
    return {
      ok: false,
      error:
        `host bits not zero: bit ${bit} of ${s} is set (address bits after the first ${len} ` +
        `must be 0); did you mean ${suggestion}?`,
    }
  }
  return { ok: true, family: address.family, words: address.words, len }
}
