import { describe, expect, it } from 'vitest'
import {
  CONTAINER_HEADER_BYTES,
  FORMAT_VERSION,
  TableFormatError,
  TableKind,
  encodeContainer,
  fxhash32,
  openContainer,
} from './container.ts'
import { buildLpm4 } from './lpm4.ts'
import { mulberry32, randomInt } from './test-helpers.ts'

/** fxhash32 written again from the spec text, in BigInt arithmetic (independent of Math.imul). */
function fxhash32Spec(bytes: Uint8Array): number {
  const step = (h: bigint, w: bigint) => {
    const m = ((h ^ w) * 0x01000193n) & 0xffffffffn
    return m ^ (m >> 15n)
  }
  const lanes = [0x811c9dc5n, 0x811c9dc5n, 0x811c9dc5n, 0x811c9dc5n]
  for (let i = 0; i < bytes.length; i += 4) {
    let w = 0n
    for (let k = 3; k >= 0; k--) w = (w << 8n) | BigInt(i + k < bytes.length ? bytes[i + k] : 0)
    lanes[(i / 4) % 4] = step(lanes[(i / 4) % 4], w)
  }
  let h = 0x811c9dc5n
  for (const l of lanes) h = step(h, l)
  return Number(h)
}

describe('fxhash32', () => {
  it('matches the spec formula on random inputs of every tail length', () => {
    const rng = mulberry32(42)
    for (let len = 0; len < 90; len++) {
      const bytes = Uint8Array.from({ length: len }, () => randomInt(rng, 256))
      expect(fxhash32(bytes)).toBe(fxhash32Spec(bytes))
      // the same bytes at a misaligned offset take the DataView path
      const host = new Uint8Array(len + 1)
      host.set(bytes, 1)
      expect(fxhash32(host.subarray(1))).toBe(fxhash32Spec(bytes))
    }
    expect(fxhash32(new Uint8Array(0))).toBe(fxhash32Spec(new Uint8Array(0)))
  })

  it('hashes a subarray by its own bytes, not its buffer', () => {
    const big = Uint8Array.from({ length: 40 }, (_, i) => i * 7)
    expect(fxhash32(big.subarray(5, 31))).toBe(fxhash32(big.slice(5, 31)))
  })

  it('zero-pads the tail, so only the length field tells [1] from [1,0,0,0]', () => {
    expect(fxhash32(Uint8Array.of(1))).toBe(fxhash32(Uint8Array.of(1, 0, 0, 0)))
    expect(fxhash32(Uint8Array.of(1))).not.toBe(fxhash32(Uint8Array.of(0, 1)))
  })
})

describe('encodeContainer / openContainer', () => {
  const payload = Uint8Array.from({ length: 37 }, (_, i) => (i * 31) & 0xff)
  const blob = encodeContainer(TableKind.STRING_TABLE, payload)

  it('writes the header of the spec', () => {
    expect(Array.from(blob.subarray(0, 4))).toEqual([0x41, 0x4c, 0x54, 0x42]) // "ALTB"
    const view = new DataView(blob.buffer)
    expect(view.getUint16(4, true)).toBe(FORMAT_VERSION)
    expect(view.getUint16(6, true)).toBe(TableKind.STRING_TABLE)
    expect(view.getUint32(8, true)).toBe(37)
    expect(view.getUint32(12, true)).toBe(fxhash32(payload))
    expect(blob.length).toBe(CONTAINER_HEADER_BYTES + 37)
  })

  it('opens an ArrayBuffer and an aligned Uint8Array without copying', () => {
    const fromBuffer = openContainer(blob.buffer as ArrayBuffer, TableKind.STRING_TABLE)
    expect(fromBuffer).toEqual({ buffer: blob.buffer, payloadOffset: 16, payloadLength: 37 })
    const host = new Uint8Array(blob.length + 16)
    host.set(blob, 8)
    const fromView = openContainer(host.subarray(8, 8 + blob.length), TableKind.STRING_TABLE)
    expect(fromView.buffer).toBe(host.buffer)
    expect(fromView.payloadOffset).toBe(24)
  })

  it('copies a Uint8Array at a misaligned offset so payload views are aligned', () => {
    const host = new Uint8Array(blob.length + 3)
    host.set(blob, 3)
    const opened = openContainer(host.subarray(3), TableKind.STRING_TABLE)
    expect(opened.buffer).not.toBe(host.buffer)
    expect(opened.payloadOffset % 8).toBe(0)
    expect(new Uint8Array(opened.buffer, opened.payloadOffset, opened.payloadLength)).toEqual(
      payload
    )
  })

  it('rejects unknown kinds when encoding', () => {
    expect(() => encodeContainer(9, payload)).toThrow(RangeError)
  })
})

