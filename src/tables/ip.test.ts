import { describe, expect, it } from 'vitest'
import {
  firstHostBit,
  formatIPv4,
  formatIPv6,
  maskedPrefixString,
  parseAddress,
  parseIPv4,
  parseIPv4QuotedHalves,
  parseIPv6,
  parseIPv6QuotedInto,
  parsePrefix,
} from './ip.ts'
import { mulberry32, randomU32 } from './test-helpers.ts'

describe('parseIPv4', () => {
  it('parses dotted quads to unsigned u32', () => {
    expect(parseIPv4('0.0.0.0')).toBe(0)
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff)
    expect(parseIPv4('192.0.2.1')).toBe(0xc0000201)
    expect(parseIPv4('10.0.0.255')).toBe(0x0a0000ff)
    expect(parseIPv4('128.0.0.0')).toBe(0x80000000) // unsigned, not negative
  })

  it.each([
    '999.1.1.1',
    '256.0.0.0',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '00.0.0.0',
    '1.2.3.4/8',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.-4',
    '1.2.3.0x4',
    '1.2.3.4a',
    '',
    '1234.1.1.1',
    '::1',
  ])('rejects %j', (s) => {
    expect(parseIPv4(s)).toBeNull()
  })

  it('accepts exactly RFC 3986 §3.2.2 IPv4address (the ABNF as a regex) on random texts', () => {
    // dec-octet = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "25" %x30-35 / "2" %x30-34 DIGIT
    const decOctet = '(?:[0-9]|[1-9][0-9]|1[0-9]{2}|25[0-5]|2[0-4][0-9])'
    const abnf = new RegExp(`^${decOctet}\\.${decOctet}\\.${decOctet}\\.${decOctet}$`)
    const rng = mulberry32(0x3986)
    const alphabet = '0123456789......12555a:'
    const wrong: string[] = []
    let accepted = 0
    for (let i = 0; i < 200_000; i++) {
      const length = 1 + (randomU32(rng) % 18)
      let text = ''
      for (let k = 0; k < length; k++) text += alphabet[randomU32(rng) % alphabet.length]
      const value = parseIPv4(text)
      if ((value !== null) !== abnf.test(text)) wrong.push(text)
      if (value === null) continue
      accepted++
      if (formatIPv4(value) !== text) wrong.push(text) // no leading zeros: the text is canonical
    }
    expect(wrong).toEqual([])
    expect(accepted).toBeGreaterThan(100) // the alphabet does produce addresses
  })

  it('round trips with formatIPv4 on random addresses', () => {
    const rng = mulberry32(0x1a2b3c4d)
    for (let i = 0; i < 2000; i++) {
      const n = randomU32(rng)
      const text = formatIPv4(n)
      expect(parseIPv4(text)).toBe(n)
      expect(formatIPv4(n | 0)).toBe(text) // signed input formats the same
    }
  })
})

