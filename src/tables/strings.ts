/**
 * @module STRING_TABLE: a list of strings (PID names, property values)
 * (docs/binary-format.md, "STRING_TABLE payload").
 *
 * ```
 * payload offset  size          field
 * 0               4             count    n
 * 4               4*(n+1)       offsets  u32 byte offsets into data; string i = data[offsets[i], offsets[i+1])
 * ...             offsets[n]    data     UTF-8
 * ```
 * Decoded in full (the table is small and every string is needed), through a DataView.
 */
import { TableKind, TableFormatError, encodeContainer, openContainer } from './container.ts'

const STRING_TABLE_COUNT_BYTES = 4

/** Encodes `strings` (kept in the given order) as a STRING_TABLE container blob. */
export function encodeStringTable(strings: readonly string[]): Uint8Array {
  const encoder = new TextEncoder()
  const encoded = strings.map((s) => encoder.encode(s))
  const dataLength = encoded.reduce((sum, bytes) => sum + bytes.byteLength, 0)
  const dataOffset = STRING_TABLE_COUNT_BYTES + 4 * (strings.length + 1)
  const payload = new Uint8Array(dataOffset + dataLength)
  const view = new DataView(payload.buffer)
  view.setUint32(0, strings.length, true)
  let offset = 0
  encoded.forEach((bytes, i) => {
    view.setUint32(STRING_TABLE_COUNT_BYTES + 4 * i, offset, true)
    payload.set(bytes, dataOffset + offset)
    offset += bytes.byteLength
  })
  view.setUint32(STRING_TABLE_COUNT_BYTES + 4 * strings.length, offset, true)
  return encodeContainer(TableKind.STRING_TABLE, payload)
}

/**
 * Decodes a STRING_TABLE container blob. Throws TableFormatError on a bad container, offsets
 * that decrease or overrun the payload, trailing bytes, or invalid UTF-8.
 */
export function decodeStringTable(blob: ArrayBuffer | Uint8Array): string[] {
  const { buffer, payloadOffset, payloadLength } = openContainer(blob, TableKind.STRING_TABLE)
  if (payloadLength < STRING_TABLE_COUNT_BYTES) {
    throw new TableFormatError(
      `STRING_TABLE payload is ${payloadLength} bytes, too short for its count`
    )
  }
  const view = new DataView(buffer, payloadOffset, payloadLength)
  const count = view.getUint32(0, true)
  const dataOffset = STRING_TABLE_COUNT_BYTES + 4 * (count + 1)
  if (dataOffset > payloadLength) {
    throw new TableFormatError(
      `STRING_TABLE of ${count} strings needs ${dataOffset} bytes of offsets, payload is ${payloadLength} bytes`
    )
  }
  const dataLength = view.getUint32(STRING_TABLE_COUNT_BYTES + 4 * count, true)
  if (dataOffset + dataLength !== payloadLength) {
    throw new TableFormatError(
      `STRING_TABLE payload is ${payloadLength} bytes but its header (${count} strings, ${dataLength} data bytes) implies ${dataOffset + dataLength}`
    )
  }
  const data = new Uint8Array(buffer, payloadOffset + dataOffset, dataLength)
  let text = ''
  try {
    // One decode for the whole data section (PID names are typically thousands of short
    // strings; one TextDecoder call each costs more than the lookups that follow).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data)
  } catch {
    // Invalid somewhere: the per-string path below names the string.
  }
  // When every byte is ASCII, byte offsets are string offsets and each string is a slice.
  const ascii = text.length === dataLength
  const decoder = ascii ? null : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const strings: string[] = new Array(count)
  let start = view.getUint32(STRING_TABLE_COUNT_BYTES, true)
  if (start !== 0) throw new TableFormatError(`STRING_TABLE offsets[0] is ${start}, expected 0`)
  for (let i = 0; i < count; i++) {
    const end = view.getUint32(STRING_TABLE_COUNT_BYTES + 4 * (i + 1), true)
    if (end < start || end > dataLength) {
      throw new TableFormatError(
        `STRING_TABLE offsets[${i + 1}] = ${end} is outside ${start}..${dataLength}`
      )
    }
    if (decoder === null) {
      strings[i] = text.slice(start, end)
    } else {
      try {
        strings[i] = decoder.decode(data.subarray(start, end))
      } catch {
        throw new TableFormatError(`STRING_TABLE string ${i} is not valid UTF-8`)
      }
    }
    start = end
  }
  return strings
}
