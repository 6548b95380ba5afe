import { describe, expect, it } from 'vitest'
import { parseAuthParams, timingSafeEqual } from './digest.ts'

describe('Digest credentials syntax (RFC 7616 §3.4, RFC 9110 §11.4)', () => {
  it('parses tokens and quoted strings, unescaping and lower-casing names', () => {
    const params = parseAuthParams(
      'username="Mufasa", Realm="a\\"b", nc=00000001, qop=auth, uri="/dir?x=1,2"'
    )
    expect(Object.fromEntries(params!)).toEqual({
      username: 'Mufasa',
      realm: 'a"b',
      nc: '00000001',
      qop: 'auth',
      uri: '/dir?x=1,2',
    })
  })

  it('refuses repeated names and malformed lists', () => {
    expect(parseAuthParams('a=1, a=2')).toBeNull()
    expect(parseAuthParams('a="unterminated')).toBeNull()
    expect(parseAuthParams('novalue')).toBeNull()
  })

  it('compares strings exactly', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true)
    expect(timingSafeEqual('abc', 'abd')).toBe(false)
    expect(timingSafeEqual('abc', 'ab')).toBe(false)
  })
})