describe('parseIPv6', () => {
  it('agrees with the WHATWG URL host parser (an independent IPv6 parser) on random texts', () => {
    // The URL Standard's IPv6 parser reads the same RFC 4291 §2.2 forms, with one difference:
    // it lets "::" stand for zero groups (eight groups beside a "::"), which RFC 4291 does not
    // ("'::' indicates one or more groups of 16 bits of zeros").
    const whatwg = (text: string): string | null => {
      try {
        return new URL(`http://[${text}]/`).hostname
      } catch {
        return null
      }
    }
    const rng = mulberry32(0x4291)
    const pieces = [
      '0',
      '1',
      'f',
      'F',
      'a0',
      '0db8',
      'ffff',
      '12345',
      ':',
      ':',
      '::',
      '.',
      '1.2.3.4',
      '255',
      '01',
    ]
    const wrong: string[] = []
    let accepted = 0
    for (let i = 0; i < 100_000; i++) {
      const count = 1 + (randomU32(rng) % 14)
      let text = ''
      for (let k = 0; k < count; k++) text += pieces[randomU32(rng) % pieces.length]
      const ours = parseIPv6(text)
      const theirs = whatwg(text)
      if (ours !== null) {
        accepted++
        if (`[${formatIPv6(ours)}]` !== theirs) wrong.push(text)
      } else if (theirs !== null) {
        // Only the "::" for zero groups case may differ.
        const groups = text
          .split('::')
          .join(':')
          .split(':')
          .filter((g) => g !== '')
        const width = groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0)
        if (!text.includes('::') || width !== 8) wrong.push(text)
      }
    }
    expect(wrong).toEqual([])
    expect(accepted).toBeGreaterThan(1000)
  })

  it.each([
    ['::', [0, 0, 0, 0]],
    ['::0', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['1::', [0x00010000, 0, 0, 0]],
    ['2001:db8::1', [0x20010db8, 0, 0, 1]],
    ['2001:DB8::1', [0x20010db8, 0, 0, 1]],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', [0x20010db8, 0, 0, 1]],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]],
    ['::ffff:1.2.3.4', [0, 0, 0xffff, 0x01020304]],
    ['::FFFF:192.0.2.1', [0, 0, 0xffff, 0xc0000201]],
    ['64:ff9b::192.0.2.33', [0x0064ff9b, 0, 0, 0xc0000221]],
    ['1:2:3:4:5:6:1.2.3.4', [0x00010002, 0x00030004, 0x00050006, 0x01020304]],
    ['1:2:3:4:5:6:7::', [0x00010002, 0x00030004, 0x00050006, 0x00070000]],
    ['::2:3:4:5:6:7:8', [0x00000002, 0x00030004, 0x00050006, 0x00070008]],
    ['fe80::1:2', [0xfe800000, 0, 0, 0x00010002]],
  ] as const)('parses %s', (text, words) => {
    expect(parseIPv6(text)).toEqual(words)
  })

  it.each([
    '1::2::3',
    '12345::',
    ':::',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::', // "::" must stand for at least one group
    '::1:2:3:4:5:6:7:8',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7:',
    ':',
    '',
    'g::1',
    '::1.2.3',
    '::1.2.3.256',
    '::01.2.3.4',
    '1.2.3.4::',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    'fe80::1%eth0',
    '::1/128',
    '1.2.3.4',
    ' ::1',
  ])('rejects %j', (s) => {
    expect(parseIPv6(s)).toBeNull()
  })
})