/** The error openContainer/decoder throws for `blob`, asserting it is a TableFormatError. */
function formatError(open: () => unknown): string {
  try {
    open()
  } catch (e) {
    expect(e).toBeInstanceOf(TableFormatError)
    return (e as Error).message
  }
  throw new Error('expected a TableFormatError, but the blob opened')
}

describe('corruption is detected', () => {
  const blob = buildLpm4([
    { addr: 0x64000000, len: 8, value: 0 },
    { addr: 0x64000000, len: 10, value: 1 },
    { addr: 0x64000100, len: 24, value: 2 },
  ])
  const open = (b: Uint8Array) => () => openContainer(b, TableKind.LPM_V4)
  const payloadLength = blob.length - 16

  it('opens the intact blob', () => {
    expect(openContainer(blob, TableKind.LPM_V4).payloadLength).toBe(payloadLength)
  })

  const middle = Math.floor(blob.length / 2)
  const positions = [
    ...Array(24).keys(),
    middle - 1,
    middle,
    middle + 1,
    blob.length - 2,
    blob.length - 1,
  ]
  it.each(positions)('flipping byte %i (each of 8 single bits and all bits) is refused', (pos) => {
    const expected =
      pos < 4
        ? /^bad magic/
        : pos < 6
          ? /^unsupported format version/
          : pos < 8
            ? /^wrong table kind: blob holds/
            : pos < 12
              ? /^(truncated|padded) blob: header says \d+ payload bytes, found \d+$/
              : /^checksum mismatch: header says 0x[0-9a-f]{8}, payload hashes to 0x[0-9a-f]{8}/
    for (const mask of [1, 2, 4, 8, 16, 32, 64, 128, 255]) {
      const corrupt = blob.slice()
      corrupt[pos] ^= mask
      expect(formatError(open(corrupt))).toMatch(expected)
    }
  })

  it('truncation by one byte', () => {
    expect(formatError(open(blob.subarray(0, blob.length - 1)))).toBe(
      `truncated blob: header says ${payloadLength} payload bytes, found ${payloadLength - 1}`
    )
  })

  it('one trailing byte', () => {
    const padded = new Uint8Array(blob.length + 1)
    padded.set(blob)
    expect(formatError(open(padded))).toBe(
      `padded blob: header says ${payloadLength} payload bytes, found ${payloadLength + 1}`
    )
  })

  it('truncation to 15 and to 0 bytes', () => {
    expect(formatError(open(blob.subarray(0, 15)))).toBe(
      'truncated blob: 15 bytes is shorter than the 16-byte container header (expected LPM_V4 (1))'
    )
    expect(formatError(open(new Uint8Array(0)))).toBe(
      'truncated blob: 0 bytes is shorter than the 16-byte container header (expected LPM_V4 (1))'
    )
  })

  it('wrong magic', () => {
    const elf = blob.slice()
    elf.set([0x7f, 0x45, 0x4c, 0x46], 0)
    expect(formatError(open(elf))).toBe(
      'bad magic "\\x7fELF": not an alto-edge table (expected "ALTB")'
    )
  })

  it('wrong version', () => {
    const v2 = blob.slice()
    new DataView(v2.buffer).setUint16(4, 2, true)
    expect(formatError(open(v2))).toBe(
      'unsupported format version 2 (this decoder reads version 1)'
    )
  })

  it('wrong kind', () => {
    expect(formatError(() => openContainer(blob, TableKind.LPM_V6))).toBe(
      'wrong table kind: blob holds LPM_V4 (1), expected LPM_V6 (2)'
    )
    const unknown = blob.slice()
    new DataView(unknown.buffer).setUint16(6, 77, true)
    expect(formatError(open(unknown))).toBe(
      'wrong table kind: blob holds unknown kind 77, expected LPM_V4 (1)'
    )
  })
})
