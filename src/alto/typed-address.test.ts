import { describe, expect, it } from 'vitest'
import { parseTypedAddress, typedAddressOfIp } from './typed-address.ts'

describe('parseTypedAddress (RFC 7285 §10.4.1)', () => {
  it('parses ipv4 addresses', () => {
    expect(parseTypedAddress('ipv4:192.0.2.34')).toEqual({ type: 'ipv4', address: 0xc0000222 })
    expect(parseTypedAddress('ipv4:0.0.0.0')).toEqual({ type: 'ipv4', address: 0 })
    expect(parseTypedAddress('ipv4:255.255.255.255')).toEqual({ type: 'ipv4', address: 0xffffffff })
  })

  it('splits at the first colon, so IPv6 colons stay in the address', () => {
    expect(parseTypedAddress('ipv6:2001:db8::1')).toEqual({
      type: 'ipv6',
      words: [0x20010db8, 0, 0, 1],
    })
    expect(parseTypedAddress('ipv6:::1')).toEqual({ type: 'ipv6', words: [0, 0, 0, 1] })
    expect(parseTypedAddress('ipv6:::')).toEqual({ type: 'ipv6', words: [0, 0, 0, 0] })
  })

  it.each([
    '192.0.2.34',
    'ipv4:',
    'ipv4:192.0.2',
    'ipv4:192.0.2.256',
    'ipv4:192.0.2.34/32',
    'ipv4:2001:db8::1',
    'ipv6:192.0.2.34',
    'ipv6:2001:db8:::1',
    'IPV4:192.0.2.34',
    'ipv5:1.2.3.4',
    ':192.0.2.34',
    '',
  ])('rejects %j', (text) => expect(parseTypedAddress(text)).toBeNull())
})

describe('typedAddressOfIp', () => {
  it('types a bare address in canonical text', () => {
    expect(typedAddressOfIp('198.51.100.7')).toEqual({
      text: 'ipv4:198.51.100.7',
      address: { type: 'ipv4', address: 0xc6336407 },
    })
    expect(typedAddressOfIp('2001:DB8:0:0::1')?.text).toBe('ipv6:2001:db8::1')
  })

  it('returns null for anything else', () => {
    expect(typedAddressOfIp('unknown')).toBeNull()
    expect(typedAddressOfIp('ipv4:1.2.3.4')).toBeNull()
  })
})
