/**
 * @module Hashing and deterministic text: SHA-256 through WebCrypto (global in Node 22 and
 * workerd), canonical JSON (keys sorted by UTF-16 code units, no whitespace), and a chunked
 * string builder for large JSON bodies.
 */

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, arrays in order, no whitespace,
 * `undefined` members dropped. Objects are rendered from their entries so integer-like keys keep
 * the sorted order (JSON.stringify would move them first).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value)
    if (s === undefined) throw new TypeError(`canonicalJson: cannot serialize ${typeof value}`)
    return s
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined)
  keys.sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
}

/**
 * Collects text in bounded pieces and encodes it to UTF-8 without building one giant string
 * (a 700k-prefix network map is tens of MB of JSON). Linear in the output size.
 */
export class TextChunks {
  #parts: string[] = []
  #chunks: Uint8Array[] = []
  #pending = 0
  #bytes = 0
  static readonly FLUSH_CHARS = 1 << 20

  push(s: string): void {
    this.#parts.push(s)
    this.#pending += s.length
    if (this.#pending >= TextChunks.FLUSH_CHARS) this.#flush()
  }

  #flush(): void {
    if (this.#parts.length === 0) return
    const chunk = new TextEncoder().encode(this.#parts.join(''))
    this.#chunks.push(chunk)
    this.#bytes += chunk.length
    this.#parts = []
    this.#pending = 0
  }

  /** The collected text as one UTF-8 byte array. */
  toBytes(): Uint8Array {
    this.#flush()
    return concatBytes(this.#chunks, this.#bytes)
  }
}

export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(total ?? chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** JSON string literal (our names are ASCII; JSON.stringify handles escaping in general). */
export const jsonString = (s: string): string => JSON.stringify(s)
