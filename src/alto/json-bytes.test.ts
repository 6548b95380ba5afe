import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonBytes, encodedKeys } from './json-bytes.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const written = (write: (out: JsonBytes) => void, capacity = 1) => {
  const out = new JsonBytes(capacity)
  write(out)
  return utf8.decode(out.done())
}

describe('JsonBytes writes what JSON.stringify writes', () => {
  it('numbers: integers digit by digit, the rest as String(n), non-finite as null', () => {
    const edge = [0, -0, 1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -1, -(2 ** 31), 0.1, 1e21]
    for (const n of [...edge, 5e-7, 1.5, NaN, Infinity, -Infinity, Number.MAX_VALUE]) {
      expect(written((o) => o.number(n))).toBe(JSON.stringify(n))
    }
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.nat()), (n) => {
        expect(written((o) => o.number(n))).toBe(JSON.stringify(n))
      }),
      { seed: 7, numRuns: 2000 }
    )
  })

  it('text in any script, ascii, bytes and single bytes, growing from one byte', () => {
    const keys = encodedKeys([JSON.stringify('PID1'), JSON.stringify('Zürich ☃ 𝄞')])
    const text = written((o) => {
      o.text('{"meta":{"description":"Zürich ☃ 𝄞"},')
      o.bytes(keys[0])
      o.number(42)
      o.byte(0x2c)
      o.bytes(keys[1])
      o.ascii('"ipv6:2001:db8::1",')
      o.asciiKey('ipv4:192.0.2.1')
      o.number(0)
      o.byte(0x7d)
    })
    expect(text).toBe(
      '{"meta":{"description":"Zürich ☃ 𝄞"},"PID1":42,"Zürich ☃ 𝄞":"ipv6:2001:db8::1","ipv4:192.0.2.1":0}'
    )
  })
})
