/**
 * @module Writing a JSON answer straight into UTF-8 bytes, for the hot response writers of
 * responses.ts (the filtered cost map and the endpoint cost map, thousands of pairs each).
 *
 * A text writer builds one rope node per `+=` (three per pair), which the GC then walks and the
 * Response flattens and encodes to UTF-8: about half of a 100×100 filtered cost map's CPU. This
 * writer appends bytes to one growing buffer: PID keys are encoded once per PID table, numbers
 * are written digit by digit when they are integers (the common case: routing costs, hop
 * counts) and through `String(n)` otherwise, which is what `JSON.stringify` writes for a finite
 * number (ECMA-262 SerializeJSONProperty: ToString(value)); a non-finite one is `null`.
 * The bytes are the UTF-8 encoding of the text writers' output (responses-identical.test.ts).
 */

const encoder = new TextEncoder()
const CHAR_0 = 0x30
const QUOTE = 0x22
const COLON = 0x3a

/** An append-only UTF-8 byte buffer that doubles when full. */
export class JsonBytes {
  private buf: Uint8Array
  /** Bytes written. */
  pos = 0

  /** A DataView of {@link buf}, for {@link asciiKeyRange}. */
  private view: DataView

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity)
    this.view = new DataView(this.buf.buffer)
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  /** Any string, UTF-8 encoded (heads, tails, meta: anything that is not per pair). */
  text(s: string): void {
    this.reserve(3 * s.length)
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written
  }

  /** One ASCII byte (`{`, `,`, …). */
  byte(b: number): void {
    this.reserve(1)
    this.buf[this.pos++] = b
  }

  /** Pre-encoded bytes (a key such as `"PID1":`). */
  bytes(b: Uint8Array): void {
    const n = b.length
    this.reserve(n)
    const buf = this.buf
    let p = this.pos
    // Keys are a few bytes: a loop beats `set` (a call and a range check) at this size.
    for (let i = 0; i < n; i++) buf[p++] = b[i]
    this.pos = p
  }

  /**
   * `JSON.stringify(n)` of a number. Integers in 0..2^31-1 (and -0, which is written "0") digit
   * by digit; anything else through `String(n)`, which is ASCII; `null` when not finite.
   */
  number(n: number): void {
    if ((n | 0) === n && n >= 0) {
      this.reserve(10)
      const buf = this.buf
      let digits = 1
      for (let v = n; v >= 10; v = (v / 10) | 0) digits++
      let p = this.pos + digits
      this.pos = p
      let v = n
      do {
        const q = (v / 10) | 0
        buf[--p] = CHAR_0 + (v - q * 10)
        v = q
      } while (v !== 0)
      return
    }
    this.ascii(Number.isFinite(n) ? String(n) : 'null')
  }

  /** A string known to be ASCII (a typed address, a number's text). */
  ascii(s: string): void {
    const n = s.length
    this.reserve(n)
    const buf = this.buf
    let p = this.pos
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i)
    this.pos = p
  }

  /** An object key `"s":` whose text `s` is ASCII and needs no escape (a typed address). */
  asciiKey(s: string): void {
    const n = s.length
    this.reserve(n + 3)
    const buf = this.buf
    let p = this.pos
    buf[p++] = QUOTE
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i)
    buf[p++] = QUOTE
    buf[p++] = COLON
    this.pos = p
  }

  /**
   * {@link asciiKey} of a text given as the bytes src[start, end) (address-batch.ts AddressBytes),
   * `srcView` a DataView of `src`: copied four bytes at a time (unaligned 32-bit loads and stores
   * through DataViews, which V8 compiles to plain moves), a typed address being 12-44 bytes.
   */
  asciiKeyRange(src: Uint8Array, srcView: DataView, start: number, end: number): void {
    this.reserve(end - start + 3)
    const buf = this.buf
    const view = this.view
    let p = this.pos
    buf[p++] = QUOTE
    let i = start
    for (; i + 4 <= end; i += 4, p += 4) view.setUint32(p, srcView.getUint32(i, true), true)
    for (; i < end; i++) buf[p++] = src[i]
    buf[p++] = QUOTE
    buf[p++] = COLON
    this.pos = p
  }

  /** The bytes written (a view: the writer must not be used afterwards). */
  done(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }
}

const keyCache = new WeakMap<readonly string[], readonly Uint8Array[]>()
const textCache = new WeakMap<readonly string[], readonly Uint8Array[]>()

function encodedOnce(
  cache: WeakMap<readonly string[], readonly Uint8Array[]>,
  quoted: readonly string[],
  suffix: string
): readonly Uint8Array[] {
  let encoded = cache.get(quoted)
  if (!encoded) {
    encoded = quoted.map((q) => encoder.encode(q + suffix))
    cache.set(quoted, encoded)
  }
  return encoded
}

/** Each quoted text of `quoted` followed by `:`, UTF-8 encoded once per array. */
export function encodedKeys(quoted: readonly string[]): readonly Uint8Array[] {
  return encodedOnce(keyCache, quoted, ':')
}

/** Each quoted text of `quoted` (a value), UTF-8 encoded once per array. */
export function encodedTexts(quoted: readonly string[]): readonly Uint8Array[] {
  return encodedOnce(textCache, quoted, '')
}