describe('formatIPv6 (RFC 5952)', () => {
  it.each([
    // RFC 5952 §4.1: leading zeros MUST be suppressed
    ['2001:0db8::0001', '2001:db8::1'],
    // §4.2.1: "::" shortens as much as possible
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    // §4.2.2: not for a single 16-bit 0 field
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // §4.2.3: the longest run; on a tie, the first
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    // §4.3: lowercase
    ['2001:DB8::AB:CDEF', '2001:db8::ab:cdef'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['0:0:1::', '0:0:1::'],
    ['1:0:0:0:1:0:0:0', '1::1:0:0:0'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    // RFC 7285 §10.4.3 uses RFC 5952 §4 only: IPv4-mapped addresses stay in hex groups
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('%s -> %s', (input, canonical) => {
    const words = parseIPv6(input)
    expect(words).not.toBeNull()
    expect(formatIPv6(words!)).toBe(canonical)
  })

  it('round trips random addresses, including zero runs', () => {
    const rng = mulberry32(0x5eed)
    for (let i = 0; i < 3000; i++) {
      const w = [randomU32(rng), randomU32(rng), randomU32(rng), randomU32(rng)]
      // Zero some random groups so "::" placement is exercised.
      for (let g = 0; g < 8; g++) {
        if (rng() < 0.4) w[g >> 1] = (w[g >> 1] & (g & 1 ? 0xffff0000 : 0x0000ffff)) >>> 0
      }
      const text = formatIPv6(w)
      expect(parseIPv6(text)).toEqual(w)
      expect(text).toBe(text.toLowerCase())
      expect(text).not.toMatch(/(^|:)0[0-9a-f]/) // no leading zeros
    }
  })
})

describe('parsePrefix', () => {
  it('parses IPv4 and IPv6 prefixes, mixed case and ::0/0', () => {
    expect(parsePrefix('192.0.2.0/24')).toEqual({
      ok: true,
      family: 4,
      words: [0xc0000200],
      len: 24,
    })
    expect(parsePrefix('0.0.0.0/0')).toEqual({ ok: true, family: 4, words: [0], len: 0 })
    expect(parsePrefix('1.2.3.4/32')).toEqual({ ok: true, family: 4, words: [0x01020304], len: 32 })
    expect(parsePrefix('::0/0')).toEqual({ ok: true, family: 6, words: [0, 0, 0, 0], len: 0 })
    expect(parsePrefix('2001:DB8:8000::/33')).toEqual({
      ok: true,
      family: 6,
      words: [0x20010db8, 0x80000000, 0, 0],
      len: 33,
    })
    expect(parsePrefix('::1/128')).toEqual({ ok: true, family: 6, words: [0, 0, 0, 1], len: 128 })
    expect(parsePrefix('ff80::/10')).toMatchObject({ ok: true, len: 10 })
  })

  it.each([
    ['foo', 'not an IPv4 or IPv6 prefix: "foo"'],
    ['999.1.1.1/8', 'not an IPv4 or IPv6 prefix: "999.1.1.1/8"'],
    ['1::2::3/64', 'not an IPv4 or IPv6 prefix: "1::2::3/64"'],
    ['1.2.3.0', 'missing prefix length: "1.2.3.0" is an IPv4 address, expected address/length'],
    ['1.2.3.0/33', 'prefix length 33 out of range 0..32 for IPv4'],
    ['::/129', 'prefix length 129 out of range 0..128 for IPv6'],
    ['1.2.3.0/024', 'prefix length "024" is not a decimal number 0..32 in "1.2.3.0/024"'],
    ['1.2.3.0/', 'prefix length "" is not a decimal number 0..32 in "1.2.3.0/"'],
    ['1.2.3.0/-1', 'prefix length "-1" is not a decimal number 0..32 in "1.2.3.0/-1"'],
    ['1.2.3.0/24/1', 'prefix length "24/1" is not a decimal number 0..32 in "1.2.3.0/24/1"'],
  ])('rejects %j: %s', (input, error) => {
    expect(parsePrefix(input)).toEqual({ ok: false, error })
  })

  it('names the first set host bit and suggests the masked prefix', () => {
    expect(parsePrefix('192.0.2.1/24')).toEqual({
      ok: false,
      error:
        'host bits not zero: bit 32 of 192.0.2.1/24 is set (address bits after the first 24 must be 0); did you mean 192.0.2.0/24?',
    })
    expect(parsePrefix('192.0.2.128/24')).toMatchObject({
      error: expect.stringContaining('bit 25 of 192.0.2.128/24 is set'),
    })
    expect(parsePrefix('10.1.0.0/8')).toMatchObject({
      error: expect.stringMatching(/bit 16 of 10\.1\.0\.0\/8 .*did you mean 10\.0\.0\.0\/8\?$/),
    })
    expect(parsePrefix('2001:DB8::1/64')).toEqual({
      ok: false,
      error:
        'host bits not zero: bit 128 of 2001:DB8::1/64 is set (address bits after the first 64 must be 0); did you mean 2001:db8::/64?',
    })
    expect(parsePrefix('::1/0')).toMatchObject({
      error: expect.stringContaining('did you mean ::/0?'),
    })
  })
})

describe('helpers', () => {
  it('firstHostBit is 1-based from the left, 0 when clean', () => {
    expect(firstHostBit([0x80000000], 0)).toBe(1)
    expect(firstHostBit([0x00000001], 31)).toBe(32)
    expect(firstHostBit([0x00000001], 32)).toBe(0)
    expect(firstHostBit([0, 0, 0x00010000, 0], 64)).toBe(80)
  })

  it('maskedPrefixString and parseAddress', () => {
    expect(maskedPrefixString(4, [0xc0000201], 24)).toBe('192.0.2.0/24')
    expect(maskedPrefixString(6, [0x20010db8, 0xffffffff, 1, 1], 48)).toBe('2001:db8:ffff::/48')
    expect(parseAddress('10.0.0.1')).toEqual({ family: 4, words: [0x0a000001] })
    expect(parseAddress('::a')).toEqual({ family: 6, words: [0, 0, 0, 10] })
    expect(parseAddress('nope')).toBeNull()
  })
})

describe('parseIPv4QuotedHalves / parseIPv6QuotedInto = the string parsers (request bodies read as bytes)', () => {
  const encoder = new TextEncoder()
  /** The byte parser on `text` as a JSON string's content, as in a request body. */
  const viaBytes = (text: string, family: 4 | 6): number[] | null => {
    const bytes = encoder.encode(`["${text}"]`)
    const closing = bytes.length - 2 // the parse must end at the string's closing quote
    if (family === 4) {
      const halves = new Int32Array(2)
      return parseIPv4QuotedHalves(bytes, 2, halves) === closing
        ? [halves[0] * 65536 + halves[1]]
        : null
    }
    const out = new Uint32Array(8).fill(0xdeadbeef)
    const plain = parseIPv6QuotedInto(bytes, 2, out, 4) === closing ? [...out.subarray(4)] : null
    // With a DataView: four-digit groups read as one word (fourHexDigitsAt); the same answer.
    out.fill(0xdeadbeef)
    const view = new DataView(bytes.buffer)
    const swar =
      parseIPv6QuotedInto(bytes, 2, out, 4, view) === closing ? [...out.subarray(4)] : null
    expect(swar, `with a DataView: ${text}`).toEqual(plain)
    return plain
  }
  const viaString = (text: string, family: 4 | 6): number[] | null => {
    if (family === 4) {
      const v = parseIPv4(text)
      return v === null ? null : [v]
    }
    return parseIPv6(text)
  }

  it('agree on random texts of both grammars, non-ASCII and escapes included', () => {
    const rng = mulberry32(0x7285)
    const pieces = [
      '0',
      '1',
      '9',
      '25',
      '255',
      '01',
      'f',
      'F',
      'db8',
      'ffff',
      'FfA0',
      '09aF',
      '0g00',
      '@`[{',
      '12345',
      ':',
      '::',
      '.',
      '1.2.3.4',
      'é',
      '\\',
      '"',
      ' ',
      'g',
    ]
    let accepted = 0
    for (let i = 0; i < 100_000; i++) {
      const count = 1 + (randomU32(rng) % 12)
      let text = ''
      for (let k = 0; k < count; k++) text += pieces[randomU32(rng) % pieces.length]
      for (const family of [4, 6] as const) {
        const expected = viaString(text, family)
        expect(viaBytes(text, family), `${family} ${text}`).toEqual(expected)
        if (expected) accepted++
      }
    }
    expect(accepted).toBeGreaterThan(1000)
  })

  it('a four-character group read as one word = read digit by digit, on every group over the boundary characters of the hex ranges', () => {
    const alphabet = '/09:@AFG`afg'
    const out = new Uint32Array(4)
    let accepted = 0
    for (const a of alphabet)
      for (const b of alphabet)
        for (const c of alphabet)
          for (const d of alphabet) {
            const text = `${a}${b}${c}${d}::1`
            const bytes = encoder.encode(`["${text}"]`)
            const plain = parseIPv6QuotedInto(bytes, 2, out, 0)
            const words = [...out]
            const swar = parseIPv6QuotedInto(bytes, 2, out, 0, new DataView(bytes.buffer))
            expect(swar, text).toBe(plain)
            if (plain >= 0) expect([...out], text).toEqual(words)
            if (plain >= 0 && /^[0-9a-f]{4}$/i.test(`${a}${b}${c}${d}`)) accepted++
          }
    // Every group of four hex digits over the alphabet's 6 hex characters (0 9 A F a f).
    expect(accepted).toBe(6 ** 4)
  })

  it.each([
    '::',
    '::1',
    '2001:DB8::1',
    '::ffff:192.0.2.1',
    '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:8',
    '1::2::3',
    '::1.2.3.256',
    '1:2:3:4:5:6:7:8::',
    'fe80::1%eth0',
    '',
  ])('IPv6 %j', (text) => {
    expect(viaBytes(text, 6)).toEqual(viaString(text, 6))
  })

  it.each([
    '0.0.0.0',
    '255.255.255.255',
    '192.0.2.1',
    '01.2.3.4',
    '1.2.3',
    '256.1.1.1',
    '1.2.3.4.',
    '',
  ])('IPv4 %j', (text) => {
    expect(viaBytes(text, 4)).toEqual(viaString(text, 4))
  })
})
