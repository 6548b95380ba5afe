/**
 * @module A request's typed endpoint addresses (RFC 7285 §10.4.1) parsed in one pass into flat
 * typed arrays: no object per address, so the lookup and the response writer of the endpoint
 * services run over numbers. Same acceptance as `parseTypedAddress` (typed-address.ts): the
 * type is the text before the FIRST `:` and must be `ipv4` or `ipv6`; the rest is the address.
 */
import {
  parseIPv4Halves,
  parseIPv4QuotedHalves,
  parseIPv6QuotedInto,
  parseIPv6Into,
} from '../tables/index.ts'
import { altoFail } from './errors.ts'

/** Family code of an IPv4 entry in {@link AddressBatch.family}. */
export const FAMILY_V4 = 4
/** Family code of an IPv6 entry. */
export const FAMILY_V6 = 6

/**
 * Where a batch's texts are when it was parsed from a request body's bytes (address-scan.ts):
 * entry i is bytes[start[i], end[i]), ASCII without escapes, so the response writers copy the
 * bytes and no string is made per address.
 */
export interface AddressBytes {
  readonly bytes: Uint8Array
  /** A DataView of {@link bytes} (its whole range). */
  readonly view: DataView
  readonly start: Uint32Array
  readonly end: Uint32Array
}

/** Distinct endpoints of one list, first-seen order; entry i's words are words[4i..4i+3]. */
export interface AddressBatch {
  /** Number of entries. */
  readonly count: number
  /**
   * The client's strings as sent (the response keys). Each is `ipv4:`/`ipv6:` followed by digits,
   * hex digits, '.' and ':' only (the parsers accept nothing else), so none needs a JSON escape.
   * Made on first use when the batch has {@link bytes}.
   */
  readonly texts: readonly string[]
  /** Set when the batch was parsed from body bytes: the texts as byte ranges. */
  readonly bytes?: AddressBytes
  /** {@link FAMILY_V4} or {@link FAMILY_V6} per entry. */
  readonly family: Uint8Array
  /** IPv4: words[4i] is the address; IPv6: the four words, w0 most significant. */
  readonly words: Uint32Array
}

const CHAR_I = 0x69
const CHAR_P = 0x70
const CHAR_V = 0x76
const CHAR_4 = 0x34
const CHAR_6 = 0x36
const CHAR_COLON = 0x3a
/** The IPv4 parser's output (two 16-bit halves). */
const halves = new Int32Array(2)
/** Length of `ipv4:` / `ipv6:`. */
const TYPE_PREFIX = 5

/** 4 or 6 when `text` starts with `ipv4:` / `ipv6:`, else 0. */
function familyOf(text: string): number {
  if (
    text.charCodeAt(0) !== CHAR_I ||
    text.charCodeAt(1) !== CHAR_P ||
    text.charCodeAt(2) !== CHAR_V ||
    text.charCodeAt(4) !== CHAR_COLON
  )
    return 0
  const d = text.charCodeAt(3)
  return d === CHAR_4 ? FAMILY_V4 : d === CHAR_6 ? FAMILY_V6 : 0
}

/**
 * Parses the distinct strings of `texts` ("duplicates ... MUST be treated as a single one") in
 * first-seen order; the first one that is not a valid typed address is `E_INVALID_FIELD_VALUE`
 * on `field` with that string as the value (the same error the object parser gave).
 *
 * Every string is parsed in request order first, then duplicates are found by address, not by
 * text: an open-addressing table over the parsed words, and texts compared only when two
 * addresses are equal (`ipv6:::1` and `ipv6:0::1` are one address but two keys, and both stay).
 * Hashing the words costs a few ns; a `Set` of fresh strings hashes every string's characters in
 * the runtime (~60 ns each, the largest part of a 1,000-address batch). The first invalid string
 * in request order is the first invalid one in first-seen order too, so the error is unchanged.
 */
export function parseAddressBatch(texts: readonly string[], field: string): AddressBatch {
  const n = texts.length
  const family = new Uint8Array(n)
  const words = new Uint32Array(4 * n)
  for (let i = 0; i < n; i++) {
    const text = texts[i]
    const f = familyOf(text)
    let ok = false
    if (f === FAMILY_V4) {
      ok = parseIPv4Halves(text, TYPE_PREFIX, halves)
      words[4 * i] = halves[0] * 65536 + halves[1]
    } else if (f === FAMILY_V6) {
      ok = parseIPv6Into(text, words, TYPE_PREFIX, 4 * i)
    }
    if (!ok) altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: text })
    family[i] = f
  }
  if (n < 2) return { count: n, texts: texts.slice(), family, words }
  const kept = distinct(family, words, (k, i) => texts[k] === texts[i])
  if (kept === null) return { count: n, texts: texts.slice(), family, words }
  const m = kept.length
  return {
    count: m,
    texts: Array.from(kept, (k) => texts[k]),
    family: family.slice(0, m),
    words: words.slice(0, 4 * m),
  }
}

