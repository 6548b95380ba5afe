/**
 * @module Writing JSON text directly (the hot response writers in responses.ts): strings quoted
 * exactly as `JSON.stringify` quotes them, numbers formatted as it formats them, and object keys
 * in the order a JS object would give them to `JSON.stringify` — so the text is byte-identical to
 * stringifying the objects the writers no longer build.
 */

/** `JSON.stringify(s)`, with a fast path for strings that need no escape (all of them, usually). */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    // Escaped by JSON.stringify: controls, '"', '\\', and (lone) surrogates.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(s)
    }
  }
  return `"${s}"`
}

/** `JSON.stringify(n)` of a number: its shortest round-trip text, `null` when not finite. */
export function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null'
}

const quotedCache = new WeakMap<readonly string[], readonly string[]>()

/** Every name quoted once per array (PID tables and value tables are cached per isolate). */
export function quotedNames(names: readonly string[]): readonly string[] {
  let quoted = quotedCache.get(names)
  if (!quoted) {
    quoted = names.map(jsonString)
    quotedCache.set(names, quoted)
  }
  return quoted
}

/** An array index key (ECMA-262 §6.1.7: canonical decimal of 0 .. 2^32 − 2). */
function isArrayIndex(key: string): boolean {
  const n = key.length
  if (n === 0 || n > 10) return false
  const first = key.charCodeAt(0)
  if (first === 0x30) return n === 1
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return false
  }
  return Number(key) <= 4294967294
}

/**
 * The order in which a JS object created by inserting `keys` (distinct) in this order lists
 * them (ECMA-262 OrdinaryOwnPropertyKeys): array-index keys first, ascending, then the others in
 * insertion order. Returns positions into `keys`; the identity when no key is an array index.
 */
export function objectKeyOrder(keys: readonly string[]): number[] {
  const order = keys.map((_, i) => i)
  if (!keys.some(isArrayIndex)) return order
  const indexes = order.filter((i) => isArrayIndex(keys[i]))
  indexes.sort((a, b) => Number(keys[a]) - Number(keys[b]))
  return [...indexes, ...order.filter((i) => !isArrayIndex(keys[i]))]
}

/** JSON's structural characters and string delimiters (RFC 8259 §2, §7), as code units / bytes. */
export const JSON_CHAR = {
  QUOTE: 0x22,
  BACKSLASH: 0x5c,
  COMMA: 0x2c,
  OPEN_OBJECT: 0x7b,
  CLOSE_OBJECT: 0x7d,
  OPEN_ARRAY: 0x5b,
  CLOSE_ARRAY: 0x5d,
} as const
