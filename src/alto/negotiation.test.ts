import { describe, expect, it } from 'vitest'
import {
  acceptsExplicitly,
  ifNoneMatchMatches,
  isAcceptable,
  isContentType,
  notModifiedSince,
} from './negotiation.ts'

const NM = 'application/alto-networkmap+json'

describe('isAcceptable', () => {
  it.each([
    [null, true],
    ['', true],
    ['*/*', true],
    ['application/*', true],
    [NM, true],
    ['APPLICATION/ALTO-NETWORKMAP+JSON', true],
    [`${NM},application/alto-error+json`, true],
    [`text/html, ${NM};q=0.5`, true],
    ['application/json', false],
    ['application/alto-error+json', false],
    ['text/*', false],
    [`${NM};q=0`, false],
    [`${NM};q=0.0, */*`, false],
    ['*/*;q=0', false],
    [`*/*;q=0, ${NM}`, true],
    ['application/*;q=0, */*', false],
    [`application/*;q=0, ${NM};q=0.1`, true],
    ['garbage', false],
  ])('Accept %j → %s', (accept, expected) => expect(isAcceptable(accept, NM)).toBe(expected))
})

describe('acceptsExplicitly', () => {
  it('needs the exact type with q > 0', () => {
    const IRD = 'application/alto-directory+json'
    expect(acceptsExplicitly(`${IRD},application/alto-error+json`, IRD)).toBe(true)
    expect(acceptsExplicitly('*/*', IRD)).toBe(false)
    expect(acceptsExplicitly(`${IRD};q=0`, IRD)).toBe(false)
    expect(acceptsExplicitly(undefined, IRD)).toBe(false)
  })
})

describe('isContentType', () => {
  const T = 'application/alto-costmapfilter+json'
  it('tolerates parameters and case, nothing else', () => {
    expect(isContentType(T, T)).toBe(true)
    expect(isContentType(`${T}; charset=utf-8`, T)).toBe(true)
    expect(isContentType('Application/ALTO-CostMapFilter+JSON', T)).toBe(true)
    expect(isContentType('application/json', T)).toBe(false)
    expect(isContentType('application/alto-networkmapfilter+json', T)).toBe(false)
    expect(isContentType(undefined, T)).toBe(false)
    expect(isContentType('', T)).toBe(false)
  })
})

describe('ifNoneMatchMatches (weak comparison, RFC 9110 §13.1.2)', () => {
  const etag = '"abc123"'
  it.each([
    ['"abc123"', true],
    ['W/"abc123"', true],
    ['"x", "abc123"', true],
    ['"x",W/"abc123"', true],
    ['*', true],
    ['"abc"', false],
    ['"abc1234"', false],
    ['abc123', false],
    ['"x", "y"', false],
    ['', false],
  ])('If-None-Match %j → %s', (header, expected) =>
    expect(ifNoneMatchMatches(header, etag)).toBe(expected)
  )

  it('is false without the header', () => expect(ifNoneMatchMatches(undefined, etag)).toBe(false))
})

describe('notModifiedSince', () => {
  const lastModified = new Date('2026-11-26T18:00:00.250Z')
  it('compares at one-second resolution', () => {
    expect(notModifiedSince('Thu, 26 Nov 2026 18:00:00 GMT', lastModified)).toBe(true)
    expect(notModifiedSince('Thu, 26 Nov 2026 18:00:01 GMT', lastModified)).toBe(true)
    expect(notModifiedSince('Thu, 26 Nov 2026 17:59:59 GMT', lastModified)).toBe(false)
    expect(notModifiedSince('not a date', lastModified)).toBe(false)
    expect(notModifiedSince(undefined, lastModified)).toBe(false)
  })
})