/**
 * Parses the typed address that starts at bytes[start] and ends at the next '"' (a JSON string's
 * content in a request body) into family[i] and words[4i..4i+3]: the index of that '"', or -1
 * when the bytes before it are not a typed address. The same acceptance as parseAddressBatch's:
 * any byte that is not part of the grammar — a backslash (an escape), a control character, a
 * non-ASCII byte — rejects it, so an accepted string's JSON value is exactly its bytes.
 * `view` (a DataView of `bytes`) lets the IPv6 parser read four-digit groups as one word.
 */
export function parseTypedAddressQuoted(
  bytes: Uint8Array,
  start: number,
  family: Uint8Array,
  words: Uint32Array,
  i: number,
  view?: DataView
): number {
  if (
    start + TYPE_PREFIX > bytes.length ||
    bytes[start] !== CHAR_I ||
    bytes[start + 1] !== CHAR_P ||
    bytes[start + 2] !== CHAR_V ||
    bytes[start + 4] !== CHAR_COLON
  )
    return -1
  const d = bytes[start + 3]
  if (d === CHAR_4) {
    const end = parseIPv4QuotedHalves(bytes, start + TYPE_PREFIX, halves)
    if (end < 0) return -1
    const w = 4 * i
    words[w] = halves[0] * 65536 + halves[1]
    words[w + 1] = words[w + 2] = words[w + 3] = 0 // `words` may be reused scratch
    family[i] = FAMILY_V4
    return end
  }
  if (d !== CHAR_6) return -1
  const end = parseIPv6QuotedInto(bytes, start + TYPE_PREFIX, words, 4 * i, view)
  if (end >= 0) family[i] = FAMILY_V6
  return end
}

/**
 * The batch of n addresses parsed by {@link parseTypedAddressQuoted} whose texts are the byte
 * ranges bytes[start[i], end[i]) (`view`: a DataView of all of `bytes`): duplicates removed as
 * parseAddressBatch removes them (same address and same text), the texts made as strings only
 * if a consumer asks for them.
 */
export function byteAddressBatch(
  bytes: Uint8Array,
  view: DataView,
  start: Uint32Array,
  end: Uint32Array,
  family: Uint8Array,
  words: Uint32Array
): AddressBatch {
  const sameText = (k: number, i: number): boolean => {
    const len = end[k] - start[k]
    if (end[i] - start[i] !== len) return false
    for (let a = start[k], b = start[i], e = a + len; a < e; a++, b++)
      if (bytes[a] !== bytes[b]) return false
    return true
  }
  const kept = family.length < 2 ? null : distinct(family, words, sameText)
  let range: AddressBytes = { bytes, view, start, end }
  let count = family.length
  if (kept !== null) {
    count = kept.length
    range = {
      bytes,
      view,
      start: Uint32Array.from(kept, (k) => start[k]),
      end: Uint32Array.from(kept, (k) => end[k]),
    }
    family = family.slice(0, count)
    words = words.slice(0, 4 * count)
  }
  let texts: string[] | undefined
  return {
    count,
    get texts() {
      if (texts === undefined) {
        texts = []
        for (let i = 0; i < count; i++) texts.push(asciiText(bytes, range.start[i], range.end[i]))
      }
      return texts
    },
    bytes: range,
    family,
    words,
  }
}

/** The ASCII text of bytes[start, end). */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[])
}

/**
 * Finds the first entry of each distinct address and text (see parseAddressBatch) and compacts
 * `family` and `words` in place: the original indexes of the kept entries, or null when every
 * entry is kept (nothing moved). `sameText(k, i)` compares the texts of original entries k < i,
 * called only when their addresses are equal.
 */
function distinct(
  family: Uint8Array,
  words: Uint32Array,
  sameText: (k: number, i: number) => boolean
): Int32Array | null {
  const n = family.length
  let bits = 1
  while (1 << bits < 2 * n) bits++
  const mask = (1 << bits) - 1
  // Slot → 1 + index of the kept entry; 0: empty.
  const slots = new Int32Array(1 << bits)
  const kept = new Int32Array(n)
  let m = 0
  for (let i = 0; i < n; i++) {
    const w = 4 * i
    const w0 = words[w]
    const w1 = words[w + 1]
    const w2 = words[w + 2]
    const w3 = words[w + 3]
    const f = family[i]
    let h = Math.imul(w0 ^ f, 0x9e3779b1)
    h = Math.imul(h ^ w1, 0x85ebca6b)
    h = Math.imul(h ^ w2, 0xc2b2ae35)
    h = Math.imul(h ^ w3, 0x27d4eb2f)
    let slot = (h ^ (h >>> 15)) & mask
    let duplicate = false
    for (;;) {
      const k = slots[slot] - 1
      if (k < 0) break
      const v = 4 * k
      if (
        words[v] === w0 &&
        words[v + 1] === w1 &&
        words[v + 2] === w2 &&
        words[v + 3] === w3 &&
        sameText(kept[k], i) // equal words first: a cheap filter before comparing the texts
      ) {
        duplicate = true
        break
      }
      slot = (slot + 1) & mask
    }
    if (duplicate) continue
    slots[slot] = m + 1
    if (m !== i) {
      const v = 4 * m
      words[v] = w0
      words[v + 1] = w1
      words[v + 2] = w2
      words[v + 3] = w3
      family[m] = f
    }
    kept[m++] = i
  }
  return m === n ? null : kept.subarray(0, m)
}
