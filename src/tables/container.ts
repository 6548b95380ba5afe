/**
 * @module The container every binary table blob is wrapped in (docs/binary-format.md, "Container").
 *
 * ```
 * offset  size  field
 * 0       4     magic      "ALTB" (0x41 0x4C 0x54 0x42)
 * 4       2     version    FORMAT_VERSION = 1
 * 6       2     kind       1 = LPM_V4, 2 = LPM_V6, 3 = STRING_TABLE, 4 = COST_MATRIX,
 *                          5 = COST_CALENDAR, 6 = PREFIX_TREE, 7 = PID_VALUES (property maps),
 *                          8 = PATH_TABLE (path vectors)
 * 8       4     length     payload byte length (blob length must be exactly 16 + length)
 * 12      4     checksum   fxhash32 of the payload
 * 16      ...   payload    (starts 8-aligned)
 * ```
 * All integers little-endian.
 */

/** Version of the binary formats written by this module (the only version it reads). */
export const FORMAT_VERSION = 1

/** Container kinds: what the payload holds. */
export const TableKind = {
  LPM_V4: 1,
  LPM_V6: 2,
  STRING_TABLE: 3,
  COST_MATRIX: 4,
  // RFC 8896 cost calendars (calendar.ts)
  COST_CALENDAR: 5,
  // RFC 9240 property maps (propmap.ts)
  PREFIX_TREE: 6,
  PID_VALUES: 7,
  /** RFC 9275 path vectors and their ANE table (paths.ts). */
  PATH_TABLE: 8,
} as const

/** Byte length of the container header; the payload starts here. */
export const CONTAINER_HEADER_BYTES = 16

/** "ALTB" read as a little-endian u32. */
const MAGIC_U32 = 0x42544c41
const MAGIC_TEXT = 'ALTB'

/** Alignment, in bytes, of the payload and of every typed-array section in it. */
export const SECTION_ALIGN = 8

const KIND_NAMES: Record<number, string> = {
  [TableKind.LPM_V4]: 'LPM_V4',
  [TableKind.LPM_V6]: 'LPM_V6',
  [TableKind.STRING_TABLE]: 'STRING_TABLE',
  [TableKind.COST_MATRIX]: 'COST_MATRIX',
  [TableKind.COST_CALENDAR]: 'COST_CALENDAR',
  [TableKind.PREFIX_TREE]: 'PREFIX_TREE',
  [TableKind.PID_VALUES]: 'PID_VALUES',
  [TableKind.PATH_TABLE]: 'PATH_TABLE',
}

/** Human name of a container kind, e.g. "LPM_V4 (1)". */
export function kindName(kind: number): string {
  const name = KIND_NAMES[kind]
  return name === undefined ? `unknown kind ${kind}` : `${name} (${kind})`
}

/** A blob is not a valid table of the expected kind: corrupt, truncated, or of another format. */
export class TableFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TableFormatError'
  }
}

/**
 * True on little-endian platforms (every platform Workers and Node run on). The formats are
 * little-endian and the decoders take typed-array views directly over the blob, so a big-endian
 * platform is refused rather than silently misread.
 */
export const PLATFORM_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Throws unless the platform is little-endian (see PLATFORM_IS_LITTLE_ENDIAN). */
export function assertLittleEndianPlatform(): void {
  if (!PLATFORM_IS_LITTLE_ENDIAN) {
    throw new TableFormatError('big-endian platforms are not supported by the table decoders')
  }
}

/** Rounds `n` up to a multiple of SECTION_ALIGN. */
export function alignUp(n: number): number {
  return Math.ceil(n / SECTION_ALIGN) * SECTION_ALIGN
}

