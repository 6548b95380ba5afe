import { describe, expect, it } from 'vitest'
import { TableFormatError, TableKind, encodeContainer } from './container.ts'
import { decodeStringTable, encodeStringTable } from './strings.ts'

describe('STRING_TABLE', () => {
  it.each([
    [[]],
    [['']],
    [['default', 'mine', 'mine1', 'mine1a', 'peer1']],
    [['', 'a', '', 'bc']],
    [['Zürich', '東京', '🙂 emoji', 'a\u0000b', 'x'.repeat(1000)]],
  ])('round trips %j', (strings) => {
    const blob = encodeStringTable(strings)
    expect(decodeStringTable(blob)).toEqual(strings)
    expect(decodeStringTable(blob.buffer as ArrayBuffer)).toEqual(strings)
  })

  it('lays out count, offsets and UTF-8 data as the spec draws them', () => {
    const blob = encodeStringTable(['ab', 'é'])
    const payload = blob.subarray(16)
    const view = new DataView(payload.buffer, payload.byteOffset)
    expect(view.getUint32(0, true)).toBe(2)
    expect([view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)]).toEqual([
      0, 2, 4,
    ])
    expect(Array.from(payload.subarray(16))).toEqual([0x61, 0x62, 0xc3, 0xa9])
  })

  const payloadOf = (count: number, offsets: number[], data: number[]): Uint8Array => {
    const p = new Uint8Array(4 + 4 * offsets.length + data.length)
    const view = new DataView(p.buffer)
    view.setUint32(0, count, true)
    offsets.forEach((o, i) => view.setUint32(4 + 4 * i, o, true))
    p.set(data, 4 + 4 * offsets.length)
    return encodeContainer(TableKind.STRING_TABLE, p)
  }

  it('refuses invalid UTF-8, decreasing offsets, counts that overrun, and trailing bytes', () => {
    expect(() => decodeStringTable(payloadOf(1, [0, 2], [0xc3, 0x28]))).toThrow(
      'STRING_TABLE string 0 is not valid UTF-8'
    )
    expect(() => decodeStringTable(payloadOf(2, [0, 2, 1], [0x61, 0x62]))).toThrow(
      'STRING_TABLE payload is 18 bytes but its header (2 strings, 1 data bytes) implies 17'
    )
    expect(() => decodeStringTable(payloadOf(2, [0, 2, 1], [0x61]))).toThrow(
      'STRING_TABLE offsets[1] = 2 is outside 0..1'
    )
    expect(() => decodeStringTable(payloadOf(1, [1, 1], [0x61]))).toThrow(
      'STRING_TABLE offsets[0] is 1, expected 0'
    )
    expect(() => decodeStringTable(payloadOf(1000, [0, 0], []))).toThrow(
      'STRING_TABLE of 1000 strings needs 4008 bytes of offsets, payload is 12 bytes'
    )
    expect(() => decodeStringTable(payloadOf(1, [0, 1], [0x61, 0x62]))).toThrow(TableFormatError)
  })

  it('refuses other kinds and corrupt blobs', () => {
    const blob = encodeStringTable(['a', 'b'])
    blob[blob.length - 1] ^= 1
    expect(() => decodeStringTable(blob)).toThrow(/^checksum mismatch/)
    expect(() =>
      decodeStringTable(encodeContainer(TableKind.COST_MATRIX, new Uint8Array(8)))
    ).toThrow('wrong table kind: blob holds COST_MATRIX (4), expected STRING_TABLE (3)')
  })
})