/**
 * Integrity checksum of a payload (not cryptographic; the manifest carries SHA-256 for that).
 * Spec: the bytes are read as little-endian u32 words w[0..n) (the tail, if any, zero-padded to
 * 4 bytes). Four lanes L0..L3 start at 0x811C9DC5; word w[i] is folded into lane i mod 4 by
 * `L = Math.imul(L ^ w, 0x01000193); L ^= L >>> 15`. The result folds L0, L1, L2, L3 (in that
 * order) into h = 0x811C9DC5 with the same step, then `h >>> 0`.
 * Every step is a bijection of the lane for a fixed word (and of the word for a fixed lane), so a
 * change confined to one word always changes the result. Four independent lanes let the CPU
 * overlap the multiply latency: about 4x faster than one chain, which keeps the check of a
 * multi-megabyte table well under a millisecond.
 */
export function fxhash32(bytes: Uint8Array): number {
  const wholeWordBytes = bytes.byteLength & ~3
  const wordCount = wholeWordBytes >>> 2
  let l0 = 0x811c9dc5 | 0
  let l1 = l0
  let l2 = l0
  let l3 = l0
  let i = 0
  if (PLATFORM_IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    // Fast path: on a little-endian platform an Int32Array element is the little-endian word
    // (Int32, not Uint32: values above 2^31 would otherwise leave V8's small-integer path; the
    // XOR below reads both the same way).
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, wordCount)
    const blockEnd = wordCount & ~3
    for (; i < blockEnd; i += 4) {
      l0 = Math.imul(l0 ^ words[i], 0x01000193)
      l1 = Math.imul(l1 ^ words[i + 1], 0x01000193)
      l2 = Math.imul(l2 ^ words[i + 2], 0x01000193)
      l3 = Math.imul(l3 ^ words[i + 3], 0x01000193)
      l0 ^= l0 >>> 15
      l1 ^= l1 >>> 15
      l2 ^= l2 >>> 15
      l3 ^= l3 >>> 15
    }
  }
  const lanes = [l0, l1, l2, l3]
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fold = (k: number, w: number) => {
    let l = Math.imul(lanes[k] ^ w, 0x01000193)
    l ^= l >>> 15
    lanes[k] = l
  }
  for (; i < wordCount; i++) fold(i & 3, view.getUint32(i * 4, true))
  if (wholeWordBytes < bytes.byteLength) {
    let tail = 0
    for (let b = bytes.byteLength - 1; b >= wholeWordBytes; b--) tail = (tail << 8) | bytes[b]
    fold(wordCount & 3, tail)
  }
  let h = 0x811c9dc5
  for (let k = 0; k < 4; k++) {
    h = Math.imul(h ^ lanes[k], 0x01000193)
    h ^= h >>> 15
  }
  return h >>> 0
}

/**
 * Wraps `payload` in a container of the given kind: returns a new blob of 16 + payload.length
 * bytes (header, then the payload copied verbatim).
 */
export function encodeContainer(kind: number, payload: Uint8Array): Uint8Array {
  if (KIND_NAMES[kind] === undefined) throw new RangeError(`encodeContainer: ${kindName(kind)}`)
  if (payload.byteLength > 0xffffffff) {
    throw new RangeError(`encodeContainer: payload of ${payload.byteLength} bytes exceeds u32`)
  }
  const blob = new Uint8Array(CONTAINER_HEADER_BYTES + payload.byteLength)
  const header = new DataView(blob.buffer)
  header.setUint32(0, MAGIC_U32, true)
  header.setUint16(4, FORMAT_VERSION, true)
  header.setUint16(6, kind, true)
  header.setUint32(8, payload.byteLength, true)
  header.setUint32(12, fxhash32(payload), true)
  blob.set(payload, CONTAINER_HEADER_BYTES)
  return blob
}

/** Where a verified payload lives: `new Uint32Array(buffer, payloadOffset, ...)` is aligned. */
export interface OpenedContainer {
  buffer: ArrayBuffer
  /** Byte offset of the payload in `buffer`; always a multiple of 8. */
  payloadOffset: number
  payloadLength: number
}

const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`

/** Printable form of 4 magic bytes, e.g. "ALTB" or "\x7fELF". */
function describeMagic(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < 4; i++) {
    const b = bytes[i]
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`
  }
  return s
}

/**
 * Opens a table of `kind` for its decoder: little-endian platform, container checked (checksum
 * included), payload at least `headerBytes` long, and a view of that header — the first steps of
 * every table's `open`, written once.
 */
export function openTable(
  blob: ArrayBuffer | Uint8Array,
  kind: number,
  headerBytes: number
): OpenedContainer & { header: DataView } {
  assertLittleEndianPlatform()
  const opened = openContainer(blob, kind)
  if (opened.payloadLength < headerBytes) {
    throw new TableFormatError(
      `${KIND_NAMES[kind]} payload is ${opened.payloadLength} bytes, shorter than its ${headerBytes}-byte header`
    )
  }
  return { ...opened, header: new DataView(opened.buffer, opened.payloadOffset, headerBytes) }
}

/**
 * Verifies a blob's container and returns where its payload is. Throws TableFormatError (message
 * naming the problem) when the blob is shorter than 16 bytes, the magic differs, the version is
 * not FORMAT_VERSION, the kind is not `expectedKind`, the length field disagrees with the blob
 * length, or the checksum differs. A Uint8Array whose byteOffset is not 8-aligned is copied once
 * so that typed-array views over the payload are aligned; otherwise no bytes are copied.
 */
export function openContainer(
  blob: ArrayBuffer | Uint8Array,
  expectedKind: number
): OpenedContainer {
  // ArrayBuffer.isView, not instanceof: a view from another realm (e.g. a Worker test pool) is
  // still a view.
  let bytes = ArrayBuffer.isView(blob)
    ? new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength)
    : new Uint8Array(blob)
  if (bytes.byteOffset % SECTION_ALIGN !== 0) bytes = bytes.slice()
  const expected = kindName(expectedKind)
  if (bytes.byteLength < CONTAINER_HEADER_BYTES) {
    throw new TableFormatError(
      `truncated blob: ${bytes.byteLength} bytes is shorter than the ${CONTAINER_HEADER_BYTES}-byte container header (expected ${expected})`
    )
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, CONTAINER_HEADER_BYTES)
  if (header.getUint32(0, true) !== MAGIC_U32) {
    throw new TableFormatError(
      `bad magic "${describeMagic(bytes)}": not an alto-edge table (expected "${MAGIC_TEXT}")`
    )
  }
  const version = header.getUint16(4, true)
  if (version !== FORMAT_VERSION) {
    throw new TableFormatError(
      `unsupported format version ${version} (this decoder reads version ${FORMAT_VERSION})`
    )
  }
  const kind = header.getUint16(6, true)
  if (kind !== expectedKind) {
    throw new TableFormatError(
      `wrong table kind: blob holds ${kindName(kind)}, expected ${expected}`
    )
  }
  const payloadLength = header.getUint32(8, true)
  const found = bytes.byteLength - CONTAINER_HEADER_BYTES
  if (payloadLength !== found) {
    throw new TableFormatError(
      found < payloadLength
        ? `truncated blob: header says ${payloadLength} payload bytes, found ${found}`
        : `padded blob: header says ${payloadLength} payload bytes, found ${found}`
    )
  }
  const payload = bytes.subarray(CONTAINER_HEADER_BYTES)
  const declared = header.getUint32(12, true)
  const actual = fxhash32(payload)
  if (declared !== actual) {
    throw new TableFormatError(
      `checksum mismatch: header says ${hex32(declared)}, payload hashes to ${hex32(actual)} (corrupt blob)`
    )
  }
  return {
    buffer: bytes.buffer as ArrayBuffer,
    payloadOffset: payload.byteOffset,
    payloadLength,
  }
}

/**
 * Throws TableFormatError unless a payload of `payloadLength` bytes is exactly the size its
 * header fields imply (`requiredLength`): a section that does not fit, or trailing bytes.
 */
export function assertPayloadSize(
  what: string,
  payloadLength: number,
  requiredLength: number,
  detail: string
): void {
  if (payloadLength !== requiredLength) {
    throw new TableFormatError(
      `${what} payload is ${payloadLength} bytes but its header (${detail}) implies ${requiredLength}`
    )
  }
}
